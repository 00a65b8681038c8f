"""Create the first superuser, once (``make run`` calls this every time).

The name comes from ARIA_ADMIN_USER (default ``admin``) and the password from
ARIA_ADMIN_PASSWORD; without one, a strong password is generated and printed
this one time only. When any superuser exists, nothing is changed.
"""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create a first superuser from ARIA_ADMIN_USER/ARIA_ADMIN_PASSWORD if there is none."

    def handle(self, *args, **options):
        User = get_user_model()
        if User._default_manager.filter(is_superuser=True).exists():
            self.stdout.write("superuser exists")
            return
        username = os.environ.get("ARIA_ADMIN_USER") or "admin"
        if User._default_manager.filter(**{User.USERNAME_FIELD: username}).exists():
            raise CommandError(
                f"user {username!r} exists but is not a superuser; set ARIA_ADMIN_USER "
                "to another name, or run `manage.py createsuperuser`."
            )
        password = os.environ.get("ARIA_ADMIN_PASSWORD") or ""
        generated = not password
        if generated:
            password = secrets.token_urlsafe(18)
        User._default_manager.create_superuser(
            **{User.USERNAME_FIELD: username}, email="", password=password
        )
        if generated:
            self.stdout.write(f"Created superuser {username} with password {password}")
        else:
            self.stdout.write(f"Created superuser {username} (password from ARIA_ADMIN_PASSWORD)")
