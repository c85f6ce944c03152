"""What a member studies: only their courses' glossaries, in order, N new a day; suspend, bury,
reset; a revised definition flags its card."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from readings import services as reading_services
from sessions import services as session_services
from study import selectors, services
from study.models import Card, ReviewLog, State, StudySettings
from tests.study.factories import course_with_glossary
from tracker.concurrency import StateConflict

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.fixture
def member(user_factory):
    return user_factory()


def _keys(items):
    return [item.front for item in items]


def test_new_cards_come_high_level_first_then_in_session_order_with_aliases_after_their_term(
    member,
):
    course_with_glossary(
        [{"name": "Logit", "level": 3}, {"name": "Probe", "level": 2}],
        [
            {"name": "Attention", "level": 1, "aliases": ["Self-attention"]},
            {"name": "Head", "level": 2},
        ],
        members=[member],
    )
    fronts = _keys(selectors.course_glossaries(member=member))
    assert fronts == ["Attention", "Self-attention", "Probe", "Head", "Logit"]


def test_a_member_gets_no_card_from_a_course_they_are_not_in_or_left(member, user_factory):
    mine, _ = course_with_glossary([{"name": "Mine"}], members=[member])
    other, _ = course_with_glossary([{"name": "Theirs"}], members=[user_factory()])
    assert _keys(selectors.course_glossaries(member=member)) == ["Mine"]
    theirs = selectors.course_glossaries(member=other.memberships.first().user)[0]
    assert selectors.item_for_key(member=member, key=theirs.key) is None
    with pytest.raises(ValidationError):
        services.review_submit(member=member, key=theirs.key, rating=3, version=0, now=NOW)

    key = selectors.course_glossaries(member=member)[0].key
    services.review_submit(member=member, key=key, rating=3, version=0, now=NOW)
    assert selectors.due_card(member=member, now=NOW + timedelta(days=30)) is not None
    session_services.membership_remove(membership=mine.memberships.get(user=member))
    assert selectors.due_card(member=member, now=NOW + timedelta(days=30)) is None
    assert selectors.next_item(member=member, now=NOW + timedelta(days=30)) is None
    assert selectors.cards_visible_to(member).count() == 0
    with pytest.raises(ValidationError):
        services.review_submit(member=member, key=key, rating=3, version=1, now=NOW)


def test_another_members_cards_are_never_theirs(member, user_factory):
    classmate = user_factory()
    course_with_glossary([{"name": "Shared"}], members=[member, classmate])
    key = selectors.course_glossaries(member=member)[0].key
    services.review_submit(member=classmate, key=key, rating=3, version=0, now=NOW)
    assert selectors.cards_visible_to(member).count() == 0
    assert selectors.item_for_key(member=member, key=key).card is None


def test_new_cards_a_day_follow_the_members_setting(member):
    course_with_glossary([{"name": f"T{n}"} for n in range(5)], members=[member])
    StudySettings.objects.create(member=member, new_per_day=2)
    for _ in range(2):
        item = selectors.next_item(member=member, now=NOW)
        services.review_submit(member=member, key=item.key, rating=4, version=0, now=NOW)
    assert selectors.next_item(member=member, now=NOW) is None
    assert selectors.study_counts(member=member, now=NOW) == {"due": 0, "learned": 2, "new": 0}
    assert len(selectors.new_items(member=member, now=NOW + timedelta(days=1))) == 2


def test_a_second_submit_of_the_same_version_is_refused_and_changes_nothing(member):
    course_with_glossary([{"name": "Once"}], members=[member])
    key = selectors.next_item(member=member, now=NOW).key
    services.review_submit(member=member, key=key, rating=3, version=0, now=NOW)
    with pytest.raises(StateConflict):
        services.review_submit(member=member, key=key, rating=1, version=0, now=NOW)
    assert ReviewLog.objects.count() == 1
    assert Card.objects.get().version == 1


def test_a_bad_rating_is_refused_before_anything_is_stored(member):
    course_with_glossary([{"name": "Rated"}], members=[member])
    key = selectors.next_item(member=member, now=NOW).key
    with pytest.raises(ValidationError) as error:
        services.review_submit(member=member, key=key, rating=5, version=0, now=NOW)
    assert "rating" in error.value.message_dict
    assert not Card.objects.exists()


def test_suspended_and_buried_cards_do_not_come_up(member):
    course_with_glossary([{"name": "A", "level": 1}, {"name": "B", "level": 2}], members=[member])
    first = selectors.next_item(member=member, now=NOW)
    services.card_suspend(member=member, key=first.key)
    second = selectors.next_item(member=member, now=NOW)
    assert second.front == "B"
    services.card_bury(member=member, key=second.key, now=NOW)
    assert selectors.next_item(member=member, now=NOW) is None
    assert selectors.next_item(member=member, now=NOW + timedelta(days=1)).front == "B"


def test_reset_makes_a_card_new_again_and_is_logged(member):
    course_with_glossary([{"name": "Reset me"}], members=[member])
    key = selectors.next_item(member=member, now=NOW).key
    services.review_submit(member=member, key=key, rating=4, version=0, now=NOW)
    services.card_reset(member=member, key=key, now=NOW + timedelta(minutes=1))
    card = Card.objects.get()
    assert (card.state, card.stability, card.last_review) == (State.NEW, None, None)
    assert list(ReviewLog.objects.order_by("id").values_list("kind", flat=True)) == [
        "review",
        "reset",
    ]


def test_a_definition_revised_after_the_last_review_flags_the_card_with_the_diff(member):
    _, terms = course_with_glossary(
        [{"name": "Circuit", "definition": "A subgraph."}], members=[member]
    )
    key = selectors.next_item(member=member, now=NOW).key
    services.review_submit(member=member, key=key, rating=3, version=0, now=NOW)
    item = selectors.with_revision(selectors.item_for_key(member=member, key=key))
    assert item.revised == []

    reading_services.term_update(
        term=terms["Circuit"], author=None, definition="A subgraph of the model's computation."
    )
    item = selectors.with_revision(selectors.item_for_key(member=member, key=key))
    definition = next(field for field in item.revised if field.label == "Definition")
    assert [piece.text for piece in definition.pieces if piece.kind == "added"] == [
        " of the model's computation"
    ]
    # Reviewing it again is seeing the revision: the flag goes.
    services.review_submit(member=member, key=key, rating=3, version=1, now=NOW)
    item = selectors.with_revision(selectors.item_for_key(member=member, key=key))
    assert item.revised == []


def test_own_highlights_become_cards_when_chosen_and_never_another_members(
    member, user_factory, reading_factory
):
    from readings import services as readings

    reading = reading_factory(title="Toy Models")
    mine = readings.highlight_save(
        author=member, reading=reading, phrase="features in superposition", comment="Key claim."
    )
    theirs = readings.highlight_save(
        author=user_factory(), reading=reading, phrase="phase change", visibility="public"
    )
    assert selectors.next_item(member=member, now=NOW) is None  # not chosen yet
    services.settings_update(
        member=member, new_per_day=10, desired_retention=0.9, study_highlights=True
    )

    item = selectors.next_item(member=member, now=NOW)
    assert (item.front, item.key) == ("features in superposition", f"h{mine.pk}")
    services.review_submit(member=member, key=item.key, rating=3, version=0, now=NOW)
    card = Card.objects.get(member=member)
    assert (card.kind, card.highlight, card.course) == ("highlight", mine, None)
    assert selectors.next_item(member=member, now=NOW) is None

    assert selectors.item_for_key(member=member, key=f"h{theirs.pk}") is None
    with pytest.raises(ValidationError):
        services.review_submit(member=member, key=f"h{theirs.pk}", rating=3, version=0, now=NOW)
    services.review_undo(member=member, now=NOW)
    assert selectors.next_item(member=member, now=NOW).front == "features in superposition"


def test_the_review_log_cannot_be_rewritten(member):
    course_with_glossary([{"name": "Kept"}], members=[member])
    key = selectors.next_item(member=member, now=NOW).key
    log = services.review_submit(member=member, key=key, rating=3, version=0, now=NOW)
    log.rating = 4
    with pytest.raises(ValueError, match="append-only"):
        log.save()
    with pytest.raises(ValueError, match="append-only"):
        log.save(update_fields=["rating"])
    assert ReviewLog.objects.get().rating == 3


def test_reset_unsuspends_the_card(member):
    course_with_glossary([{"name": "Back"}], members=[member])
    key = selectors.next_item(member=member, now=NOW).key
    services.card_suspend(member=member, key=key)
    services.card_reset(member=member, key=key, now=NOW)
    assert selectors.next_item(member=member, now=NOW).key == key
