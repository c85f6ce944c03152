"""Reads by meaning: the rows nearest to a text or to another row, among those a user may see.

Candidates come from the index file (`meaning.index`) plus the rows saved since it was built,
or, when there is no file (a small site, SQLite in development), from an exact search over the
stored vectors. Either way every candidate passes its kind's visibility selector before it is
returned, in order, fetching more candidates until `limit` visible ones are found: a private
reflection is never related, similar or found for anyone but its author.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from django.db.models import Q, QuerySet

from meaning import embedder, index
from meaning.kinds import KINDS_BY_NAME, NAMES
from meaning.models import Embedding

# The most candidates one search looks at before giving up on filling its page.
MAX_CANDIDATES = 4096
# Below this cosine similarity a row is not about the text at all.
MIN_SCORE = 0.2


@dataclass(frozen=True)
class Match:
    kind: str
    id: int
    score: float


def meaning_available() -> bool:
    """Whether any row has a vector of the current model (search by meaning has something)."""
    return index.current_embeddings().exists()


def search_by_meaning(*, user, query: str, kinds=NAMES, limit: int = 20) -> list[Match]:
    """The rows `user` may see whose meaning is nearest to `query`, best first. A site with no
    embeddings yet answers at once, without loading the model."""
    if not meaning_available():
        return []
    vector = embedder.embed_query(query)
    return nearest(user=user, vector=vector, kinds=kinds, limit=limit, min_score=MIN_SCORE)


def vector_of(*, kind: str, object_id: int) -> np.ndarray | None:
    stored = (
        index.current_embeddings()
        .filter(kind=kind, object_id=object_id)
        .values_list("vector", flat=True)
        .first()
    )
    return None if stored is None else np.frombuffer(stored, dtype=np.float32)


def related_to(
    *, user, kind: str, object_id: int, kinds=NAMES, limit: int = 5, narrow=None
) -> list[Match]:
    """Rows of `kinds` nearest in meaning to the row (kind, object_id), itself left out. The
    caller has checked that `user` may see that row."""
    vector = vector_of(kind=kind, object_id=object_id)
    if vector is None:
        return []
    return nearest(
        user=user,
        vector=vector,
        kinds=kinds,
        limit=limit,
        exclude={(kind, object_id)},
        narrow=narrow,
        min_score=MIN_SCORE,
    )


def nearest(
    *,
    user,
    vector: np.ndarray,
    kinds=NAMES,
    limit: int = 10,
    exclude: set[tuple[str, int]] | frozenset = frozenset(),
    narrow: dict[str, Callable[[QuerySet], QuerySet]] | None = None,
    min_score: float = -1.0,
) -> list[Match]:
    """The `limit` rows of `kinds` nearest to `vector` that `user` may see, best first.
    `narrow` may restrict a kind's visible queryset further (the reflections of one course)."""
    kinds = tuple(kind for kind in NAMES if kind in kinds)
    loaded = index.loaded()
    if loaded is None:
        batches = _exact_candidates(user, vector, kinds, limit)
    else:
        batches = _indexed_candidates(user, vector, kinds, limit, loaded)
    found: list[Match] = []
    for batch in batches:
        wanted = [
            match
            for match in batch
            if match.score >= min_score and (match.kind, match.id) not in exclude
        ]
        found.extend(_visible(user, wanted, narrow or {}))
        if len(found) >= limit or (batch and batch[-1].score < min_score):
            break
    return found[:limit]


def _may_be_seen_by(user) -> Q:
    """Rows private to someone else are left out before ranking (the selectors decide after)."""
    if user is not None and user.is_authenticated:
        return Q(private_to_id__isnull=True) | Q(private_to_id=user.pk)
    return Q(private_to_id__isnull=True)


def _scored(rows, vector) -> list[Match]:
    if not rows:
        return []
    vectors = np.vstack([np.frombuffer(row[2], dtype=np.float32) for row in rows])
    scores = vectors @ vector
    return [
        Match(kind, object_id, float(score))
        for (kind, object_id, _), score in zip(rows, scores, strict=True)
    ]


