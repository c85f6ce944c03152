"""/api/v1/study/: the next card, a review (400 for a bad rating, 409 for a stale card), undo
and per-course counts; the member's own cards only, in a constant number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from study import selectors, services
from study.models import ReviewLog
from tests.study.factories import course_with_glossary

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(user_factory):
    return user_factory()


def test_next_review_and_undo(as_user, member):
    course, _ = course_with_glossary(
        [{"name": "Probe", "definition": "A classifier."}], members=[member]
    )
    api = as_user(member)
    card = api.get("/api/v1/study/next/").json()["card"]
    assert (card["front"], card["state"], card["version"]) == ("Probe", "new", 0)
    assert [interval["label"] for interval in card["intervals"]] == [
        "Again",
        "Hard",
        "Good",
        "Easy",
    ]
    assert card["intervals"][2]["seconds"] == 600

    answer = api.post(
        "/api/v1/study/review/", {"card": card["key"], "rating": 3, "version": 0}, format="json"
    )
    assert answer.status_code == 201, answer.content
    assert (answer.json()["state"], answer.json()["version"]) == ("learning", 1)

    twice = api.post(
        "/api/v1/study/review/", {"card": card["key"], "rating": 3, "version": 0}, format="json"
    )
    assert twice.status_code == 409
    assert ReviewLog.objects.count() == 1

    undone = api.post("/api/v1/study/undo/")
    assert undone.status_code == 200 and undone.json()["undone_at"]
    assert api.post("/api/v1/study/undo/").status_code == 409

    stats = api.get("/api/v1/study/stats/").json()
    assert stats == [
        {"course": course.slug, "title": course.title, "due": 0, "new": 1, "learned": 0}
    ]


@pytest.mark.parametrize("rating", [0, 5, "good", None])
def test_a_bad_rating_is_400_naming_the_field(as_user, member, rating):
    course_with_glossary([{"name": "Probe"}], members=[member])
    key = selectors.course_glossaries(member=member)[0].key
    answer = as_user(member).post(
        "/api/v1/study/review/", {"card": key, "rating": rating, "version": 0}, format="json"
    )
    assert answer.status_code == 400
    assert "rating" in answer.json()
    assert not ReviewLog.objects.exists()


def test_a_card_of_another_course_is_400_and_another_course_filter_404(
    as_user, member, user_factory
):
    other, _ = course_with_glossary([{"name": "Secret"}], members=[user_factory()])
    theirs = selectors.course_glossaries(member=other.memberships.get().user)[0].key
    api = as_user(member)
    answer = api.post(
        "/api/v1/study/review/", {"card": theirs, "rating": 3, "version": 0}, format="json"
    )
    assert answer.status_code == 400 and "card" in answer.json()
    assert api.get("/api/v1/study/next/").json() == {"card": None}
    assert api.get(f"/api/v1/study/next/?course={other.slug}").status_code == 404
    assert as_user(None).get("/api/v1/study/next/").status_code == 401


@pytest.mark.parametrize("due_cards", [1, 12])
def test_next_due_card_and_a_review_take_the_same_queries_at_any_size(
    as_user, member, due_cards, django_assert_num_queries
):
    course_with_glossary([{"name": f"T{n}"} for n in range(due_cards)], members=[member])
    past = timezone.now() - timedelta(days=40)
    for item in selectors.course_glossaries(member=member):
        services.review_submit(member=member, key=item.key, rating=3, version=0, now=past)
    api = as_user(member)
    api.get("/api/v1/study/next/")  # the token's lookup is cached after the first request
    with django_assert_num_queries(4):
        card = api.get("/api/v1/study/next/").json()["card"]
    with django_assert_num_queries(8):
        answer = api.post(
            "/api/v1/study/review/",
            {"card": card["key"], "rating": 3, "version": card["version"]},
            format="json",
        )
    assert answer.status_code == 201


def test_a_highlight_card_has_no_course_or_term(as_user, member, reading_factory):
    from readings import services as readings

    reading = reading_factory(title="Zoom In")
    readings.highlight_save(author=member, reading=reading, phrase="circuits", comment="Yes.")
    services.settings_update(
        member=member, new_per_day=5, desired_retention=0.9, study_highlights=True
    )
    card = as_user(member).get("/api/v1/study/next/").json()["card"]
    assert (card["kind"], card["course"], card["term"], card["reading"]) == (
        "highlight",
        None,
        None,
        "Zoom In",
    )


@pytest.mark.parametrize("courses", [1, 4])
def test_stats_take_the_same_queries_with_more_courses(
    as_user, member, courses, django_assert_num_queries
):
    for index in range(courses):
        course_with_glossary([{"name": f"T{index}-{n}"} for n in range(3)], members=[member])
    api = as_user(member)
    api.get("/api/v1/study/stats/")
    with django_assert_num_queries(11):
        assert len(api.get("/api/v1/study/stats/").json()) == courses
