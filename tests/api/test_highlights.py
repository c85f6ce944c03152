import pytest

from readings.models import Highlight
from tests.api.helpers import ids

pytestmark = pytest.mark.django_db

VIEWERS = ["anonymous", "non_member", "member", "organizer", "author"]


@pytest.fixture
def who(people, user_factory):
    _course, who = people
    return {**who, "author": user_factory(username="highlighter")}


@pytest.mark.parametrize("visibility", ["private", "public"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_highlight_visibility_matrix(as_user, who, highlight_factory, visibility, viewer):
    highlight = highlight_factory(author=who["author"], visibility=visibility)
    client = as_user(who[viewer])
    sees = visibility == "public" or viewer == "author"
    assert (highlight.pk in ids(client.get("/api/v1/highlights/"))) is sees
    reading_filter = f"/api/v1/highlights/?reading={highlight.reading.slug}"
    assert (highlight.pk in ids(client.get(reading_filter))) is sees
    assert client.get(f"/api/v1/highlights/{highlight.pk}/").status_code == (200 if sees else 404)


@pytest.mark.parametrize(
    ("viewer", "change", "delete"),
    [
        ("anonymous", 401, 401),
        ("non_member", 403, 403),
        ("member", 403, 403),
        ("organizer", 403, 403),
        ("author", 200, 204),
    ],
)
def test_only_the_author_changes_a_public_highlight(
    as_user, who, highlight_factory, viewer, change, delete
):
    highlight = highlight_factory(author=who["author"], visibility="public")
    client = as_user(who[viewer])
    url = f"/api/v1/highlights/{highlight.pk}/"
    assert client.patch(url, {"phrase": "changed"}).status_code == change
    assert client.delete(url).status_code == delete
    assert Highlight.objects.filter(pk=highlight.pk).exists() is (delete != 204)


def test_author_creates_and_edits_a_highlight_with_a_deep_link(as_user, member, reading_factory):
    reading = reading_factory(url="https://example.org/paper")
    client = as_user(member)
    response = client.post(
        "/api/v1/highlights/",
        {"reading": reading.slug, "phrase": "  superposition   hypothesis ", "comment": "*key*"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["phrase"] == "superposition hypothesis"
    assert body["comment_html"] == "<p><em>key</em></p>"
    assert body["deep_link"] == "https://example.org/paper#:~:text=superposition%20hypothesis"
    assert body["visibility"] == "private"
    response = client.patch(f"/api/v1/highlights/{body['id']}/", {"visibility": "public"})
    assert response.json()["visibility"] == "public"
    assert response.json()["phrase"] == "superposition hypothesis"


def test_a_highlight_cannot_be_shared_with_a_course(as_user, member, reading_factory):
    response = as_user(member).post(
        "/api/v1/highlights/",
        {"reading": reading_factory().slug, "phrase": "x", "visibility": "course"},
    )
    assert response.status_code == 400
    assert "visibility" in response.json()


def test_highlights_filter_by_mine_and_author(as_user, who, highlight_factory):
    mine = highlight_factory(author=who["member"], visibility="private")
    theirs = highlight_factory(author=who["author"], visibility="public")
    client = as_user(who["member"])
    assert ids(client.get("/api/v1/highlights/?mine=true")) == {mine.pk}
    assert ids(client.get("/api/v1/highlights/?author=highlighter")) == {theirs.pk}
    assert ids(client.get("/api/v1/highlights/?visibility=public")) == {theirs.pk}
