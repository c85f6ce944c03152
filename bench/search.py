"""Search latency on PostgreSQL with 1,000,000 notes and reflections.

Creates a throwaway database (named by DATABASE_URL, which must end in `_bench`; by default
postgres://postgres@127.0.0.1:5432/tracker_search_bench), migrates it, loads the rows with COPY,
then times `tracker.search.selectors.search` as one signed-in user with a mix of own, private,
course-shared and public rows in courses they do and do not belong to. Chosen words match about
100, 10,000, 20,000 and 200,000 rows. The baseline, measured in the same run on the same data,
is the same search through the substring fallback (what the site would do without full-text
search). Prints p50/p95 per word, as typed (the last word also a prefix), part-typed (its
first letters but two: found through the prefix alone) and finished (a space after it), the
ratio to the baseline, and EXPLAIN ANALYZE of the ranked query, flagging any scan of a big
table that does not go through its GIN index. Each kind counts and ranks at most COUNT_LIMIT
matches, so past 20,000 the cost flattens. Drops the database at the end unless
--keep; --reuse times a kept one again without reloading.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_search_bench \\
        python bench/search.py [--rows 1000000] [--runs 40] [--keep | --reuse]
    python bench/search.py --own-cluster 1GB   # a private cluster with more shared_buffers
"""

import argparse
import os
import random
import statistics
import sys
import time

