"""Whether a SECRET_KEY is fit for serving requests with DEBUG off.

Kept free of Django imports so that gunicorn.conf.py can refuse a bad key
before any worker starts.
"""

# Used only when DEBUG is on or when the process serves no requests (tests,
# migrations, import commands): sessions and signatures never leave it.
DEVELOPMENT_SECRET_KEY = "aria-admin-insecure-development-key-change-me-in-production"

MIN_LENGTH = 50
MIN_UNIQUE_CHARACTERS = 5


def secret_key_problem(key):
    """One line saying what is wrong with ``key``, or None when it is fine."""
    if not key:
        return (
            "SECRET_KEY is not set; with DEBUG off set it to 50 or more random characters "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))").'
        )
    if key == DEVELOPMENT_SECRET_KEY or key.startswith("django-insecure"):
        return "SECRET_KEY is the public development key; set a random one of 50 or more characters."
    if len(key) < MIN_LENGTH:
        return f"SECRET_KEY is too short ({len(key)} characters); use {MIN_LENGTH} or more random characters."
    if len(set(key)) < MIN_UNIQUE_CHARACTERS:
        return (
            f"SECRET_KEY has only {len(set(key))} distinct characters; "
            f"use {MIN_LENGTH} or more random characters."
        )
    return None


def serves_requests(argv):
    """Whether this command line serves HTTP or checks a deployment."""
    program = argv[0].rsplit("/", 1)[-1] if argv else ""
    if program.startswith(("gunicorn", "uwsgi", "uvicorn", "daphne")):
        return True
    args = argv[1:]
    return bool(args) and (
        args[0] in ("runserver", "runserver_plus") or (args[0] == "check" and "--deploy" in args)
    )
