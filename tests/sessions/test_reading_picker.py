"""The session form's reading picker: the library as checkboxes (usable without scripts), the
attached readings first, in their order, each with its role."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from readings.models import Author, Reading, ReadingAuthor
from sessions import services
from sessions.models import Session
from tests.readings.factories import ReadingFactory
from tests.sessions.factories import SessionFactory
from tests.sessions.test_views import session_form_data


@pytest.fixture
def organizer_session(course_with_roles, client):
    course, organizer, member, _outsider = course_with_roles
    client.force_login(organizer)
    return SessionFactory(course=course), member


def edit_url(session) -> str:
    return reverse("session_edit", kwargs={"slug": session.course.slug, "number": session.number})


def attached(session) -> list[tuple[str, str]]:
    return [(r.reading.title, r.role) for r in session.session_readings.select_related("reading")]


def test_organizer_attaches_readings_in_the_order_ticked_with_their_roles(
    client, organizer_session
):
    session, _member = organizer_session
    zoom, toy, _unused = (ReadingFactory(title=t) for t in ("Zoom In", "Toy Models", "Unused"))
    data = session_form_data(number=session.number, readings=[str(toy.pk), str(zoom.pk)])
    data[f"readings-role-{toy.pk}"] = "required"  # zoom's role is left out: optional
    response = client.post(edit_url(session), data)
    assert response.status_code == 302
    assert attached(session) == [("Toy Models", "required"), ("Zoom In", "optional")]


def test_edit_page_lists_attached_readings_first_in_order_then_the_library_by_title(
    client, organizer_session
):
    session, _member = organizer_session
    first, second = ReadingFactory(title="Zoom In"), ReadingFactory(title="A mathematical theory")
    ReadingFactory(title="Circuits")
    ReadingFactory(title="Beta")
    services.session_update(
        session=session,
        readings=[{"reading": first, "role": "discussed"}, {"reading": second, "role": "required"}],
    )
    html = client.get(edit_url(session)).content.decode()
    picked, library = html.split('class="reading-library"')
    assert re.findall(r'value="(\d+)" checked', picked) == [str(first.pk), str(second.pk)]
    assert f'name="readings-role-{first.pk}"' in picked
    assert re.search(
        rf'name="readings-role-{first.pk}".*?<option value="discussed" selected', picked, re.S
    )
    titles = re.findall(r'data-title="([^"]+)"', library)
    assert titles == ["Beta", "Circuits"]  # the attached ones are not listed twice


def test_saving_the_form_unchanged_keeps_readings_order_and_roles(client, organizer_session):
    session, _member = organizer_session
    readings = [ReadingFactory(title=t) for t in ("C", "A", "B")]
    services.session_update(
        session=session,
        readings=[
            {"reading": r, "role": role}
            for r, role in zip(readings, ["mentioned", "required", "optional"], strict=True)
        ],
    )
    before = attached(session)
    html = client.get(edit_url(session)).content.decode()
    ticked = re.findall(r'name="readings" value="(\d+)" checked', html)
    roles = dict(
        re.findall(r'name="(readings-role-\d+)".*?<option value="(\w+)" selected', html, re.S)
    )
    client.post(
        edit_url(session), session_form_data(number=session.number, readings=ticked) | roles
    )
    assert attached(session) == before == [("C", "mentioned"), ("A", "required"), ("B", "optional")]


def test_unticking_a_reading_takes_it_off_the_session(client, organizer_session):
    session, _member = organizer_session
    kept, dropped = ReadingFactory(title="Kept"), ReadingFactory(title="Dropped")
    services.session_update(
        session=session,
        readings=[{"reading": dropped, "role": "required"}, {"reading": kept, "role": "required"}],
    )
    data = session_form_data(number=session.number, readings=[str(kept.pk)])
    client.post(edit_url(session), data | {f"readings-role-{kept.pk}": "required"})
    assert attached(session) == [("Kept", "required")]


@pytest.mark.parametrize(
    ("readings", "role", "message"),
    [
        (["999999"], "", "One of the chosen readings no longer exists"),
        (["one"], "", "Choose readings from the list"),
        (["9" * 40], "", "Choose readings from the list"),
        (None, "essential", "“essential” is not one of"),
    ],
)
def test_bad_readings_are_a_form_error_and_nothing_is_stored(
    client, course_with_roles, readings, role, message
):
    course, organizer, _member, _outsider = course_with_roles
    reading = ReadingFactory()
    client.force_login(organizer)
    data = session_form_data(readings=readings or [str(reading.pk)])
    data[f"readings-role-{reading.pk}"] = role
    response = client.post(reverse("session_create", kwargs={"slug": course.slug}), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Session.objects.filter(course=course).exists()


def test_the_picker_shows_authors_to_search_by(client, organizer_session):
    session, _member = organizer_session
    reading = ReadingFactory(title="Zoom In", year=2020)
    author = Author.objects.create(given_name="Chris", family_name="Olah")
    ReadingAuthor.objects.create(reading=reading, author=author)
    html = client.get(edit_url(session)).content.decode()
    assert 'data-search="zoom in chris olah 2020"' in html
    assert "Olah (2020)" in html


def _library_of(size: int) -> None:
    """`size` readings, each with an author, written in a few queries."""
    start = Reading.objects.count()
    readings = Reading.objects.bulk_create(
        Reading(slug=f"bulk-{start + i}", title=f"Bulk reading {start + i}") for i in range(size)
    )
    authors = Author.objects.bulk_create(
        Author(family_name=f"Writer {start + i}") for i in range(size)
    )
    ReadingAuthor.objects.bulk_create(
        ReadingAuthor(reading=r, author=a) for r, a in zip(readings, authors, strict=True)
    )


def test_the_session_form_costs_the_same_queries_with_a_thousand_readings(
    client, organizer_session, django_assert_num_queries
):
    session, _member = organizer_session
    _library_of(5)
    client.get(edit_url(session))  # warm the session and content types
    with CaptureQueriesContext(connection) as small:
        client.get(edit_url(session))
    _library_of(995)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(edit_url(session))
    assert response.content.decode().count('name="readings"') == 1000
