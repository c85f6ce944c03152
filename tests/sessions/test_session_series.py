"""Adding several sessions at once: a preview, then all of them or none, at the same wall-clock
time where the course meets whatever the clocks do."""

import re
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sessions import services
from sessions.models import Session
from tests.sessions.factories import CourseFactory, MembershipFactory, SessionFactory, UserFactory

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def london(db):
    """A seminar that meets in London, with its organizer."""
    course = CourseFactory(time_zone="Europe/London", default_location="Room 101")
    organizer = MembershipFactory(course=course, role="organizer").user
    return course, organizer


def series_data(**changes) -> dict:
    data = {
        "first_date": "2024-03-21",
        "start_time": "18:00",
        "duration": "90",
        "count": "3",
        "frequency": "weekly",
        "dates": "",
        "skip": "",
        "title_pattern": "Seminar {n}",
        "location": "Room 101",
        "online_url": "",
    }
    return data | changes


def url(course) -> str:
    return reverse("session_series", kwargs={"slug": course.slug})


def preview(client, course, **changes):
    response = client.post(url(course), series_data(**changes) | {"preview": "1"})
    assert response.status_code == 200
    return response


def fingerprint_of(response) -> str:
    return re.search(r'name="fingerprint" value="(\w+)"', response.content.decode()).group(1)


def confirm(client, course, fingerprint: str, **changes):
    data = series_data(**changes) | {"confirm": "1", "fingerprint": fingerprint}
    return client.post(url(course), data)


def preview_then_create(client, course, **changes):
    return confirm(client, course, fingerprint_of(preview(client, course, **changes)), **changes)


def local_starts(course) -> list[datetime]:
    return [s.starts_at.astimezone(LONDON) for s in course.sessions.order_by("number")]


def test_weekly_seminar_stays_at_18_00_london_time_after_the_clocks_change(client, london):
    course, organizer = london
    client.force_login(organizer)
    response = preview_then_create(client, course)
    assert response.status_code == 302 and response.url == course.get_absolute_url()
    # The clocks went forward on 31 March 2024: 18:00 is 18:00 UTC before, 17:00 UTC after.
    assert [s.time() for s in local_starts(course)] == [time(18)] * 3
    assert [s.starts_at for s in course.sessions.order_by("number")] == [
        datetime(2024, 3, 21, 18, tzinfo=UTC),
        datetime(2024, 3, 28, 18, tzinfo=UTC),
        datetime(2024, 4, 4, 17, tzinfo=UTC),
    ]
    assert all((s.ends_at - s.starts_at).total_seconds() == 90 * 60 for s in course.sessions.all())


def test_preview_shows_exactly_the_sessions_that_are_then_created(client, london):
    course, organizer = london
    SessionFactory(course=course, number=4)
    client.force_login(organizer)
    shown = preview(client, course, count="4", frequency="fortnightly")
    html = shown.content.decode()
    rows = re.findall(
        r"<tr class=\"[^\"]*\">\s*<td>(\d+)</td>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>", html
    )
    assert not Session.objects.filter(course=course, number__gt=4).exists()  # nothing saved yet
    confirm(client, course, fingerprint_of(shown), count="4", frequency="fortnightly")
    created = course.sessions.filter(number__gt=4).order_by("number")
    assert rows == [
        (
            str(s.number),
            s.title,
            s.starts_at.astimezone(LONDON).strftime("%a %-d %b %Y, %H:%M")
            + "\N{EN DASH}"
            + s.ends_at.astimezone(LONDON).strftime("%H:%M"),
        )
        for s in created
    ]
    # Numbering continues after the course's last session, and {n} is each one's number.
    assert [(s.number, s.title) for s in created] == [(n, f"Seminar {n}") for n in (5, 6, 7, 8)]
    assert {s.location for s in created} == {"Room 101"}


def test_preview_flags_sessions_that_overlap_the_course_s_existing_ones(client, london):
    course, organizer = london
    existing = SessionFactory(
        course=course,
        title="Already planned",
        starts_at=datetime(2024, 3, 28, 18, 30, tzinfo=UTC),
        ends_at=datetime(2024, 3, 28, 19, 30, tzinfo=UTC),
    )
    client.force_login(organizer)
    html = preview(client, course).content.decode()
    assert html.count('class="has-collision"') == 1
    assert existing.get_absolute_url() in html
    assert "1 overlaps a session the course already has" in html


def test_sessions_past_the_year_2200_are_flagged_and_none_is_created(client, london):
    course, organizer = london
    client.force_login(organizer)
    html = preview(client, course, first_date="2200-12-24").content.decode()
    assert html.count('class="has-problem"') == 1  # 24 and 31 December pass; 7 January does not
    assert "Give a time between the years 1900 and 2200" in html
    assert 'name="confirm"' not in html
    # Even a hand-made confirmation stores nothing.
    response = confirm(client, course, "0" * 64, first_date="2200-12-24")
    assert response.status_code == 200 and not course.sessions.exists()


def test_a_first_date_outside_the_accepted_years_is_a_form_error(client, london):
    course, organizer = london
    client.force_login(organizer)
    html = preview(client, course, first_date="2500-01-01").content.decode()
    assert "Give a time between the years 1900 and 2200" in html
    assert "series-preview" not in html


