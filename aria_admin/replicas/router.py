"""The database router: reads of a replica-reading request go to its replica,
everything else to the primary.

Why not a library: django-multidb-router (0.11, July 2025) is the maintained
pinning router, but it declares support up to Django 5.2 only, sends every
read of every request to a replica (we route by kind of page: change forms
and the board must read the primary), pins by cookie and by HTTP method
rather than by an actual write (and only for its own cookie's lifetime, not
in the session), and knows nothing of a replica being down or lagging. Its
thread-local pin would also be lost while a streamed export is iterated.
What we need is this class plus aria_admin.replicas.context/status.

Raw SQL follows the router only if asked: ``django.db.connection`` is always
the primary (correct, just not offloaded); a read-only view's raw query
reads its replica with ``connections[router.db_for_read(model)]`` or
``connections[queryset.db]`` (as aria_admin/admin/filters.py and counts.py do).
"""

from django.db import DEFAULT_DB_ALIAS, connections

from aria_admin.replicas import context, status

# Apps whose rows decide who the user is and what they may do, or that
# record what they did: always read fresh from the primary. A session or
# user read from a replica a moment behind could log someone out or lose
# their pin to the primary.
PRIMARY_ONLY_APPS = frozenset({"auth", "sessions", "contenttypes", "admin", "axes", "aria_admin_log", "warehouse"})


class ReplicaRouter:
    """Reads: the request's replica when its plan allows, else the primary.
    Writes and migrations: always the primary."""

    def db_for_read(self, model, **hints):
        plan = context.current()
        if plan is None or not plan.reads_replica or model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        # A read inside a transaction on the primary expects to see it.
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return plan.replica

    def db_for_write(self, model, **hints):
        # Explicit: with no answer Django would write an instance back to the
        # database it was read from, a read-only replica.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # A replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db in status.aliases() else None
