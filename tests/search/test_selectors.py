"""The search selector on whichever database the suite runs on: the same behaviour on SQLite
(the fallback) and on PostgreSQL (full-text search)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.readings.factories import NoteFactory, ReadingFactory
from tests.sessions.factories import CourseFactory, ReflectionFactory, SessionFactory, UserFactory
from tracker.search.selectors import search

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    return UserFactory(username="reader")


def public_note(body: str, **kwargs):
    return NoteFactory(body=body, visibility="public", **kwargs)


def found(page) -> list[tuple[str, int]]:
    return [(result.type, result.id) for result in page.results]


def test_title_hits_rank_above_body_hits_and_more_hits_above_fewer(reader, term_factory):
    once = public_note("Our group talked about superposition in small models today.")
    thrice = ReadingFactory(
        title="Polysemantic neurons",
        summary="Superposition explained: superposition of features, and why superposition.",
    )
    term = term_factory(name="Superposition", definition="Many features share few neurons.")
    page = search(user=reader, query="superposition ")
    assert found(page) == [("term", term.pk), ("reading", thrice.pk), ("note", once.pk)]
    assert page.results[0].rank > page.results[1].rank > page.results[2].rank


def test_a_session_title_outranks_a_reflection_that_mentions_the_word(reader):
    course = CourseFactory(visibility="public")
    session = SessionFactory(course=course, title="Induction heads", abstract="Week three.")
    reflection = ReflectionFactory(
        session=SessionFactory(course=course, title="Other week"),
        author=reader,
        body="I finally understood how induction heads copy tokens.",
    )
    page = search(user=reader, query="induction heads ")
    assert found(page) == [("session", session.pk), ("reflection", reflection.pk)]


def test_quoted_words_match_only_as_a_phrase(reader):
    phrase = public_note("We trained a sparse autoencoder on the residual stream.")
    public_note("Sparse features; the autoencoder was dense.")
    assert found(search(user=reader, query='"sparse autoencoder"')) == [("note", phrase.pk)]


def test_or_finds_either_word(reader):
    grokking = public_note("Grokking happens late in training.")
    circuits = public_note("Circuits compose attention heads.")
    public_note("Nothing relevant here.")
    page = search(user=reader, query="grokking or circuits ")
    assert set(found(page)) == {("note", grokking.pk), ("note", circuits.pk)}


def test_minus_excludes_a_word(reader):
    kept = public_note("Circuits in vision models.")
    public_note("Circuits and induction heads.")
    assert found(search(user=reader, query="circuits -induction")) == [("note", kept.pk)]


def test_a_query_of_exclusions_alone_finds_nothing(reader):
    public_note("Circuits in vision models.")
    page = search(user=reader, query="-induction")
    assert page.results == [] and page.total == 0


def test_the_last_word_matches_as_a_prefix_while_typed(reader):
    note = public_note("Toy models of superposition.")
    assert found(search(user=reader, query="toy superpo")) == [("note", note.pk)]
    assert found(search(user=reader, query="superpo")) == [("note", note.pk)]


def test_a_row_with_the_word_being_typed_and_a_longer_one_is_found_once(reader):
    both = public_note("Zorp, then zorpify.")
    longer = public_note("Zorpify alone.")
    exact = public_note("Zorp alone.")
    page = search(user=reader, query="zorp")
    assert page.total == 3
    assert sorted(found(page)) == sorted(("note", n.pk) for n in (both, longer, exact))


def test_an_alias_finds_mentions_of_the_terms_name_and_back(reader, term_factory):
    term = term_factory(name="Variational auto-encoder", aliases=["VAE"], definition="A model.")
    short = public_note("Our VAE training run diverged.")
    long = ReadingFactory(title="Notes", summary="Training a variational auto-encoder by hand.")
    unrelated = public_note("A variational bound, nothing more.")

    by_alias = search(user=reader, query="VAE ")
    assert set(found(by_alias)) == {("term", term.pk), ("note", short.pk), ("reading", long.pk)}
    assert by_alias.names_found == ("VAE", "Variational auto-encoder")

    by_name = search(user=reader, query="variational auto-encoder ")
    assert set(found(by_name)) == {("term", term.pk), ("note", short.pk), ("reading", long.pk)}
    assert ("note", unrelated.pk) not in found(by_name)

    # The other words still apply to each alternative.
    assert set(found(search(user=reader, query="VAE training "))) == {
        ("note", short.pk),
        ("reading", long.pk),
    }


def test_types_limit_the_results_but_every_kind_is_counted(reader):
    note = public_note("Attention is what we discussed.")
    reading = ReadingFactory(title="Attention is all you need")
    page = search(user=reader, query="attention ", types=["note"])
    assert found(page) == [("note", note.pk)]
    assert page.counts["reading"] == 1 and page.counts["note"] == 1
    assert page.total == 1
    assert ("reading", reading.pk) in found(search(user=reader, query="attention "))


def test_pages_partition_the_ranking(reader):
    notes = [public_note(f"Probing {'probing ' * (n % 4)}note number {n}") for n in range(23)]
    pages = [search(user=reader, query="probing ", page=n, page_size=10) for n in (1, 2, 3)]
    seen = [pair for page in pages for pair in found(page)]
    assert len(seen) == 23 and set(seen) == {("note", note.pk) for note in notes}
    ranks = [result.rank for page in pages for result in page.results]
    assert ranks == sorted(ranks, reverse=True)
    assert [page.has_next for page in pages] == [True, True, False]
    assert pages[0].total == 23


def test_bad_arguments_raise_value_error(reader):
    with pytest.raises(ValueError, match="Unknown type"):
        search(user=reader, query="x", types=["bogus"])
    with pytest.raises(ValueError, match="page must"):
        search(user=reader, query="x", page=0)
    with pytest.raises(ValueError, match="page_size"):
        search(user=reader, query="x", page_size=500)


def test_snippet_escapes_the_text_and_marks_only_matches(reader):
    public_note('<script>alert("x")</script> <b>bold</b> about superposition')
    snippet = search(user=reader, query="superposition ").results[0].snippet
    assert "<script" not in snippet and "<b>" not in snippet
    assert "<mark>superposition</mark>" in snippet
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_results_carry_a_link_to_their_page(reader, term_factory):
    note = public_note("A note on entropy.")
    page = search(user=reader, query="entropy ")
    assert page.results[0].url == f"{note.reading.get_absolute_url()}#note-{note.pk}"
    assert page.results[0].title == f"Note on {note.reading.title}"


def _make_matching_rows(count: int, reader) -> None:
    course = CourseFactory(visibility="public")
    for n in range(count):
        session = SessionFactory(course=course, title=f"Lottery tickets {n}")
        ReflectionFactory(session=session, author=reader, body="On lottery tickets.")
        public_note(f"Lottery ticket note {n}")


def _search_queries(queries: CaptureQueriesContext) -> list[str]:
    """The statements that read, leaving out savepoints and their rollback."""
    control = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")
    return [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(control)]


def test_the_number_of_queries_does_not_grow_with_the_results(reader):
    # Glossary names, ranked ids with counts, then the lines of the page (three kinds here);
    # on PostgreSQL one more sets the planner up for the ranked query.
    expected = 4 if connection.vendor == "postgresql" else 3
    _make_matching_rows(2, reader)
    with CaptureQueriesContext(connection) as queries:
        small = search(user=reader, query="lottery", page_size=50)
    assert len(_search_queries(queries)) == expected
    _make_matching_rows(13, reader)
    with CaptureQueriesContext(connection) as queries:
        large = search(user=reader, query="lottery", page_size=50)
    assert len(_search_queries(queries)) == expected
    assert len(small.results) == 6 and len(large.results) == 45
    assert {result.type for result in large.results} == {"session", "reflection", "note"}


def test_an_empty_query_runs_no_query(reader):
    with CaptureQueriesContext(connection) as queries:
        page = search(user=reader, query="   ")
    assert len(queries) == 0 and page.results == [] and page.total == 0


def test_a_kind_past_the_count_limit_counts_as_the_limit_and_says_so(reader):
    for n in range(5):
        public_note(f"Lottery note {n}")
    SessionFactory(course=CourseFactory(visibility="public"), title="Lottery tickets")
    page = search(user=reader, query="lottery", count_limit=3)
    assert page.counts["note"] == 3 and page.counts["session"] == 1
    assert page.capped == {"note"} and page.total_is_capped and page.total == 4
    assert [result.type for result in page.results].count("note") == 3


def test_a_kind_with_exactly_the_limit_is_counted_exactly(reader):
    for n in range(3):
        public_note(f"Lottery note {n}")
    page = search(user=reader, query="lottery", count_limit=3)
    assert page.counts["note"] == 3 and page.capped == frozenset()
    assert not page.total_is_capped


def test_pages_end_at_the_count_limit(reader):
    for n in range(5):
        public_note(f"Lottery note {n}")
    first = search(user=reader, query="lottery", page_size=2, count_limit=3)
    second = search(user=reader, query="lottery", page_size=2, page=2, count_limit=3)
    assert first.has_next and len(first.results) == 2
    assert not second.has_next and len(second.results) == 1
    assert not {r.id for r in first.results} & {r.id for r in second.results}


def test_a_second_search_of_the_same_shape_shows_its_own_lines_and_marks_its_own_words(reader):
    # On PostgreSQL the SQL of both queries is compiled once per shape (here: one note) and
    # reused with the next search's words and ids.
    reading = ReadingFactory(title="Progress measures")
    session = SessionFactory(
        course=CourseFactory(visibility="public", title="Interp club"), number=4, title="SAEs"
    )
    on_reading = public_note("Grokking appears late.", reading=reading)
    on_session = public_note("Dictionary learning splits features.", session=session, reading=None)
    NoteFactory(body="Dictionary notes of someone else.", visibility="private")
    one = search(user=reader, query="grokking").results
    other = search(user=reader, query="dictionary").results
    assert [(r.id, r.title, r.url) for r in one] == [
        (
            on_reading.pk,
            "Note on Progress measures",
            f"/readings/{reading.slug}/#note-{on_reading.pk}",
        )
    ]
    assert [(r.id, r.title, r.url) for r in other] == [
        (
            on_session.pk,
            "Note on Interp club #4: SAEs",
            f"/courses/{session.course.slug}/sessions/4/#note-{on_session.pk}",
        )
    ]
    assert "<mark>Grokking</mark>" in one[0].snippet
    assert "<mark>Dictionary</mark>" in other[0].snippet and "Grokking" not in other[0].snippet
