"""What the user typed, parsed once into a shape both search backends read.

The syntax is PostgreSQL's `websearch_to_tsquery`: words are all required, "quoted words" form a
phrase, a leading - excludes a word or phrase, and `or` between words offers alternatives. As in
PostgreSQL, `or` binds loosest: `a b or c d` means (a and b) or (c and d), so a query is a list
of alternatives, each a list of terms that must all hold. Glossary aliases add alternatives.
"""

import re
from dataclasses import dataclass, field, replace
from itertools import product

from django.db import connection

from readings.models import TermName, fold_name
from tracker.search.compiled import CompiledCache, bind, in_slots

# The shortest unfinished word matched as a prefix; shorter ones would match too many words.
MIN_PREFIX_LENGTH = 3
# Bounds on the work one query may cause: alias variants, and the phrase lengths tried as names.
MAX_ALTERNATIVES = 16
MAX_NAME_WORDS = 5
MAX_QUERY_LENGTH = 200

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_PREFIX_WORD = re.compile(r"[^\W_]+")
_EDGE_PUNCTUATION = re.compile(r"^[^\w]+|[^\w]+$")


@dataclass(frozen=True)
class Term:
    """One word, or one quoted phrase; `text` is as typed, without quotes or the minus."""

    text: str
    phrase: bool = False
    negated: bool = False

    @property
    def websearch(self) -> str:
        body = f'"{self.text}"' if self.phrase else self.text
        return f"-{body}" if self.negated else body


