"""What keeps one markdown render cheap: a pre-pass and a time limit (see tracker/markdown.py).

The pre-pass takes apart, in one linear pass, the structures on which Python-Markdown's own
parser goes quadratic or recurses without bound; a character it takes apart is swapped for a
private-use stand-in that no markdown rule matches, and put back, escaped, in the finished HTML:
the reader sees what was typed, only without the markup it would have started. A document
without such structures comes out of the pre-pass unchanged.

- Square brackets: each `[` makes the link rules scan forward (in Python) to its partner, or to
  the end of the paragraph when it has none; a `](` then scans the destination to its `)`, or
  to the end of the paragraph when a quote or `(` is left open. Unmatched brackets (never a
  link anyway) and pairs nested deeper than `BRACKET_DEPTH` are taken apart, and each pair is
  charged what its scans will cost: past `SCAN_BUDGET` for the document, further pairs stay
  text. Wiki-links still work: they are found after Python-Markdown, in the restored text.
- Code fences: the fence rule scans to the end of the document for each unclosed one, copies
  the document for each closed one, and backtracks quadratically on a fence line that is not
  an opening but holds a long run of spaces: such fences, and those past `FENCED_BLOCKS`.
- Tables: the table rule parses a whole table in one step: rows past `TABLE_ROWS` and cells
  past `TABLE_COLUMNS` a row.
- Runs of `*` or `_` longer than `EMPHASIS_RUN` (the emphasis rule is quadratic on them).
- Nesting: `>` and list markers past `NESTING_DEPTH` at the start of a line, and indentation past
  that many levels, which Python-Markdown parses by recursion (RecursionError, or cubic time).
- `<` that cannot start a tag (another `<` or the end comes before any `>`), on which the raw
  HTML parser goes quadratic, and tags past `HTML_TAGS`.
"""

from __future__ import annotations

import bisect
import html
import itertools
import math
import re
import threading
import time

import markdown as python_markdown

BRACKET_DEPTH = 3
NESTING_DEPTH = 8
# Characters the link rules may scan per document (about 0.1 s); each pair costs its text, its
# destination, and PAIR_COST for the work around it.
SCAN_BUDGET = 300_000
PAIR_COST = 40
TAB_LENGTH = 4
FENCED_BLOCKS = 200
HTML_TAGS = 1000
TABLE_ROWS = 1000
TABLE_COLUMNS = 64
EMPHASIS_RUN = 3

_NEUTRALIZED = "[]()<>`~-*+._|"
_STAND_IN = {char: chr(0xE000 + index) for index, char in enumerate(_NEUTRALIZED)}
# Back to the character, escaped as nh3 escapes text, once the HTML is sanitized.
_RESTORE = {
    ord(stand_in): {"<": "&lt;", ">": "&gt;"}.get(char, char)
    for char, stand_in in _STAND_IN.items()
}
# The stand-ins never come from the user: one typed in becomes the replacement character.
_SCRUB = {ord(stand_in): "\ufffd" for stand_in in _STAND_IN.values()}

_PARAGRAPH_BREAK = re.compile(r"\n(?=[ \t]*(?:\n|\Z))")
# Escapes first: `\[` is text to Python-Markdown, never a bracket.
_LINK_TOKEN = re.compile(r"\\.|[][()'\"]", re.DOTALL)
_ANGLE = re.compile(r"[<>]")
_TAG_START = re.compile(r"[a-zA-Z/!?]")
# A line starting with a fence; the opening line of Python-Markdown's fenced block; a closing.
_FENCE_LINE = re.compile(r"^(?:~{3,}|`{3,})[^\n]*", re.MULTILINE)
_FENCE_OPENING = re.compile(  # possessive (`*+`): the same matches, without the backtracking
    r"(~{3,}+|`{3,}+)[ ]*+(?:\{[^\n]*\}|(?:\.?[\w#.+-]*+[ ]*+)?(?:hl_lines=([\"']).*?\2[ ]*)?)\Z"
)
_LONG_SPACES = " " * 32
_FENCE_CLOSING = re.compile(r"(~{3,}|`{3,})[ ]*\Z")
_MARKER = r"(?:>|[*+-](?=[ \t])|\d{1,9}[.)](?=[ \t]))"
_TOO_MANY_MARKERS = re.compile(
    rf"^((?:[ \t]*{_MARKER}){{{NESTING_DEPTH}}})((?:[ \t]*{_MARKER})+)", re.MULTILINE
)
_MARKERS_TO_TEXT = {ord(char): _STAND_IN[char] for char in ">*+-.)"}
_DEEP_INDENT = re.compile(rf"^([ \t]{{{NESTING_DEPTH + 1},}})(?={_MARKER})", re.MULTILINE)
_TABLE_SEPARATOR = re.compile(r"^[ \t|:-]*\|[ \t|:-]*$", re.MULTILINE)  # wider than the rule
_LONG_RUN = re.compile(rf"([*_])\1{{{EMPHASIS_RUN},}}")
_RULE_LINE = re.compile(r"^[ \t]*[-*_][-*_ \t]*$", re.MULTILINE)  # a horizontal rule


