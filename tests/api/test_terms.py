import pytest

from readings.models import GlossaryTerm
from tests.api.helpers import ids, results

pytestmark = pytest.mark.django_db


def test_term_create_edit_history_and_revert(as_user, member, term_factory):
    related = term_factory(name="Residual stream")
    client = as_user(member)
    response = client.post(
        "/api/v1/terms/",
        {
            "name": "Attention head",
            "definition": "Moves *information* between positions.",
            "level": 1,
            "aliases": ["head"],
            "related": [related.slug],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "attention-head"
    assert body["definition_html"] == "<p>Moves <em>information</em> between positions.</p>"
    assert (body["aliases"], body["related"], body["current_revision"]) == (
        ["head"],
        [related.slug],
        1,
    )
    url = "/api/v1/terms/attention-head/"
    response = client.patch(url, {"definition": "Reads and writes.", "summary": "Shorter"})
    assert response.status_code == 200
    assert response.json()["current_revision"] == 2
    assert response.json()["aliases"] == ["head"]

    history = results(client.get(url + "revisions/"))
    assert [(r["number"], r["summary"], r["author"]) for r in history] == [
        (2, "Shorter", "member"),
        (1, "Created", "member"),
    ]
    assert client.get(url + "revisions/1/").json()["definition"].startswith("Moves")

    response = client.post(url + "revert/", {"revision": 1})
    assert response.status_code == 200
    assert response.json()["definition"] == "Moves *information* between positions."
    assert response.json()["current_revision"] == 3


def test_reverting_to_a_missing_revision_is_a_field_error(as_user, member, term_factory):
    term = term_factory()
    response = as_user(member).post(f"/api/v1/terms/{term.slug}/revert/", {"revision": 99})
    assert response.status_code == 400
    assert "revision" in response.json()


def test_a_name_taken_by_another_terms_alias_is_a_field_error(as_user, member, term_factory):
    term_factory(name="Superposition", aliases=["Polysemanticity"])
    response = as_user(member).post(
        "/api/v1/terms/", {"name": "polysemanticity", "definition": "Again."}
    )
    assert response.status_code == 400
    assert "name" in response.json()


@pytest.mark.parametrize(
    ("viewer", "create", "change", "revert", "delete"),
    [
        ("anonymous", 401, 401, 401, 401),
        ("non_member", 201, 200, 200, 403),
        ("member", 201, 200, 200, 403),
        ("organizer", 201, 200, 200, 403),
        ("author", 201, 200, 200, 403),
        ("staff", 201, 200, 200, 204),
    ],
)
def test_glossary_permissions(
    as_user, people, user_factory, term_factory, viewer, create, change, revert, delete
):
    _course, who = people
    who = {**who, "author": user_factory(), "staff": user_factory(is_staff=True)}
    term = term_factory(author=who["author"])
    client = as_user(who[viewer])
    url = f"/api/v1/terms/{term.slug}/"
    assert term.slug in ids(client.get("/api/v1/terms/"), "slug")
    assert client.get(url).status_code == 200
    assert client.get(url + "revisions/").status_code == 200
    assert client.post("/api/v1/terms/", {"name": "New", "definition": "D"}).status_code == create
    assert client.patch(url, {"definition": "Changed."}).status_code == change
    assert client.post(url + "revert/", {"revision": 1}).status_code == revert
    assert client.delete(url).status_code == delete
    assert GlossaryTerm.objects.filter(pk=term.pk).exists() is (delete != 204)


def test_terms_filter_by_level_and_search_names_and_aliases(as_user, member, term_factory):
    overview = term_factory(name="Interpretability", level=1)
    detail = term_factory(name="Logit lens", level=3, aliases=["unembedding trick"])
    client = as_user(member)
    assert ids(client.get("/api/v1/terms/?level=1"), "slug") == {overview.slug}
    assert ids(client.get("/api/v1/terms/?search=unembedding"), "slug") == {detail.slug}
    assert [r["slug"] for r in results(client.get("/api/v1/terms/"))] == [
        overview.slug,
        detail.slug,
    ]


def test_revisions_of_an_unknown_term_are_404(api):
    assert api.get("/api/v1/terms/nope/revisions/").status_code == 404
