"""Social posts, with the replies to each."""

from django.contrib import admin

from aria_admin.admin.display import related_table
from aria_admin.admin_base import AriaModelAdmin, DateRangeFieldListFilter, values_filter
from data_app.models import SocialPost


@admin.register(SocialPost)
class SocialPostAdmin(AriaModelAdmin):
    list_display = ["post_id", "platform", "content", "visibility", "reply_to", "url", "posted_at"]
    list_display_links = ["post_id", "content"]
    list_filter = [
        ("platform", values_filter(["moltbook"])),
        ("visibility", values_filter(["public"])),
        ("posted_at", DateRangeFieldListFilter),
    ]
    search_fields = ["post_id", "platform", "content", "url", "metadata_json", "=id"]
    raw_id_fields = ["reply_to"]
    ordering = ["-posted_at"]

    change_page_fields = ["replies_list"]

    @admin.display(description="replies (latest 50)")
    def replies_list(self, obj):
        if not obj.post_id:
            return "No post id, so no replies."
        return related_table(
            obj.replies.order_by("-posted_at"),
            [("reply", lambda p: p.content), ("posted", lambda p: p.posted_at)],
            see_all=(SocialPost, {"reply_to": obj.post_id}),
        )
