#!/usr/bin/env python
"""Django's command-line utility for Aria Admin."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aria_admin.settings")
    from django.core.management import execute_from_command_line

    from aria_admin.errors import one_line_database_error

    try:
        execute_from_command_line(sys.argv)
    except Exception as exc:
        message = one_line_database_error(exc)
        if message is None:
            raise
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
