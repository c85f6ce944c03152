"""Pages about the signed-in person (dashboard, profile, my writing), the markdown preview,
and user markdown staying inert on every page that shows it."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone
from django.views.defaults import server_error
from rest_framework.authtoken.models import Token

from readings import services as reading_services
from sessions import services as session_services
from tests.notebooks.factories import (
    NotebookFactory,
)
from tests.readings.factories import GlossaryTermFactory, NoteFactory
from tests.sessions.factories import (
    CourseFactory,
    MembershipFactory,
    ReflectionFactory,
    SessionFactory,
    UserFactory,
)
from tracker.models import Profile

pytestmark = pytest.mark.django_db


# Dashboard


def test_dashboard_needs_sign_in(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_dashboard_shows_next_sessions_in_my_time_zone(client, member):
    Profile.objects.create(user=member, time_zone="Asia/Tokyo")
    course = CourseFactory()
    MembershipFactory(course=course, user=member)
    starts = (timezone.now() + timedelta(days=2)).replace(
        hour=1, minute=30, second=0, microsecond=0
    )
    SessionFactory(
        course=course, title="Upcoming talk", starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    SessionFactory(title="Not my course", starts_at=starts, ends_at=starts + timedelta(hours=1))
    client.force_login(member)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Upcoming talk" in html and "Not my course" not in html
    assert "Asia/Tokyo" in html and "10:30" in html  # 01:30 UTC is 10:30 in Tokyo


def test_dashboard_progress_counts_attended_reflected_and_required_readings(client, member):
    course = CourseFactory(title="Interp course")
    MembershipFactory(course=course, user=member)
    past = timezone.now() - timedelta(days=30)
    s1, s2, s3 = (
        SessionFactory(
            course=course,
            starts_at=past + timedelta(days=n),
            ends_at=past + timedelta(days=n, hours=1),
        )
        for n in range(3)
    )
    SessionFactory(course=course, title="Future")  # 2024 dates are past too; keep it explicit
    session_services.attendance_mark(user=member, session=s1)
    ReflectionFactory(author=member, session=s1, covers_until=s2)
    required = reading_services.reading_create(title="Required one")
    session_services.session_update(
        session=s3, readings=[{"reading": required, "role": "required"}]
    )
    reading_services.reading_status_set(user=member, reading=required, status="read")
    client.force_login(member)
    response = client.get(reverse("dashboard"))
    course_row = next(iter(response.context["courses"]))
    assert (
        course_row.sessions_attended,
        course_row.sessions_reflected,
        course_row.required_readings,
        course_row.required_readings_read,
    ) == (1, 2, 1, 1)
    awaiting = [s.pk for s in response.context["awaiting"]]
    assert s3.pk in awaiting and s1.pk not in awaiting and s2.pk not in awaiting


def test_dashboard_queries_do_not_grow_with_courses(client, member, django_assert_max_num_queries):
    client.force_login(member)

    def add(count):
        for _ in range(count):
            course = CourseFactory()
            MembershipFactory(course=course, user=member)
            for _ in range(3):
                SessionFactory(course=course)
            reading = reading_services.reading_create(title="A required reading")
            reading_services.reading_status_set(user=member, reading=reading, status="reading")

    add(1)
    client.get(reverse("dashboard"))
    with django_assert_max_num_queries(15) as small:
        client.get(reverse("dashboard"))
    add(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("dashboard"))
    assert len(response.context["courses"]) == 9


# Profile and token


def test_profile_is_made_on_first_visit_and_saved(client, member):
    client.force_login(member)
    assert client.get(reverse("profile")).status_code == 200
    assert Profile.objects.filter(user=member).exists()
    client.post(reverse("profile"), {"display_name": "  Max   M ", "time_zone": "Europe/Berlin"})
    profile = Profile.objects.get(user=member)
    assert (profile.display_name, profile.time_zone) == ("Max M", "Europe/Berlin")


def test_profile_rejects_an_unknown_time_zone_and_keeps_the_name(client, member):
    client.force_login(member)
    response = client.post(reverse("profile"), {"display_name": "Max", "time_zone": "Mars/Olympus"})
    html = response.content.decode()
    assert "Select a valid choice" in html and 'value="Max"' in html


def test_api_token_is_shown_and_regenerated(client, member):
    client.force_login(member)
    client.post(reverse("api_token_regenerate"))
    first = Token.objects.get(user=member).key
    assert first in client.get(reverse("profile")).content.decode()
    client.post(reverse("api_token_regenerate"))
    second = Token.objects.get(user=member).key
    assert second != first and first not in client.get(reverse("profile")).content.decode()


def test_token_cannot_be_regenerated_by_get_or_anonymously(client, member):
    assert client.post(reverse("api_token_regenerate")).status_code == 302
    client.force_login(member)
    assert client.get(reverse("api_token_regenerate")).status_code == 405
    assert not Token.objects.exists()


# My writing


def test_my_writing_lists_only_my_reflections_and_notes_with_visibility(client, member):
    ReflectionFactory(author=member, body="Mine, private", visibility="private")
    NoteFactory(author=member, body="My note", visibility="public")
    ReflectionFactory(body="Someone else's public", visibility="public")
    client.force_login(member)
    html = client.get(reverse("my_writing")).content.decode()
    assert (
        "Mine, private" in html and "My note" in html and "Only me" in html and "Everyone" in html
    )
    assert "Someone else" not in html


def test_my_writing_queries_do_not_grow(client, member, django_assert_max_num_queries):
    client.force_login(member)

    def add(count):
        for _ in range(count):
            ReflectionFactory(author=member)
            NoteFactory(author=member)
            NoteFactory(author=member, reading=None, session=SessionFactory())

    add(1)
    client.get(reverse("my_writing"))
    with django_assert_max_num_queries(10) as small:
        client.get(reverse("my_writing"))
    add(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("my_writing"))


# Preview


def test_preview_renders_through_the_one_pipeline(client, member):
    GlossaryTermFactory(name="Superposition")
    client.force_login(member)
    response = client.post(
        reverse("markdown_preview"),
        {"field": "definition", "definition": "**bold** superposition <script>x</script>"},
    )
    html = response.content.decode()
    assert "<strong>bold</strong>" in html and 'href="/glossary/superposition/"' in html
    assert "<script" not in html


def test_preview_for_a_signed_out_writer_asks_to_sign_in_again(client):
    response = client.post(
        reverse("markdown_preview"), {"body": "x"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 403 and "Sign in again" in response.content.decode()


# Every markdown field stays inert where it is shown

ATTACK = '<script>alert("x")</script><img src=x onerror="alert(1)">[a](javascript:alert(1))'


class ActiveContentFinder(HTMLParser):
    """Collects what a browser would run: scripts other than the site's own static files,
    event-handler attributes, and javascript: or data: URLs. Escaped text is inert and passes."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not (attributes.get("src") or "").startswith("/static/"):
            self.found.append(f"<script> {attributes}")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                ("javascript:", "data:")
            ):
                self.found.append(f"{tag} {name}={value}")


