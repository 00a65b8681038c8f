"""Settings for the benchmark: the project's settings, on a bench database,
with a baseline admin site and a per-request SQL query counter.

Used only by `make bench` (DJANGO_SETTINGS_MODULE=bench.settings).
"""

from aria_admin.settings import *  # noqa: F403
from aria_admin.settings import DATABASES, MIDDLEWARE, env

# The bench database (on the embedded server, or on BENCH_DATABASE_URL's server
# which bench/run.py passes on as DATABASE_URL); never aria_warehouse itself.
DATABASES["default"]["NAME"] = env.str("BENCH_DB_NAME", default="aria_bench")
DATABASES["default"].pop("TEST", None)

ROOT_URLCONF = "bench.urls"

# Outermost, so that the session and auth queries are counted too.
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]

# Served over plain HTTP on localhost.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

STATIC_ROOT = env.str("BENCH_STATIC_ROOT", default="/tmp/aria-bench-static")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}
