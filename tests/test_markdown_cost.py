"""Markdown with a bounded cost: the worst documents we could build render in bounded time, and
the one length limit holds at every door (API, pages, preview, models)."""

import time

import markdown as python_markdown
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from readings.models import GlossaryTerm, Note
from sessions.models import Reflection
from tests.readings.factories import GlossaryTermFactory, ReadingFactory
from tests.sessions.factories import MembershipFactory, ReflectionFactory, SessionFactory
from tracker import services
from tracker.markdown import (
    _EXTENSIONS,
    MARKDOWN_MAX_CHARS,
    Glossary,
    _Linker,
    render_markdown,
    sanitize,
)
from tracker.markdown_limits import neutralize

# bench/markdown_worst.py prints the real figures; this bound leaves room for a slow CI machine.
BUDGET_SECONDS = 2.0
GLOSSARY = Glossary(
    slug_by_name={"superposition": "superposition", f"term {7}": "term-7"},
    reading_titles={"zoom-in": "Zoom In"},
)


def repeat(unit: str, length: int = MARKDOWN_MAX_CHARS) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def table(columns: int) -> str:
    head = "|" + "h|" * columns + "\n|" + "-|" * columns + "\n"
    return head + repeat("|" + "a|" * columns + "\n", MARKDOWN_MAX_CHARS - len(head))


def nested_list(indent: str) -> str:
    lines, depth = [], 0
    while sum(map(len, lines)) < MARKDOWN_MAX_CHARS:
        lines.append(indent * depth + "- item\n")
        depth += 1
    return "".join(lines)[:MARKDOWN_MAX_CHARS]


WORST = {
    "nested brackets": "[" * MARKDOWN_MAX_CHARS,
    "balanced brackets": "[" * 50_000 + "]" * 50_000,
    "unclosed links": repeat("[a]("),
    "quoted links": repeat('[a]("x) '),
    "images": repeat("!["),
    "brackets then parens": "[" * 50_000 + "](" * 25_000,
    "short references": repeat("[x] "),
    "wiki-links": repeat("[[term 7]] "),
    "footnotes": repeat("[^1]", 49_998) + "\n\n" + repeat("[^1]: x\n", 50_000),
    "emphasis mix": repeat("*_"),
    "emphasis ladder": repeat("**", 49_998) + "a" + repeat("**", 50_000),
    "backtick runs": repeat("``a`"),
    "unclosed fences": repeat("```\n"),
    "unclosed tilde fences": repeat("~~~a\n"),
    "backslashes": "\\" * MARKDOWN_MAX_CHARS,
    "html-ish": repeat("<a "),
    "tags": repeat("<div>"),
    "entities": repeat("&#"),
    "blockquotes": ">" * (MARKDOWN_MAX_CHARS - 2) + " a",
    "list markers on one line": repeat("1. "),
    "nested list": nested_list("  "),
    "flat list": repeat("- a\n"),
    "wide table": table(20_000),
    "long table": table(2),
    "headers": repeat("# a\n"),
    "setext headers": repeat("a\n=\n"),
    "mixed": repeat("[*_`<"),
}


@pytest.mark.parametrize("name", list(WORST))
def test_worst_markdown_at_the_limit_renders_within_the_budget(name):
    source = WORST[name]
    assert len(source) <= MARKDOWN_MAX_CHARS
    started = time.perf_counter()
    html = render_markdown(source, glossary=GLOSSARY)
    assert time.perf_counter() - started < BUDGET_SECONDS
    assert html


NORMAL = [
    'A [link](https://distill.pub "Distill") and ![a figure](https://example.org/f.png).',
    "*em*, **strong**, ***both***, `code`, ``a ` tick``, \\*escaped\\*, snake_case_word.",
    "| a | b |\n|---|:-:|\n| 1 | 2 |\n| 3 | 4 |",
    "```python\nx = [[1, 2], [3]]\nprint(x[0])\n```\n\n~~~\nplain\n~~~",
    "See [[superposition]], [[reading:zoom-in]] and [[Superposition|it]].",
    "Note[^1].\n\n[^1]: The footnote, with [a link](https://example.org).",
    "[ref] and [text][ref].\n\n[ref]: https://example.org",
    "- one\n    - two\n        - three\n1. first\n2. second",
    "> quoted\n>\n> > nested twice\n\n# Heading\n\nSetext\n---",
    "<div>raw <b>html</b></div>\n\n<!-- a comment -->\n\n<https://example.org>",
    "a < b > c, x->y, [unclosed and (also",
]


@pytest.mark.parametrize("source", NORMAL[:-1])
def test_normal_markdown_passes_the_pre_pass_unchanged(source):
    assert neutralize(source) == source


def render_as_before(source: str) -> str:
    """The pipeline as it was before the limits: bare Python-Markdown, nh3, the links."""
    html_text = python_markdown.markdown(source, extensions=_EXTENSIONS, output_format="html")
    return _Linker(GLOSSARY, "").link(sanitize(html_text))


@pytest.mark.parametrize("source", [*NORMAL, "\n\n".join(NORMAL)])
def test_normal_markdown_renders_as_before(source):
    assert render_markdown(source, glossary=GLOSSARY) == render_as_before(source)