def test_a_time_the_clocks_skip_is_flagged_instead_of_moved(client, london):
    course, organizer = london
    client.force_login(organizer)
    html = preview(client, course, first_date="2024-03-24", start_time="01:30").content.decode()
    assert "01:30 does not exist on 31 Mar 2024" in html
    assert 'name="confirm"' not in html
    # Skipping that day gives three sessions that can all be created.
    response = preview_then_create(
        client, course, first_date="2024-03-24", start_time="01:30", skip="2024-03-31"
    )
    assert response.status_code == 302
    assert [s.date().isoformat() for s in local_starts(course)] == [
        "2024-03-24",
        "2024-04-07",
        "2024-04-14",
    ]


def test_a_time_the_clocks_pass_twice_is_flagged(client, london):
    course, organizer = london
    client.force_login(organizer)
    html = preview(client, course, first_date="2024-10-20", start_time="01:30").content.decode()
    assert "01:30 happens twice on 27 Oct 2024" in html
    assert html.count('class="has-problem"') == 1 and 'name="confirm"' not in html


def test_skipped_dates_are_passed_over_and_the_series_keeps_its_length(client, london):
    course, organizer = london
    client.force_login(organizer)
    preview_then_create(client, course, frequency="daily", count="3", skip="2024-03-22, 2024-03-23")
    assert [s.day for s in local_starts(course)] == [21, 24, 25]


def test_a_list_of_dates_makes_one_session_on_each(client, london):
    course, organizer = london
    client.force_login(organizer)
    preview_then_create(
        client, course, frequency="dates", count="", first_date="", dates="2024-05-02\n2024-04-30"
    )
    assert [(s.month, s.day, s.hour) for s in local_starts(course)] == [(4, 30, 18), (5, 2, 18)]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"count": "53"}, "less than or equal to 52"),
        ({"count": "0"}, "greater than or equal to 1"),
        ({"count": ""}, "This field is required"),
        ({"frequency": "dates", "dates": ""}, "List the dates of the sessions"),
        ({"frequency": "dates", "dates": "next tuesday"}, "is not a date written as"),
        ({"start_time": "25:00"}, "Enter a valid time"),
        ({"duration": "0"}, "greater than or equal to 5"),
        ({"frequency": "dates", "dates": "2024-04-01", "skip": "2024-04-01"}, "Every date"),
    ],
)
def test_bad_input_is_a_form_error_and_stores_nothing(client, london, changes, message):
    course, organizer = london
    client.force_login(organizer)
    response = client.post(url(course), series_data(**changes) | {"confirm": "1"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not course.sessions.exists()


def test_a_preview_gone_stale_creates_nothing_and_shows_the_new_plan(client, london):
    course, organizer = london
    client.force_login(organizer)
    fingerprint = fingerprint_of(preview(client, course))
    SessionFactory(course=course, number=1, title="Added meanwhile")
    response = confirm(client, course, fingerprint)
    html = response.content.decode()
    assert response.status_code == 200
    assert "changed since the preview" in html
    assert list(course.sessions.values_list("title", flat=True)) == ["Added meanwhile"]
    assert ">Seminar 2<" in html  # the new preview numbers after the added session
    assert fingerprint_of(response) != fingerprint


def test_the_series_is_stored_all_or_nothing(london):
    course, _organizer = london
    good = {"title": "Fine", "starts_at": datetime(2024, 5, 1, 17, tzinfo=UTC)}
    good["ends_at"] = datetime(2024, 5, 1, 18, tzinfo=UTC)
    backwards = {
        "title": "Backwards",
        "starts_at": datetime(2024, 5, 8, 17, tzinfo=UTC),
        "ends_at": datetime(2024, 5, 8, 16, tzinfo=UTC),
    }
    with pytest.raises(ValidationError, match=r"Session 2 \(Backwards\): The end must come"):
        services.sessions_create_series(
            course=course, sessions=[good | {"number": 1}, backwards | {"number": 2}]
        )
    assert not course.sessions.exists()
    with pytest.raises(ValidationError, match="between 1 and 52"):
        services.sessions_create_series(course=course, sessions=[])


def test_only_the_course_s_organizers_add_several_sessions(client, london):
    course, _organizer = london
    member = MembershipFactory(course=course, role="member").user
    client.force_login(member)
    assert client.get(url(course)).status_code == 403
    assert preview_or_status(client, course) == 403
    client.force_login(UserFactory())
    assert client.get(url(course)).status_code == 404  # a members-only course stays hidden
    client.logout()
    response = client.get(url(course))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not course.sessions.exists()


def preview_or_status(client, course) -> int:
    data = series_data() | {"confirm": "1", "fingerprint": "x"}
    return client.post(url(course), data).status_code


def test_the_course_page_links_organizers_to_adding_several_sessions(client, london):
    course, organizer = london
    member = MembershipFactory(course=course, role="member").user
    client.force_login(member)
    assert url(course) not in client.get(course.get_absolute_url()).content.decode()
    client.force_login(organizer)
    assert url(course) in client.get(course.get_absolute_url()).content.decode()
