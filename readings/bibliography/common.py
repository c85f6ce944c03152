"""What every format shares: the reading kinds each one names, authors, citation keys, and the
splitting of fields that other tools fill with several values."""

import re
import unicodedata

from django.core.exceptions import ValidationError

from readings.identifiers import normalize_doi, normalize_isbn
from readings.models import Reading

CSL_TYPES = {
    "paper": "article-journal",
    "blog_post": "post-weblog",
    "video": "motion_picture",
    "podcast_episode": "broadcast",
    "book": "book",
    "talk": "speech",
    "other": "document",
}
KIND_FROM_CSL = {value: key for key, value in CSL_TYPES.items()} | {
    "article": "paper",
    "paper-conference": "paper",
    "report": "paper",
    "thesis": "paper",
    "webpage": "blog_post",
    "post": "blog_post",
}
_DOI_INSIDE = re.compile(r"10\.\d{4,9}/[^\s;,]+")
# arXiv's own DOIs and links name the paper; a reading keeps it as its arXiv id.
_ARXIV_INSIDE = re.compile(
    r"(?:10\.48550/arxiv\.|arxiv\.org/(?:abs|pdf)/)(\d{4}\.\d{4,5}(?:v\d+)?)", re.IGNORECASE
)


def authors_of(reading: Reading) -> list[tuple[str, str]]:
    return [(a.author.given_name, a.author.family_name) for a in reading.authorships.all()]


def citation_key(reading: Reading, taken: set[str]) -> str:
    authors = authors_of(reading)
    family = ascii_word(authors[0][1]) if authors else "anon"
    first_word = next((w for w in map(ascii_word, reading.title.split()) if len(w) > 3), "untitled")
    base = f"{family}{reading.year or ''}{first_word}"
    key, suffix = base, ord("a")
    while key in taken:
        key, suffix = f"{base}{chr(suffix)}", suffix + 1
    taken.add(key)
    return key


def ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


# Several values in one field: Zotero writes every ISBN of a book in `isbn`, Mendeley adds
# "(Electronic)" notes, RIS repeats UR lines. The reading keeps one: the first that is valid.


def first_doi(value) -> tuple[str, list[str]]:
    """The first DOI among the values (a DOI inside a resolver link counts); raises the
    first value's error when none is a DOI."""
    values = _values(value, r"[;,\s]+")
    first_error = None
    for candidate in values:
        try:
            return normalize_doi(candidate), []
        except ValidationError as error:
            first_error = first_error or error
            inside = _DOI_INSIDE.search(candidate)
            if inside:
                return normalize_doi(inside.group(0)), []
    if first_error:
        raise first_error
    return "", []


def first_isbn(value) -> tuple[str, list[str]]:
    """The first valid ISBN; values that are not ISBNs (often ISSNs that a tool put there) are
    dropped with a warning rather than refusing the reading."""
    text = " ".join(_values(value, r"[;,]+"))
    text = re.sub(r"\([^)]*\)", " ", text)  # Mendeley's "(Electronic)", "(Linking)"
    if not text.strip():
        return "", []
    for candidate in [text, *re.split(r"[;,\s]+", text)]:
        try:
            isbn = normalize_isbn(candidate)
        except ValidationError:
            continue
        if isbn:
            return isbn, []
    shown = " ".join(text.split())[:60]
    return "", [f"“{shown}” holds no valid ISBN; it was left out"]


def first_url(value) -> str:
    """Several links separated by spaces or semicolons give the first; anything else is one
    link, checked as such (a link with a space in it is refused, not cut short)."""
    values = _values(value, r"\s*;\s*|\s+")
    if values and all(re.match(r"https?://", v) for v in values):
        return values[0]
    return " ".join(_values(value, r"\n+"))


def _values(value, separator: str) -> list[str]:
    parts = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value or "")]
    return [p.strip() for part in parts for p in re.split(separator, part) if p.strip()]


def arxiv_id_inside(*values: str) -> str:
    for value in values:
        found = _ARXIV_INSIDE.search(value or "")
        if found:
            return found.group(1)
    return ""
