"""Search by meaning and hybrid ranking: a paraphrase is found without sharing a word."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meaning import embedder, services
from tracker.search.selectors import fuse_rankings, search

pytestmark = pytest.mark.django_db

QUESTION = "why do neurons respond to several unrelated things"


@pytest.fixture
def corpus(note_factory, member, settings, tmp_path):
    settings.MEANING_INDEX_DIR = tmp_path / "meaning"
    embedder.model()
    paraphrase = note_factory(
        author=member,
        body="Polysemantic neurons fire for many different concepts at once.",
        visibility="public",
    )
    worded = note_factory(
        author=member,
        body="Unrelated: a unit test for the stuff we respond to.",
        visibility="public",
    )
    off_topic = note_factory(
        author=member, body="The seminar moves to the big room on Thursday.", visibility="public"
    )
    services.backfill()
    return paraphrase, worded, off_topic


def test_full_text_misses_a_paraphrase_that_hybrid_and_meaning_find(corpus, member):
    paraphrase, _worded, off_topic = corpus
    text = search(user=member, query=QUESTION, mode="text")
    assert ("note", paraphrase.pk) not in {(r.type, r.id) for r in text.results}
    for mode in ("meaning", "hybrid"):
        page = search(user=member, query=QUESTION, mode=mode)
        ids = [(r.type, r.id) for r in page.results]
        assert ("note", paraphrase.pk) in ids[:2], mode
        assert ("note", off_topic.pk) not in ids, mode
        assert page.mode == mode


def test_the_api_defaults_to_hybrid_once_there_are_embeddings(client, corpus):
    paraphrase = corpus[0]
    body = client.get("/api/v1/search/", {"q": QUESTION}).json()
    assert body["mode"] == "hybrid"
    assert paraphrase.pk in [result["id"] for result in body["results"]]
    assert client.get("/api/v1/search/", {"q": QUESTION, "mode": "text"}).json()["count"] == 0
    assert client.get("/api/v1/search/", {"q": QUESTION, "mode": "nonsense"}).status_code == 400


def test_the_page_searches_by_the_chosen_mode(client, corpus):
    paraphrase = corpus[0]
    assert f"#note-{paraphrase.pk}" in client.get("/search/", {"q": QUESTION}).content.decode()
    text_page = client.get("/search/", {"q": QUESTION, "mode": "text"}).content.decode()
    assert f"#note-{paraphrase.pk}" not in text_page


def test_reciprocal_rank_fusion_puts_what_both_rankings_hold_first():
    text = [("note", 1, 9.0), ("note", 2, 8.0), ("note", 3, 7.0)]
    meaning = [("note", 4, 0.9), ("note", 3, 0.8), ("note", 5, 0.7)]
    fused = [(kind, pk) for kind, pk, _score in fuse_rankings(text, meaning)]
    assert fused[0] == ("note", 3)
    assert set(fused) == {("note", n) for n in (1, 2, 3, 4, 5)}


def test_a_hybrid_search_costs_the_same_queries_with_more_rows(corpus, member, note_factory):
    search(user=member, query=QUESTION, mode="hybrid")  # the query's vector, remembered

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            search(user=member, query=QUESTION, mode="hybrid")
        return len(captured)

    few = queries()
    for n in range(15):
        note_factory(author=member, body=f"Neurons with many meanings, {n}.", visibility="public")
    services.backfill()
    assert queries() == few
