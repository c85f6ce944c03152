"""Checks on the project itself: migrations match the models, and deploy checks warn."""

from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from tracker.checks import development_default_warnings


@pytest.mark.django_db
def test_models_have_no_missing_migrations():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit as exit_:
        pytest.fail(f"Missing migrations:\n{out.getvalue()} ({exit_})")


def _settings(**overrides):
    values = {
        "DEVELOPMENT": False,
        "SECRET_KEY": "a-real-secret-" + "x" * 40,
        "DEV_SECRET_KEY": "dev",
        "DATABASES": {"default": {"ENGINE": "django.db.backends.postgresql"}},
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "CELERY_DEFAULT_BROKER_URL": "sqla+sqlite:///broker.sqlite3",
        "CACHES": {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}},
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DEFAULT_FROM_EMAIL": "Tracker <tracker@example.org>",
        "DEV_DEFAULT_FROM_EMAIL": "Tracker <tracker@localhost>",
    }
    return SimpleNamespace(**(values | overrides))


def test_deploy_check_warns_about_each_development_default():
    warnings = development_default_warnings(
        _settings(
            DEVELOPMENT=True,
            SECRET_KEY="dev",
            DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3"}},
            CELERY_BROKER_URL="sqla+sqlite:///broker.sqlite3",
            CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        )
    )
    assert [w.id for w in warnings] == [
        "tracker.W001",
        "tracker.W002",
        "tracker.W003",
        "tracker.W004",
        "tracker.W005",
    ]


@pytest.mark.parametrize("backend", ["locmem.LocMemCache", "dummy.DummyCache"])
def test_deploy_check_warns_when_the_cache_cannot_count_sign_ins_across_processes(backend):
    cache = {"default": {"BACKEND": f"django.core.cache.backends.{backend}"}}
    warnings = development_default_warnings(_settings(CACHES=cache))
    assert [w.id for w in warnings] == ["tracker.W005"]
    assert "login limit" in warnings[0].msg and "CACHE_URL" in warnings[0].hint


@pytest.mark.parametrize(
    "email",
    [
        {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
        {"DEFAULT_FROM_EMAIL": "Tracker <tracker@localhost>"},
    ],
)
def test_deploy_check_warns_when_invitation_emails_would_reach_no_one(email):
    warnings = development_default_warnings(_settings(**email))
    assert [w.id for w in warnings] == ["tracker.W006"]
    assert "EMAIL_URL" in warnings[0].hint


def test_deploy_check_is_quiet_on_production_settings():
    assert development_default_warnings(_settings()) == []
