"""Search across everything a user may see: sessions, readings, glossary terms, reflections,
notes and highlights, ranked together, one page at a time.

Every kind starts from its visibility selector, so a row the user may not open never matches.
A search costs a fixed number of queries whatever it matches: one to look up glossary names,
one for the ranked ids of the page window and the count per kind (a UNION ALL of one branch per
kind, each limited to the window), and one for the titles and snippets of the page's rows.
Each kind counts and ranks at most COUNT_LIMIT of its matches, so a common word costs about as
much as a rarer one.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import JSONObject
from django.utils.safestring import SafeString

from meaning import selectors as meaning_selectors
from tracker.search.backends import backend_for
from tracker.search.compiled import CompiledCache, Slot, bind, in_slots, searcher_key
from tracker.search.query import expand_aliases, parse_query
from tracker.search.sources import SOURCES, SOURCES_BY_TYPE, TYPE_ORDER, TYPES

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
# Deep pages cost a window of page x page_size rows per kind; nobody reads page 51.
MAX_PAGE = 50
# Each kind looks at no more than this many of its visible matches (and one more, to tell
# whether there are more). Past it, the count reads "500+" and the ranking orders those 500:
# a query that broad wants more words, and bounding the work keeps a search quick however
# common its words (bench/search.py: a word in 200,000 rows would cost about 1 s, not 0.1 s).
COUNT_LIMIT = 500
# Search modes: full-text, by meaning (nearest embeddings), or both fused by reciprocal rank.
MODES = ("hybrid", "meaning", "text")
# How deep the meaning ranking (and, in hybrid, the text ranking) goes; pages past it are empty.
MEANING_DEPTH = 100
# Reciprocal rank fusion: a result scores the sum of 1 / (RRF_K + its rank) in each ranking.
RRF_K = 60


def default_mode() -> str:
    """Hybrid once any row has an embedding; full-text alone before."""
    return "hybrid" if meaning_selectors.meaning_available() else "text"


@dataclass(frozen=True)
class SearchResult:
    type: str
    id: int
    title: str
    url: str
    snippet: SafeString  # sanitized HTML: escaped text, matches in <mark>, nothing else
    rank: float


@dataclass(frozen=True)
class ResultGroup:
    type: str
    label: str
    count: int
    results: list[SearchResult]


@dataclass(frozen=True)
class SearchPage:
    query: str
    types: tuple[str, ...]
    page: int
    page_size: int
    # Matches per kind the user may see, for every kind (whatever `types` selects).
    counts: dict[str, int]
    results: list[SearchResult] = field(default_factory=list)
    # Glossary names the query was widened with (a name and its aliases).
    names_found: tuple[str, ...] = ()
    # Kinds with more than `count_limit` matches: their count is the limit and means "at least",
    # and their results are the best of the first `count_limit` matches the database found.
    capped: frozenset[str] = frozenset()
    count_limit: int = COUNT_LIMIT
    mode: str = "text"

    @property
    def total(self) -> int:
        """Matches among the selected kinds."""
        return sum(self.counts[kind] for kind in self.types)

    @property
    def total_is_capped(self) -> bool:
        return any(kind in self.capped for kind in self.types)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page * self.page_size < self.total and self.page < MAX_PAGE

    @property
    def groups(self) -> list[ResultGroup]:
        """The page's results by kind, kinds in a fixed order, ranked within each."""
        by_type: dict[str, list[SearchResult]] = defaultdict(list)
        for result in self.results:
            by_type[result.type].append(result)
        return [
            ResultGroup(source.type, source.label, self.counts[source.type], by_type[source.type])
            for source in SOURCES
            if by_type[source.type]
        ]


def search(
    *,
    user,
    query: str,
    types: list[str] | tuple[str, ...] | None = None,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
    backend=None,
    count_limit: int = COUNT_LIMIT,
    mode: str = "text",
) -> SearchPage:
    """One page of what `user` may see that matches `query`, best first.

    `types` limits the results to some kinds (all when empty); unknown kinds, a page outside
    1..MAX_PAGE or a page size outside 1..MAX_PAGE_SIZE raise ValueError. `backend` forces a
    backend class (the benchmark's baseline); by default the database's own is used.
    `count_limit` bounds the matches each kind counts and ranks (see COUNT_LIMIT). `mode`:
    `text` (full-text), `meaning` (nearest embeddings, at most MEANING_DEPTH results) or
    `hybrid` (both rankings fused by reciprocal rank)."""
    selected = _checked_types(types)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}.")
    if not 1 <= page <= MAX_PAGE:
        raise ValueError(f"page must be between 1 and {MAX_PAGE}.")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}.")
    parsed = parse_query(query)
    empty = SearchPage(
        query=query,
        types=selected,
        page=page,
        page_size=page_size,
        counts=dict.fromkeys(TYPES, 0),
        count_limit=count_limit,
        mode=mode,
    )
    if parsed.is_empty:
        return empty
    parsed = expand_aliases(parsed)
    backend = backend(parsed) if backend else backend_for(parsed)
    offset = (page - 1) * page_size
    window = offset + page_size
    if mode == "text":
        ranked, counts, capped = _ranked_window(
            user, backend, selected, window=window, count_limit=count_limit
        )
    else:
        ranked, counts, capped = _ranked_by_meaning(
            user, backend, query, selected, mode=mode, count_limit=count_limit
        )
    shown = ranked[offset : offset + page_size]
    return SearchPage(
        query=query,
        types=selected,
        page=page,
        page_size=page_size,
        counts=counts,
        results=_load_results(backend, shown),
        names_found=parsed.names_found,
        capped=capped,
        count_limit=count_limit,
        mode=mode,
    )