from bench_support import drop_database, percentile, recreate_database, setup_django
from search_data import (
    BIG_TABLES,
    COURSES,
    MARKERS,
    USERS,
    build_indexes,
    load_fixtures,
    load_rows,
    marker_flags,
    vacuum_analyze,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tracker_search_bench"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="notes + reflections")
    parser.add_argument("--runs", type=int, default=40, help="timed searches per word")
    parser.add_argument("--baseline-runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the database a --keep run left (same --rows) instead of loading a new one",
    )
    parser.add_argument(
        "--own-cluster",
        metavar="SHARED_BUFFERS",
        help="run on a private throwaway cluster with this shared_buffers (e.g. 1GB) instead of"
        " DATABASE_URL's server",
    )
    parser.add_argument("--port", type=int, default=5499, help="the private cluster's port")
    return parser.parse_args()


def time_search(user, query: str, runs: int, backend=None) -> tuple[list[float], object]:
    from tracker.search.selectors import search

    page = None
    for _ in range(2):  # warm the caches and the connection
        page = search(user=user, query=query, backend=backend)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        page = search(user=user, query=query, backend=backend)
        samples.append((time.perf_counter() - started) * 1000)
    return samples, page


def matching_rows(word: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        total = 0
        for table in BIG_TABLES:
            cursor.execute(
                f"SELECT count(*) FROM {table}"  # noqa: S608 (our constant table names)
                " WHERE search_vector @@ websearch_to_tsquery('english', %s)",
                [word],
            )
            total += cursor.fetchone()[0]
    return total


def visible_matches(user, word: str) -> int:
    """Every match the user may see, counted without the search's limit per kind."""
    from django.db import connection

    from tracker.search.backends import PostgresBackend
    from tracker.search.compiled import bind
    from tracker.search.query import parse_query
    from tracker.search.sources import SOURCES

    backend = PostgresBackend(parse_query(word))
    total = 0
    with connection.cursor() as cursor:
        for source in SOURCES:
            matching = backend.matching(source.visible_to(user), source).order_by().values("pk")
            sql, params = matching.query.sql_with_params()
            cursor.execute(
                f"SELECT count(*) FROM ({sql}) AS visible",  # noqa: S608 (Django's SQL)
                bind(params, backend.slot_values),
            )
            total += cursor.fetchone()[0]
    return total


def explain(user, query: str) -> str:
    from tracker.search.plans import ranked_query_plan

    return ranked_query_plan(user=user, query=query, analyze=True)


def plan_summary(plan: str) -> str:
    """The scans on the two big tables, and whether any of them reads the table other than
    through its GIN index: sequentially, or along another index (both may stop early under
    the limit, and both read the whole table when the user sees few of the matches)."""
    lines = [line.strip() for line in plan.splitlines()]
    scans = [
        line.split("  (")[0].lstrip("-> ")
        for line in lines
        if "Scan" in line and any(table in line for table in BIG_TABLES)
    ]
    wrong = [
        scan
        for scan in scans
        if "Bitmap Heap Scan" not in scan
        and not ("Bitmap Index Scan" in scan and scan.endswith("_search_gin"))
    ]
    total = next((line for line in lines if line.startswith("Execution Time")), "")
    # The first Buffers line belongs to the top node: the pages the whole query touched.
    pages = next((line for line in lines if line.startswith("Buffers:")), "")
    verdict = (
        "NOT THROUGH THE GIN INDEX: " + "; ".join(wrong)
        if wrong
        else "no sequential or whole-index scan"
    )
    return f"{verdict}; {'; '.join(sorted(set(scans)))}; {pages}; {total}"


def main() -> None:
    args = parse_args()
    if args.own_cluster:
        from pg_cluster import private_cluster

        settings = {"shared_buffers": args.own_cluster, "max_wal_size": "4GB"}
        with private_cluster(port=args.port, settings=settings) as admin_url:
            bench(args, admin_url.rsplit("/", 1)[0] + "/tracker_search_bench")
        return
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must point to PostgreSQL.")
    bench(args, url)


def bench(args, url: str) -> None:
    if not args.reuse:
        recreate_database(url)
    try:
        run(args, url)
    finally:
        if not (args.keep or args.reuse):
            from django.db import connections

            connections.close_all()
            drop_database(url)


def load(args):
    """Fills the new database; returns the user the searches run as."""
    from django.core.management import call_command

    rng = random.Random(20250106)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    sessions_needed = max(500, -(-(args.rows // 2) // USERS))
    users, _courses, sessions, readings = load_fixtures(rng, sessions_needed)
    flags = marker_flags(rng, args.rows)
    loaded = time.perf_counter()
    load_rows(rng, args.rows, users, sessions, readings, flags)
    copied = time.perf_counter()
    build_indexes()
    indexed = time.perf_counter()
    vacuum_analyze()
    done = time.perf_counter()
    print(
        f"{args.rows:,} rows ({args.rows // 2:,} reflections, {args.rows - args.rows // 2:,} notes)"
        f" in {done - started:.0f} s: migrate+fixtures {loaded - started:.0f} s,"
        f" COPY {copied - loaded:.0f} s, GIN indexes {indexed - copied:.0f} s,"
        f" VACUUM ANALYZE {done - indexed:.0f} s"
    )
    return users[0]


def run(args, url: str) -> None:
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    from tracker.search.backends import FallbackBackend
    from tracker.search.selectors import COUNT_LIMIT

    if args.reuse:
        from django.contrib.auth.models import User

        call_command("migrate", verbosity=0)  # the reused database may predate a migration
        user = User.objects.get(username="bench0")
        print(f"Reusing the database a --keep run left ({args.rows:,} rows assumed).")
    else:
        user = load(args)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), current_setting('shared_buffers')")
        version, shared_buffers = cursor.fetchone()
    print(f"{version.split(' on ')[0]}, shared_buffers {shared_buffers}")
    print(
        f"Searching as {user.username}: member of 10 of {COURSES} courses (5 members-only);"
        " rows are 40% private, 30% course, 30% public."
    )
    print(
        f"Each kind ranks and counts at most {COUNT_LIMIT:,} visible matches: 'counted' is what"
        " the search reports ('+' where a kind passed the limit), 'visible' every match the user"
        " may see."
    )
    print(
        "'typing' is the word as typed, matched as a prefix too (no space after it yet); 'part'"
        " its first letters but two, found through the prefix alone; 'done' the word followed"
        " by a space, matched as a word only. p50/p95 in ms."
    )
    header = (
        f"{'query':<10} {'matching':>9} {'visible':>8} {'counted':>8} {'typing p50':>11}"
        f" {'p95':>6} {'part p50':>9} {'p95':>6} {'done p50':>9} {'p95':>6}"
        f" {'baseline p50':>13} {'ratio':>6}"
    )
    print(header)
    plans = {}
    for word, _count in MARKERS:
        samples, page = time_search(user, word, args.runs)
        part, part_page = time_search(user, word[:-2], args.runs)
        done, _ = time_search(user, f"{word} ", args.runs)
        baseline, baseline_page = time_search(user, word, args.baseline_runs, FallbackBackend)
        assert page.total == baseline_page.total == part_page.total, (word, page.total)
        p50, p95 = statistics.median(samples), percentile(samples, 0.95)
        part_p50, part_p95 = statistics.median(part), percentile(part, 0.95)
        done_p50, done_p95 = statistics.median(done), percentile(done, 0.95)
        base_p50 = statistics.median(baseline)
        counted = f"{page.total:,}{'+' if page.total_is_capped else ''}"
        print(
            f"{word:<10} {matching_rows(word):>9,} {visible_matches(user, word):>8,}"
            f" {counted:>8} {p50:>11.1f} {p95:>6.1f} {part_p50:>9.1f} {part_p95:>6.1f}"
            f" {done_p50:>9.1f} {done_p95:>6.1f}"
            f" {base_p50:>13.1f} {base_p50 / p50:>5.0f}x"
        )
        plans[word] = explain(user, word)
    print("\nPlans of the ranked query (EXPLAIN ANALYZE):")
    for word, plan in plans.items():
        print(f"  {word}: {plan_summary(plan)}")
    word = MARKERS[1][0]
    print(f"\nFull plan for {word!r}:\n{plans[word]}")


if __name__ == "__main__":
    main()