def scrub(source: str) -> str:
    return source.translate(_SCRUB)


def restore(html_text: str) -> str:
    return html_text.translate(_RESTORE)


def neutralize(source: str) -> str:
    """The source with every costly structure taken apart (see the module docstring)."""
    text = _deep_indentation(source)
    text = _long_tables(text)
    chars = list(text)
    _unclosed_fences(chars, text)
    _deep_nesting(chars, text)
    _brackets(chars, text)
    _lone_angle_brackets(chars, text)
    _long_emphasis_runs(chars, text)
    return "".join(chars)


def _take_apart(chars: list[str], positions) -> None:
    for position in positions:
        chars[position] = _STAND_IN.get(chars[position], chars[position])


def _unclosed_fences(chars: list[str], text: str) -> None:
    """Opening fences with no closing line after them, and fences past FENCED_BLOCKS."""
    lines = [(m.start(), m.group()) for m in _FENCE_LINE.finditer(text)]
    closings: dict[str, list[int]] = {}
    for index, (_start, line) in enumerate(lines):
        if match := _FENCE_CLOSING.match(line):
            closings.setdefault(match.group(1), []).append(index)
    index, fenced = 0, 0
    while index < len(lines):
        start, line = lines[index]
        if match := _FENCE_OPENING.match(line):
            fence = match.group(1)
            candidates = closings.get(fence, [])
            after = bisect.bisect_right(candidates, index)
            if after < len(candidates):
                fenced += 1
                closing = candidates[after]
                if fenced <= FENCED_BLOCKS:
                    index = closing + 1  # the code block; nothing inside is markdown
                    continue
                # Each costs a copy of the whole document.
                _take_apart(chars, range(lines[closing][0], lines[closing][0] + len(fence)))
            _take_apart(chars, range(start, start + len(fence)))
        elif _LONG_SPACES in line and not _FENCE_CLOSING.match(line):
            # Not an opening, but the fence rule's own pattern backtracks quadratically on it.
            _take_apart(chars, range(start, start + len(line) - len(line.lstrip("`~"))))
        index += 1


def _deep_indentation(text: str) -> str:
    """A list item or quote indented past NESTING_DEPTH levels is moved up to that level."""

    def shallower(match: re.Match) -> str:
        if len(match.group(1).expandtabs(TAB_LENGTH)) <= TAB_LENGTH * NESTING_DEPTH:
            return match.group(1)
        return " " * (TAB_LENGTH * NESTING_DEPTH)

    return _DEEP_INDENT.sub(shallower, text)


def _deep_nesting(chars: list[str], text: str) -> None:
    """`>` and list markers past NESTING_DEPTH at the start of a line are text."""
    for match in _TOO_MANY_MARKERS.finditer(text):
        for position in range(match.start(2), match.end(2)):
            if ord(text[position]) in _MARKERS_TO_TEXT:
                chars[position] = _STAND_IN[text[position]]


def _long_tables(text: str) -> str:
    """A table ends after TABLE_ROWS rows (the rest is a paragraph); a row's pipes past
    TABLE_COLUMNS are text. The table rule parses a whole table in one step."""
    separators = [m.start() for m in _TABLE_SEPARATOR.finditer(text) if "-" in m.group()]
    if not separators:
        return text
    lines = text.split("\n")
    line_starts = list(itertools.accumulate((len(line) + 1 for line in lines), initial=0))
    number, rows = 0, 0
    for separator in separators:
        first = bisect.bisect_right(line_starts, separator) - 1
        if first < number:
            continue  # inside a table already cut
        number, rows = max(first - 1, 0), 0
        while number < len(lines) and lines[number].strip():
            rows += 1
            if rows > TABLE_ROWS:
                lines[number] = "\n" + lines[number]
                break
            if lines[number].count("|") > TABLE_COLUMNS + 1:
                head, *rest = lines[number].split("|", TABLE_COLUMNS + 1)
                pipes = "|".join([head, *rest[:-1]])
                lines[number] = pipes + "|" + rest[-1].replace("|", _STAND_IN["|"])
            number += 1
    return "\n".join(lines)


def _long_emphasis_runs(chars: list[str], text: str) -> None:
    """`*` and `_` past EMPHASIS_RUN in a row are text (not on a horizontal rule's line)."""
    rules = [(m.start(), m.end()) for m in _RULE_LINE.finditer(text)]
    for match in _LONG_RUN.finditer(text):
        rule = bisect.bisect_right(rules, (match.start(), math.inf)) - 1
        if rule >= 0 and rules[rule][0] <= match.start() < rules[rule][1]:
            continue
        _take_apart(chars, range(match.start() + EMPHASIS_RUN, match.end()))


