"""Serving a bench database with gunicorn (DEBUG off), as in production."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench import db
from bench.client import Client

BASE_DIR = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
GUNICORN_CONF = BASE_DIR / "gunicorn.conf.py"
SUPERUSER = "bench"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(dbname, *args, env_extra=None, input_text=None):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR, env=db.child_env(dbname, **(env_extra or {})),
        check=True, input=input_text, text=True, stdout=subprocess.DEVNULL,
    )


def collectstatic(dbname, static_root, secret_key):
    manage(
        dbname, "collectstatic", "--noinput", "-v", "0",
        env_extra={"BENCH_STATIC_ROOT": str(static_root), "DEBUG": "false",
                   "SECRET_KEY": secret_key},
    )


SUPERUSER_SCRIPT = """
import sys
from django.contrib.auth import get_user_model
User = get_user_model()
user, _ = User.objects.get_or_create(username=sys.argv[1])
user.is_staff = user.is_superuser = user.is_active = True
user.set_password(sys.argv[2])
user.save()
"""


def ensure_superuser(dbname, password):
    """(Re)create the bench superuser with ``password`` in ``dbname``."""
    subprocess.run(
        [sys.executable, "-c",
         "import django; django.setup(); exec(open(0).read())", SUPERUSER, password],
        cwd=BASE_DIR, env=db.child_env(dbname), check=True, input=SUPERUSER_SCRIPT,
        text=True,
    )


class Server:
    """gunicorn serving ``dbname`` on a free localhost port."""

    def __init__(self, dbname, *, workers, static_root, secret_key, log_path, env_extra=None):
        self.dbname = dbname
        self.workers = workers
        self.static_root = static_root
        self.secret_key = secret_key
        self.log_path = log_path
        self.port = free_port()
        self.process = None
        self.env_extra = env_extra or {}  # e.g. DATABASE_REPLICA_URLS

    def __enter__(self):
        env = db.child_env(
            self.dbname,
            DEBUG="false",
            SECRET_KEY=self.secret_key,
            BENCH_STATIC_ROOT=str(self.static_root),
            PYTHONUNBUFFERED="1",
            **self.env_extra,
        )
        self.log = open(self.log_path, "a")
        # The project's production gunicorn.conf.py where there is one; the
        # command line only sets the address, the workers and a timeout long
        # enough for the baseline's slowest pages.
        config = ["--config", str(GUNICORN_CONF)] if GUNICORN_CONF.is_file() else []
        self.process = subprocess.Popen(
            [str(GUNICORN), *config, "aria_admin.wsgi:application",
             "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.workers),
             "--timeout", "180",
             "--error-logfile", "-"],
            cwd=BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_ready()
        return self

    def wait_ready(self, timeout=90):
        deadline = time.monotonic() + timeout
        client = Client(self.port)
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            try:
                if client.get("/admin/login/").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"gunicorn did not answer within {timeout}s; see {self.log_path}")

    def worker_pids(self):
        """The gunicorn workers: the master's children, read from /proc."""
        pids = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
            except OSError:  # the process ended meanwhile
                continue
            if int(fields.get("PPid", "0").strip()) == self.process.pid:
                pids.append(int(status.parent.name))
        return pids

    def worker_rss_mb(self):
        """{pid: resident memory in MB} of each worker (VmRSS)."""
        rss = {}
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    rss[pid] = int(line.split()[1]) / 1024
        return rss

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def new_secret_key():
    return secrets.token_urlsafe(64)
