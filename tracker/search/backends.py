"""How one parsed query becomes SQL: PostgreSQL full-text search, or a plain fallback.

Both give a source's queryset the same three things: a filter for the rows that match, a rank
expression (title hits above body hits), and what a snippet is made from, for the few rows
shown. The engine in `selectors` composes them the same way on either database. A backend
whose SQL holds the words as slots (see `compiled`) names a `cache_key`: its SQL is the same
for every query of that shape, and `slot_values` fills it.
"""

import json
from functools import reduce
from itertools import count
from operator import and_, or_

from django.db import connection
from django.db.models import (
    BooleanField,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.expressions import ExpressionWrapper, RawSQL
from django.db.models.functions import JSONObject, Length, Lower, Replace
from django.utils.safestring import SafeString

from tracker.search.compiled import Slot
from tracker.search.query import ParsedQuery
from tracker.search.snippets import (
    MATCH_START,
    MATCH_STOP,
    SNIPPET_WORDS,
    mark_matches,
    markers_to_html,
)
from tracker.search.sources import SearchSource

# The english configuration stems words ("superpositions" finds "superposition"); it must be
# the one the generated columns in the migrations use.
TEXT_SEARCH_CONFIG = "english"
HEADLINE_OPTIONS = (
    f"StartSel={MATCH_START}, StopSel={MATCH_STOP}, MaxWords={SNIPPET_WORDS}, MinWords=12,"
    ' ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "'
)
# How much more a hit in a title counts than one in a body, in the fallback's score.
TITLE_WEIGHT = 10


def backend_for(parsed: ParsedQuery):
    if connection.vendor == "postgresql":
        return PostgresBackend(parsed)
    return FallbackBackend(parsed)


def _quoted(*names: str) -> str:
    return ".".join(connection.ops.quote_name(name) for name in names)


class PostgresBackend:
    """Stored tsvector columns with GIN indexes (see the 0002/0003 `_search` migrations)."""

    def __init__(self, parsed: ParsedQuery):
        self.parsed = parsed
        numbers = count()
        self.slot_values: dict[str, str] = {}
        parts = []  # (SQL, its slots)
        for sql, values in self._tsquery_parts(parsed):
            slots = [Slot(f"query-{next(numbers)}") for _ in values]
            self.slot_values.update(zip((slot.name for slot in slots), values, strict=True))
            parts.append((sql, slots))
        # The words as typed (finished words, and the last one as a word too), then, while the
        # last word is being typed, what finds it as a prefix.
        self._words = parts[0]
        self._prefix = parts[1] if len(parts) > 1 else None
        self.tsquery_sql = f"({' || '.join(sql for sql, _ in parts)})"
        self._tsquery_slots = [slot for _, slots in parts for slot in slots]
        # The SQL around the slots differs only by whether the last word is a prefix.
        self.cache_key = ("postgresql", self.tsquery_sql)

    # Set for the ranked query alone. Its branches stop after a few hundred rows, so for a
    # common word the planner likes a sequential scan, or a walk along some other index, that
    # stops early: quick while its guess of how many matches the user may see holds, a read of
    # the whole table when it does not (a user who sees few of many matches). Without them, the
    # full-text index is the way in, and its work is bounded by the matches. JIT compiling,
    # or starting parallel workers, would cost more than such a query runs; and a parallel
    # append would no longer read a kind's typed-word rows before its prefix-only rows.
    planner_settings = {
        "enable_seqscan": "off",
        "enable_indexscan": "off",
        "jit": "off",
        "max_parallel_workers_per_gather": "0",
    }

    @staticmethod
    def _tsquery_parts(parsed: ParsedQuery) -> list[tuple[str, list]]:
        """websearch(all alternatives), then, for a word being typed, (websearch(rest of its
        alternative) AND the word as a prefix); the query is their OR. Built from constant
        arguments of immutable functions, so the planner folds each into one tsquery constant
        and can estimate how many rows it matches."""
        config = f"'{TEXT_SEARCH_CONFIG}'::regconfig"
        parts = [(f"websearch_to_tsquery({config}, %s)", [parsed.websearch_text()])]
        if parsed.prefix:
            prefix, params = "to_tsquery('simple'::regconfig, %s)", [f"{parsed.prefix}:*"]
            if parsed.prefix_context:
                prefix = f"(websearch_to_tsquery({config}, %s) && {prefix})"
                params.insert(0, parsed.websearch_text([parsed.prefix_context]))
            parts.append((prefix, params))
        return parts

    def _vector(self, source: SearchSource) -> str:
        return _quoted(source.table, "search_vector")

    def _matches(self, source: SearchSource, tsquery_sql: str, slots: list) -> tuple[str, list]:
        # A query left with nothing to look for once stop words are dropped ("the -grokking")
        # would match every row without the excluded word, read through the whole index.
        # querytree() is 'T' for such a query, and the planner folds the test into a constant,
        # so it reads nothing at all.
        return (
            f"({self._vector(source)} @@ {tsquery_sql} AND querytree({tsquery_sql}) <> 'T')",
            [*slots, *slots],
        )

    @staticmethod
    def _condition(sql: str, params: list) -> RawSQL:
        return RawSQL(  # noqa: S611 (user text only in params; the SQL is ours)
            sql,
            params,
            output_field=BooleanField(),
        )

    def matching(self, queryset: QuerySet, source: SearchSource) -> QuerySet:
        return queryset.filter(
            self._condition(*self._matches(source, self.tsquery_sql, self._tsquery_slots))
        )

    def matching_in_order(self, queryset: QuerySet, source: SearchSource) -> list[QuerySet]:
        """The matches as disjoint querysets, to be read in turn: the rows with the words as
        typed, then the rows only the prefix finds. A search stops after a few hundred visible
        rows per kind, so when the typed word alone finds them the prefix is never looked up;
        gathering every row of every word that starts with it costs about twice what the word
        does (bench/search.py: 60 ms against 35 at 200,000 matches)."""
        if self._prefix is None:
            return [self.matching(queryset, source)]
        words_sql, words_slots = self._words
        prefix_sql, prefix_params = self._matches(source, *self._prefix)
        prefix_only = (
            f"({prefix_sql} AND NOT ({self._vector(source)} @@ {words_sql}))",
            [*prefix_params, *words_slots],
        )
        return [
            queryset.filter(self._condition(*self._matches(source, *self._words))),
            queryset.filter(self._condition(*prefix_only)),
        ]

    def rank(self, source: SearchSource) -> RawSQL:
        # Normalization 1 divides by the log of the length, so a long note that repeats a word
        # does not bury a short title.
        return RawSQL(  # noqa: S611 (user text only in params; the SQL is ours)
            f"ts_rank({self._vector(source)}, {self.tsquery_sql}, 1)",
            self._tsquery_slots,
            output_field=FloatField(),
        )

    def snippet_source(self, source: SearchSource) -> RawSQL:
        """ts_headline, for the rows of the page only: it re-parses the text, so it is costly."""
        columns = ", ".join(
            f"nullif({_quoted(source.table, f)}, '')" for f in source.snippet_fields
        )
        text = f"translate(concat_ws(' — ', {columns}), chr(2) || chr(3), '')"
        return RawSQL(  # noqa: S611 (user text only in params; the SQL is ours)
            f"ts_headline('{TEXT_SEARCH_CONFIG}'::regconfig, {text}, {self.tsquery_sql}, %s)",
            [*self._tsquery_slots, HEADLINE_OPTIONS],
            output_field=TextField(),
        )

    def snippet(self, value, source: SearchSource) -> SafeString:
        return markers_to_html(value)


class FallbackBackend:
    """Case-insensitive substring matching for databases without full-text search (SQLite in
    development and tests). Same syntax, same result shapes; no stemming."""

    # Django's LIKE lookups escape the words as it compiles them, so they cannot be slots.
    cache_key = None
    slot_values: dict = {}
    planner_settings: dict = {}

    def __init__(self, parsed: ParsedQuery):
        self.parsed = parsed
        self.needles = parsed.positive_texts[:10]

    @staticmethod
    def _contains(source: SearchSource, text: str) -> Q:
        fields = source.title_fields + source.body_fields
        return reduce(or_, (Q(**{f"{field}__icontains": text}) for field in fields))

    def matching_in_order(self, queryset: QuerySet, source: SearchSource) -> list[QuerySet]:
        return [self.matching(queryset, source)]

    def matching(self, queryset: QuerySet, source: SearchSource) -> QuerySet:
        # A word being typed needs nothing more: a substring match is already a prefix match.
        alternatives = [
            reduce(
                and_,
                (
                    ~self._contains(source, term.text)
                    if term.negated
                    else self._contains(source, term.text)
                    for term in terms
                ),
            )
            for terms in self.parsed.alternatives
        ]
        return queryset.filter(reduce(or_, alternatives))

    def rank(self, source: SearchSource) -> ExpressionWrapper:
        """Occurrences of each wanted word or phrase, TITLE_WEIGHT times for a title."""
        terms = []
        for needle in self.needles:
            folded = Value(needle.lower())
            for field, weight in [
                *((f, TITLE_WEIGHT) for f in source.title_fields),
                *((f, 1) for f in source.body_fields),
            ]:
                removed = Length(Lower(field)) - Length(Replace(Lower(field), folded, Value("")))
                terms.append(removed * weight / len(needle))
        score = reduce(lambda a, b: a + b, terms) if terms else Value(0)
        return ExpressionWrapper(score, output_field=IntegerField())

    def snippet_source(self, source: SearchSource) -> JSONObject:
        """The snippet's text fields as they are: the snippet is cut in Python."""
        return JSONObject(**{field: F(field) for field in source.snippet_fields})

    def snippet(self, value, source: SearchSource) -> SafeString:
        fields = json.loads(value) if isinstance(value, str) else value
        text = " — ".join(fields[field] for field in source.snippet_fields if fields.get(field))
        return mark_matches(text, self.needles)
