"""`make run`: the development server and a Celery worker side by side; Ctrl-C stops both."""

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the site on 127.0.0.1:8000 with a Celery worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        python = sys.executable
        worker = subprocess.Popen(
            [python, "-m", "celery", "-A", "tracker", "worker", "-Q", "cpu,gpu",
             "--concurrency", "1", "--prefetch-multiplier", "1", "--loglevel", "INFO",
             "--beat"],  # the embedded beat schedules the reaper of lost runs
        )  # fmt: skip
        server = subprocess.Popen([python, "manage.py", "runserver", options["addr"]])
        self.stdout.write(
            self.style.SUCCESS(f"\nThe tracker is at http://{options['addr']}/")
            + "\nSign in as organizer / organizer-demo or member / member-demo."
            + f"\nBroker: {settings.CELERY_BROKER_URL}. Press Ctrl-C to stop the site and worker.\n"
        )
        # Ctrl-C and a plain `kill` both stop the two children, also when this process was
        # started in the background, where SIGINT arrives ignored.
        signal.signal(signal.SIGINT, _raise_keyboard_interrupt)
        signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
        try:
            while worker.poll() is None and server.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for process in (server, worker):
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in (server, worker):
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt
