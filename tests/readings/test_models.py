from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from readings import services
from readings.fragments import text_fragment_link
from readings.models import GlossaryTerm, Note, Reading, ReadingStatus, TermName

pytestmark = pytest.mark.django_db


# Identifiers


def test_identifiers_are_normalized_and_unique_when_set(member):
    reading = services.reading_create(
        title="GPT-3",
        arxiv_id="arXiv:2005.14165",
        doi="https://doi.org/10.1000/ABC",
        added_by=member,
    )
    assert (reading.arxiv_id, reading.doi) == ("2005.14165", "10.1000/abc")
    with pytest.raises(ValidationError) as error:
        services.reading_create(title="Copy", doi="10.1000/abc")
    assert "doi" in error.value.message_dict
    # Many readings may leave an identifier empty.
    services.reading_create(title="No ids one")
    services.reading_create(title="No ids two")
    assert Reading.objects.count() == 3


@pytest.mark.parametrize(
    ("field", "value"),
    [("arxiv_id", "not-an-id"), ("doi", "11.1234/x"), ("isbn", "9780262039245")],
)
def test_a_malformed_identifier_is_refused_by_name(field, value):
    with pytest.raises(ValidationError) as error:
        services.reading_create(title="Bad", **{field: value})
    assert field in error.value.message_dict
    assert not Reading.objects.exists()


def test_a_valid_isbn_is_kept_as_digits():
    reading = services.reading_create(title="Sutton & Barto", isbn="978-0-262-03924-6")
    assert reading.isbn == "9780262039246"


def test_authors_keep_their_order_and_name_parts():
    reading = services.reading_create(
        title="Zoom In", authors=[("Chris", "Olah"), ("Nick", "Cammarata"), ("", "Distill Team")]
    )
    names = [(a.author.given_name, a.author.family_name) for a in reading.authorships.all()]
    assert names == [("Chris", "Olah"), ("Nick", "Cammarata"), ("", "Distill Team")]


# Statuses


def test_finishing_a_reading_stamps_the_time_and_reopening_clears_it(member, reading_factory):
    reading = reading_factory()
    status = services.reading_status_set(user=member, reading=reading, status="read")
    assert status.finished_at is not None
    status = services.reading_status_set(user=member, reading=reading, status="reading")
    assert status.finished_at is None
    assert ReadingStatus.objects.count() == 1


def test_the_database_refuses_a_finish_time_on_an_unfinished_reading(member, reading_factory):
    from django.utils import timezone

    with pytest.raises(IntegrityError), transaction.atomic():
        ReadingStatus.objects.create(
            user=member, reading=reading_factory(), status="reading", finished_at=timezone.now()
        )


# Highlights


@pytest.mark.parametrize(
    "phrase",
    ["Making sense of these", "state-of-the-art", "cats, dogs & sharks", "100% sure: yes?#"],
)
def test_a_fragment_link_round_trips_awkward_phrases(phrase):
    link = text_fragment_link("https://distill.pub/2018/building-blocks/", phrase)
    base, directive = link.split("#:~:text=")
    assert base == "https://distill.pub/2018/building-blocks/"
    # The directive's own syntax characters never appear raw, and decoding restores the phrase.
    assert not {"-", ",", "&", " ", "#"} & set(directive)
    assert unquote(directive) == phrase


def test_a_fragment_link_keeps_an_existing_fragment():
    link = text_fragment_link("https://example.org/a#section-2", "a-b")
    assert link == "https://example.org/a#section-2:~:text=a%2Db"


def test_a_highlight_yields_a_deep_link(member, reading_factory):
    reading = reading_factory(url="https://distill.pub/2017/feature-visualization/")
    highlight = services.highlight_save(
        author=member, reading=reading, phrase="by jointly  optimizing two"
    )
    assert highlight.deep_link.endswith("#:~:text=by%20jointly%20optimizing%20two")


def test_a_highlight_cannot_be_shared_with_a_course(member, reading_factory):
    with pytest.raises(ValidationError) as error:
        services.highlight_save(
            author=member, reading=reading_factory(), phrase="x", visibility="course"
        )
    assert "visibility" in error.value.message_dict


# Glossary


def test_aliases_are_unique_across_all_names_without_regard_to_case(member):
    services.term_create(
        name="Variational auto-encoder", aliases=["VAE"], definition="d", author=member
    )
    with pytest.raises(ValidationError) as error:
        services.term_create(name="vae", definition="d", author=member)
    assert "name" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.term_create(
            name="Something else",
            aliases=["VARIATIONAL  Auto-Encoder"],
            definition="d",
            author=member,
        )
    assert "aliases" in error.value.message_dict
    assert GlossaryTerm.objects.count() == 1


def test_the_database_keeps_folded_names_unique(member):
    term = services.term_create(name="Superposition", definition="d", author=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        TermName.objects.create(term=term, name="SUPERPOSITION")


def test_every_edit_makes_a_revision_and_a_revert_makes_another(member, user_factory):
    term = services.term_create(name="Auto-encoder", definition="first", author=member)
    editor = user_factory()
    services.term_update(term=term, author=editor, definition="second", aliases=["autoencoder"])
    services.term_update(term=term, author=editor, level=3)
    services.term_update(term=term, author=editor, level=3)  # no change, no revision
    assert list(term.revisions.order_by("number").values_list("number", "definition", "level")) == [
        (1, "first", 2),
        (2, "second", 2),
        (3, "second", 3),
    ]
    services.term_revert(term=term, revision_number=1, author=editor)
    term.refresh_from_db()
    assert (term.definition, term.level, term.aliases) == ("first", 2, [])
    latest = term.revisions.order_by("-number").first()
    assert (latest.number, latest.summary) == (4, "Reverted to revision 1")
    assert term.revisions.count() == 4


def test_reverting_to_a_missing_revision_is_refused(member):
    term = services.term_create(name="Pareto frontier", definition="d", author=member)
    with pytest.raises(ValidationError):
        services.term_revert(term=term, revision_number=9, author=member)
    assert term.revisions.count() == 1


def test_term_level_must_be_one_to_three(member):
    with pytest.raises(ValidationError) as error:
        services.term_create(name="Deep", level=4, definition="d", author=member)
    assert "level" in error.value.message_dict


# Notes


def test_a_note_needs_exactly_one_target(member, reading_factory, session_factory):
    with pytest.raises(ValidationError):
        services.note_save(author=member, body="nowhere")
    with pytest.raises(ValidationError):
        services.note_save(
            author=member, body="two", reading=reading_factory(), session=session_factory()
        )
    assert not Note.objects.exists()


def test_the_database_refuses_a_note_with_two_targets(member, reading_factory, session_factory):
    with pytest.raises(IntegrityError), transaction.atomic():
        Note.objects.create(
            author=member, body="x", reading=reading_factory(), session=session_factory()
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Note.objects.create(author=member, body="x")


def test_only_a_session_note_can_be_shared_with_a_course(member, reading_factory, session_factory):
    with pytest.raises(ValidationError) as error:
        services.note_save(author=member, body="x", reading=reading_factory(), visibility="course")
    assert "visibility" in error.value.message_dict
    note = services.note_save(
        author=member, body="x", session=session_factory(), visibility="course"
    )
    assert note.target == note.session
