"""The one markdown pipeline: every piece of user markdown is rendered here, once, when saved.

Markdown (tables, fenced code, footnotes) → nh3 with an explicit allow-list → glossary
auto-links and wiki-links → stored HTML. A wiki-link `[[target]]` or `[[target|shown text]]`
names, in this order (the first that matches wins, so a term beats a reading of the same title):
`reading:slug`; a glossary term or alias (any case); `Session 3`, a session of the course the
text belongs to, or `course-slug/3`, a session of any course; a reading's exact title (any case).
Anything else is a missing term, linked to the new-term form with its name filled in.

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
from urllib.parse import urlencode

import nh3
from django.core.exceptions import ValidationError
from django.urls import reverse

from tracker import markdown_limits
from tracker.glossary import (
    READING_PREFIX,
    WIKI_LINK,
    Glossary,
    fold,
    glossary_from_database,
    session_key,
)

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


def term_url(slug: str) -> str:
    return reverse("term_detail", kwargs={"slug": slug})


def reading_url(slug: str) -> str:
    return reverse("reading_detail", kwargs={"slug": slug})


def session_url(course_slug: str, number: int) -> str:
    return reverse("session_detail", kwargs={"slug": course_slug, "number": number})


def term_link_marker(slug: str) -> str:
    """The text every link to a term carries in stored HTML; backlinks search for it."""
    return f'href="{term_url(slug)}"'


def reading_link_marker(slug: str) -> str:
    return f'href="{reading_url(slug)}"'


def course_links_marker(course_slug: str) -> str:
    """What every link to the course or one of its sessions starts with in stored HTML."""
    return f'href="{reverse("course_detail", kwargs={"slug": course_slug})}'


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
    source: str,
    *,
    glossary: Glossary | None = None,
    skip_term_slug: str = "",
    course_slug: str = "",
) -> str:
    """Sanitized HTML for a user's markdown; safe to mark safe in a template.

    `glossary` defaults to one loaded for this text through the lookups the apps registered
    (tracker/glossary.py); `skip_term_slug` keeps a term's
    own definition from linking to itself; `course_slug` names the course the text belongs to
    (a reflection's, a session note's, an abstract's), where `[[Session 3]]` looks.
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
        glossary = glossary_from_database([(source, course_slug)])
    linker = _Linker(glossary, skip_term_slug, course_slug)
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

    def __init__(self, glossary: Glossary, skip_term_slug: str, course_slug: str = "") -> None:
        self.glossary = glossary
        self.course_slug = course_slug
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
        for wiki in WIKI_LINK.finditer(text):
            pieces.append(self._auto_link(text[position : wiki.start()]))
            pieces.append(self._wiki_link(wiki.group(1).strip(), (wiki.group(2) or "").strip()))
            position = wiki.end()
        pieces.append(self._auto_link(text[position:]))
        return "".join(pieces)

    def _wiki_link(self, target: str, label: str) -> str:
        if target.startswith(READING_PREFIX):
            slug = target[len(READING_PREFIX) :].strip()
            title = self.glossary.reading_titles.get(slug)
            if title is None:
                return _missing(label or slug, "No reading with this slug yet")
            return _anchor(self._url(reading_url, slug), label or title, "reading-link")
        folded = fold(target)
        slug = self.glossary.slug_by_name.get(folded)
        if slug is not None:
            self.linked_slugs.add(slug)
            return _anchor(self._url(term_url, slug), label or target, "term-link")
        if (session := session_key(target, self.course_slug)) is not None:
            return self._session_link(session, label or target)
        slug = self.glossary.reading_by_title.get(folded)
        if slug is not None:
            return _anchor(self._url(reading_url, slug), label or target, "reading-link")
        # The form's address is looked up once; each name only adds its query string.
        query = urlencode({"name": " ".join(target.split())})
        return _missing_term(f"{self._url(reverse, 'term_create')}?{query}", label or target)

    def _session_link(self, session: tuple[str, int], text: str) -> str:
        # Stored HTML is shown to everyone who may read the text, whoever reads it, so a link
        # goes only where all of them may go: a session of the text's own course (whoever
        # reads a reflection, a session's note or an abstract sees its course) or of a public
        # one. Any other, existing or not, is the same plain text: it reveals nothing.
        course_slug, number = session
        public = self.glossary.session_courses.get(session)
        if public is None or not (public or course_slug == self.course_slug):
            return html.escape(text, quote=False)
        return _anchor(self._url(session_url, course_slug, number), text, "session-link")

    def _url(self, build, *args) -> str:
        key = (build, *args)
        if key not in self.urls:
            self.urls[key] = build(*args)
        return self.urls[key]

    def _auto_link(self, text: str) -> str:
        pattern = self.glossary.pattern
        if not text or pattern is None or self.no_auto_links:
            return html.escape(text, quote=False)
        pieces: list[str] = []
        position = 0
        for mention in pattern.finditer(text):
            slug = self.glossary.slug_by_name.get(fold(mention.group(0)))
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


def _missing_term(href: str, text: str) -> str:
    """A term nobody has defined yet: the link opens the new-term form with its name filled
    in (signing in first, for a visitor)."""
    return (
        f'<a href="{html.escape(href)}" class="wiki-link missing" rel="nofollow" '
        f'title="No glossary term of this name yet: add it">{html.escape(text, quote=False)}</a>'
    )


def _missing(text: str, why: str) -> str:
    return f'<span class="wiki-link missing" title="{why}">{html.escape(text, quote=False)}</span>'
