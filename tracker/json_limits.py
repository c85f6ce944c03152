"""JSON from people, read with a bounded nesting depth.

Python's json module recurses once per level, so a document of 100,000 `[` would exhaust the
stack (a RecursionError, a 500), and one of a few hundred levels parses but breaks whatever walks
it later. The depth is measured here first, by a loop over the brackets outside strings, never
by recursion; every JSON we take from a request (API bodies, CSL-JSON imports, run parameters
typed into a form) goes through `loads`.
"""

import json
import re

# Far deeper than any document the site takes (a run's parameters, a CSL-JSON item).
MAX_JSON_DEPTH = 64

# A string (an unfinished one runs to the end) or a bracket; the string's alternatives never
# overlap, so matching is linear in the length of the text.
_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.S)


class JSONTooDeep(ValueError):
    pass


def check_depth(text: str, *, limit: int = MAX_JSON_DEPTH) -> None:
    """Raises JSONTooDeep when arrays and objects nest deeper than `limit` levels."""
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        piece = match.group()
        if piece in ("[", "{"):
            depth += 1
            if depth > limit:
                raise JSONTooDeep(f"the document is nested deeper than {limit} levels")
        elif piece in ("]", "}"):
            depth -= 1


def loads(text: str | bytes, *, limit: int = MAX_JSON_DEPTH, **options):
    """json.loads after checking the depth. Raises ValueError (JSONTooDeep, or the
    JSONDecodeError and UnicodeDecodeError that json.loads raises) for text it refuses."""
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8")
    check_depth(text, limit=limit)
    return json.loads(text, **options)