def _batches(ranked: list[Match], limit: int) -> Iterator[list[Match]]:
    start, size = 0, max(limit * 2, 10)
    while start < len(ranked):
        yield ranked[start : start + size]
        start, size = start + size, size * 4


def _exact_candidates(user, vector, kinds, limit) -> Iterator[list[Match]]:
    """Every stored vector of the kinds that the user is not kept from, ranked by numpy: the
    path of a small site, where reading them all is quicker than keeping an index."""
    rows = list(
        index.current_embeddings()
        .filter(_may_be_seen_by(user), kind__in=kinds)
        .values_list("kind", "object_id", "vector")
    )
    ranked = sorted(_scored(rows, vector), key=lambda match: (-match.score, match.kind, match.id))
    yield from _batches(ranked, limit)


def _indexed_candidates(user, vector, kinds, limit, loaded) -> Iterator[list[Match]]:
    """The index's nearest, rounds of four times as many until enough are seen, merged with
    the rows saved since its watermark (scored exactly; they supersede the file's copy)."""
    fresh_rows = list(
        index.current_embeddings()
        .filter(_may_be_seen_by(user), kind__in=kinds, updated_at__gt=loaded.watermark)
        .values_list("kind", "object_id", "vector")
    )
    fresh = _scored(fresh_rows, vector)
    fresh_keys = {(match.kind, match.id) for match in fresh}
    seen: set[tuple[str, int]] = set()
    count = max(limit * 4, 40)
    while True:
        keyed = dict(index.nearest_keys(loaded, vector, count))
        rows = Embedding.objects.filter(
            _may_be_seen_by(user), pk__in=list(keyed), kind__in=kinds
        ).values_list("pk", "kind", "object_id")
        candidates = [
            Match(kind, object_id, keyed[pk])
            for pk, kind, object_id in rows
            if (kind, object_id) not in fresh_keys
        ]
        lowest = min(keyed.values(), default=-1.0)
        # Fresh rows at least as near as the farthest the index returned belong in this round.
        candidates += [m for m in fresh if m.score >= lowest and (m.kind, m.id) not in seen]
        exhausted = len(keyed) < count or count >= MAX_CANDIDATES
        if exhausted:
            candidates += [m for m in fresh if (m.kind, m.id) not in seen]
        batch = sorted(
            {(m.kind, m.id): m for m in candidates if (m.kind, m.id) not in seen}.values(),
            key=lambda match: (-match.score, match.kind, match.id),
        )
        seen.update((match.kind, match.id) for match in batch)
        yield batch
        if exhausted:
            return
        count = min(count * 4, MAX_CANDIDATES)


def _visible(user, batch: list[Match], narrow) -> list[Match]:
    """The batch's matches that `user` may see, in the batch's order: one query per kind."""
    ids_by_kind: dict[str, list[int]] = defaultdict(list)
    for match in batch:
        ids_by_kind[match.kind].append(match.id)
    visible: set[tuple[str, int]] = set()
    for kind_name, ids in ids_by_kind.items():
        queryset = KINDS_BY_NAME[kind_name].visible_to(user).filter(pk__in=ids)
        if kind_name in narrow:
            queryset = narrow[kind_name](queryset)
        visible.update((kind_name, pk) for pk in queryset.order_by().values_list("pk", flat=True))
    return [match for match in batch if (match.kind, match.id) in visible]


def similar_reflections(*, user, reflection, limit: int = 5) -> list[Match]:
    """Reflections of the same course nearest in meaning to `reflection`, that `user` may see."""
    course_id = reflection.session.course_id
    return related_to(
        user=user,
        kind="reflection",
        object_id=reflection.pk,
        kinds=("reflection",),
        limit=limit,
        narrow={"reflection": lambda queryset: queryset.filter(session__course_id=course_id)},
    )