def test_normal_markdown_renders_links_emphasis_tables_code_and_wiki_links():
    html = render_markdown("\n\n".join(NORMAL), glossary=GLOSSARY)
    for fragment in (
        '<a href="https://distill.pub" title="Distill" rel="noopener nofollow">link</a>',
        '<img alt="a figure" src="https://example.org/f.png">',
        "<em>em</em>",
        "<strong>strong</strong>",
        "<code>a ` tick</code>",
        "*escaped*",
        "<th>a</th>",
        "<td>2</td>",
        '<code class="language-python">x = [[1, 2], [3]]',
        '<a href="/glossary/superposition/" class="term-link">superposition</a>',
        '<a href="/readings/zoom-in/" class="reading-link">Zoom In</a>',
        'class="footnote-ref"',
        '<a href="https://example.org" rel="noopener nofollow">text</a>',
        "<blockquote>",
        "<h1>Heading</h1>",
        "a &lt; b &gt; c",
        "[unclosed and (also",
    ):
        assert fragment in html, fragment


def test_taken_apart_brackets_are_shown_as_typed():
    html = render_markdown("[" * 5000 + " and [a](" * 100, glossary=GLOSSARY)
    assert "[" * 5000 in html and "<a" not in html


def test_a_render_past_the_time_limit_shows_the_text_plain_and_inert(monkeypatch):
    # A limit no machine meets for this input, so the test does not depend on the machine's speed.
    monkeypatch.setattr("tracker.markdown.MARKDOWN_RENDER_SECONDS", 0.001)
    source = repeat("*_", 60_000) + "\n\n<script>alert(1)</script> [[superposition]]"
    html = render_markdown(source, glossary=GLOSSARY)
    assert "<em>" not in html and "*_*_" in html
    assert "&lt;script&gt;" in html and "<script" not in html
    assert '<a href="/glossary/superposition/" class="term-link">superposition</a>' in html


def test_typed_stand_in_characters_cannot_smuggle_markup():
    html = render_markdown("\ue004script\ue005 and \ue000x\ue001", glossary=GLOSSARY)
    assert "script" in html and "<script" not in html and "&lt;" not in html


# The one limit at every door

TOO_LONG = "x" * (MARKDOWN_MAX_CHARS + 1)


@pytest.fixture
def writer(db):
    membership = MembershipFactory(role="organizer")
    return membership.user, SessionFactory(course=membership.course)


def api_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {services.api_token_for(user).key}")
    return client


@pytest.mark.django_db
def test_api_refuses_markdown_over_the_limit_naming_the_field_and_stores_nothing(writer):
    user, session = writer
    client = api_client(user)
    attempts = [
        ("/api/v1/reflections/", {"session": session.pk, "visibility": "private"}, "body"),
        ("/api/v1/notes/", {"session": session.pk, "visibility": "private"}, "body"),
        ("/api/v1/terms/", {"name": "Too long"}, "definition"),
    ]
    for url, payload, field in attempts:
        response = client.post(url, {**payload, field: TOO_LONG}, format="json")
        assert response.status_code == 400, (url, response.content[:200])
        assert field in response.json(), response.json()
    assert not Reflection.objects.exists() and not Note.objects.exists()
    assert not GlossaryTerm.objects.exists()


@pytest.mark.django_db
def test_api_accepts_markdown_at_the_limit(writer):
    user, session = writer
    body = repeat("[[[[ *_ ", MARKDOWN_MAX_CHARS - 1) + "."  # the API trims whitespace
    response = api_client(user).post(
        "/api/v1/reflections/",
        {"session": session.pk, "visibility": "private", "body": body},
        format="json",
    )
    assert response.status_code == 201, response.content[:200]
    assert Reflection.objects.get().body == body


@pytest.mark.django_db
def test_reflection_page_refuses_markdown_over_the_limit_with_a_form_error(client, writer):
    user, session = writer
    client.force_login(user)
    url = reverse("reflection_edit", kwargs={"slug": session.course.slug, "number": session.number})
    response = client.post(url, {"body": TOO_LONG, "visibility": "private"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Reflection.objects.exists()


@pytest.mark.django_db
def test_term_page_refuses_a_definition_over_the_limit(client, writer):
    user, _session = writer
    client.force_login(user)
    response = client.post(
        reverse("term_create"), {"name": "Long", "level": 2, "definition": TOO_LONG}
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not GlossaryTerm.objects.exists()


@pytest.mark.django_db
def test_models_refuse_markdown_over_the_limit_in_full_clean():
    reflection = ReflectionFactory()
    reflection.body = TOO_LONG
    with pytest.raises(ValidationError) as refused:
        reflection.full_clean()
    assert "body" in refused.value.message_dict
    term = GlossaryTermFactory()
    term.definition = TOO_LONG
    with pytest.raises(ValidationError) as refused:
        term.full_clean()
    assert "definition" in refused.value.message_dict
    reading = ReadingFactory()
    reading.summary = TOO_LONG
    with pytest.raises(ValidationError) as refused:
        reading.full_clean()
    assert "summary" in refused.value.message_dict


@pytest.mark.django_db
def test_preview_refuses_over_the_limit_and_renders_the_worst_at_the_limit(client, member):
    client.force_login(member)
    url = reverse("markdown_preview")
    response = client.post(url, {"body": TOO_LONG})
    assert "Too long" in response.content.decode()
    started = time.perf_counter()
    response = client.post(url, {"body": "[" * MARKDOWN_MAX_CHARS})
    assert time.perf_counter() - started < BUDGET_SECONDS
    assert response.status_code == 200 and "[[[[" in response.content.decode()
