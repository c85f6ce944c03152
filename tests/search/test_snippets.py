"""Snippets of the backend without ts_headline (SQLite): matches are marked where a word starts."""

from tracker.search.snippets import mark_matches


def test_a_needle_is_marked_at_the_start_of_a_word_never_inside_one():
    snippet = mark_matches("Adding a vector to a model stored into memory", ["to", "vec"])
    assert snippet == "Adding a <mark>vec</mark>tor <mark>to</mark> a model stored into memory"


def test_marking_ignores_case_and_keeps_the_texts_own_case():
    snippet = mark_matches("Superposition, then SUPERPOSITION again", ["superposition"])
    assert snippet.count("<mark>") == 2 and "<mark>SUPERPOSITION</mark>" in snippet
