from django.core.management.base import BaseCommand

from tracker.demo import load_demo
from tracker.demo_data import DEMO_PASSWORD_HINT


class Command(BaseCommand):
    help = "Fill the site with demo courses, sessions, readings and glossary (idempotent)."

    def handle(self, *args, **options):
        created = load_demo(log=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data: {created} objects created.")
            + f" Accounts: organizer and member (password: {DEMO_PASSWORD_HINT})."
        )