@dataclass(frozen=True)
class ParsedQuery:
    raw: str
    alternatives: tuple[tuple[Term, ...], ...] = ()
    # The last word while it is still being typed (no space after it yet), else "".
    prefix: str = ""
    # The terms that go with the prefix word: the rest of its alternative.
    prefix_context: tuple[Term, ...] = ()
    names_found: tuple[str, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not self.alternatives

    def websearch_text(self, alternatives=None) -> str:
        """The query as `websearch_to_tsquery` text, rebuilt from the parsed terms."""
        chosen = self.alternatives if alternatives is None else alternatives
        return " or ".join(" ".join(term.websearch for term in terms) for terms in chosen)

    @property
    def positive_texts(self) -> list[str]:
        """The words and phrases a match contains, longest first (for highlighting)."""
        texts = {term.text for terms in self.alternatives for term in terms if not term.negated}
        if self.prefix:
            texts.add(self.prefix)
        return sorted(texts, key=lambda text: (-len(text), text))


def parse_query(raw: str) -> ParsedQuery:
    """Parses the text of a search box. Alternatives without a required term are dropped: a
    query of exclusions alone would match nearly everything and cannot use an index."""
    # NUL cannot travel to PostgreSQL; other control characters mean nothing in a query.
    raw = "".join(char if char.isprintable() else " " for char in (raw or ""))[:MAX_QUERY_LENGTH]
    alternatives: list[list[Term]] = [[]]
    for match in _TOKEN.finditer(raw):
        minus, quoted, bare = match.groups()
        if quoted is not None:
            text = " ".join(quoted.split())
            if text:
                alternatives[-1].append(Term(text, phrase=True, negated=bool(minus)))
        elif bare.casefold() == "or":
            alternatives.append([])
        elif bare.startswith("-"):
            if bare.strip("-"):
                alternatives[-1].append(Term(bare.lstrip("-"), negated=True))
        else:
            alternatives[-1].append(Term(bare))
    kept = tuple(tuple(terms) for terms in alternatives if any(not term.negated for term in terms))
    prefix, context = _prefix_being_typed(raw, alternatives, kept)
    return ParsedQuery(raw=raw, alternatives=kept, prefix=prefix, prefix_context=context)


def _prefix_being_typed(raw, alternatives, kept) -> tuple[str, tuple[Term, ...]]:
    """The last word, when nothing follows it yet and it is a plain required word."""
    if not raw or raw[-1].isspace() or raw.endswith('"') or not kept:
        return "", ()
    last_alternative = tuple(alternatives[-1])
    if not last_alternative or last_alternative != kept[-1]:
        return "", ()
    last = last_alternative[-1]
    if last.phrase or last.negated or not _PREFIX_WORD.fullmatch(last.text):
        return "", ()
    if len(last.text) < MIN_PREFIX_LENGTH:
        return "", ()
    return last.text.casefold(), last_alternative[:-1]


def _candidate_names(terms: tuple[Term, ...]) -> dict[tuple[int, int], set[str]]:
    """The spans of terms that could be a glossary name, with their folded spellings: every
    run of up to MAX_NAME_WORDS plain required words, and each required phrase."""
    spans: dict[tuple[int, int], set[str]] = {}
    for start, term in enumerate(terms):
        if term.negated:
            continue
        if term.phrase:
            spans[(start, start + 1)] = {fold_name(term.text)}
            continue
        words: list[str] = []
        for end in range(start, min(len(terms), start + MAX_NAME_WORDS)):
            if terms[end].negated or terms[end].phrase:
                break
            words.append(terms[end].text)
            spelled = fold_name(" ".join(words))
            stripped = fold_name(" ".join(_EDGE_PUNCTUATION.sub("", w) for w in words))
            spans[(start, end + 1)] = {spelled, stripped} - {""}
    return spans


def expand_aliases(parsed: ParsedQuery) -> ParsedQuery:
    """Adds, for each glossary name in the query, alternatives that use the term's other names,
    so "VAE" also finds "variational auto-encoder" and back. One query, whatever the length."""
    if parsed.is_empty:
        return parsed
    spans_per_alternative = [_candidate_names(terms) for terms in parsed.alternatives]
    candidates = {
        name for spans in spans_per_alternative for names in spans.values() for name in names
    }
    names_by_term: dict[int, list[tuple[str, str]]] = {}
    for term_id, folded, name in _names_of_terms_named(sorted(candidates)):
        names_by_term.setdefault(term_id, []).append((folded, name))
    term_by_folded = {
        folded: term_id for term_id, names in names_by_term.items() for folded, _ in names
    }
    if not term_by_folded:
        return parsed
    alternatives: list[tuple[Term, ...]] = list(parsed.alternatives)
    for terms, spans in zip(parsed.alternatives, spans_per_alternative, strict=True):
        for variant in _variants(terms, spans, names_by_term, term_by_folded):
            if len(alternatives) >= MAX_ALTERNATIVES:
                break
            if variant not in alternatives:
                alternatives.append(variant)
    found = sorted({name for names in names_by_term.values() for _, name in names})
    return replace(parsed, alternatives=tuple(alternatives), names_found=tuple(found))


# Building the names query costs several times what running it does; its SQL depends only on
# how many candidates there are.
_compiled_names = CompiledCache(size=64)


def _names_of_terms_named(candidates: list[str]) -> list[tuple[int, str, str]]:
    """(term id, folded name, name) of every name of every term that has one of the
    candidates among its names, each term's primary name first."""
    key = (connection.alias, len(candidates))
    sql, params = _compiled_names.get_or_compile(key, lambda: _names_sql(len(candidates)))
    with connection.cursor() as cursor:
        cursor.execute(sql, bind(params, {f"name-{n}": name for n, name in enumerate(candidates)}))
        return cursor.fetchall()


def _names_sql(count: int) -> tuple[str, tuple]:
    # Unqualified: in the subquery below the table goes by another alias, and the nearest
    # table with the column is the subquery's own.
    folded = connection.ops.quote_name(TermName._meta.get_field("folded").column)
    is_candidate = in_slots(folded, "name", count)
    named_terms = TermName.objects.filter(is_candidate).values("term_id")
    return (
        TermName.objects.filter(term_id__in=named_terms)
        .order_by("term_id", "-is_primary", "name")
        .values_list("term_id", "folded", "name")
        .query.sql_with_params()
    )


def _variants(terms, spans, names_by_term, term_by_folded):
    """Each combination of the other names of the terms found, longest names matched first,
    spans not overlapping."""
    chosen: list[tuple[int, int, int]] = []
    taken: set[int] = set()
    for (start, end), names in sorted(spans.items(), key=lambda s: (s[0][0] - s[0][1], s[0])):
        term_id = next((term_by_folded[n] for n in sorted(names) if n in term_by_folded), None)
        if term_id is None or taken & set(range(start, end)):
            continue
        chosen.append((start, end, term_id))
        taken |= set(range(start, end))
    if not chosen:
        return
    chosen.sort()
    choices = []
    for start, end, term_id in chosen:
        original = terms[start:end]
        # Quoted even when one word, so a name never reads as `or` or an exclusion.
        others = [
            (Term(" ".join(name.replace('"', " ").split()), phrase=True),)
            for folded, name in names_by_term[term_id]
            if folded not in spans[(start, end)]
        ]
        choices.append([original, *others])
    for combination in product(*choices):
        pieces, cursor = [], 0
        for (start, end, _), replacement in zip(chosen, combination, strict=True):
            pieces.extend(terms[cursor:start])
            pieces.extend(replacement)
            cursor = end
        pieces.extend(terms[cursor:])
        variant = tuple(pieces)
        if variant != terms:
            yield variant
