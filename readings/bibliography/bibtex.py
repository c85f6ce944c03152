"""BibTeX in and out. bibtexparser 2 splits the file into blocks (one broken entry fails
alone); pylatexenc turns the LaTeX of text fields into Unicode and back."""

import re
from collections.abc import Iterable

import bibtexparser
from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ParsingFailedBlock, String
from django.core.exceptions import ValidationError
from pylatexenc import latexencode
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from readings.bibliography.common import authors_of, citation_key
from readings.bibliography.importing import Candidate
from readings.models import Reading

KIND_FROM_BIBTEX = {
    "article": "paper",
    "inproceedings": "paper",
    "conference": "paper",
    "incollection": "paper",
    "techreport": "paper",
    "phdthesis": "paper",
    "mastersthesis": "paper",
    "unpublished": "paper",
    "book": "book",
    "inbook": "book",
    "online": "blog_post",
    "video": "video",
    "misc": "other",
}
# Fields holding text (decoded from LaTeX); links and identifiers are taken as written.
TEXT_FIELDS = {"title", "journal", "booktitle", "publisher", "howpublished", "keywords"}
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# The export writes a lone brace as a macro (a bare \{ would unbalance the file for BibTeX and
# pybtex), so the decoder must know it.
_LATEX_CONTEXT = get_default_latex_context_db()
_LATEX_CONTEXT.add_context_category(
    "tracker-braces",
    macros=[MacroTextSpec("textbraceleft", "{"), MacroTextSpec("textbraceright", "}")],
    prepend=True,
)
_DECODER = LatexNodes2Text(latex_context=_LATEX_CONTEXT, math_mode="text")
_ENCODER = latexencode.UnicodeToLatexEncoder(
    conversion_rules=[
        latexencode.UnicodeToLatexConversionRule(
            latexencode.RULE_DICT,
            {ord("{"): r"\textbraceleft{}", ord("}"): r"\textbraceright{}"},
        ),
        "defaults",
    ],
    non_ascii_only=False,
    replacement_latex_protection="braces-all",
    unknown_char_policy="keep",
    unknown_char_warning=False,
)


def decode_latex(text: str) -> str:
    """Unicode for a field's LaTeX: accents, escaped specials, protective braces dropped."""
    decoded = _DECODER.latex_to_text(text) if re.search(r"[\\{}$~%]", text) else text
    return " ".join(decoded.replace("\xa0", " ").split())


def encode_latex(text: str) -> str:
    return _ENCODER.unicode_to_latex(text)


# Import


def parse(text: str) -> list[Candidate]:
    # No middleware: enclosing braces, @string macros and LaTeX are handled here, field by field,
    # so an undefined macro can be reported on its entry instead of passing through unnoticed.
    library = bibtexparser.parse_string(text, parse_stack=[])
    strings = {block.key.lower(): _unquote(block.value) for block in library.strings}
    candidates = []
    for block in library.blocks:
        if isinstance(block, Entry):
            candidates.append(_candidate(block, strings, _crossref_fields(block, library)))
        elif isinstance(block, DuplicateBlockKeyBlock):
            duplicate = block.ignore_error_block
            candidate = _candidate(duplicate, strings, {})
            candidate.warnings.append(f"the key {duplicate.key} is used by an earlier entry")
            candidates.append(candidate)
        elif isinstance(block, ParsingFailedBlock) and not isinstance(
            block.ignore_error_block, String
        ):
            candidates.append(_failed(block))
    if not candidates:
        raise ValidationError({"file": "The file has no BibTeX entries."})
    return candidates


def _failed(block: ParsingFailedBlock) -> Candidate:
    key = re.match(r"\s*@\s*\w+\s*[{(]\s*([^,\s]*)", block.raw or "")
    line = (block.start_line or 0) + 1
    return Candidate(
        key=(key.group(1) if key and key.group(1) else f"line {line}"),
        error=f"this entry could not be read (from line {line}: a brace or quote is not closed?)",
    )


def _crossref_fields(entry: Entry, library) -> dict:
    """Fields an entry inherits from the one its `crossref` names (BibTeX's own rule)."""
    field = entry.fields_dict.get("crossref")
    if field is None:
        return {}
    parent_key = _unquote(field.value).lower()
    parent = next((e for e in library.entries if e.key.lower() == parent_key), None)
    if parent is None:
        return {}
    inherited = {name.lower(): f.value for name, f in parent.fields_dict.items()}
    if "title" in inherited and "booktitle" not in inherited:
        inherited["booktitle"] = inherited["title"]
    inherited.pop("title", None)
    return inherited


