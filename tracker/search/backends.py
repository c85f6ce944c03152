"""How one parsed query becomes SQL: PostgreSQL full-text search, or a plain fallback.

Both give a source's queryset the same three things: a filter for the rows that match, a rank
expression (title hits above body hits), and what a snippet is made from, for the few rows
shown. The engine in `selectors` composes them the same way on either database. A backend
whose SQL holds the words as slots (see `compiled`) names a `cache_key`: its SQL is the same
for every query of that shape, and `slot_values` fills it.
"""

import json
from functools import reduce
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
        self.tsquery_sql, self.tsquery_params = self._tsquery(parsed)
        slots = [Slot(f"query-{n}") for n in range(len(self.tsquery_params))]
        self.slot_values = {
            slot.name: value for slot, value in zip(slots, self.tsquery_params, strict=True)
        }
        self._tsquery_slots = slots
        # The SQL around the slots differs only by whether the last word is a prefix.
        self.cache_key = ("postgresql", self.tsquery_sql)

    # Set for the ranked query alone. Its branches stop after a few hundred rows, so for a
    # common word the planner likes a sequential scan, or a walk along some other index, that
    # stops early: quick while its guess of how many matches the user may see holds, a read of
    # the whole table when it does not (a user who sees few of many matches). Without them, the
    # full-text index is the way in, and its work is bounded by the matches. JIT compiling
    # would cost more than such a query runs.
    planner_settings = {"enable_seqscan": "off", "enable_indexscan": "off", "jit": "off"}

    @staticmethod
    def _tsquery(parsed: ParsedQuery) -> tuple[str, list]:
        """websearch(all alternatives) OR (websearch(rest of last) AND last word as a prefix).
        Built from constant arguments of immutable functions, so the planner folds it into one
        tsquery constant and can estimate how many rows it matches."""
        config = f"'{TEXT_SEARCH_CONFIG}'::regconfig"
        parts = [f"websearch_to_tsquery({config}, %s)"]
        params: list = [parsed.websearch_text()]
        if parsed.prefix:
            prefix = "to_tsquery('simple'::regconfig, %s)"
            if parsed.prefix_context:
                prefix = f"(websearch_to_tsquery({config}, %s) && {prefix})"
                params.append(parsed.websearch_text([parsed.prefix_context]))
            parts.append(prefix)
            params.append(f"{parsed.prefix}:*")
        return f"({' || '.join(parts)})", params

    def _vector(self, source: SearchSource) -> str:
        return _quoted(source.table, "search_vector")

    def matching(self, queryset: QuerySet, source: SearchSource) -> QuerySet:
        # A query left with nothing to look for once stop words are dropped ("the -grokking")
        # would match every row without the excluded word, read through the whole index.
        # querytree() is 'T' for such a query, and the planner folds the test into a constant,
        # so it reads nothing at all.
        condition = RawSQL(  # noqa: S611 (user text only in params; the SQL is ours)
            f"({self._vector(source)} @@ {self.tsquery_sql}"
            f" AND querytree({self.tsquery_sql}) <> 'T')",
            [*self._tsquery_slots, *self._tsquery_slots],
            output_field=BooleanField(),
        )
        return queryset.filter(condition)

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
