"""The plan PostgreSQL makes for a search's ranked query, under the settings the search runs it
with: for the benchmark, the tests, and anyone finding out why a search is slow."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tracker.search.backends import backend_for
from tracker.search.query import parse_query
from tracker.search.selectors import COUNT_LIMIT, run_with_planner_settings, search


def ranked_query_plan(
    *, user, query: str, analyze: bool = False, count_limit: int = COUNT_LIMIT
) -> str:
    """EXPLAIN (with ANALYZE and BUFFERS when `analyze`) of the query that ranks and counts
    the matches, as `search` sends it for `user`."""
    with CaptureQueriesContext(connection) as queries:
        search(user=user, query=query, count_limit=count_limit)
    ranked = next(q["sql"] for q in queries.captured_queries if "UNION ALL" in q["sql"])
    options = "ANALYZE, BUFFERS" if analyze else "COSTS"
    settings = backend_for(parse_query(query)).planner_settings
    # The captured SQL has its parameters written in already.
    rows = run_with_planner_settings(settings, f"EXPLAIN ({options}) {ranked}", None)
    return "\n".join(row[0] for row in rows)
