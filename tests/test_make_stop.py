"""`make stop` and `make clean-db` on a temporary ARIA_PGDATA (issue 14).

The targets run as a newcomer runs them, through make, on an embedded server
of their own (not the suite's), so stopping it leaves the suite alone.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from aria_admin import embedded

ROOT = Path(__file__).resolve().parent.parent


def make(target, pgdata, **env):
    environment = {**os.environ, "ARIA_PGDATA": str(pgdata)}
    environment.pop("DATABASE_URL", None)  # unless the test sets one
    environment.update(env)
    result = subprocess.run(
        ["make", "--no-print-directory", target], cwd=ROOT, env=environment,
        capture_output=True, text=True, timeout=180,
    )
    return result.returncode, result.stdout.strip(), result.stderr.strip()


def start_server(pgdata):
    """Start a server in another process that exits and leaves it running, as `make run` does."""
    code = "import sys; from aria_admin import embedded; embedded.start(sys.argv[1])"
    subprocess.run(
        [sys.executable, "-c", code, str(pgdata)], cwd=ROOT, check=True, capture_output=True, timeout=180
    )


def server_runs(pgdata):
    return (pgdata / "postmaster.pid").is_file()


@pytest.fixture
def pgdata(tmp_path):
    """A folder for a server of the test's own, stopped whatever happens."""
    pgdata = tmp_path / "pgdata"
    yield pgdata
    if server_runs(pgdata):
        embedded.stop(pgdata)


def test_stop_then_clean_db_stop_the_server_and_remove_its_data(pgdata):
    start_server(pgdata)
    assert server_runs(pgdata)

    assert make("stop", pgdata) == (0, f"Stopped the embedded PostgreSQL in {pgdata}.", "")
    assert not server_runs(pgdata)
    assert make("stop", pgdata) == (0, f"The embedded PostgreSQL in {pgdata} is not running: nothing to stop.", "")

    start_server(pgdata)
    code, out, err = make("clean-db", pgdata, DATABASE_URL="postgresql://nobody@127.0.0.1:1/never_touched")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"Stopped the embedded PostgreSQL in {pgdata}.",
        f"Removing {pgdata}: the embedded PostgreSQL's data (aria_warehouse, the test and benchmark "
        "databases); the next start creates an empty one.",
        f"Removed {pgdata}.",
        "DATABASE_URL is set: its server was not touched (make clean-db only removes ARIA_PGDATA).",
    ]
    assert not pgdata.exists()
    assert make("stop", pgdata) == (0, f"No embedded PostgreSQL in {pgdata}: nothing to stop.", "")
    assert make("clean-db", pgdata) == (0, f"{pgdata} does not exist: nothing to remove.", "")


def test_clean_db_refuses_a_folder_that_is_not_postgresql_data(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")

    code, out, err = make("clean-db", tmp_path)

    assert code != 0
    assert err.splitlines()[0] == f"error: {tmp_path} is not a PostgreSQL data folder (no PG_VERSION): not removed."
    assert (tmp_path / "notes.txt").read_text() == "keep me"
