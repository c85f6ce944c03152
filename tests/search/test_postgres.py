"""What only PostgreSQL does: stored tsvector columns with GIN indexes, stemming, and a query
shape that can use the indexes. Part of the PostgreSQL run only (see tests/conftest.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readings import services as reading_services
from tests.readings.factories import NoteFactory
from tests.sessions.factories import (
    CourseFactory,
    ReflectionFactory,
    SessionFactory,
    UserFactory,
)
from tracker.search.backends import PostgresBackend
from tracker.search.plans import ranked_query_plan
from tracker.search.selectors import search
from tracker.search.sources import SOURCES

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql_only]


def public_note(body: str):
    return NoteFactory(body=body, visibility="public")


def test_every_searchable_table_has_a_generated_vector_with_a_gin_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.columns WHERE column_name = 'search_vector'"
            " AND is_generated = 'ALWAYS' AND data_type = 'tsvector'"
        )
        generated = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT tablename FROM pg_indexes WHERE indexdef LIKE '%USING gin (search_vector)%'"
        )
        indexed = {row[0] for row in cursor.fetchall()}
    tables = {source.table for source in SOURCES}
    assert generated == tables and indexed == tables


def test_the_ranked_query_can_use_every_gin_index():
    public_note("Attention sinks")
    with CaptureQueriesContext(connection) as queries:
        search(user=UserFactory(), query="attention sinks")
    ranked_sql = next(q["sql"] for q in queries.captured_queries if "UNION ALL" in q["sql"])
    with connection.cursor() as cursor:
        # Tiny test tables make a sequential (or whole-index) scan cheapest; forbid both to see
        # that the full-text condition can use each table's GIN index.
        for scan in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{scan} = off")
        cursor.execute(f"EXPLAIN {ranked_sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for source in SOURCES:
        assert f"Bitmap Index Scan on {source.table}_search_gin" in plan, plan


def test_words_are_stemmed():
    note = public_note("Features in superposition, running late.")
    assert [r.id for r in search(user=note.author, query="superpositions runs ").results] == [
        note.pk
    ]


def test_only_the_last_word_matches_as_a_prefix():
    note = public_note("Toy models of superposition")
    assert search(user=note.author, query="superpo toy").results == []
    assert search(user=note.author, query="superpo ").results == []
    assert [r.id for r in search(user=note.author, query="toy superpo").results] == [note.pk]


def test_an_edit_is_searchable_at_once():
    note = public_note("First draft")
    reading_services.note_save(
        note=note, author=note.author, body="Rewritten about saliency", visibility="public"
    )
    assert [r.id for r in search(user=note.author, query="saliency ").results] == [note.pk]
    assert search(user=note.author, query="draft ").results == []


def _settings(names) -> dict[str, str]:
    with connection.cursor() as cursor:
        return {name: _setting(cursor, name) for name in names}


def _setting(cursor, name: str) -> str:
    cursor.execute("SELECT current_setting(%s)", [name])
    return cursor.fetchone()[0]


def test_the_planner_settings_end_with_the_search():
    public_note("Attention sinks")
    names = list(PostgresBackend.planner_settings)
    before = _settings(names)
    assert search(user=UserFactory(), query="attention").total == 1
    assert _settings(names) == before


def test_under_its_own_settings_the_search_reads_every_kind_through_its_gin_index():
    """With a few rows and fresh statistics, a sequential scan or a walk along another index
    looks cheapest; the search's settings must still lead the planner to the full-text index."""
    course = CourseFactory(visibility="public")
    for n in range(40):
        session = SessionFactory(course=course, title=f"Session {n}")
        ReflectionFactory(session=session, visibility="public", body=f"Reflection {n}")
        public_note(f"Attention sinks {n}")
    with connection.cursor() as cursor:
        for source in SOURCES:
            cursor.execute(f"ANALYZE {source.table}")
        cursor.execute("ANALYZE tracker_sessions_course")
    plan = ranked_query_plan(user=UserFactory(), query="attention sinks")
    for source in SOURCES:
        assert f"Bitmap Index Scan on {source.table}_search_gin" in plan, plan
        assert f"Seq Scan on {source.table} " not in plan, plan


def test_a_query_of_stop_words_and_exclusions_finds_nothing_and_reads_nothing():
    public_note("The model grokked the task.")
    public_note("The heads copy tokens.")
    assert search(user=UserFactory(), query="the -grokked").total == 0
    plan = ranked_query_plan(user=UserFactory(), query="the -grokked")
    assert "One-Time Filter: false" in plan and "Bitmap Index Scan" not in plan, plan


def test_while_the_typed_word_fills_the_count_limit_its_prefix_is_never_looked_up():
    # Made first, so a scan in table order would meet them first.
    longer = {public_note(f"Zorpify step {n}").pk for n in range(3)}
    exact = {public_note(f"Zorp step {n}").pk for n in range(3)}
    reader = UserFactory()
    page = search(user=reader, query="zorp", count_limit=2)
    assert page.capped == {"note"}
    assert {result.id for result in page.results} <= exact
    plan = ranked_query_plan(user=reader, query="zorp", analyze=True, count_limit=2)
    prefix_scan = next(
        line
        for line in plan.splitlines()
        if "Bitmap Heap Scan on readings_note readings_note_1" in line
    )
    assert "never executed" in prefix_scan, plan
    # Past the typed word's rows, the prefix finds the rest.
    assert {
        r.id for r in search(user=reader, query="zorp", count_limit=10).results
    } == exact | longer
