"""gunicorn settings for Aria Admin (``make serve``, the container).

Everything can be overridden from the environment: PORT or BIND, WEB_WORKERS,
WEB_THREADS, WEB_TIMEOUT. See docs/production.md.
"""

import multiprocessing
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from aria_admin.secret_key import secret_key_problem  # noqa: E402


def _debug():
    return os.environ.get("DEBUG", "").strip().lower() in ("1", "true", "yes", "on")


# Refuse a missing or weak SECRET_KEY here, in one line, before any worker
# boots (the settings refuse it too, for other servers).
if not _debug() and (problem := secret_key_problem(os.environ.get("SECRET_KEY", ""))):
    sys.stderr.write(f"error: {problem}\n")
    sys.exit(2)

# Tells the settings this process serves requests (manifest static files,
# a real SECRET_KEY); workers inherit it.
os.environ.setdefault("ARIA_SERVING", "1")

wsgi_app = "aria_admin.wsgi:application"
bind = os.environ.get("BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"

# The usual 2 x cores + 1, capped: each worker holds a database connection.
workers = int(os.environ.get("WEB_WORKERS") or min(2 * multiprocessing.cpu_count() + 1, 9))
threads = int(os.environ.get("WEB_THREADS", "1"))
# gthread even with one thread: its main loop tells the arbiter it is alive
# while a request runs, so WEB_TIMEOUT restarts a stuck worker but never cuts
# a streamed export short (a sync worker is killed mid-download after 60 s;
# the database's own statement_timeout bounds each query instead).
worker_class = "gthread"
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never grows unbounded.
max_requests = 1000
max_requests_jitter = 100

# Logs to stdout/stderr, for the container runtime to collect.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("WEB_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(L)ss "%(a)s"'

# The TLS proxy in front sets X-Forwarded-*; trust it from any address only
# when told to (ARIA_BEHIND_PROXY), e.g. inside a compose network.
if os.environ.get("ARIA_BEHIND_PROXY", "").strip().lower() in ("1", "true", "yes", "on"):
    forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")

# gunicorn's runtime control socket (gunicornc) is off unless asked for: one
# fixed path per user would clash between several instances on one host.
control_socket_disable = os.environ.get("WEB_CONTROL_SOCKET", "") == ""
if not control_socket_disable:
    control_socket = os.environ["WEB_CONTROL_SOCKET"]