def _candidate(entry: Entry, strings: dict, inherited: dict) -> Candidate:
    warnings: list[str] = []
    raw = inherited | {name.lower(): f.value for name, f in entry.fields_dict.items()}
    values = {}
    for name, value in raw.items():
        value, undefined = _resolve(value, strings)
        for macro in undefined:
            warnings.append(f"@string {macro} is not defined in the file; kept as written")
        values[name] = decode_latex(value) if name in TEXT_FIELDS else _verbatim(value)
    entry_type = entry.entry_type.lower()
    source_field = "howpublished" if entry_type == "misc" else "journal"
    archive = values.get("archiveprefix", "") or values.get("eprinttype", "")
    fields = {
        "title": values.get("title", ""),
        "kind": KIND_FROM_BIBTEX.get(entry_type, "other"),
        "authors": _names(raw.get("author", ""), strings),
        "year": values.get("year", "") or values.get("date", "")[:4],
        "source": values.get(source_field)
        or values.get("journal")
        or values.get("booktitle")
        or values.get("publisher", ""),
        "url": values.get("url", ""),
        "doi": values.get("doi", ""),
        "arxiv_id": values.get("eprint", "") if archive.lower() == "arxiv" else "",
        "isbn": values.get("isbn", ""),
        "tags": [t.strip() for t in re.split(r"[,;]", values.get("keywords", "")) if t.strip()],
    }
    return Candidate(key=entry.key, fields=fields, warnings=warnings)


def _verbatim(value: str) -> str:
    """A link or identifier as written, less the braces and escapes some tools add
    (Mendeley escapes the underscores of links)."""
    return re.sub(r"\\([_%&#$~])", r"\1", re.sub(r"[{}]", "", value)).strip()


def _names(value: str, strings: dict) -> list[tuple[str, str]]:
    text, _ = _resolve(value, strings)
    authors = []
    for name in split_multiple_persons_names(text):
        try:
            parts = parse_single_name_into_parts(name)
        except Exception:  # any name the parser cannot split is kept whole
            authors.append(("", decode_latex(name)))
            continue
        given = decode_latex(" ".join(parts.first))
        family = decode_latex(" ".join(parts.von + parts.last + parts.jr))
        if family and not (family == "others" and not given):  # BibTeX's "et al."
            authors.append((given, family))
    return authors


def _resolve(value: str, strings: dict) -> tuple[str, list[str]]:
    """A field's value with its enclosing braces or quotes removed and `#` concatenations of
    @string macros resolved; macros the file never defines stay as written and are returned."""
    pieces, undefined = [], []
    for piece in _split_concatenation(value):
        if piece[:1] in '{"' or piece.isdigit():
            pieces.append(_unquote(piece))
        elif piece.lower() in strings:
            pieces.append(strings[piece.lower()])
        elif piece.lower()[:3] in MONTHS and len(piece) == 3:
            pieces.append(piece)
        else:
            pieces.append(piece)
            undefined.append(piece)
    return "".join(pieces), undefined


def _split_concatenation(value: str) -> list[str]:
    pieces, depth, quoted, start = [], 0, False, 0
    for index, char in enumerate(value):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            pieces.append(value[start:index])
            start = index + 1
    pieces.append(value[start:])
    return [p.strip() for p in pieces if p.strip()]


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and (value[0], value[-1]) in (("{", "}"), ('"', '"')):
        return value[1:-1]
    return value


# Export


def export(readings: Iterable[Reading]) -> str:
    keys: set[str] = set()
    return "\n".join(_entry(reading, keys) for reading in readings)


def _entry(reading: Reading, keys: set[str]) -> str:
    entry_type = _bibtex_type(reading)
    fields = [("title", "{" + encode_latex(reading.title) + "}")]  # braces keep the capitals
    authors = authors_of(reading)
    if authors:
        fields.append(("author", " and ".join(_name(given, family) for given, family in authors)))
    if reading.year:
        fields.append(("year", str(reading.year)))
    if reading.source:
        source_field = {"article": "journal", "book": "publisher"}.get(entry_type, "howpublished")
        fields.append((source_field, encode_latex(reading.source)))
    for name, value in (("url", reading.url), ("doi", reading.doi), ("isbn", reading.isbn)):
        if value:
            fields.append((name, re.sub(r"[{}\\]", lambda m: f"%{ord(m[0]):02X}", value)))
    if reading.arxiv_id:
        fields += [("eprint", reading.arxiv_id), ("archiveprefix", "arXiv")]
    tags = sorted(tag.name for tag in reading.tags.all())
    if tags:
        fields.append(("keywords", encode_latex(", ".join(tags))))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry_type}{{{citation_key(reading, keys)},\n{body}\n}}\n"


def _name(given: str, family: str) -> str:
    """`Family, Given`; a part holding a comma or the word "and" is braced so that BibTeX
    neither splits the list there nor reads the part as two."""
    family, given = encode_latex(family), encode_latex(given)
    if not given:
        return "{" + family + "}"  # an organization: never split into given and family
    family, given = (
        "{" + part + "}" if re.search(r",|\band\b", part, re.IGNORECASE) else part
        for part in (family, given)
    )
    return f"{family}, {given}"


def _bibtex_type(reading: Reading) -> str:
    if reading.kind == "paper":
        return "article" if reading.source or not reading.arxiv_id else "misc"
    return {"book": "book"}.get(reading.kind, "misc")
