"""Snippets: a short excerpt of a result's text with the matched words in <mark>, and nothing
else as markup. The text is escaped first; only our own markers become tags."""

import html
import re

import nh3
from django.utils.safestring import SafeString, mark_safe

# Control characters no one types: PostgreSQL's ts_headline wraps matches in them, and they
# are removed from the source text first, so every marker is ours.
MATCH_START = "\x02"
MATCH_STOP = "\x03"
SNIPPET_WORDS = 30
_WORDS_BEFORE_MATCH = 8


# Markdown's syntax, which a snippet shows as the text it marks up. A snippet may start or end
# inside a construct, so each piece is matched on its own, not as a whole link or emphasis.
_MARKDOWN_SYNTAX = [
    (re.compile(r"\[\[(?:reading:)?([^\]|]*)\|([^\]]*)\]\]"), r"\2"),  # [[target|label]]
    (re.compile(r"\[\[(?:reading:)?([^\]]*)\]\]"), r"\1"),  # [[Term]], [[reading:slug]]
    (re.compile(r"!?\[([^\]]*)\]\([^)\s]*\)?"), r"\1"),  # [text](url), ![alt](src)
    (re.compile(r"\]\(\S*\)?"), ""),  # the rest of a link cut at its start
    (re.compile(r"^\s{0,3}(?:#{1,6}|>+|[-*+]|\d{1,9}[.)])\s+", re.MULTILINE), ""),  # block marks
    (re.compile(r"^\s*(?:```|~~~)\S*\s*$", re.MULTILINE), ""),  # code fences
    (re.compile(r"`+|\*+|(?<![\w\x02\x03])_+|_+(?![\w\x02\x03])|~~"), ""),  # code, emphasis
]


def plain_text(markdown_text: str) -> str:
    """The words of a markdown text without its syntax, for a snippet."""
    for pattern, replacement in _MARKDOWN_SYNTAX:
        markdown_text = pattern.sub(replacement, markdown_text)
    return markdown_text


def markers_to_html(marked: str) -> SafeString:
    """Escapes the text, without its markdown syntax, and turns the match markers into <mark>
    elements."""
    # Whitespace is collapsed: ts_headline leaves gaps where it drops tag-like tokens.
    escaped = html.escape(" ".join(plain_text(marked or "").split()), quote=False)
    tagged = escaped.replace(MATCH_START, "<mark>").replace(MATCH_STOP, "</mark>")
    # nh3 balances any stray tag and guarantees <mark> is the only element left.
    return mark_safe(nh3.clean(tagged, tags={"mark"}, attributes={}))  # noqa: S308 (sanitized by nh3 just above)


def strip_markers(text: str) -> str:
    return (text or "").replace(MATCH_START, "").replace(MATCH_STOP, "")


def mark_matches(text: str, needles: list[str]) -> SafeString:
    """A snippet cut around the first match of any needle (case-insensitive, at the start of a
    word), for the backend without ts_headline. Inside a word a short needle is noise: "to"
    would light up "vector", "into" and "stories"."""
    text = " ".join(strip_markers(text).split())
    if not text:
        return mark_safe("")
    needles = [needle for needle in needles if needle]
    pattern = (
        re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(needle) for needle in needles) + ")",
            re.IGNORECASE,
        )
        if needles
        else None
    )
    first = pattern.search(text) if pattern else None
    words = text.split(" ")
    start_word = 0
    if first:
        start_word = max(0, text[: first.start()].count(" ") - _WORDS_BEFORE_MATCH)
    excerpt = " ".join(words[start_word : start_word + SNIPPET_WORDS])
    if pattern:
        excerpt = pattern.sub(lambda m: f"{MATCH_START}{m.group(0)}{MATCH_STOP}", excerpt)
    if start_word > 0:
        excerpt = f"… {excerpt}"
    if start_word + SNIPPET_WORDS < len(words):
        excerpt = f"{excerpt} …"
    return markers_to_html(excerpt)
