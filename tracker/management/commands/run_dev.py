"""`make run`: the development server beside a Celery worker for notebooks and a light one for
maintenance (with the beat schedule); Ctrl-C stops all three."""

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the site on 127.0.0.1:8000 with the Celery workers beside it."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        python = sys.executable
        celery = [python, "-m", "celery", "-A", "tracker", "worker", "--loglevel", "INFO"]
        notebook_worker = subprocess.Popen(
            [*celery, "-Q", "cpu,gpu", "--concurrency", "1", "--prefetch-multiplier", "1"]
        )
        # The reaper of lost runs gets a light worker of its own (no pool process), so it never
        # waits behind a long notebook; its embedded beat schedules it. Here it computes the
        # embeddings too (docker-compose gives them a worker of their own).
        maintenance_worker = subprocess.Popen(
            [*celery, "-Q", "maintenance,embeddings", "--pool", "solo",
             "--hostname", "maintenance@%h", "--beat"]
        )  # fmt: skip
        server = subprocess.Popen([python, "manage.py", "runserver", options["addr"]])
        children = (server, notebook_worker, maintenance_worker)
        self.stdout.write(
            self.style.SUCCESS(f"\nThe tracker is at http://{options['addr']}/")
            + "\nSign in as organizer / organizer-demo or member / member-demo."
            + f"\nBroker: {settings.CELERY_BROKER_URL}. Press Ctrl-C to stop them all.\n"
        )
        # Ctrl-C and a plain `kill` both stop the children, also when this process was
        # started in the background, where SIGINT arrives ignored.
        signal.signal(signal.SIGINT, _raise_keyboard_interrupt)
        signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
        try:
            while all(process.poll() is None for process in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for process in children:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in children:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt
