"""GET /api/v1/search/: one shape on every database, only what the caller may see."""

from urllib.parse import parse_qs, urlsplit

import pytest
from drf_spectacular.generators import SchemaGenerator

from readings.models import Note
from tests.readings.factories import NoteFactory, ReadingFactory
from tests.sessions.factories import CourseFactory, ReflectionFactory, SessionFactory, UserFactory
from tracker.search.selectors import COUNT_LIMIT

pytestmark = pytest.mark.django_db

URL = "/api/v1/search/"
PAGE_KEYS = {
    "query",
    "mode",
    "count",
    "page",
    "page_size",
    "next",
    "previous",
    "counts",
    "count_is_capped",
    "count_limit",
    "capped_kinds",
    "glossary_names",
    "results",
}
RESULT_KEYS = {"type", "id", "title", "url", "snippet", "rank"}
KINDS = {"session", "reading", "term", "reflection", "note", "highlight"}


def page_number(url: str) -> str:
    return parse_qs(urlsplit(url).query)["page"][0]


@pytest.fixture
def corpus():
    author = UserFactory(username="author")
    course = CourseFactory(visibility="public")
    session = SessionFactory(course=course, title="Mechanistic interpretability basics")
    ReflectionFactory(author=author, session=session, visibility="private", body="secretword")
    for n in range(3):
        NoteFactory(body=f"Interpretability note {n}", visibility="public")
    return author


def test_response_has_the_same_shape_on_every_database(client, corpus, term_factory):
    term_factory(name="Interpretability", aliases=["Interp"])
    body = client.get(URL, {"q": "interp"}).json()
    assert set(body) == PAGE_KEYS
    assert set(body["counts"]) == KINDS
    assert all(isinstance(n, int) for n in body["counts"].values())
    assert body["count"] == 5 and body["page"] == 1 and body["page_size"] == 20
    assert body["count_is_capped"] is False and body["capped_kinds"] == []
    assert body["count_limit"] == COUNT_LIMIT
    assert body["next"] is None and body["previous"] is None
    assert body["glossary_names"] == ["Interp", "Interpretability"]
    assert sorted(result["type"] for result in body["results"]) == [
        "note",
        "note",
        "note",
        "session",
        "term",
    ]
    for result in body["results"]:
        assert set(result) == RESULT_KEYS
        assert result["type"] in KINDS
        assert isinstance(result["id"], int) and isinstance(result["rank"], float)
        assert result["url"].startswith("http://testserver/")
        assert isinstance(result["title"], str) and isinstance(result["snippet"], str)


def test_private_reflection_is_found_by_its_author_only(client, corpus):
    assert client.get(URL, {"q": "secretword"}).json()["count"] == 0
    client.force_login(UserFactory(username="someone"))
    assert client.get(URL, {"q": "secretword"}).json()["results"] == []
    client.force_login(corpus)
    results = client.get(URL, {"q": "secretword"}).json()["results"]
    assert [result["type"] for result in results] == ["reflection"]
    assert "<mark>secretword</mark>" in results[0]["snippet"]


def test_type_may_repeat_or_hold_commas(client, corpus):
    only_notes = client.get(URL, {"q": "interpretability", "type": "note"}).json()
    assert {result["type"] for result in only_notes["results"]} == {"note"}
    assert only_notes["count"] == 3 and only_notes["counts"]["session"] == 1
    both = client.get(URL + "?q=interpretability&type=note,session").json()
    repeated = client.get(URL + "?q=interpretability&type=note&type=session").json()
    assert both["count"] == repeated["count"] == 4


def test_next_and_previous_links_walk_the_pages(client, corpus):
    pages = [client.get(URL, {"q": "interpretability", "page_size": 1}).json()]
    while pages[-1]["next"]:
        pages.append(client.get(pages[-1]["next"]).json())
    assert len(pages) == 4
    assert pages[0]["previous"] is None
    assert [page_number(page["previous"]) for page in pages[1:]] == ["1", "2", "3"]
    seen = [(r["type"], r["id"]) for page in pages for r in page["results"]]
    assert len(seen) == len(set(seen)) == 4


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "x", "type": "bogus"}, "type"),
        ({"q": "x", "page": "0"}, "page"),
        ({"q": "x", "page": "51"}, "page"),
        ({"q": "x", "page": "two"}, "page"),
        ({"q": "x", "page_size": "51"}, "page_size"),
    ],
)
def test_bad_parameters_get_400_naming_the_field(client, params, field):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_endpoint_is_described_in_openapi():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/search/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert names == {"q", "type", "page", "page_size", "mode"}
    q = next(p for p in operation["parameters"] if p["name"] == "q")
    assert q["required"] is True
    response = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert response["$ref"].endswith("/SearchPage")
    result = schema["components"]["schemas"]["SearchResult"]
    assert set(result["properties"]) == RESULT_KEYS


@pytest.mark.parametrize(
    "nasty",
    [
        "\x00",
        "'; DROP TABLE x; --",
        "a:*b",
        "!(&|",
        '"""',
        "-",
        "or or",
        "é\u200b",
        "\\",
        "x" * 200,
    ],
)
def test_any_text_is_a_query_never_an_error(client, corpus, nasty):
    response = client.get(URL, {"q": nasty})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert set(response.json()) == PAGE_KEYS


def public_notes(count: int, body: str) -> None:
    """Many notes in one insert: enough to pass the count limit without a slow test."""
    author, reading = UserFactory(), ReadingFactory()
    Note.objects.bulk_create(
        Note(author=author, reading=reading, body=f"{body} {n}", visibility="public")
        for n in range(count)
    )


def test_a_kind_past_the_count_limit_is_reported_as_capped(client):
    public_notes(COUNT_LIMIT + 1, "Lottery ticket")
    SessionFactory(course=CourseFactory(visibility="public"), title="Lottery tickets")
    body = client.get(URL, {"q": "lottery", "type": "note"}).json()
    assert body["counts"]["note"] == COUNT_LIMIT and body["counts"]["session"] == 1
    assert body["count"] == COUNT_LIMIT and body["count_is_capped"] is True
    assert body["capped_kinds"] == ["note"]
    assert len(body["results"]) == 20 and body["next"] is not None
    last_page = COUNT_LIMIT // 20
    last = client.get(URL, {"q": "lottery", "type": "note", "page": last_page}).json()
    assert len(last["results"]) == 20 and last["next"] is None
    sessions = client.get(URL, {"q": "lottery", "type": "session"}).json()
    assert sessions["count"] == 1 and sessions["count_is_capped"] is False
    assert sessions["capped_kinds"] == ["note"]


def test_snippets_show_the_words_not_the_markdown(client):
    NoteFactory(
        visibility="public",
        body=(
            "## Reading notes\n\n**Superposition** lets a model keep more [[Feature|features]] "
            "than it has `dimensions`; see [the paper](https://example.org/a/very/long/address)."
        ),
    )
    snippet = client.get(URL, {"q": "superposition"}).json()["results"][0]["snippet"]
    for syntax in ("##", "**", "[[", "]]", "`", "](", "https://"):
        assert syntax not in snippet, (syntax, snippet)
    assert "<mark>Superposition</mark>" in snippet
    assert "features" in snippet
