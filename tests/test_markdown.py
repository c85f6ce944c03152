"""The one markdown pipeline: sanitizing, glossary auto-links, wiki-links, and refreshing
stored HTML when the glossary changes."""

import pytest

from readings import services as reading_services
from sessions import services as session_services
from tests.readings.factories import GlossaryTermFactory, NoteFactory, ReadingFactory
from tests.sessions.factories import ReflectionFactory
from tracker.markdown import Glossary, render_markdown

ATTACKS = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '<img src="x" onerror="alert(1)">',
    "![x](data:text/html;base64,PHNjcmlwdD4=)",
    '<a href="#" onclick="alert(1)">x</a>',
    "<iframe src='https://evil.example'></iframe>",
    '<svg onload="alert(1)"></svg>',
    "<style>body{display:none}</style>",
    '[[<img src=x onerror="alert(1)">]]',
    '[[reading:"><script>alert(1)</script>]]',
    "[[Superposition|<script>alert(1)</script>]]",
]
DANGEROUS = ("<script", "javascript:", "onerror", "onclick", "onload", "data:", "<iframe", "<style")

GLOSSARY = Glossary(
    slug_by_name={
        "superposition": "superposition",
        "sparse autoencoder": "sparse-autoencoder",
        "sae": "sparse-autoencoder",
        "autoencoder": "autoencoder",
    },
    reading_titles={"zoom-in": "Zoom In: An Introduction to Circuits"},
)


def render(source: str) -> str:
    return render_markdown(source, glossary=GLOSSARY)


@pytest.mark.parametrize("attack", ATTACKS)
def test_markdown_renders_attacks_inert(attack):
    html = render(attack).lower()
    for dangerous in DANGEROUS:
        assert dangerous not in html


