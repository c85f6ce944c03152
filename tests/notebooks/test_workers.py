import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_members_who_organize_nothing_cannot_see_the_workers(client, course_with_roles):
    _course, _organizer, member, _outsider = course_with_roles
    client.force_login(member)
    assert client.get(reverse("workers")).status_code == 403
    assert client.get(reverse("api-workers")).status_code == 403


def test_anonymous_visitors_are_asked_to_sign_in(client):
    assert client.get(reverse("workers")).status_code == 302
    assert client.get(reverse("api-workers")).status_code == 401


def test_organizers_are_told_when_the_broker_cannot_list_workers(
    client, course_with_roles, settings
):
    _course, organizer, _member, _outsider = course_with_roles
    client.force_login(organizer)
    from tracker.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "sqla+sqlite:///unused.sqlite3"
    try:
        page = client.get(reverse("workers"))
        answer = client.get(reverse("api-workers"))
    finally:
        app.conf.broker_url = original
    assert page.status_code == 200 and "cannot list its workers" in page.content.decode()
    assert answer.json() == {"available": False, "workers": []}
