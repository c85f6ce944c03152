"""The review page as plain forms (no script), the progress page, the exports and the
organizers' difficulty table."""

import csv
import io
import sqlite3
import zipfile

import pytest

from study import selectors, services
from study.models import Card, ReviewLog
from tests.sessions.factories import MembershipFactory
from tests.study.factories import course_with_glossary


@pytest.fixture
def studying(client, user_factory):
    member = user_factory()
    course, terms = course_with_glossary(
        [
            {"name": "Attention", "level": 1, "definition": "Weights over *positions*."},
            {"name": "=HYPERLINK(1)", "definition": "-2+3", "aliases": ["@alias"]},
        ],
        members=[member],
    )
    client.force_login(member)
    return member, course, terms


def test_review_page_shows_the_next_card_counts_and_the_interval_of_each_grade(client, studying):
    page = client.get("/study/").content.decode()
    assert "Attention" in page
    assert "Weights over <em>positions</em>" in page  # the answer, folded in a <details>
    assert "3 new" in page and "0 due" in page  # two terms and an alias
    for label, interval in (("Again", "1 min"), ("Hard", "6 min"), ("Good", "10 min")):
        assert label in page and interval in page


def test_grading_by_plain_form_moves_on_and_undo_brings_the_card_back(client, studying):
    member, course, _ = studying
    key = selectors.next_item(member=member, now=_now()).key
    response = client.post(
        "/study/grade/",
        {"key": key, "rating": 3, "version": 0, "next": f"/courses/{course.slug}/study/"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/courses/{course.slug}/study/"
    assert ReviewLog.objects.filter(member=member, undone_at=None).count() == 1

    again = client.post("/study/grade/", {"key": key, "rating": 3, "version": 0}, follow=True)
    assert "changed since it was shown" in again.content.decode()
    assert ReviewLog.objects.count() == 1

    client.post("/study/undo/", {"next": "/study/"})
    assert ReviewLog.objects.get().undone_at is not None
    assert Card.objects.get().state == 0


def test_a_bad_grade_answers_400_with_the_reason_and_stores_nothing(client, studying):
    member, _, _ = studying
    key = selectors.next_item(member=member, now=_now()).key
    response = client.post("/study/grade/", {"key": key, "rating": 9, "version": 0})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Card.objects.exists()


def test_another_course_study_page_is_404(client, studying, course_factory):
    assert client.get(f"/courses/{course_factory().slug}/study/").status_code == 404


def test_progress_page_draws_its_charts_with_tables_and_saves_settings(client, studying):
    member, _, _ = studying
    key = selectors.next_item(member=member, now=_now()).key
    services.review_submit(member=member, key=key, rating=3, version=0)
    page = client.get("/study/progress/").content.decode()
    assert page.count("<svg") == 3 and page.count("<table") == 3
    assert 'class="chart-bar"' in page
    response = client.post("/study/progress/", {"new_per_day": 500, "desired_retention": 0.9})
    assert response.status_code == 400
    client.post("/study/progress/", {"new_per_day": 3, "desired_retention": 0.85})
    assert selectors.settings_of(member=member).new_per_day == 3


def _notes(apkg: bytes, tmp_path) -> list[tuple]:
    with zipfile.ZipFile(io.BytesIO(apkg)) as archive:
        (tmp_path / "collection.anki2").write_bytes(archive.read("collection.anki2"))
    with sqlite3.connect(tmp_path / "collection.anki2") as database:
        return database.execute("SELECT id, guid, mid, flds FROM notes ORDER BY id").fetchall()


def test_the_anki_deck_opens_as_sqlite_with_a_note_per_term_and_keeps_its_ids(
    client, studying, tmp_path
):
    _, course, terms = studying
    url = f"/courses/{course.slug}/study/glossary.apkg"
    first = _notes(client.get(url).content, tmp_path)
    assert [fields.split("\x1f")[0] for *_, fields in first] == ["Attention", "=HYPERLINK(1)"]
    assert first[0][0] == 1_000_000_000_000 + terms["Attention"].pk
    second = _notes(client.get(url).content, tmp_path)
    assert [row[:3] for row in second] == [row[:3] for row in first]


def test_the_csv_neutralizes_formulas(client, studying):
    _, course, _ = studying
    response = client.get(f"/courses/{course.slug}/study/glossary.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[2][:3] == ["'=HYPERLINK(1)", "'-2+3", "'@alias"]


def test_exports_are_for_members_only(client, studying, user_factory):
    _, course, _ = studying
    client.force_login(user_factory())
    for ending in ("glossary.apkg", "glossary.csv"):
        assert client.get(f"/courses/{course.slug}/study/{ending}").status_code == 404


def test_difficulty_shows_only_terms_enough_members_studied_and_only_to_organizers(
    client, studying, user_factory
):
    member, course, _ = studying
    organizer = user_factory()
    MembershipFactory(course=course, user=organizer, role="organizer")
    cohort = [member] + [user_factory() for _ in range(4)]
    for person in cohort[1:]:
        MembershipFactory(course=course, user=person)
    attention, other = selectors.course_glossaries(member=member)[:2]
    for person in cohort:
        services.review_submit(member=person, key=attention.key, rating=1, version=0)
    for person in cohort[:4]:
        services.review_submit(member=person, key=other.key, rating=3, version=0)

    assert client.get(f"/courses/{course.slug}/study/difficulty/").status_code == 404
    client.force_login(organizer)
    page = client.get(f"/courses/{course.slug}/study/difficulty/").content.decode()
    assert "Attention" in page and "100%" in page
    assert "HYPERLINK" not in page
    assert "1 term studied by fewer members is not shown" in page


def _now():
    from django.utils import timezone

    return timezone.now()


def test_dashboard_says_how_many_cards_are_due_per_course(client, studying):
    from datetime import timedelta

    member, course, _ = studying
    past = _now() - timedelta(days=30)
    for item in selectors.course_glossaries(member=member)[:2]:
        services.review_submit(member=member, key=item.key, rating=3, version=0, now=past)
    page = client.get("/").content.decode()
    assert f'href="/courses/{course.slug}/study/">2 cards due</a>' in page


def _queries_of(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_review_and_progress_pages_take_the_same_queries_with_more_terms_and_courses(
    client, studying
):
    member, course, _ = studying
    client.get("/")  # the first request after signing in reads the profile's time zone once
    sizes = []
    for extra in (1, 8):
        course_with_glossary(
            [
                {"name": f"Extra {extra}-{n}", "aliases": [f"Alias {extra}-{n}"]}
                for n in range(extra)
            ],
            members=[member],
        )
        for item in selectors.course_glossaries(member=member)[:extra]:
            if item.card is None and not Card.objects.filter(term=item.term).exists():
                services.review_submit(member=member, key=item.key, rating=3, version=0)
        sizes.append(
            (
                _queries_of(client, "/study/"),
                _queries_of(client, "/study/progress/"),
                _queries_of(client, f"/courses/{course.slug}/study/"),
            )
        )
    assert sizes[0] == sizes[1]


def test_the_course_page_links_its_study_exports_for_members_only(client, studying, user_factory):
    _, course, _ = studying
    page = client.get(f"/courses/{course.slug}/").content.decode()
    assert f"/courses/{course.slug}/study/glossary.apkg" in page
    assert "which terms the cohort forgets" not in page  # organizers only
    client.force_login(user_factory())
    course.visibility = "public"
    course.save(update_fields=["visibility"])
    assert "glossary.apkg" not in client.get(f"/courses/{course.slug}/").content.decode()


def test_a_highlight_card_shows_its_phrase_then_its_reading_and_comment(
    client, user_factory, reading_factory
):
    from readings import services as readings

    member = user_factory()
    reading = reading_factory(title="Zoom In")
    readings.highlight_save(author=member, reading=reading, phrase="circuits", comment="*Yes*.")
    services.settings_update(
        member=member, new_per_day=5, desired_retention=0.9, study_highlights=True
    )
    client.force_login(member)
    page = client.get("/study/").content.decode()
    assert 'id="study-front" class="study-front">circuits<' in page
    assert "Zoom In" in page and "<em>Yes</em>" in page
