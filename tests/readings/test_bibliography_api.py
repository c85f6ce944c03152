"""The bibliography API: a bad `dry_run` is a field-named 400, the schema says what the
endpoints answer, importing into a session's reading list is for its course's organizers, and
one bad entry never blocks the good ones."""

import json

import pytest
from rest_framework.test import APIClient

from readings import bibliography, services
from readings.models import Reading
from sessions import services as session_services
from tests.sessions.factories import SessionFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/readings/import"
GOOD = "@article{olah2020zoom, title={Zoom In}, author={Olah, Chris}, year={2020}}\n"


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def openapi():
    response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_a_bad_dry_run_is_a_400_naming_the_field(member):
    response = _client(member).post(
        f"{URL}?dry_run=maybe", {"format": "bibtex", "text": GOOD}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["dry_run"]
    assert not Reading.objects.exists()


def test_a_dry_run_answers_the_report_and_saves_nothing(member):
    response = _client(member).post(
        f"{URL}?dry_run=true", {"format": "bibtex", "text": GOOD}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["saved"], response.json()["added"]) == (False, 1)
    assert not Reading.objects.exists()


def test_the_schema_declares_the_csljson_export_an_array_and_the_import_dry_run(openapi):
    export = openapi["paths"]["/api/v1/readings/export"]["get"]["responses"]["200"]["content"]
    assert export["application/vnd.citationstyles.csl+json"]["schema"]["type"] == "array"
    assert export["application/x-bibtex"]["schema"]["type"] == "string"
    assert export["application/x-research-info-systems"]["schema"]["type"] == "string"
    operation = openapi["paths"][URL]["post"]
    dry_run = next(p for p in operation["parameters"] if p["name"] == "dry_run")
    assert (dry_run["in"], dry_run["schema"]["type"]) == ("query", "boolean")
    assert (
        operation["responses"]["400"]["content"]["application/json"]["schema"]["type"] == "object"
    )
    report = openapi["components"]["schemas"]["ImportReport"]["properties"]
    assert {"session", "entries"} <= set(report)
    entry = openapi["components"]["schemas"]["EntryReport"]["properties"]
    assert entry["warnings"]["type"] == "array"


def test_the_export_answers_what_the_schema_declares(member):
    services.reading_create(title="A paper", authors=[("Ada", "Lovelace")], year=2020)
    client = _client(member)
    items = json.loads(client.get("/api/v1/readings/export", {"format": "csljson"}).content)
    assert isinstance(items, list) and items[0]["title"] == "A paper"
    ris = client.get("/api/v1/readings/export", {"format": "ris"})
    assert ris["Content-Type"].startswith("application/x-research-info-systems")
    assert "TI  - A paper" in ris.content.decode()


@pytest.mark.parametrize(
    ("who", "status"), [("outsider", 404), ("member", 403), ("organizer", 201)]
)
def test_only_organizers_import_into_a_sessions_reading_list(course_with_roles, who, status):
    course, organizer, member, outsider = course_with_roles
    users = {"organizer": organizer, "member": member, "outsider": outsider}
    already = services.reading_create(title="Already listed")
    session = SessionFactory(course=course)
    session_services.session_update(
        session=session, readings=[{"reading": already, "role": "required"}]
    )
    text = GOOD + "@article{again, title={Already listed}}\n"
    response = _client(users[who]).post(
        URL, {"format": "bibtex", "text": text, "session": session.pk}, format="json"
    )
    assert response.status_code == status
    listed = list(
        session.session_readings.order_by("position").values_list("reading__title", "role")
    )
    if status == 201:
        assert response.json()["session"] == session.pk
        assert [e["outcome"] for e in response.json()["entries"]] == ["added", "matched"]
        assert listed == [("Already listed", "required"), ("Zoom In", "optional")]
    else:
        assert listed == [("Already listed", "required")]
        assert not Reading.objects.filter(title="Zoom In").exists()


def test_one_bad_entry_never_blocks_four_hundred_good_ones(member):
    good = "".join(
        f"@article{{p{n}, title={{Paper {n}}}, doi={{10.5555/p.{n}}}, year={{2020}}}}\n"
        for n in range(400)
    )
    text = (
        good
        + "@article{spaced, title={Spaced}, url={https://example.org/a b.pdf}}\n"
        + "@article{long, title={"
        + "x" * 301
        + "}}\n"
    )
    client = _client(member)
    preview = client.post(URL, {"format": "bibtex", "text": text}, format="json")
    assert (preview.status_code, preview.json()["saved"]) == (200, False)
    rejected = {
        e["key"]: e["reason"] for e in preview.json()["entries"] if e["outcome"] == "rejected"
    }
    assert rejected == {
        "spaced": "url: Enter a valid URL.",
        "long": "title: Ensure this value has at most 300 characters (it has 301).",
    }
    saved = client.post(
        URL, {"format": "bibtex", "text": text, "accept_rejections": True}, format="json"
    )
    assert (saved.status_code, saved.json()["added"]) == (201, 400)
    assert Reading.objects.count() == 400


def test_a_file_over_the_entry_limit_is_a_400_that_says_so(member):
    text = "".join(f"@misc{{e{n}, title={{Entry {n}}}}}\n" for n in range(1001))
    response = _client(member).post(URL, {"format": "bibtex", "text": text}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "file": ["The file holds 1001 entries; import at most 1000 at a time."]
    }
    assert not Reading.objects.exists()


def test_an_entry_the_database_refuses_at_save_is_rejected_alone(member):
    """A reading with the same ISBN added between the check and the save (another import, say)
    costs only that entry."""
    entries = bibliography.importing
    report = [
        entries.check(c)
        for c in bibliography.bibtex.parse(
            "@book{a, title={First}, isbn={9780262033848}}\n@book{b, title={Second}}\n"
        )
    ]
    services.reading_create(title="Taken meanwhile", isbn="9780262033848")
    entries.save(report, user=member)
    assert [e.outcome for e in report] == ["rejected", "added"]
    assert "ISBN" in report[0].reason
    assert set(Reading.objects.values_list("title", flat=True)) == {"Taken meanwhile", "Second"}
