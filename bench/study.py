"""Study's two hot paths on PostgreSQL: "next due card" and "submit a review", with 1,000
members x 2,000 cards (2,000,000 cards) and 5,000,000 review-log rows.

Creates a throwaway database (named by DATABASE_URL, which must end in `_bench`; by default
postgres://postgres@127.0.0.1:5432/tracker_study_bench), migrates it, fills it with
INSERT ... SELECT over generate_series (no ORM), then times, for random members:
- next due card: `study.selectors.next_item` (the most overdue learned card);
- submit a review: `study.services.review_submit` of that card (a real grade, stored);
and counts each call's queries, which must be the same for every call. The baseline, measured
in the same run on the same data, is one card fetched by its primary key through the ORM: the
least any one-row read costs here. Prints p50/p95 and the ratio of each p95 to the baseline's,
and EXPLAIN ANALYZE of the due-card query. Fails (exit 1) when a p95 passes 20 ms or the query
counts vary. Drops the database at the end unless --keep.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_study_bench \\
        python bench/study.py [--members 1000] [--cards 2000] [--log-rows 5000000] [--runs 300]
"""

import argparse
import os
import random
import statistics
import sys
import time

from bench_support import drop_database, percentile, recreate_database, setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tracker_study_bench"
LIMIT_MS = 20.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=1_000)
    parser.add_argument("--cards", type=int, default=2_000, help="cards per member (terms)")
    parser.add_argument("--log-rows", type=int, default=5_000_000)
    parser.add_argument("--runs", type=int, default=300, help="timed calls of each path")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


STATE = (
    '{"state": 2, "step": null, "stability": 12.5, "difficulty": 5.1,'
    ' "due": "2026-01-01T00:00:00+00:00", "last_review": "2025-12-20T00:00:00+00:00"}'
)


def load(args) -> None:
    """One course, its members, `--cards` terms, every member's card of every term (learned,
    due dates spread over 60 days either side of now, so about half are due), and the log."""
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    members, cards, log_rows = args.members, args.cards, args.log_rows
    steps = []
    with connection.cursor() as cursor:

        def timed(label: str, sql: str, params=()) -> None:
            begun = time.perf_counter()
            cursor.execute(sql, params)
            steps.append(f"{label} {time.perf_counter() - begun:.0f} s")

        _fixtures(members, cards)
        steps.append(f"users, course, terms (ORM) {time.perf_counter() - started:.0f} s")
        timed(
            "cards",
            "INSERT INTO study_card (member_id, course_id, kind, term_id, state, step, stability,"
            " difficulty, due, last_review, suspended, seen_revision, version, created_at)"
            " SELECT u.id, (SELECT id FROM tracker_sessions_course), 'term', t.id, 2, NULL,"
            " 1 + random() * 50, 1 + random() * 9,"
            " now() + (random() * 120 - 60) * interval '1 day',"
            " now() - random() * interval '60 days', false, 0, 1, now()"
            " FROM auth_user u CROSS JOIN readings_glossaryterm t",
        )
        timed(
            "review log",
            "INSERT INTO study_reviewlog (card_id, member_id, kind, rating, reviewed_at,"
            " duration_ms, state_before, state_after, card_version, term_revision, undone_at)"
            " SELECT c.id, c.member_id, 'review', 1 + g %% 4,"
            " now() - (g %% 365) * interval '1 day' - (g %% 86400) * interval '1 second',"
            " NULL, %s::jsonb, %s::jsonb, 1, 0, NULL"
            " FROM generate_series(0, %s - 1) g"
            " JOIN study_card c ON c.id = (SELECT min(id) FROM study_card) + g %% %s",
            [STATE, STATE, log_rows, members * cards],
        )
        timed("VACUUM ANALYZE", "VACUUM ANALYZE")
    print(
        f"{members:,} members x {cards:,} cards = {members * cards:,} cards,"
        f" {log_rows:,} review-log rows, in {time.perf_counter() - started:.0f} s"
        f" ({', '.join(steps)})"
    )


