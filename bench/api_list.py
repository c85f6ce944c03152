"""Requests per second of the sessions list endpoint against a hand-written Django view that
returns the same JSON for the same rows, measured in the same run.

    TRACKER_ENV=development python bench/api_list.py [--requests 300] [--rounds 5]

Builds a throwaway database (in-memory SQLite, or a test database beside the one DATABASE_URL
names), creates 50 sessions with speakers, agenda and readings, checks that both views return
identical JSON, then times them in alternating rounds through django.test.Client (the whole
middleware stack, no network) and prints the best round of each and their ratio.
"""

import argparse
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("TRACKER_ENV", "development")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402
from django.urls import include, path  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from readings import services as reading_services  # noqa: E402
from sessions import selectors  # noqa: E402
from sessions import services as session_services  # noqa: E402
from tracker import services  # noqa: E402
from tracker.durations import format_offset  # noqa: E402
from tracker.timezones import to_zone  # noqa: E402

SESSIONS = 50
API_URL = "/api/v1/sessions/?page_size=50"
BY_HAND_URL = "/bench/sessions/"


def _iso(moment: datetime) -> str:
    text = moment.astimezone(UTC).isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def sessions_by_hand(request):
    """The baseline: the same selector, rows turned into dicts by hand, JsonResponse."""
    key = request.headers["Authorization"].removeprefix("Token ")
    user = Token.objects.select_related("user").get(key=key).user
    sessions = selectors.sessions_with_details(user).order_by("starts_at", "id")
    results = []
    for session in sessions[:50]:
        zone = session.course.time_zone
        results.append(
            {
                "id": session.id,
                "course": session.course.slug,
                "number": session.number,
                "title": session.title,
                "status": session.status,
                "starts_at": _iso(session.starts_at),
                "ends_at": _iso(session.ends_at),
                "time_zone": zone,
                "starts_at_local": to_zone(session.starts_at, zone).isoformat(),
                "ends_at_local": to_zone(session.ends_at, zone).isoformat(),
                "location": session.location,
                "online_url": session.effective_online_url if session.viewer_is_member else None,
                "abstract": session.abstract,
                "abstract_html": session.abstract_html,
                "recording_url": session.recording_url,
                "speakers": [
                    {"name": s.name, "affiliation": s.affiliation, "url": s.url}
                    for s in session.speakers.all()
                ],
                "agenda": [
                    {
                        "label": a.label,
                        "title": a.title,
                        "recording_offset": a.recording_offset,
                        "recording_offset_display": format_offset(a.recording_offset),
                        "coverage": a.coverage,
                        "note": a.note,
                    }
                    for a in session.agenda_items.all()
                ],
                "readings": [
                    {
                        "reading": r.reading.slug,
                        "title": r.reading.title,
                        "kind": r.reading.kind,
                        "url": r.reading.url,
                        "role": r.role,
                    }
                    for r in session.session_readings.all()
                ],
                "created_at": _iso(session.created_at),
                "updated_at": _iso(session.updated_at),
            }
        )
    count = sessions.count()
    return JsonResponse({"count": count, "next": None, "previous": None, "results": results})


urlpatterns = [
    path("bench/sessions/", sessions_by_hand),
    path("", include("tracker.urls")),
]


def build_rows():
    """50 sessions in 5 courses the user belongs to, each with 2 speakers, 3 agenda items and
    2 readings; returns the user's API token."""
    user = services.api_token_for(django.contrib.auth.get_user_model().objects.create_user("bench"))
    readings = [
        reading_services.reading_create(title=f"Reading {n}", url=f"https://example.org/{n}")
        for n in range(10)
    ]
    start = datetime(2024, 2, 5, 7, tzinfo=UTC)
    for c in range(5):
        course = session_services.course_create(
            slug=f"course-{c}",
            title=f"Course {c}",
            organizer=user.user,
            time_zone="Australia/Sydney",
            online_url="https://meet.example.org/room",
        )
        for n in range(SESSIONS // 5):
            begins = start + timedelta(days=7 * n, hours=c)
            session_services.session_create(
                course=course,
                title=f"Week {n}",
                starts_at=begins,
                ends_at=begins + timedelta(hours=2),
                abstract="We read **two** papers and discuss them.",
                speakers=[{"name": "Ada Lovelace", "affiliation": "Analytical"}, {"name": "Alan"}],
                agenda=[
                    {"label": "1a", "title": "Intro", "recording_offset": 0},
                    {"label": "1b", "title": "Paper one", "recording_offset": 600},
                    {"label": "1c", "title": "Paper two", "coverage": "skipped"},
                ],
                readings=[
                    {"reading": readings[(c + n) % 10], "role": "required"},
                    {"reading": readings[(c + n + 1) % 10], "role": "optional"},
                ],
            )
    return user.key


def requests_per_second(client: Client, url: str, headers: dict, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        response = client.get(url, headers=headers)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.content[:300]
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    setup_test_environment()
    settings.DEBUG = False  # no query log: production-like
    database = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    rest_framework = {
        **settings.REST_FRAMEWORK,
        # Throttling still runs on every request, but never refuses one here.
        "DEFAULT_THROTTLE_RATES": {"anon": "1000000/s", "user": "1000000/s", "token": None},
    }
    try:
        with override_settings(ROOT_URLCONF=__name__, REST_FRAMEWORK=rest_framework):
            token = build_rows()
            client, headers = Client(), {"Authorization": f"Token {token}"}
            api = client.get(API_URL, headers=headers).json()
            by_hand = client.get(BY_HAND_URL, headers=headers).json()
            assert api == by_hand, "the two views must return the same JSON"
            assert len(api["results"]) == SESSIONS

            for url in (API_URL, BY_HAND_URL):  # warm-up
                requests_per_second(client, url, headers, 20)
            best = {API_URL: 0.0, BY_HAND_URL: 0.0}
            for _ in range(args.rounds):
                for url in (BY_HAND_URL, API_URL):
                    rate = requests_per_second(client, url, headers, args.requests)
                    best[url] = max(best[url], rate)
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)

    engine = connection.vendor
    print(f"database: {engine}; {SESSIONS} sessions, page of {SESSIONS}; best of {args.rounds}")
    print(f"hand-written view: {best[BY_HAND_URL]:8.1f} requests/s")
    print(f"API /api/v1/sessions/: {best[API_URL]:8.1f} requests/s")
    print(f"ratio (API / hand-written): {best[API_URL] / best[BY_HAND_URL]:.2f}")


if __name__ == "__main__":
    main()
