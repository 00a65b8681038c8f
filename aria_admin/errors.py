"""Turn database start-up failures into one line a person can act on."""


def one_line_database_error(exc):
    """The one-line message for a database that cannot be reached, or None."""
    from aria_admin.embedded import EmbeddedDatabaseError

    if isinstance(exc, EmbeddedDatabaseError):
        return str(exc)
    import psycopg
    from django.db.utils import OperationalError

    if not isinstance(exc, (OperationalError, psycopg.OperationalError)):
        return None
    from django.conf import settings

    db = settings.DATABASES["default"]
    host = db.get("HOST") or "localhost"
    port = db.get("PORT") or "5432"
    name = db.get("NAME")
    reason = " ".join(str(exc).split())[:200]
    return (
        f"cannot connect to PostgreSQL at {host}:{port}, database {name!r} ({reason}); "
        "check that the server is running and reachable and that DATABASE_URL is right."
    )