def _brackets(chars: list[str], text: str) -> None:
    """Unmatched brackets, pairs nested too deep, and pairs past the scanning budget."""
    breaks = [m.start() for m in _PARAGRAPH_BREAK.finditer(text)] + [len(text)]
    tokens = [(m.start(), text[m.start()]) for m in _LINK_TOKEN.finditer(text)]
    closing_paren = _matching_parens(tokens, breaks)
    quotes = [position for position, char in tokens if char in "'\""]
    open_brackets: list[int] = []
    paragraph_end = breaks[0]
    scanned = 0
    for position, char in tokens:
        if position >= paragraph_end:  # a link never spans paragraphs
            _take_apart(chars, open_brackets)
            open_brackets.clear()
            paragraph_end = breaks[bisect.bisect_right(breaks, position)]
        if char == "[":
            open_brackets.append(position)
        elif char == "]":
            if not open_brackets:
                chars[position] = _STAND_IN["]"]
                continue
            opening = open_brackets.pop()
            # What the link rules will scan for this pair: the text, then any destination up
            # to its `)`, or to the end of the paragraph when a quote or `(` is left open.
            scanned += position - opening + PAIR_COST
            if position + 1 < len(text) and text[position + 1] == "(":
                end = closing_paren.get(position + 1)
                quote = bisect.bisect_right(quotes, position)
                if end is None or (quote < len(quotes) and quotes[quote] < end):
                    end = paragraph_end
                scanned += end - position
            if len(open_brackets) >= BRACKET_DEPTH or scanned > SCAN_BUDGET:
                chars[opening] = _STAND_IN["["]
                chars[position] = _STAND_IN["]"]
    _take_apart(chars, open_brackets)


def _matching_parens(tokens: list[tuple[int, str]], breaks: list[int]) -> dict[int, int]:
    closing: dict[int, int] = {}
    open_parens: list[int] = []
    paragraph_end = breaks[0]
    for position, char in tokens:
        if position >= paragraph_end:
            open_parens.clear()
            paragraph_end = breaks[bisect.bisect_right(breaks, position)]
        if char == "(":
            open_parens.append(position)
        elif char == ")" and open_parens:
            closing[open_parens.pop()] = position
    return closing


def _lone_angle_brackets(chars: list[str], text: str) -> None:
    """A `<` that meets another `<` (or the end) before any `>` is text, shown as typed."""
    angles = [m.start() for m in _ANGLE.finditer(text)]
    tags = 0
    for here, after in zip(angles, [*angles[1:], None], strict=False):
        if text[here] == "<":
            if after is None or text[after] == "<":
                chars[here] = _STAND_IN["<"]
            elif _TAG_START.match(text, here + 1):
                tags += 1
                if tags > HTML_TAGS:  # the raw-HTML parser slows with each (and nh3 drops most)
                    chars[here] = _STAND_IN["<"]


# The time limit: a deadline checked whenever Python-Markdown hands work to one of its parts.


class RenderTooSlow(Exception):
    """The render ran past its deadline; the caller shows the text plain instead."""


class _Deadline:
    def __init__(self) -> None:
        self.at = math.inf

    def check(self) -> None:
        if time.perf_counter() > self.at:
            raise RenderTooSlow


def _checked(method, deadline: _Deadline):
    def call(*args, **kwargs):
        deadline.check()
        return method(*args, **kwargs)

    return call


def _converter(extensions: list[str]) -> python_markdown.Markdown:
    """A Markdown whose every pre-, block-, tree- and postprocessor run and every inline match
    first checks the deadline: the longest stretch between two checks is one scan of a
    paragraph, which the pre-pass keeps short."""
    converter = python_markdown.Markdown(extensions=extensions, output_format="html")
    deadline = _Deadline()
    for registry in (
        converter.preprocessors,
        converter.parser.blockprocessors,
        converter.treeprocessors,
        converter.postprocessors,
    ):
        for processor in registry:
            processor.run = _checked(processor.run, deadline)
    for pattern in converter.inlinePatterns:
        # Asked for once per pattern and piece of text, matching or not.
        pattern.getCompiledRegExp = _checked(pattern.getCompiledRegExp, deadline)
        pattern.handleMatch = _checked(pattern.handleMatch, deadline)
    converter.deadline = deadline
    return converter


_converters = threading.local()  # Markdown instances are not thread-safe; one per thread


def convert_within(source: str, *, extensions: list[str], seconds: float) -> str | None:
    """Python-Markdown's HTML for the source, or None when it takes longer than `seconds` or
    nests deeper than Python's recursion limit."""
    converter = getattr(_converters, "converter", None) or _converter(extensions)
    _converters.converter = None  # an interrupted instance is left half-way; never reused
    converter.deadline.at = time.perf_counter() + seconds
    try:
        html_text = converter.reset().convert(source)
    except (RenderTooSlow, RecursionError):
        return None
    converter.deadline.at = math.inf
    _converters.converter = converter
    return html_text


def plain_html(source: str, *, link) -> str:
    """The text as typed, escaped, `link` adding the links: paragraphs at blank lines, line
    breaks kept."""
    paragraphs = (p for p in re.split(r"\n[ \t]*\n", source) if p.strip())
    return "\n".join(
        "<p>" + link(html.escape(p.strip("\n"), quote=False)).replace("\n", "<br>\n") + "</p>"
        for p in paragraphs
    )