def test_markdown_keeps_tables_code_and_footnotes():
    html = render(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nx = 1\n```\n\nNote[^1]\n\n[^1]: Foot."
    )
    assert "<table>" in html and "<code" in html and "footnote" in html


def test_outside_links_get_noopener_nofollow():
    assert 'rel="noopener nofollow"' in render("[d](https://distill.pub)")


# Auto-linking


def test_first_mention_of_a_term_is_linked_case_insensitively():
    html = render("SUPERPOSITION matters. Superposition again.")
    assert html.count('href="/glossary/superposition/"') == 1
    assert '<a href="/glossary/superposition/" class="term-link auto">SUPERPOSITION</a>' in html


def test_aliases_link_and_count_as_the_same_term():
    html = render("An SAE, also called a sparse autoencoder.")
    assert html.count('href="/glossary/sparse-autoencoder/"') == 1
    assert ">SAE</a>" in html


def test_longest_name_wins_and_whole_words_only():
    html = render("A sparse autoencoder, not superpositions or autoencoders.")
    assert ">sparse autoencoder</a>" in html
    assert 'href="/glossary/autoencoder/"' not in html  # "autoencoders" is another word
    assert ">superposition</a>" not in html.lower()


def test_never_links_inside_code_links_or_headings():
    html = render(
        "# Superposition\n\n`superposition` and\n\n```\nsuperposition\n```\n\n"
        "[superposition](https://example.org) [SAE](https://example.org)"
    )
    assert 'class="term-link' not in html


def test_links_the_first_mention_outside_code_even_after_one_inside():
    html = render("`superposition` then superposition.")
    assert "<code>superposition</code>" in html
    assert (
        'then <a href="/glossary/superposition/" class="term-link auto">superposition</a>' in html
    )


def test_a_definition_does_not_link_to_its_own_term():
    html = render_markdown("Superposition is…", glossary=GLOSSARY, skip_term_slug="superposition")
    assert "term-link" not in html


# Wiki-links


def test_wiki_links_to_terms_and_readings():
    html = render("See [[superposition]] and [[reading:zoom-in]] and [[SAE|the SAE]].")
    assert '<a href="/glossary/superposition/" class="term-link">superposition</a>' in html
    assert (
        '<a href="/readings/zoom-in/" class="reading-link">Zoom In: An Introduction to Circuits</a>'
        in html
    )
    assert '<a href="/glossary/sparse-autoencoder/" class="term-link">the SAE</a>' in html


def test_wiki_link_counts_as_the_first_mention():
    html = render("[[Superposition]] and then superposition.")
    assert html.count('href="/glossary/superposition/"') == 1


def test_unknown_wiki_links_are_marked_missing_and_code_is_left_alone():
    html = render("[[No such term]] [[reading:nope]]\n\n`[[Superposition]]`")
    assert html.count('class="wiki-link missing"') == 2
    assert "<code>[[Superposition]]</code>" in html


# With the database: the glossary comes from the terms, and stays current


@pytest.mark.django_db
def test_render_uses_the_glossary_in_the_database():
    GlossaryTermFactory(name="Activation steering", aliases=["steering"])
    reading = ReadingFactory(slug="steering-gpt2", title="Steering GPT-2-XL")
    html = render_markdown("On steering, see [[reading:steering-gpt2]].")
    assert 'href="/glossary/activation-steering/"' in html
    assert f">{reading.title}</a>" in html


@pytest.mark.django_db
def test_adding_a_term_links_texts_written_before_it(member):
    reflection = ReflectionFactory(body="Dictionary learning is remarkable.")
    note = NoteFactory(body="See [[Dictionary learning]].")
    assert "term-link" not in reflection.body_html and "missing" in note.body_html
    reading_services.term_create(name="Dictionary learning", definition="…", author=member)
    reflection.refresh_from_db()
    note.refresh_from_db()
    assert 'href="/glossary/dictionary-learning/"' in reflection.body_html
    assert 'href="/glossary/dictionary-learning/"' in note.body_html


@pytest.mark.django_db
def test_renaming_a_term_relinks_old_and_new_mentions(member):
    term = reading_services.term_create(name="SAE", definition="…", author=member)
    old = ReflectionFactory(body="An SAE here.")
    new = ReflectionFactory(body="A sparse autoencoder here.")
    assert 'href="/glossary/sae/"' in old.body_html
    reading_services.term_update(term=term, author=member, name="Sparse autoencoder", aliases=[])
    old.refresh_from_db()
    new.refresh_from_db()
    assert "term-link" not in old.body_html  # "SAE" is no longer a name of the term
    assert 'href="/glossary/sae/"' in new.body_html


@pytest.mark.django_db
def test_adding_an_alias_links_its_mentions_everywhere(member):
    term = reading_services.term_create(name="Superposition", definition="…", author=member)
    reading = reading_services.reading_create(title="Toy models", summary="Polysemantic neurons.")
    course = session_services.course_create(
        slug="c", title="C", description="All about polysemantic neurons."
    )
    reading_services.term_update(term=term, author=member, aliases=["polysemantic"])
    reading.refresh_from_db()
    course.refresh_from_db()
    assert 'href="/glossary/superposition/"' in reading.summary_html
    assert 'href="/glossary/superposition/"' in course.description_html


@pytest.mark.django_db
def test_refresh_after_a_term_change_costs_a_few_queries_not_one_per_row(
    member, django_assert_max_num_queries
):
    for index in range(30):
        ReflectionFactory(body=f"Grokking happens {index}.")
    # Reads (glossary, rows per table), one bulk update, and the term's own writes.
    with django_assert_max_num_queries(30):
        reading_services.term_create(name="Grokking", definition="…", author=member)
    from sessions.models import Reflection

    assert all(
        "term-link" in html for html in Reflection.objects.values_list("body_html", flat=True)
    )


@pytest.mark.django_db
def test_renaming_a_reading_refreshes_wiki_links_to_it():
    reading = reading_services.reading_create(title="Old title", slug="paper")
    reflection = ReflectionFactory(body="Read [[reading:paper]].")
    assert ">Old title</a>" in reflection.body_html
    reading_services.reading_update(reading=reading, title="New title")
    reflection.refresh_from_db()
    assert ">New title</a>" in reflection.body_html