def _ranked_by_meaning(user, backend, query: str, selected, *, mode: str, count_limit: int):
    """The meaning ranking of the selected kinds (`meaning`), or it fused with the full-text
    ranking (`hybrid`), each MEANING_DEPTH deep. Counts are what the fused list holds per kind
    (the full-text counts, when larger); a kind is capped when either ranking filled its depth.
    """
    by_meaning = meaning_selectors.search_by_meaning(
        user=user, query=query, kinds=selected, limit=MEANING_DEPTH
    )
    meaning_ranked = [(match.kind, match.id, match.score) for match in by_meaning]
    if mode == "meaning":
        fused = meaning_ranked
        text_counts, text_capped = dict.fromkeys(TYPES, 0), frozenset()
    else:
        text_ranked, text_counts, text_capped = _ranked_window(
            user, backend, selected, window=MEANING_DEPTH, count_limit=count_limit
        )
        fused = fuse_rankings(text_ranked[:MEANING_DEPTH], meaning_ranked)
    counts = dict.fromkeys(TYPES, 0)
    for kind, _pk, _score in fused:
        counts[kind] += 1
    counts = {kind: max(counts[kind], text_counts[kind]) for kind in TYPES}
    full = len(meaning_ranked) >= MEANING_DEPTH
    capped = frozenset(text_capped) | (frozenset(selected) if full else frozenset())
    return fused, counts, capped


def fuse_rankings(*rankings) -> list[tuple[str, int, float]]:
    """Reciprocal rank fusion of rankings of (kind, id, score): best first, by the sum of
    1 / (RRF_K + rank) over the rankings that hold each result."""
    fused: dict[tuple[str, int], float] = defaultdict(float)
    for ranking in rankings:
        for rank, (kind, pk, _score) in enumerate(ranking, start=1):
            fused[(kind, pk)] += 1.0 / (RRF_K + rank)
    ordered = sorted(fused.items(), key=lambda item: (-item[1], TYPE_ORDER[item[0][0]], item[0][1]))
    return [(kind, pk, score) for (kind, pk), score in ordered]


def _checked_types(types) -> tuple[str, ...]:
    if not types:
        return TYPES
    unknown = sorted(set(types) - set(TYPES))
    if unknown:
        raise ValueError(f"Unknown type(s): {', '.join(unknown)}. Choose from {', '.join(TYPES)}.")
    return tuple(kind for kind in TYPES if kind in types)


_compiled_searches = CompiledCache()


def _ranked_window(user, backend, selected, *, window: int, count_limit: int):
    """The best `window` matches of each selected kind, merged by rank, the count of matches
    per kind, and the kinds whose count passed `count_limit`, in one query. Kinds not selected
    send one row, for their count."""
    key = None
    if backend.cache_key is not None:
        key = (connection.alias, backend.cache_key, searcher_key(user))
    sql, params = _compiled_searches.get_or_compile(key, lambda: _ranked_window_sql(user, backend))
    limits = {
        f"limit-{kind}": min(window, count_limit) if kind in selected else 1 for kind in TYPES
    }
    limits["count-limit"] = count_limit + 1
    rows = run_with_planner_settings(
        backend.planner_settings, sql, bind(params, {**backend.slot_values, **limits})
    )
    counts = dict.fromkeys(TYPES, 0)
    ranked_rows = []
    for kind, pk, rank, total in rows:
        counts[kind] = total
        if kind in selected:
            ranked_rows.append((kind, pk, float(rank)))
    capped_kinds = frozenset(kind for kind, total in counts.items() if total > count_limit)
    for kind in capped_kinds:
        counts[kind] = count_limit
    ranked_rows.sort(key=lambda row: (-row[2], TYPE_ORDER[row[0]], row[1]))
    return ranked_rows, counts, capped_kinds


def run_with_planner_settings(settings: dict[str, str], sql: str, params: list | None) -> list:
    """Runs a read-only query, with the backend's planner settings where it has any. Those are
    set for the transaction (a savepoint inside an outer one), which is rolled back: that ends
    them there too, and the query wrote nothing to lose."""
    if not settings:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in settings),
            [part for setting in settings.items() for part in setting],
        )
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        transaction.set_rollback(True, using=connection.alias)
    return rows


