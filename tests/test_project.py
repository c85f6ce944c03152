"""Checks on the project itself: migrations match the models, and deploy checks warn."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings


@pytest.mark.django_db
def test_models_have_no_missing_migrations():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit as exit_:
        pytest.fail(f"Missing migrations:\n{out.getvalue()} ({exit_})")


def test_deploy_check_warns_about_development_defaults():
    from tracker.checks import development_defaults_in_production

    with override_settings(DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3"}}):
        ids = {w.id for w in development_defaults_in_production(None)}
    assert {"tracker.W003"} <= ids


def test_deploy_check_is_quiet_on_production_settings():
    from tracker.checks import development_defaults_in_production

    with override_settings(
        DEVELOPMENT=False,
        SECRET_KEY="a-real-secret-" + "x" * 40,
        DATABASES={"default": {"ENGINE": "django.db.backends.postgresql"}},
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    ):
        assert development_defaults_in_production(None) == []
