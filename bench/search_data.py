"""The bench's data: users, courses, sessions and readings through the ORM, then notes and
reflections by COPY, with marker words in a chosen number of rows."""

import random
from itertools import accumulate

USERS = 1000
COURSES = 40  # even ids public, odd ids members-only
WORDS_PER_ROW = 24
CHUNK = 50_000
# The words searched for, and how many rows (of notes and reflections together) contain each.
# Their letters (z, x, q, j, w, y) never occur in the filler, so no filler word shares a stem.
MARKERS = [("zyxorite", 100), ("quazzle", 10_000), ("jexwump", 20_000), ("wyvquist", 200_000)]
TIMESTAMP = "2025-01-06 10:00:00+00"
BIG_TABLES = ("tracker_sessions_reflection", "readings_note")


def load_fixtures(rng: random.Random, sessions_needed: int):
    """Users, courses (half members-only), memberships, sessions, readings, glossary terms."""
    from datetime import timedelta

    from django.contrib.auth.models import User
    from django.utils import timezone

    from readings.models import GlossaryTerm, Reading, TermName, fold_name
    from sessions.models import Course, Membership, Session

    users = User.objects.bulk_create(
        [User(username=f"bench{n}", password="!") for n in range(USERS)]  # noqa: S106 (unusable)
    )
    courses = Course.objects.bulk_create(
        [
            Course(
                slug=f"course-{n}",
                title=f"Course {n}",
                visibility="public" if n % 2 == 0 else "members",
            )
            for n in range(COURSES)
        ]
    )
    memberships = {(0, c) for c in range(1, 11, 2)} | {(0, c) for c in range(0, 10, 2)}
    for user_index in range(1, USERS):
        memberships |= {(user_index, rng.randrange(COURSES)) for _ in range(3)}
    Membership.objects.bulk_create(
        [Membership(user=users[u], course=courses[c]) for u, c in sorted(memberships)]
    )
    start = timezone.now()
    sessions = Session.objects.bulk_create(
        [
            Session(
                course=courses[n % COURSES],
                number=n // COURSES + 1,
                title=f"Session {n}",
                abstract="Weekly meeting.",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
            )
            for n in range(sessions_needed)
        ]
    )
    readings = Reading.objects.bulk_create(
        [Reading(slug=f"reading-{n}", title=f"Reading {n}") for n in range(300)]
    )
    terms = GlossaryTerm.objects.bulk_create(
        [GlossaryTerm(slug=f"term-{n}", name=f"Term {n}", definition="A term.") for n in range(300)]
    )
    TermName.objects.bulk_create(
        [
            TermName(term=term, name=name, folded=fold_name(name), is_primary=primary)
            for term in terms
            for name, primary in ((term.name, True), (f"T{term.pk}", False))
        ]
    )
    return users, courses, sessions, readings


def marker_flags(rng: random.Random, rows: int) -> list[tuple[str, bytearray]]:
    flags = []
    for word, count in MARKERS:
        chosen = bytearray(rows)
        for index in rng.sample(range(rows), round(count * rows / 1_000_000)):
            chosen[index] = 1
        flags.append((word, chosen))
    return flags


def bodies(rng: random.Random, first: int, count: int, flags):
    """Filler words with a Zipf-like frequency, plus the marker words chosen for each row."""
    syllables = [c + v for c in "bdfgklmnprstv" for v in "aeiou"]
    vocabulary = sorted({"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(6000)})
    rng.shuffle(vocabulary)
    weights = list(accumulate(1 / (rank + 1) for rank in range(len(vocabulary))))
    for chunk_start in range(0, count, CHUNK):
        size = min(CHUNK, count - chunk_start)
        words = rng.choices(vocabulary, cum_weights=weights, k=size * WORDS_PER_ROW)
        for offset in range(size):
            row = words[offset * WORDS_PER_ROW : (offset + 1) * WORDS_PER_ROW]
            index = first + chunk_start + offset
            for word, chosen in flags:
                if chosen[index]:
                    row.insert(rng.randrange(len(row)), word)
            yield " ".join(row) + "."


def copy_rows(cursor, table: str, columns: str, lines) -> None:
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        batch = []
        for line in lines:
            batch.append(line)
            if len(batch) == CHUNK:
                copy.write("".join(batch))
                batch = []
        if batch:
            copy.write("".join(batch))


def load_rows(rng, rows, users, sessions, readings, flags) -> None:
    """Reflections (one per author and session) then notes, with COPY; the GIN indexes are
    dropped first and built once at the end, as for any bulk load."""
    from django.db import connection

    reflections = rows // 2
    notes = rows - reflections
    visibilities = ["private"] * 4 + ["course"] * 3 + ["public"] * 3
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        for table in BIG_TABLES:
            cursor.execute(f"DROP INDEX {table}_search_gin")
        reflection_lines = (
            f"{users[i % USERS].pk}\t{sessions[i // USERS].pk}\t{body}\t\t"
            f"{rng.choice(visibilities)}\t{TIMESTAMP}\t{TIMESTAMP}\t1\n"
            for i, body in enumerate(bodies(rng, 0, reflections, flags))
        )
        copy_rows(
            cursor,
            "tracker_sessions_reflection",
            "author_id, session_id, body, body_html, visibility, created_at, updated_at, version",
            reflection_lines,
        )

        def note_line(index: int, body: str) -> str:
            author = users[(index * 7) % USERS].pk
            if rng.random() < 0.7:
                target = f"{rng.choice(sessions).pk}\t\\N"
                visibility = rng.choice(visibilities)
            else:
                target = f"\\N\t{rng.choice(readings).pk}"
                visibility = rng.choice(["private", "public"])
            return f"{author}\t{target}\t{body}\t\t{visibility}\t{TIMESTAMP}\t{TIMESTAMP}\t1\n"

        copy_rows(
            cursor,
            "readings_note",
            "author_id, session_id, reading_id, body, body_html, visibility, created_at,"
            " updated_at, version",
            (note_line(i, body) for i, body in enumerate(bodies(rng, reflections, notes, flags))),
        )


def build_indexes() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for table in BIG_TABLES:
            cursor.execute(f"CREATE INDEX {table}_search_gin ON {table} USING gin (search_vector)")


def vacuum_analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in BIG_TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("ANALYZE")
