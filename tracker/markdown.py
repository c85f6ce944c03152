"""The one markdown pipeline: every piece of user markdown is rendered here, once, when saved.

Markdown (tables, fenced code, footnotes) → nh3 with an explicit allow-list → glossary
auto-links and `[[Term]]` / `[[reading:slug]]` wiki-links → stored HTML.

The links are added after sanitizing, to HTML that nh3 has already normalized; everything this
module writes itself is escaped here, so the result stays safe to mark safe in a template.

Bounded cost. Python-Markdown is quadratic (or recursive without bound) on some structures: a
100,000-character `[[[[...` took minutes. Three things keep every render under about half a
second, plus the parser step that crosses the limit (bench/markdown_worst.py prints the figures):

- One length limit, `MARKDOWN_MAX_CHARS`, checked at every door: forms, the API, the preview,
  and the models' `clean()` (so `save_validated` refuses it too).
- A linear pre-pass (tracker/markdown_limits.py) takes apart the structures that make the
  parser scan far or recurse deep: unmatched and deeply nested brackets, unclosed fences, deep
  nesting, lone `<`, huge tables, long `*`/`_` runs. Ordinary documents pass through unchanged.
- A time limit of `MARKDOWN_RENDER_SECONDS`, as a second line of defence for anything the
  pre-pass misses: past it the text is shown plain (escaped, line breaks kept), still with its
  wiki-links. The deadline is checked whenever Python-Markdown calls one of its processors or
  inline patterns, not by a signal: SIGALRM works only in the main thread (not under runserver,
  threaded workers or Celery's pool threads) and can fire in the middle of anything, while a
  check between two steps of the parser works in every thread and stops nothing but the render.
  The pre-pass keeps each step short (one regular expression, one scan of a paragraph). The
  limit is wall-clock time: on a machine loaded enough to triple a render's time, a document of
  near the maximum length may come out plain; ordinary ones take milliseconds.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import nh3
from django.core.exceptions import ValidationError
from django.urls import reverse

from tracker import markdown_limits

# Generous for an essay; every render of this much is measured in bench/markdown_worst.py.
MARKDOWN_MAX_CHARS = 100_000
# Past this, a render gives up on markdown and shows the text plain. Ordinary documents at the
# length limit (a long reading list, notes in many sections, tables) take 0.25-0.55 s here, so a
# tighter limit would show them plain; the constructs that reach it cost about this much at worst.
MARKDOWN_RENDER_SECONDS = 0.5

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s",
    "sup", "sub", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "class"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "div": {"class"},
    "li": {"id"},
    "sup": {"id"},
    "td": {"align"},
    "th": {"align"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_EXTENSIONS = ["tables", "fenced_code", "footnotes", "sane_lists"]

# Auto-links never go inside these; wiki-links, written on purpose, may sit in a heading.
_NO_LINKS_INSIDE = {"a", "code", "pre"}
_NO_AUTO_LINKS_INSIDE = _NO_LINKS_INSIDE | {"h1", "h2", "h3", "h4", "h5", "h6"}
_TAG = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:[^>"']|"[^"]*"|'[^']*')*>""")
_WIKI_LINK = re.compile(r"\[\[([^\[\]|\n]{1,200})(?:\|([^\[\]\n]{1,200}))?\]\]")
_READING_PREFIX = "reading:"


def term_url(slug: str) -> str:
    return reverse("term_detail", kwargs={"slug": slug})


def reading_url(slug: str) -> str:
    return reverse("reading_detail", kwargs={"slug": slug})


def term_link_marker(slug: str) -> str:
    """The text every link to a term carries in stored HTML; backlinks search for it."""
    return f'href="{term_url(slug)}"'


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass
class Glossary:
    """What the linking steps need to know: every term name (and alias) and reading title.

    Built once and passed in when many documents are rendered together (a refresh after a term
    changes), so that rendering a row costs no query.
    """

    slug_by_name: dict[str, str] = field(default_factory=dict)  # folded name → term slug
    reading_titles: dict[str, str] = field(default_factory=dict)  # slug → title
    _pattern: re.Pattern | None = field(default=None, init=False, repr=False)

    @property
    def pattern(self) -> re.Pattern | None:
        """Every name, longest first so "sparse autoencoder" wins over "autoencoder"."""
        if self._pattern is None and self.slug_by_name:
            names = sorted(self.slug_by_name, key=len, reverse=True)
            alternatives = "|".join(r"\s+".join(map(re.escape, n.split())) for n in names)
            self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
        return self._pattern


def glossary_from_database(reading_slugs: set[str] = frozenset()) -> Glossary:
    """Term names from the database (one query), and the titles of the readings asked for."""
    from readings.models import Reading, TermName  # the pipeline sits below the apps

    glossary = Glossary(slug_by_name=dict(TermName.objects.values_list("folded", "term__slug")))
    if reading_slugs:
        glossary.reading_titles = dict(
            Reading.objects.filter(slug__in=reading_slugs).values_list("slug", "title")
        )
    return glossary


def wanted_reading_slugs(source: str) -> set[str]:
    return {
        target[len(_READING_PREFIX) :].strip()
        for target, _label in _WIKI_LINK.findall(source)
        if target.strip().startswith(_READING_PREFIX)
    }


