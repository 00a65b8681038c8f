"""Indexes on Django's admin history table (django_admin_log, in public).

Bulk actions write one history entry per row, so the table grows by
thousands of rows at a time. Django indexes its user and content type
columns but not the time: the admin index's "Recent actions" (a user's
latest entries) and Recent changes sorted every entry of the user.
A migration of its own, outside Aria's schemas, and applied for real
when aria_bootstrap adopts a warehouse (only data_app and engine_app are
faked there).
"""
