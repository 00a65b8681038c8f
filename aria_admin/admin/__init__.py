"""Shared admin machinery behind aria_admin.admin_base.AriaModelAdmin.

forms: JSON/embedding/integer form handling; filters: list filters that
stay cheap on big tables; counts: PostgreSQL row estimates; display: list
cells (truncation, FK links, embedding summaries, related-record tables);
actions: one-UPDATE bulk actions; search: the search rule (words and
phrases, full-text, what our GIN indexes serve).
"""
