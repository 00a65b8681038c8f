from django.contrib import admin


class AriaAdminSite(admin.AdminSite):
    site_header = "Aria Admin"
    site_title = "Aria Admin"
    index_title = "Dashboard"