def _ranked_window_sql(user, backend) -> tuple[str, tuple]:
    """A UNION ALL of one branch per kind. Each branch takes the kind's visible queryset
    filtered by the match, stops after the count limit + 1 rows (the rank is computed for those
    only), then orders them by rank and keeps its window. So a word in 200,000 notes reads
    about as many rows as one in 2,000, and a kind under the limit is counted and ranked
    exactly.

    The matches sit in a MATERIALIZED common table expression, which the database plans as if
    every row were wanted (so through the full-text index: an early-stopping scan of the whole
    table only looks cheap) and still runs lazily, as far as the limit reads. While the last
    word is being typed, the matches are the rows with the word itself, then those only its
    prefix finds (see `matching_in_order`): a kind that the word alone fills never looks up
    the prefix, and its results are the word's."""
    branches, params = [], []
    for source in SOURCES:
        # No ORDER BY inside: an order would make the database rank every match first.
        parts = [
            part.order_by()
            .annotate(search_id=F("pk"), search_rank=backend.rank(source))
            .values_list("search_id", "search_rank")
            for part in backend.matching_in_order(source.visible_to(user), source)
        ]
        # With nothing to join, union() gives the queryset back as it is.
        matches = parts[0].union(*parts[1:], all=True)
        sql, branch_params = matches.query.sql_with_params()
        # Django's compiled SQL (user text stays in params) and our own constants. Each branch
        # is a subquery: SQLite takes no parentheses around a UNION's members.
        branches.append(
            f"SELECT * FROM (WITH matches AS MATERIALIZED ({sql})"  # noqa: S608 (see above)
            f" SELECT '{source.type}' AS kind, capped.search_id, capped.search_rank,"
            " count(*) OVER () AS search_total"
            " FROM (SELECT * FROM matches LIMIT %s) AS capped"
            " ORDER BY capped.search_rank DESC, capped.search_id"
            f" LIMIT %s) AS branch_{source.type}"
        )
        params.extend([*branch_params, Slot("count-limit"), Slot(f"limit-{source.type}")])
    return " UNION ALL ".join(branches), tuple(params)


def _lines_sql(backend, shape) -> tuple[str, tuple]:
    """A UNION ALL of one branch per kind on the page, each reading its rows' `line` values
    (as JSON: the kinds' lines differ) and snippet; the ids are slots, `id-<kind>-<n>`."""
    quote = connection.ops.quote_name
    branches = []
    for kind, count in shape:
        source = SOURCES_BY_TYPE[kind]
        pk = f"{quote(source.table)}.{quote(source.model._meta.pk.column)}"
        branches.append(
            source.model._default_manager.filter(in_slots(pk, f"id-{kind}", count))
            .order_by()
            .annotate(
                search_kind=Value(kind, output_field=CharField()),
                search_line=JSONObject(**source.line),
                search_snippet=backend.snippet_source(source),
            )
            .values_list("search_kind", "pk", "search_line", "search_snippet")
        )
    lines = branches[0].union(*branches[1:], all=True)
    return lines.query.sql_with_params()


def _load_results(backend, shown) -> list[SearchResult]:
    """Titles, links and snippets for the rows on the page, in one query. The ids come from
    the visible querysets a moment ago, in this call; filtering them by visibility again would
    double the cost of building those querysets for nothing."""
    ids_by_type: dict[str, list[int]] = defaultdict(list)
    for kind, pk, _rank in shown:
        ids_by_type[kind].append(pk)
    if not ids_by_type:
        return []
    shape = tuple((kind, len(ids)) for kind, ids in ids_by_type.items())
    # Like the ranked query's, its SQL depends on the query's shape only, and on the page's:
    # compiled once, bound to the words and ids each time.
    key = None
    if backend.cache_key is not None:
        key = ("lines", connection.alias, backend.cache_key, shape)
    sql, params = _compiled_searches.get_or_compile(key, lambda: _lines_sql(backend, shape))
    ids = {f"id-{kind}-{n}": pk for kind, pks in ids_by_type.items() for n, pk in enumerate(pks)}
    with connection.cursor() as cursor:
        cursor.execute(sql, bind(params, {**backend.slot_values, **ids}))
        lines = cursor.fetchall()
    rows_by_key = {(kind, pk): (line, snippet) for kind, pk, line, snippet in lines}
    results = []
    for kind, pk, rank in shown:
        row = rows_by_key.get((kind, pk))
        if row is None:  # deleted between the two queries
            continue
        line, snippet = row
        source = SOURCES_BY_TYPE[kind]
        title, url = source.result(pk, json.loads(line) if isinstance(line, str) else line)
        results.append(
            SearchResult(
                type=kind,
                id=pk,
                title=title,
                url=url,
                snippet=backend.snippet(snippet, source),
                rank=rank,
            )
        )
    return results
