"""Full-text GIN indexes for the admin's search on the big log tables
(aria_admin.search_indexes: ours, built CONCURRENTLY, never drift).

The columns are those the tables' admins search, in their order
(data_app/admin): a test checks that each search uses its index.
"""

from django.db import migrations

from aria_admin.search_indexes import search_index_operation

# table: (text columns, jsonb columns)
SEARCH_INDEXES = {
    "aria_data.activity_log": (["action", "skill", "error_message"], ["details"]),
    "aria_data.model_usage": (["model", "provider", "error_message"], []),
    "aria_data.heartbeat_log": (["job_name", "status"], ["details"]),
    "aria_data.session_messages": (["content", "agent_id", "content_hash"], ["metadata"]),
    "aria_data.thoughts": (["content", "category"], ["metadata"]),
    "aria_data.security_events": (
        ["threat_level", "threat_type", "source", "user_id", "input_preview"],
        ["threat_patterns", "details"],
    ),
}


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction
    dependencies = [("data_app", "0003_thoughts_trigram")]
    operations = [search_index_operation(SEARCH_INDEXES)]
