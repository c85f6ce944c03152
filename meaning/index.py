"""The nearest-neighbour index: a usearch (HNSW) file built from the vectors in the database.

The worker builds it (`build`) into MEANING_INDEX_DIR, a file per model, with a small JSON
beside it naming its watermark: every vector saved before that moment is in the file. Web
processes map the file read-only (`loaded`) and map it again when the JSON changes. Rows saved
after the watermark are searched exactly beside it (`selectors`), so a fresh edit is found
before the next build; a deleted row may linger in the file but never passes the visibility
selectors, since its row is gone.
"""

import json
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from django.conf import settings
from django.utils import timezone

from meaning import embedder
from meaning.models import Embedding

# Rows saved while a build reads are newer than its watermark; a margin covers clock skew
# between the worker and the web processes that stamp `updated_at`.
WATERMARK_MARGIN = timedelta(seconds=60)
READ_CHUNK = 10_000


@dataclass(frozen=True)
class LoadedIndex:
    index: object  # usearch.index.Index
    watermark: datetime
    size: int
    stamp: tuple[str, int]  # the file and its modification time


def _paths() -> tuple[Path, Path]:
    name, version = embedder.current_model()
    stem = f"{name.rsplit('/', 1)[-1]}-{version}"
    folder = Path(settings.MEANING_INDEX_DIR)
    return folder / f"{stem}.usearch", folder / f"{stem}.json"


def current_embeddings():
    name, version = embedder.current_model()
    return Embedding.objects.filter(vector__isnull=False, model_name=name, model_version=version)


def index_wanted() -> bool:
    """Whether the site is past the size where an exact search is quick enough."""
    return current_embeddings().count() > settings.MEANING_EXACT_SEARCH_MAX


def rows_behind() -> int | None:
    """Rows saved since the index file's watermark; None when there is no file."""
    _, meta_path = _paths()
    try:
        meta = json.loads(meta_path.read_text())
    except FileNotFoundError:
        return None
    return current_embeddings().filter(updated_at__gt=meta["watermark"]).count()


def build() -> int:
    """Writes a new index file from the current model's vectors; returns its size."""
    from usearch.index import Index

    index_path, meta_path = _paths()
    index_path.parent.mkdir(parents=True, exist_ok=True)
    watermark = timezone.now() - WATERMARK_MARGIN
    index = Index(ndim=embedder.DIMENSIONS, metric="ip", dtype="f16")
    rows = current_embeddings().order_by("pk").values_list("pk", "vector")
    size, last = 0, 0
    while True:
        chunk = list(rows.filter(pk__gt=last)[:READ_CHUNK])
        if not chunk:
            break
        keys = np.array([pk for pk, _ in chunk], dtype=np.uint64)
        vectors = np.vstack([np.frombuffer(vector, dtype=np.float32) for _, vector in chunk])
        index.add(keys, vectors)
        size += len(chunk)
        last = chunk[-1][0]
    temporary = index_path.with_suffix(f".{os.getpid()}.tmp")
    index.save(str(temporary))
    os.replace(temporary, index_path)
    meta_temporary = meta_path.with_suffix(f".{os.getpid()}.tmp")
    meta_temporary.write_text(json.dumps({"watermark": watermark.isoformat(), "size": size}))
    os.replace(meta_temporary, meta_path)
    return size


_loaded: LoadedIndex | None = None
_lock = threading.Lock()


def loaded() -> LoadedIndex | None:
    """The index file of the current model, mapped once per process and again when the worker
    writes a new one; None when there is none."""
    global _loaded
    from usearch.index import Index

    index_path, meta_path = _paths()
    try:
        stamp = (str(meta_path), meta_path.stat().st_mtime_ns)
    except FileNotFoundError:
        return None
    if _loaded is not None and _loaded.stamp == stamp:
        return _loaded
    with _lock:
        if _loaded is None or _loaded.stamp != stamp:
            meta = json.loads(meta_path.read_text())
            _loaded = LoadedIndex(
                index=Index.restore(str(index_path), view=True),
                watermark=datetime.fromisoformat(meta["watermark"]),
                size=meta["size"],
                stamp=stamp,
            )
    return _loaded


def nearest_keys(
    loaded_index: LoadedIndex, vector: np.ndarray, count: int
) -> list[tuple[int, float]]:
    """The `count` nearest embedding ids in the file, with their cosine similarity."""
    matches = loaded_index.index.search(vector, min(count, max(loaded_index.size, 1)))
    return [
        (int(key), 1.0 - float(distance))
        for key, distance in zip(matches.keys, matches.distances, strict=True)
    ]
