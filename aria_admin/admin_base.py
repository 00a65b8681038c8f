"""The ModelAdmin every Aria table's admin builds on."""

from django.contrib import admin


class AriaModelAdmin(admin.ModelAdmin):
    list_per_page = 50
    show_full_result_count = False
