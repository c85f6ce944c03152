"""Search by meaning: embedding throughput, the demo data's backfill, quality on a labelled
set, and latency with 200,000 embedded texts on PostgreSQL.

Creates a throwaway database (DATABASE_URL, which must end in `_bench`; by default
postgres://postgres@127.0.0.1:5432/tracker_meaning_bench), migrates it and:

1. Throughput: texts embedded per second on this machine's CPUs, in batches (as the task
   does) against one text at a time (the baseline).
2. Backfill: `load_demo`, then the time `services.backfill` takes to embed all of it.
3. Quality: bench/meaning_queries.json, queries about the demo data phrased without the words
   of the items that answer them; recall@10 of hybrid and of meaning alone against full-text
   alone (the baseline), as the demo member.
4. Latency: 200,000 notes and reflections (bench/search_data.py) with random unit vectors as
   their embeddings (COPY; noise mixed with real texts' vectors, so queries have near rows),
   the index file built from them, then p50/p95 of a meaning search
   and of a hybrid one as a member of 10 of the 40 courses (rows 40% private), the query
   embedded by the real model each time. Baseline: the exact search that reads every vector.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_meaning_bench \\
        python bench/meaning.py [--rows 200000] [--runs 40] [--keep]
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from search import drop_database, percentile, recreate_database, setup_django
from search_data import build_indexes, load_fixtures, load_rows, marker_flags, vacuum_analyze

REPO = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tracker_meaning_bench"
QUERIES = Path(__file__).with_name("meaning_queries.json")
MEANING_P95_GOAL_MS = 30
HYBRID_P95_GOAL_MS = 60


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000, help="notes + reflections")
    parser.add_argument("--runs", type=int, default=40, help="timed searches per query kind")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must point to PostgreSQL.")
    recreate_database(url)
    os.environ["MEANING_INDEX_DIR"] = tempfile.mkdtemp(prefix="meaning-bench-")
    os.environ["MEANING_EMBED_ON_SAVE"] = "false"  # the bench embeds itself; no worker runs
    try:
        setup_django(url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        labelled = json.loads(QUERIES.read_text())["queries"]
        throughput([item["query"] for item in labelled])
        member = backfill_demo()
        quality(member, labelled)
        latency(args, [item["query"] for item in labelled])
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(url)


def throughput(queries: list[str]) -> None:
    from meaning import embedder

    texts = [f"{query}. {other}" for query in queries for other in queries[:12]]
    embedder.embed(texts[:8])  # load the model
    started = time.perf_counter()
    embedder.embed(texts)
    batched = len(texts) / (time.perf_counter() - started)
    singles = texts[:64]
    started = time.perf_counter()
    for text in singles:
        embedder.embed([text])
    one_by_one = len(singles) / (time.perf_counter() - started)
    import torch

    print(
        f"Throughput ({torch.get_num_threads()} torch threads, {os.cpu_count()} CPUs):"
        f" {batched:,.0f} texts/s in batches of 64 ({len(texts)} texts),"
        f" {one_by_one:,.0f} texts/s one at a time (baseline): {batched / one_by_one:.1f}x"
    )


def backfill_demo():
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from meaning import services
    from meaning.models import Embedding

    call_command("load_demo", verbosity=0)
    started = time.perf_counter()
    computed = services.backfill()
    seconds = time.perf_counter() - started
    print(
        f"Backfill of the demo data: {computed} rows embedded in {seconds:.2f} s"
        f" ({computed / seconds:,.0f} rows/s); {Embedding.objects.count()} embeddings stored"
    )
    return User.objects.get(username="member")


def _resolve(kind: str, key: str) -> int:
    from meaning.kinds import KINDS_BY_NAME

    model = KINDS_BY_NAME[kind].model
    lookups = {
        "session": {"title": key},
        "reading": {"title": key},
        "term": {"name": key},
        "reflection": {"body__startswith": key},
        "note": {"body__startswith": key},
        "highlight": {"phrase": key},
    }
    return model.objects.filter(**lookups[kind]).values_list("pk", flat=True).get()


def quality(member, labelled) -> None:
    from tracker.search.selectors import search

    recalls = {"text": [], "meaning": [], "hybrid": []}
    for item in labelled:
        relevant = {(kind, _resolve(kind, key)) for kind, key in item["relevant"]}
        for mode, values in recalls.items():
            page = search(user=member, query=item["query"], mode=mode, page_size=10)
            found = {(result.type, result.id) for result in page.results[:10]}
            values.append(len(found & relevant) / len(relevant))
    means = {mode: statistics.mean(values) for mode, values in recalls.items()}
    print(
        f"Quality on {len(labelled)} labelled queries (bench/meaning_queries.json), as"
        f" {member.username}: recall@10 full-text (baseline) {means['text']:.2f},"
        f" meaning {means['meaning']:.2f}, hybrid {means['hybrid']:.2f}"
        f" (hybrid finds {means['hybrid'] - means['text']:+.2f} more of the relevant items)"
    )


def load_vectors(rows: int, topics: np.ndarray) -> None:
    """A unit vector for every note and reflection, by COPY, stamped before the index is built
    (so the index holds them all): random noise mixed with one of `topics` (the embeddings of
    real texts) in a random share, so that, as on a real site, a query has near rows among
    far ones (pure noise is about equally far from everything)."""
    from django.db import connection

    from meaning import embedder

    name, version = embedder.current_model()
    rng = np.random.default_rng(20250106)
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        cursor.execute(
            "SELECT 'reflection', id, CASE WHEN visibility = 'private' THEN author_id END"
            " FROM tracker_sessions_reflection UNION ALL"
            " SELECT 'note', id, CASE WHEN visibility = 'private' THEN author_id END"
            " FROM readings_note"
        )
        targets = cursor.fetchall()
        with cursor.copy(
            "COPY meaning_embedding (kind, object_id, vector, model_name, model_version,"
            " text_hash, private_to_id, updated_at) FROM STDIN"
        ) as copy:
            for start in range(0, len(targets), 10_000):
                chunk = targets[start : start + 10_000]
                noise = rng.standard_normal((len(chunk), embedder.DIMENSIONS)).astype(np.float32)
                noise /= np.linalg.norm(noise, axis=1, keepdims=True)
                share = rng.uniform(0.0, 0.9, (len(chunk), 1)).astype(np.float32)
                topic = topics[rng.integers(0, len(topics), len(chunk))]
                vectors = share * topic + (1 - share) * noise
                vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
                lines = []
                for (kind, pk, private_to), vector in zip(chunk, vectors, strict=True):
                    private = "\\N" if private_to is None else str(private_to)
                    lines.append(
                        f"{kind}\t{pk}\t\\\\x{vector.tobytes().hex()}\t{name}\t{version}\t\t"
                        f"{private}\t2025-01-06 10:00:00+00\n"
                    )
                copy.write("".join(lines))
        cursor.execute("VACUUM ANALYZE meaning_embedding")
    assert len(targets) >= rows, (len(targets), rows)  # and the demo data's


def demo_texts() -> list[str]:
    from meaning.kinds import KINDS

    return [
        kind.text(values)
        for kind in KINDS
        for values in kind.model.objects.values(*kind.value_fields())[:200]
    ]


def timed(function, runs: int) -> list[float]:
    for _ in range(2):
        function(0)
    samples = []
    for run in range(runs):
        started = time.perf_counter()
        function(run)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def latency(args, queries: list[str]) -> None:
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from meaning import embedder, index, selectors
    from meaning.models import Embedding
    from tracker.search.selectors import search

    rng = random.Random(20250106)
    started = time.perf_counter()
    Embedding.objects.all().delete()
    sessions_needed = max(500, -(-(args.rows // 2) // 1000))
    users, _courses, sessions, readings = load_fixtures(rng, sessions_needed)
    load_rows(rng, args.rows, users, sessions, readings, marker_flags(rng, args.rows))
    build_indexes()
    vacuum_analyze()
    loaded = time.perf_counter()
    topics = embedder.embed([*queries, *demo_texts()])
    load_vectors(args.rows, topics)
    vectors = time.perf_counter()
    size = index.build()
    built = time.perf_counter()
    print(
        f"\n{args.rows:,} notes and reflections loaded in {loaded - started:.0f} s, their random"
        f" unit vectors in {vectors - loaded:.0f} s; index of {size:,} vectors built in"
        f" {built - vectors:.0f} s"
    )
    user = User.objects.get(username="bench0")
    texts = [*queries, "quazzle", "jexwump", "zyxorite", "wyvquist"]

    def meaning(run: int):
        return selectors.search_by_meaning(user=user, query=texts[run % len(texts)], limit=20)

    def hybrid(run: int):
        return search(user=user, query=texts[run % len(texts)], mode="hybrid")

    def cold(function):
        """The query embedded by the model in the timed call, as for a new question."""

        def call(run: int):
            embedder.embed_query.cache_clear()
            return function(run)

        return call

    assert index.loaded() is not None
    with CaptureQueriesContext(connection) as captured:
        found = meaning(0)
    assert len(found) == 20, len(found)
    for text in texts:  # remembered: the warm figures time the search alone
        embedder.embed_query(text)
    meaning_samples = timed(meaning, args.runs)
    hybrid_samples = timed(hybrid, args.runs)
    cold_meaning = timed(cold(meaning), args.runs)
    cold_hybrid = timed(cold(hybrid), args.runs)
    query_embedding = timed(lambda run: embedder.embed([texts[run % len(texts)]]), args.runs)
    # Baseline: no index file, so the exact search reads every stored vector.
    settings.MEANING_INDEX_DIR = Path(tempfile.mkdtemp(prefix="meaning-bench-empty-"))
    assert index.loaded() is None
    exact_samples = timed(meaning, 3)
    meaning_p95, hybrid_p95 = percentile(meaning_samples, 0.95), percentile(hybrid_samples, 0.95)
    exact_p50 = statistics.median(exact_samples)
    meaning_verdict = "met" if meaning_p95 < MEANING_P95_GOAL_MS else "MISSED"
    hybrid_verdict = "met" if hybrid_p95 < HYBRID_P95_GOAL_MS else "MISSED"
    print(
        "Searches with the query's vector remembered (a repeated query, the next page, another"
        " mode): the search itself."
    )
    print(
        f"As {user.username} (member of 10 of 40 courses; 40% of rows private), p50/p95 in ms:"
        f"\n  meaning: {statistics.median(meaning_samples):.1f} / {meaning_p95:.1f}"
        f" (goal p95 < {MEANING_P95_GOAL_MS}: {meaning_verdict});"
        f" {len(captured)} queries, none reading every row"
        f"\n  hybrid:  {statistics.median(hybrid_samples):.1f} / {hybrid_p95:.1f}"
        f" (goal p95 < {HYBRID_P95_GOAL_MS}: {hybrid_verdict})"
        f"\n  the same with the query's vector not yet known (the model embeds it in the call):"
        f" meaning {statistics.median(cold_meaning):.1f} / {percentile(cold_meaning, 0.95):.1f},"
        f" hybrid {statistics.median(cold_hybrid):.1f} / {percentile(cold_hybrid, 0.95):.1f};"
        f" embedding a query alone {statistics.median(query_embedding):.1f} /"
        f" {percentile(query_embedding, 0.95):.1f}"
        f"\n  baseline, exact search over every vector: p50 {exact_p50:.0f};"
        f" the index is {exact_p50 / statistics.median(meaning_samples):.0f}x quicker"
    )


if __name__ == "__main__":
    main()
