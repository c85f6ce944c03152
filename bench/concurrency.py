"""Lost updates under load: 20 API clients edit 5 shared documents (2 reflections, 2 notes, a
glossary term) with partial PATCHes for 30 s, then every acknowledged write is looked for.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker python bench/concurrency.py \\
        [--seconds 30] [--clients 20]

Needs PostgreSQL (row locks; SQLite serializes every write anyway). Builds a throwaway database
beside the one DATABASE_URL names (`<name>_concurrency_bench`) and drops it at the end. Clients
are threads, each with its own django.test.Client and database connection (the whole
middleware stack, no network), signed in by API token.

Each document has two fields (a reflection's or note's `body` and `visibility`, the term's
`name` and `definition`): ten slots, two clients to a slot, one sending `If-Match` (the ETag of
its last answer; a 412 hands it the current one) and one not. The two clients of a slot take
turns, so the order of the writes to one field is known, while the writes to the other field of
the same document race with them: exactly where an update that writes back fields it loaded
earlier loses a change. A write answered 200 counts as found when its own answer shows its value
and, afterwards, either a later acknowledged write to the same field exists or the field still
holds it. The script prints both counts per field, and the 412s, and exits 1 if they differ.
"""

import argparse
import itertools
import json
import logging
import os
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("TRACKER_ENV", "development")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402

from readings import services as reading_services  # noqa: E402
from readings.models import GlossaryTerm  # noqa: E402
from sessions import services as session_services  # noqa: E402
from tracker import services  # noqa: E402

VISIBILITIES = ["private", "course", "public"]


@dataclass
class Slot:
    """One field of one document, written by two clients in turn."""

    model: type
    pk: int
    url: str
    field: str
    tokens: list[str]  # the API tokens that may edit the document
    value: str  # the field's value after the last acknowledged write
    lock: threading.Lock = field(default_factory=threading.Lock)
    acknowledged: list[tuple[str, bool]] = field(default_factory=list)  # (value, answer showed it)

    def next_value(self, client: int, count: int) -> str:
        if self.field == "visibility":  # never the value it has, so a lost write shows
            return VISIBILITIES[(VISIBILITIES.index(self.value) + 1) % len(VISIBILITIES)]
        return f"{self.field} of {self.model.__name__} {self.pk}, client {client}, write {count}"


def build_documents() -> list[Slot]:
    users = get_user_model()
    first, second = users.objects.create_user("first"), users.objects.create_user("second")
    tokens = {user: services.api_token_for(user).key for user in (first, second)}
    course = session_services.course_create(slug="bench", title="Bench", organizer=first)
    session_services.membership_set(course=course, user=second)
    starts = datetime(2024, 3, 1, 9, tzinfo=UTC)
    session = session_services.session_create(
        course=course, title="Bench session", starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    slots = []
    for author in (first, second):
        reflection = session_services.reflection_save(
            author=author, session=session, body="A reflection.", visibility="course"
        )
        note = reading_services.note_save(
            author=author, session=session, body="A note.", visibility="course"
        )
        for thing, url in (
            (reflection, f"/api/v1/reflections/{reflection.pk}/"),
            (note, f"/api/v1/notes/{note.pk}/"),
        ):
            for name in ("body", "visibility"):
                value = getattr(thing, name)
                slots.append(Slot(type(thing), thing.pk, url, name, [tokens[author]], value))
    term = reading_services.term_create(name="Bench term", definition="A term.", author=first)
    url = f"/api/v1/terms/{term.slug}/"
    for name in ("name", "definition"):
        slots.append(
            Slot(GlossaryTerm, term.pk, url, name, list(tokens.values()), getattr(term, name))
        )
    return slots


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.refused = 0
        self.other: Counter = Counter()

    def add(self, *, refused: int = 0, other: int | None = None) -> None:
        with self.lock:
            self.refused += refused
            if other is not None:
                self.other[other] += 1


def run_client(number: int, slot: Slot, careful: bool, deadline: float, tally: Tally) -> None:
    client = Client()
    auth = {"Authorization": f"Token {slot.tokens[number % len(slot.tokens)]}"}
    etag = None
    try:
        for count in itertools.count():
            if time.monotonic() >= deadline:
                break
            with slot.lock:
                headers = dict(auth)
                if careful:
                    etag = etag or client.get(slot.url, headers=auth).get("ETag")
                    if etag:
                        headers["If-Match"] = etag
                value = slot.next_value(number, count)
                answer = client.patch(
                    slot.url,
                    json.dumps({slot.field: value}),
                    content_type="application/json",
                    headers=headers,
                )
                if answer.status_code == 200:
                    slot.acknowledged.append((value, answer.json()[slot.field] == value))
                    slot.value, etag = value, answer.get("ETag")
                elif answer.status_code == 412:
                    etag = answer.get("ETag")
                    tally.add(refused=1)
                else:
                    tally.add(other=answer.status_code)
    finally:
        connection.close()


def found_writes(slot: Slot) -> int:
    """Every acknowledged write whose answer showed it and that a later acknowledged write to
    the same field replaced, plus the last one if the field still holds it."""
    final = getattr(slot.model.objects.get(pk=slot.pk), slot.field)
    found = sum(shown for _value, shown in slot.acknowledged[:-1])
    if slot.acknowledged:
        last_value, shown = slot.acknowledged[-1]
        found += shown and final == last_value
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=20, help="two or more per slot (10)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/concurrency.py needs PostgreSQL: set DATABASE_URL=postgres://…")

    setup_test_environment()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # 412s are expected here
    settings.DEBUG = False  # no query log: production-like
    database = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"{database}_concurrency_bench"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    rest_framework = {
        **settings.REST_FRAMEWORK,
        # Throttling still runs on every request, but never refuses one here.
        "DEFAULT_THROTTLE_RATES": {"anon": "1000000/s", "user": "1000000/s", "token": None},
    }
    tally = Tally()
    try:
        with override_settings(REST_FRAMEWORK=rest_framework):
            slots = build_documents()
            connection.close()  # the clients' threads open their own connections
            deadline = time.monotonic() + args.seconds
            threads = [
                threading.Thread(
                    target=run_client,
                    args=(n, slots[n % len(slots)], (n // len(slots)) % 2 == 1, deadline, tally),
                )
                for n in range(args.clients)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            acknowledged, found = Counter(), Counter()
            for slot in slots:
                acknowledged[slot.field] += len(slot.acknowledged)
                found[slot.field] += found_writes(slot)
        connection.close()
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)

    def per_field(counts: Counter) -> str:
        return ", ".join(f"{name} {counts[name]}" for name in sorted(acknowledged))

    documents = len({(slot.model, slot.pk) for slot in slots})
    print(f"database: {connection.vendor}; {args.clients} clients, {documents} documents, ", end="")
    print(f"{args.seconds:g} s")
    print(f"acknowledged writes (200): {acknowledged.total():6d}  ({per_field(acknowledged)})")
    print(f"writes found afterwards:   {found.total():6d}  ({per_field(found)})")
    print(f"refused as stale (412):    {tally.refused:6d}")
    if tally.other:
        print(f"other answers: {dict(tally.other)}")
    lost = acknowledged.total() - found.total()
    print("no acknowledged write was lost" if not lost else f"LOST: {lost} acknowledged writes")
    return 1 if lost or tally.other else 0


if __name__ == "__main__":
    sys.exit(main())
