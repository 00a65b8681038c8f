"""The full-text GIN index for the admin's search on engine chat messages
(aria_admin.search_indexes: ours, built CONCURRENTLY, never drift).

The columns are those EngineChatMessageAdmin searches, in its order.
"""

from django.db import migrations

from aria_admin.search_indexes import search_index_operation

SEARCH_INDEXES = {
    "aria_engine.chat_messages": (
        ["content", "thinking", "agent_id", "model"],
        ["tool_calls", "tool_results", "metadata"],
    ),
}


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction
    dependencies = [("engine_app", "0003_hnsw_indexes")]
    operations = [search_index_operation(SEARCH_INDEXES)]