def assert_inert(html: str) -> None:
    finder = ActiveContentFinder()
    finder.feed(html)
    assert finder.found == []


def test_attacks_in_every_markdown_field_are_inert_on_their_pages(client):
    author = UserFactory()
    course = session_services.course_create(
        slug="xss", title="XSS course", description=ATTACK, visibility="public", organizer=author
    )
    session = session_services.session_create(
        course=course,
        title="XSS session",
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(hours=1),
        abstract=ATTACK,
    )
    session_services.reflection_save(
        author=author, session=session, body=ATTACK, visibility="public"
    )
    reading = reading_services.reading_create(
        title="XSS reading", summary=ATTACK, url="https://e.org"
    )
    reading_services.highlight_save(
        author=author, reading=reading, phrase="p", comment=ATTACK, visibility="public"
    )
    reading_services.note_save(author=author, reading=reading, body=ATTACK, visibility="public")
    reading_services.note_save(author=author, session=session, body=ATTACK, visibility="public")
    term = reading_services.term_create(name="XSS term", definition=ATTACK, author=author)
    reading_services.term_update(term=term, author=author, definition=ATTACK + " changed")
    reading_services.note_save(author=author, term=term, body=ATTACK, visibility="public")
    pages = [
        course.get_absolute_url(),
        session.get_absolute_url(),
        reading.get_absolute_url(),
        term.get_absolute_url(),
        reverse("reading_list"),
        reverse("term_list"),
    ]
    for signed_in in (False, True):
        if signed_in:
            client.force_login(author)
            pages += [reverse("my_writing"), reverse("dashboard")]
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert "XSS" in html  # the page does show the content under test
            assert_inert(html)


def test_every_page_names_the_sites_icon_and_the_icon_is_served(client):
    page = client.get("/accounts/login/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page)
    assert icon, "no icon link: browsers ask for /favicon.ico, which is a 404"
    response = client.get(icon.group(1))
    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content)


def test_an_unknown_page_answers_the_sites_own_404_page(client, member):
    client.force_login(member)
    response = client.get("/courses/no-such-course/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "This page does not exist" in page and 'class="site-header"' in page
    assert "URLconf" not in page  # not Django's debug page listing every pattern


@pytest.mark.usefixtures("isolated_media")
def test_a_refusal_answers_the_sites_own_403_page_with_the_reason(client):
    membership = MembershipFactory(role="member")
    notebook = NotebookFactory(session=SessionFactory(course=membership.course))
    client.force_login(membership.user)
    response = client.post(reverse("run_start", args=[notebook.pk]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "You may not do this" in page and 'class="site-header"' in page
    assert "Only organizers of the course manage its notebooks and runs." in page


def test_the_500_page_renders_without_a_request_or_a_database(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_the_profile_offers_places_grouped_by_region_not_every_alias(client, member):
    client.force_login(member)
    page = client.get(reverse("profile")).content.decode()
    assert '<optgroup label="Australia">' in page
    assert '<option value="Australia/Sydney">Sydney</option>' in page
    for alias in ("W-SU", "Factory", "US/Pacific", "Australia/ACT", "Etc/GMT+5"):
        assert f'value="{alias}"' not in page, alias
    assert page.count("<option") < 450


def test_a_profile_on_a_legacy_zone_name_keeps_it_selected(client, member):
    Profile.objects.update_or_create(user=member, defaults={"time_zone": "US/Pacific"})
    client.force_login(member)
    page = client.get(reverse("profile")).content.decode()
    assert '<option value="US/Pacific" selected>US/Pacific</option>' in page
