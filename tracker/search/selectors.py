"""Search across everything a user may see: sessions, readings, glossary terms, reflections,
notes and highlights, ranked together, one page at a time.

Every kind starts from its visibility selector, so a row the user may not open never matches.
A search costs a fixed number of queries whatever it matches: one to look up glossary names,
one for the ranked ids of the page window and the count per kind (a UNION ALL of one branch per
kind, each limited to the window), and one per kind shown on the page for titles and snippets.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, Window
from django.utils.safestring import SafeString

from tracker.search.backends import backend_for
from tracker.search.query import expand_aliases, parse_query
from tracker.search.sources import SOURCES, SOURCES_BY_TYPE, TYPE_ORDER, TYPES, SearchSource

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
# Deep pages cost a window of page x page_size rows per kind; nobody reads page 51.
MAX_PAGE = 50


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

    @property
    def total(self) -> int:
        """Matches among the selected kinds."""
        return sum(self.counts[kind] for kind in self.types)

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
) -> SearchPage:
    """One page of what `user` may see that matches `query`, best first.

    `types` limits the results to some kinds (all when empty); unknown kinds, a page outside
    1..MAX_PAGE or a page size outside 1..MAX_PAGE_SIZE raise ValueError. `backend` forces a
    backend class (the benchmark's baseline); by default the database's own is used."""
    selected = _checked_types(types)
    if not 1 <= page <= MAX_PAGE:
        raise ValueError(f"page must be between 1 and {MAX_PAGE}.")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}.")
    parsed = parse_query(query)
    empty = SearchPage(
        query=query, types=selected, page=page, page_size=page_size, counts=dict.fromkeys(TYPES, 0)
    )
    if parsed.is_empty:
        return empty
    parsed = expand_aliases(parsed)
    backend = backend(parsed) if backend else backend_for(parsed)
    offset = (page - 1) * page_size
    ranked, counts = _ranked_window(user, backend, selected, window=offset + page_size)
    shown = ranked[offset : offset + page_size]
    return SearchPage(
        query=query,
        types=selected,
        page=page,
        page_size=page_size,
        counts=counts,
        results=_load_results(backend, shown),
        names_found=parsed.names_found,
    )


def _checked_types(types) -> tuple[str, ...]:
    if not types:
        return TYPES
    unknown = sorted(set(types) - set(TYPES))
    if unknown:
        raise ValueError(f"Unknown type(s): {', '.join(unknown)}. Choose from {', '.join(TYPES)}.")
    return tuple(kind for kind in TYPES if kind in types)


def _ranked_window(user, backend, selected, *, window: int):
    """The best `window` matches of each selected kind, merged by rank, and the count of
    matches per kind, in one query. Each branch is a kind's visible queryset, filtered by the
    match, ordered by rank and limited, so a kind with 200,000 matches sends back only its
    window. Kinds not selected send one row, for their count."""
    branches, params = [], []
    for source in SOURCES:
        visible = backend.matching(source.visible_to(user), source)
        ranked = (
            visible.annotate(
                search_id=F("pk"),
                search_rank=backend.rank(source),
                search_total=Window(expression=Count("pk")),
            )
            .order_by("-search_rank", "pk")
            .values_list("search_id", "search_rank", "search_total")
        )[: window if source.type in selected else 1]
        sql, branch_params = ranked.query.sql_with_params()
        # Django's compiled SQL (user text stays in params) and our own constant type names.
        branch = f"SELECT '{source.type}' AS kind, branch.search_id, branch.search_rank, branch.search_total FROM ({sql}) AS branch"  # noqa: E501, S608 (see the line above)
        branches.append(branch)
        params.extend(branch_params)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(branches), params)
        rows = cursor.fetchall()
    counts = dict.fromkeys(TYPES, 0)
    ranked_rows = []
    for kind, pk, rank, total in rows:
        counts[kind] = total
        if kind in selected:
            ranked_rows.append((kind, pk, float(rank)))
    ranked_rows.sort(key=lambda row: (-row[2], TYPE_ORDER[row[0]], row[1]))
    return ranked_rows, counts


def _load_results(backend, shown) -> list[SearchResult]:
    """Titles, links and snippets for the rows on the page: one query per kind shown. The ids
    come from the visible querysets a moment ago, in this call; filtering them by visibility
    again would double the cost of building those querysets for nothing."""
    ids_by_type: dict[str, list[int]] = defaultdict(list)
    for kind, pk, _rank in shown:
        ids_by_type[kind].append(pk)
    rows_by_key = {}
    for kind, ids in ids_by_type.items():
        source: SearchSource = SOURCES_BY_TYPE[kind]
        queryset = (
            source.model._default_manager.filter(pk__in=ids)
            .select_related(*source.related)
            .order_by()
        )
        for row in backend.with_snippets(queryset, source):
            rows_by_key[(kind, row.pk)] = row
    results = []
    for kind, pk, rank in shown:
        row = rows_by_key.get((kind, pk))
        if row is None:  # deleted between the two queries
            continue
        source = SOURCES_BY_TYPE[kind]
        results.append(
            SearchResult(
                type=kind,
                id=pk,
                title=source.result_title(row),
                url=source.result_url(row),
                snippet=backend.snippet(row, source),
                rank=rank,
            )
        )
    return results
