#!/usr/bin/env python
"""Django's command-line utility for the archive."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 - load settings now, to report a missing variable
    except ImproperlyConfigured as error:
        # Without this, Django reports a settings error as "Models aren't loaded yet".
        sys.exit(f"manage.py: {error}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
