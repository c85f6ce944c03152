#!/usr/bin/env python
"""Django's command-line utility for the tracker."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    # A person at a terminal gets development defaults; servers set TRACKER_ENV=production.
    os.environ.setdefault("TRACKER_ENV", "development")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
