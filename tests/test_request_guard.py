"""Hostile input to the pages: a NUL or bytes that are not UTF-8 in the address answer 400
(tracker/request_guard.py), JSON only for clients that ask for it; nested JSON and zone-folder
files are refused by the forms. Each of these was a 500 (on PostgreSQL) or a silent accept."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from notebooks.models import Run
from readings.models import Reading
from tests.notebooks.factories import (
    NotebookFactory,
    notebook_bytes,
)
from tests.sessions.factories import SessionFactory
from tracker import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Factories hash a password per user; the real hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def signed_in(client, course_with_roles):
    course, organizer, _member, _outsider = course_with_roles
    client.force_login(organizer)
    return client, course, organizer


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("/calendar/{token}%00.ics", "The address holds a NUL character."),
        ("/calendar/%00.ics", "The address holds a NUL character."),
        ("/readings/export/bibtex/?course=a%00b", "course: Null characters are not allowed."),
        ("/readings/export/csljson/?reading=%00", "reading: Null characters are not allowed."),
        ("/readings/export/bibtex/?session=1%00", "session: Null characters are not allowed."),
        ("/search/?q=a%00b", "q: Null characters are not allowed."),
        ("/courses/%FF/", "The address is not valid UTF-8."),
        ("/readings/?tag=%C3%28", "tag: This is not valid UTF-8 text."),
        ("/glossary/?q=%ED%A0%80", "q: This is not valid UTF-8 text."),  # an encoded surrogate
        ("/search/?%FF=1", "a parameter name that is not valid text"),
    ],
)
def test_a_nul_or_broken_utf8_in_a_page_address_is_a_short_plain_400(signed_in, url, says):
    client, _course, organizer = signed_in
    token = services.profile_for(organizer).calendar_token
    response = client.get(url.format(token=token))
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert says in response.content.decode()


def test_a_json_client_gets_json_from_a_page_address(client):
    response = client.get("/readings/?tag=%00", HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json() == {"tag": ["Null characters are not allowed."]}


@pytest.mark.parametrize("url", ["/readings/?q=100%25", "/readings/?q=caf%C3%A9", "/readings/?q="])
def test_ordinary_addresses_pass(client, url):
    assert client.get(url).status_code == 200


def test_a_token_of_another_shape_is_no_calendar(client, member):
    """Looked up only when it could be one of ours (PostgreSQL refuses some text outright)."""
    assert client.get(reverse("personal_calendar", args=["a b"])).status_code == 404
    assert client.get(reverse("personal_calendar", args=["x" * 65])).status_code == 404


@pytest.mark.parametrize("name", ["reading", "course"])
def test_an_export_of_something_no_slug_names_is_a_404(signed_in, name):
    client, _course, _organizer = signed_in
    assert client.get(f"/readings/export/bibtex/?{name}=a%20b").status_code == 404


@pytest.mark.parametrize("text", ["[" * 100_000, "[" * 65 + "{}" + "]" * 65])
def test_csl_json_nested_too_deeply_is_a_form_error(signed_in, text):
    client, _course, _organizer = signed_in
    response = client.post(reverse("reading_import"), {"format": "csljson", "text": text})
    assert response.status_code == 200
    assert "nested deeper than 64 levels" in response.content.decode()
    assert not Reading.objects.exists()


@pytest.mark.usefixtures("isolated_media")
def test_deep_run_parameters_typed_in_the_page_are_a_form_error(signed_in):
    client, course, _organizer = signed_in
    notebook = NotebookFactory(
        session=SessionFactory(course=course),
        content=notebook_bytes("print(anything)", parameters="anything = None"),
    )
    field = f"run-{notebook.pk}-anything"
    response = client.post(
        reverse("run_start", args=[notebook.pk]), {field: "[" * 2_000 + "]" * 2_000}
    )
    assert response.status_code == 400
    assert "Enter a JSON value" in response.content.decode()
    assert not Run.objects.exists()


@pytest.mark.parametrize("zone", ["localtime", "posixrules", "Factory"])
def test_the_profile_form_offers_and_takes_only_real_zones(client, member, zone):
    client.force_login(member)
    assert f'value="{zone}"' not in client.get(reverse("profile")).content.decode()
    response = client.post(reverse("profile"), {"display_name": "M", "time_zone": zone})
    assert response.status_code == 200  # the form again, with its error
    assert services.profile_for(member).time_zone == "UTC"
    saved = client.post(reverse("profile"), {"display_name": "M", "time_zone": "Pacific/Apia"})
    assert saved.status_code == 302
    assert services.profile_for(member).time_zone == "Pacific/Apia"


def test_a_calendar_file_with_a_nul_is_a_form_error(signed_in):
    client, course, _organizer = signed_in
    upload = SimpleUploadedFile("x.ics", b"BEGIN:VCALENDAR\r\nX:\x00\r\nEND:VCALENDAR\r\n")
    response = client.post(reverse("calendar_import", args=[course.slug]), {"file": upload})
    assert response.status_code == 200
    assert "The calendar holds a NUL character." in response.content.decode()
    assert not course.sessions.exists()


def test_a_form_body_that_is_not_utf8_is_a_400_and_saves_nothing(client, member):
    client.force_login(member)
    response = client.generic(
        "POST",
        reverse("profile"),
        b"display_name=caf%E9&time_zone=UTC",  # latin-1, not UTF-8
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "display_name: This is not valid UTF-8 text." in response.content.decode()
    assert services.profile_for(member).display_name == ""


def test_a_nul_in_a_form_field_is_left_to_the_form_which_names_it(client, member):
    client.force_login(member)
    response = client.post(reverse("profile"), {"display_name": "a\x00b", "time_zone": "UTC"})
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert services.profile_for(member).display_name == ""