def _fixtures(members: int, cards: int) -> None:
    """The few thousand rows the big tables point at, through bulk_create."""
    from django.contrib.auth.models import User

    from readings.models import GlossaryTerm
    from sessions.models import Course, Membership

    users = User.objects.bulk_create(
        [User(username=f"bench{n}", password="!") for n in range(members)]  # noqa: S106 (unusable)
    )
    course = Course.objects.create(slug="bench", title="Bench course", visibility="members")
    Membership.objects.bulk_create([Membership(user=user, course=course) for user in users])
    GlossaryTerm.objects.bulk_create(
        [
            GlossaryTerm(
                slug=f"term-{n}",
                name=f"Term {n}",
                level=1 + n % 3,
                definition="A definition.",
                definition_html="<p>A definition.</p>",
            )
            for n in range(cards)
        ]
    )


def timed_calls(call, runs: int) -> tuple[list[float], list[int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, counts = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            begun = time.perf_counter()
            call()
            times.append((time.perf_counter() - begun) * 1000)
        counts.append(len(queries))
    return times, counts


def run(args) -> bool:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.utils import timezone

    from study import selectors, services
    from study.models import Card

    rng = random.Random(20261201)
    members = list(User.objects.filter(username__startswith="bench"))
    card_ids = list(Card.objects.values_list("id", flat=True)[:: max(1, args.cards // 7)])
    now = timezone.now()

    def baseline():
        Card.objects.get(pk=rng.choice(card_ids))

    def next_due():
        assert selectors.next_item(member=rng.choice(members), now=now) is not None

    # Distinct due cards of random members, each graded once (grading one twice is a 409).
    members_by_id = {member.pk: member for member in members}
    picked = [
        (members_by_id[card.member_id], card.key, card.version)
        for card in Card.objects.filter(due__lte=now).order_by("?")[: args.runs + 20]
    ]

    def review_one():
        member, key, version = picked.pop()
        services.review_submit(
            member=member, key=key, rating=rng.choice((1, 3, 3, 4)), version=version, now=now
        )

    for warm in (baseline, next_due):
        timed_calls(warm, 20)
    results = {}
    results["baseline (a card by its key)"] = timed_calls(baseline, args.runs)
    results["next due card"] = timed_calls(next_due, args.runs)
    timed_calls(review_one, 20)
    results["submit a review"] = timed_calls(review_one, args.runs)

    base_p95 = percentile(results["baseline (a card by its key)"][0], 0.95)
    ok = True
    print(f"{'path':32} {'p50 ms':>8} {'p95 ms':>8} {'x baseline p95':>15} {'queries':>8}")
    for name, (times, counts) in results.items():
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        constant = len(set(counts)) == 1
        print(
            f"{name:32} {p50:8.2f} {p95:8.2f} {p95 / base_p95:15.1f}"
            f" {'/'.join(map(str, sorted(set(counts)))):>8}"
        )
        if name != "baseline (a card by its key)":
            ok &= p95 < LIMIT_MS and constant
            if not constant:
                print(f"  ! {name}: the number of queries varies: {sorted(set(counts))}")
            if p95 >= LIMIT_MS:
                print(f"  ! {name}: p95 {p95:.1f} ms is over {LIMIT_MS:.0f} ms")

    query = (
        selectors.cards_visible_to(members[0])
        .filter(suspended=False, due__lte=now)
        .exclude(state=0)
        .exclude(buried_until__gt=now)
        .order_by("due", "id")[:1]
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        print("\nEXPLAIN ANALYZE of the next-due-card query:")
        print("\n".join(f"  {row[0]}" for row in cursor.fetchall()))
    print("\nwithin the 20 ms p95 and constant queries:" + (" yes" if ok else " NO"))
    return ok


def main() -> None:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must point to PostgreSQL.")
    recreate_database(url)
    ok = False
    try:
        setup_django(url)
        load(args)
        ok = run(args)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(url)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