def check_markdown_length(instance, *field_names: str) -> None:
    """For a model's clean(): every named markdown field within MARKDOWN_MAX_CHARS."""
    errors = {
        name: f"At most {MARKDOWN_MAX_CHARS:,} characters (this has {len(value):,})."
        for name in field_names
        if len(value := getattr(instance, name) or "") > MARKDOWN_MAX_CHARS
    }
    if errors:
        raise ValidationError(errors)


def render_markdown(
    source: str, *, glossary: Glossary | None = None, skip_term_slug: str = ""
) -> str:
    """Sanitized HTML for a user's markdown; safe to mark safe in a template.

    `glossary` defaults to the current one from the database; `skip_term_slug` keeps a term's
    own definition from linking to itself.
    """
    if not source:
        return ""
    source = markdown_limits.scrub(source)
    html_text = markdown_limits.convert_within(
        markdown_limits.neutralize(source),
        extensions=_EXTENSIONS,
        seconds=MARKDOWN_RENDER_SECONDS,
    )
    if glossary is None:
        glossary = glossary_from_database(wanted_reading_slugs(source))
    linker = _Linker(glossary, skip_term_slug)
    if html_text is None:  # past the time limit: the text as typed, links and all
        return markdown_limits.plain_html(source, link=linker.text)
    return linker.link(markdown_limits.restore(sanitize(html_text)))


def sanitize(html_text: str) -> str:
    """Keeps only the allowed tags, attributes and link schemes."""
    return nh3.clean(
        html_text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener nofollow",
        strip_comments=True,
    )


class _Linker:
    """Walks sanitized HTML and adds links to the text between tags, minding where it is."""

    def __init__(self, glossary: Glossary, skip_term_slug: str) -> None:
        self.glossary = glossary
        self.linked_slugs: set[str] = {skip_term_slug} if skip_term_slug else set()
        # Open elements inside which no link goes, and no auto-link: counted, not searched for,
        # so a page of thousands of tags costs little.
        self.open_counts: dict[str, int] = dict.fromkeys(_NO_AUTO_LINKS_INSIDE, 0)
        self.no_links = self.no_auto_links = 0
        self.urls: dict[tuple, str] = {}  # reverse() is slow; a page of wiki-links repeats

    def link(self, clean_html: str) -> str:
        pieces: list[str] = []
        position = 0
        for tag in _TAG.finditer(clean_html):
            pieces.append(self.text(clean_html[position : tag.start()]))
            pieces.append(tag.group(0))
            self._track(closing=bool(tag.group(1)), name=tag.group(2).lower())
            position = tag.end()
        pieces.append(self.text(clean_html[position:]))
        return "".join(pieces)

    def _track(self, *, closing: bool, name: str) -> None:
        if name not in self.open_counts:
            return
        self.open_counts[name] = max(self.open_counts[name] + (-1 if closing else 1), 0)
        self.no_links = sum(self.open_counts[name] for name in _NO_LINKS_INSIDE)
        self.no_auto_links = sum(self.open_counts.values())

    def text(self, escaped: str) -> str:
        """Escaped text with its links added, or as it was where no link may go."""
        if not escaped or self.no_links or escaped.isspace():
            return escaped
        text = html.unescape(escaped)
        pieces: list[str] = []
        position = 0
        for wiki in _WIKI_LINK.finditer(text):
            pieces.append(self._auto_link(text[position : wiki.start()]))
            pieces.append(self._wiki_link(wiki.group(1).strip(), (wiki.group(2) or "").strip()))
            position = wiki.end()
        pieces.append(self._auto_link(text[position:]))
        return "".join(pieces)

    def _wiki_link(self, target: str, label: str) -> str:
        if target.startswith(_READING_PREFIX):
            slug = target[len(_READING_PREFIX) :].strip()
            title = self.glossary.reading_titles.get(slug)
            if title is None:
                return _missing(label or slug, "No reading with this slug yet")
            return _anchor(self._url(reading_url, slug), label or title, "reading-link")
        slug = self.glossary.slug_by_name.get(_fold(target))
        if slug is None:
            return _missing(label or target, "No glossary term of this name yet")
        self.linked_slugs.add(slug)
        return _anchor(self._url(term_url, slug), label or target, "term-link")

    def _url(self, build, slug: str) -> str:
        key = (build, slug)
        if key not in self.urls:
            self.urls[key] = build(slug)
        return self.urls[key]

    def _auto_link(self, text: str) -> str:
        pattern = self.glossary.pattern
        if not text or pattern is None or self.no_auto_links:
            return html.escape(text, quote=False)
        pieces: list[str] = []
        position = 0
        for mention in pattern.finditer(text):
            slug = self.glossary.slug_by_name.get(_fold(mention.group(0)))
            if slug is None or slug in self.linked_slugs:
                continue  # only the first mention of each term in a document is linked
            self.linked_slugs.add(slug)
            pieces.append(html.escape(text[position : mention.start()], quote=False))
            pieces.append(_anchor(term_url(slug), mention.group(0), "term-link auto"))
            position = mention.end()
        pieces.append(html.escape(text[position:], quote=False))
        return "".join(pieces)


def _anchor(href: str, text: str, css_class: str) -> str:
    return f'<a href="{html.escape(href)}" class="{css_class}">{html.escape(text, quote=False)}</a>'


def _missing(text: str, why: str) -> str:
    return f'<span class="wiki-link missing" title="{why}">{html.escape(text, quote=False)}</span>'
