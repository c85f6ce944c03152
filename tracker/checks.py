"""System checks: `manage.py check --deploy` warns when production runs on a development default."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

# Default caches that web processes cannot share, and what that does to the login limit.
PER_PROCESS_CACHES = {
    "LocMemCache": "The default cache is per process (LocMemCache): each web process counts "
    "failed sign-ins on its own, so the login limit is multiplied by the number of processes.",
    "DummyCache": "The default cache is DummyCache, which stores nothing: failed sign-ins are "
    "never counted, so there is no login limit.",
}

# Django's email backends (by module) that deliver nothing to anyone.
UNDELIVERED_EMAIL_BACKENDS = {"console", "locmem", "dummy", "filebased"}


@register(Tags.security, deploy=True)
def development_defaults_in_production(app_configs, **kwargs):
    return development_default_warnings(settings)


def development_default_warnings(settings) -> list[Warning]:
    """The development defaults still in force in these settings (any object with the names)."""
    warnings = []
    if settings.DEVELOPMENT:
        warnings.append(
            Warning(
                "TRACKER_ENV is 'development'.",
                hint="Set TRACKER_ENV=production for a deployment.",
                id="tracker.W001",
            )
        )
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        warnings.append(
            Warning(
                "SECRET_KEY is the development default.",
                hint="Set SECRET_KEY to a long random value.",
                id="tracker.W002",
            )
        )
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        warnings.append(
            Warning(
                "The database is SQLite, the development default.",
                hint="Set DATABASE_URL to a postgres:// URL.",
                id="tracker.W003",
            )
        )
    if settings.CELERY_BROKER_URL == settings.CELERY_DEFAULT_BROKER_URL:
        warnings.append(
            Warning(
                "The Celery broker is the embedded SQLite one, the development default.",
                hint="Set CELERY_BROKER_URL to a redis:// or amqp:// URL.",
                id="tracker.W004",
            )
        )
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    if backend in PER_PROCESS_CACHES:
        warnings.append(
            Warning(
                PER_PROCESS_CACHES[backend],
                hint="Set CACHE_URL to a shared cache, e.g. redis://redis:6379/1.",
                id="tracker.W005",
            )
        )
    if not settings.DEVELOPMENT and (
        settings.EMAIL_BACKEND.rsplit(".", 2)[-2] in UNDELIVERED_EMAIL_BACKENDS
        or settings.DEFAULT_FROM_EMAIL == settings.DEV_DEFAULT_FROM_EMAIL
    ):
        warnings.append(
            Warning(
                "Email is not set up: course invitations would reach no one, or come from "
                "an address at localhost.",
                hint="Set EMAIL_URL to your mail server (smtp+tls://...) and DEFAULT_FROM_EMAIL.",
                id="tracker.W006",
            )
        )
    return warnings
