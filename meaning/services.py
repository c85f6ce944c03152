"""Writes of embeddings: compute what is missing or stale, and keep the index file fresh.

A row's embedding is stale when its text's hash or the model differs from what is stored.
`embed_items` is what the task runs for the rows a transaction saved; `embed_pending` finds the
rows whose model is not the current one (or whose vector is waiting); `backfill` walks every
row of every kind (`manage.py embed --all`).
"""

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db.models import Q

from meaning import embedder, index
from meaning.kinds import KINDS, KINDS_BY_NAME
from meaning.models import Embedding

BATCH_SIZE = 128


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def embed_items(items: Iterable[tuple[str, int]]) -> int:
    """Embeds those of the rows (kind, id) whose text or model changed since their vector was
    computed; removes the embeddings of rows that are gone. Returns how many were computed."""
    ids_by_kind: dict[str, set[int]] = defaultdict(set)
    for kind, pk in items:
        if kind in KINDS_BY_NAME:
            ids_by_kind[kind].add(int(pk))
    computed = 0
    for kind_name, ids in ids_by_kind.items():
        ids = sorted(ids)
        for start in range(0, len(ids), BATCH_SIZE):
            computed += _embed_kind_batch(KINDS_BY_NAME[kind_name], ids[start : start + BATCH_SIZE])
    return computed


def _embed_kind_batch(kind, ids: list[int]) -> int:
    model_name, model_version = embedder.current_model()
    rows = {
        values["pk"]: values
        for values in kind.model._default_manager.filter(pk__in=ids).values(*kind.value_fields())
    }
    gone = [pk for pk in ids if pk not in rows]
    if gone:
        Embedding.objects.filter(kind=kind.name, object_id__in=gone).delete()
    stored = {
        embedding.object_id: embedding
        for embedding in Embedding.objects.filter(kind=kind.name, object_id__in=list(rows)).only(
            "object_id", "text_hash", "model_name", "model_version", "private_to_id", "vector"
        )
    }
    to_embed, texts, privacy_only = [], [], []
    for pk, values in rows.items():
        text = kind.text(values)
        digest = text_hash(text)
        private_to = kind.private_to(values)
        current = stored.get(pk)
        up_to_date = (
            current is not None
            and current.vector is not None
            and current.text_hash == digest
            and (current.model_name, current.model_version) == (model_name, model_version)
        )
        if not up_to_date:
            to_embed.append(
                Embedding(
                    kind=kind.name,
                    object_id=pk,
                    text_hash=digest,
                    private_to_id=private_to,
                    model_name=model_name,
                    model_version=model_version,
                )
            )
            texts.append(text)
        elif current.private_to_id != private_to:
            privacy_only.append((pk, private_to))
    for pk, private_to in privacy_only:  # a visibility change: the same vector
        Embedding.objects.filter(kind=kind.name, object_id=pk).update(private_to_id=private_to)
    if not to_embed:
        return 0
    vectors = embedder.embed(texts)
    for embedding, vector in zip(to_embed, vectors, strict=True):
        embedding.vector = vector.tobytes()
    Embedding.objects.bulk_create(
        to_embed,
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=[
            "vector",
            "text_hash",
            "model_name",
            "model_version",
            "private_to_id",
            "updated_at",
        ],
    )
    return len(to_embed)


def stale_embeddings():
    """Embeddings waiting for a vector or computed by another model than the current one."""
    model_name, model_version = embedder.current_model()
    return Embedding.objects.filter(
        Q(vector__isnull=True) | ~Q(model_name=model_name) | ~Q(model_version=model_version)
    )


def embed_pending(*, limit: int = 1024) -> int:
    """Recomputes up to `limit` stale embeddings (a model change makes them all stale)."""
    items = list(stale_embeddings().values_list("kind", "object_id")[:limit])
    return embed_items(items)


def backfill(*, progress: Callable[[int], None] | None = None, chunk: int = 512) -> int:
    """Embeds every row of every kind that has no current embedding; `progress` hears how many
    rows each step looked at."""
    computed = 0
    for kind in KINDS:
        pks = list(kind.model._default_manager.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), chunk):
            batch = pks[start : start + chunk]
            computed += embed_items((kind.name, pk) for pk in batch)
            if progress:
                progress(len(batch))
    return computed


def rows_to_embed_count() -> int:
    return sum(kind.model._default_manager.count() for kind in KINDS)


def refresh_index(*, force: bool = False) -> bool:
    """Builds the index file when the site is past the exact-search size and there is none,
    or rebuilds it once MEANING_INDEX_REBUILD_AFTER rows changed since its watermark; returns
    whether it did. Web processes notice the new file and load it."""
    if not force:
        if not index.index_wanted():
            return False
        behind = index.rows_behind()
        if behind is not None and behind < settings.MEANING_INDEX_REBUILD_AFTER:
            return False
    index.build()
    return True
