"""A real gunicorn process serving Aria Admin, for the production tests."""

import contextlib
import gzip
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STRONG_TEST_KEY = "test-only-" + "k7Qz3xWv9Lp2Rt5Ym8Nb4Hc6Jd1Fg0Sa" * 2


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(**overrides):
    """The process environment of a production-like run (DEBUG off)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(DEBUG="false", SECRET_KEY=STRONG_TEST_KEY, WEB_WORKERS="1")
    env.update(overrides)
    return env


def fetch(url, timeout=5, headers=None):
    """(status, headers, body text) of a GET, error statuses included."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, _text(response)
    except urllib.error.HTTPError as error:
        return error.code, error.headers, _text(error)


def _text(response):
    body = response.read()
    if response.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return body.decode()


@contextlib.contextmanager
def gunicorn(env, startup_timeout=60, output=None):
    """Run gunicorn with gunicorn.conf.py; yield its base URL; stop it.

    ``output``: a list that receives everything the process wrote to
    stdout and stderr, once it has stopped.
    """
    port = free_port()
    env = {**env, "BIND": f"127.0.0.1:{port}"}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if process.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{process.stdout.read()}")
            with contextlib.suppress(OSError):
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            if time.monotonic() > deadline:
                raise AssertionError("gunicorn did not start listening")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if output is not None:
            output.append(process.stdout.read())
        process.stdout.close()
