"""Helpers shared by the demos: offline environment, seeding, device and thread choice."""

from __future__ import annotations

import os
import random

import numpy as np
import torch

# The MIME type scrapbook's glue gives a value it records with its json encoder; the tracker
# reads it from the executed notebook as one of the run's results.
SCRAP_JSON_MIME = "application/scrapbook.scrap.json+json"

# Neither demo downloads anything; these make sure no library tries to either.
OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}


def set_offline_env() -> None:
    """Mark the process as offline for libraries that honour the Hugging Face variables."""
    os.environ.update(OFFLINE_ENV)


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch and ask torch for deterministic kernels."""
    # cuBLAS needs this set before its first call to be deterministic.
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    # warn_only: a kernel without a deterministic version should not break a demo.
    torch.use_deterministic_algorithms(True, warn_only=True)


def choose_device(requested: str = "cpu") -> torch.device:
    """Return the requested torch device, falling back to the CPU when CUDA is missing."""
    if requested.startswith("cuda") and not torch.cuda.is_available():
        print(f"device {requested!r} requested but CUDA is not available; using cpu")
        return torch.device("cpu")
    return torch.device(requested)


def limit_cpu_threads(max_threads: int = 1) -> int:
    """Use at most ``max_threads`` CPU threads for torch's intra-op work.

    One thread is the default: these models are so small that a second thread gains little,
    and on a busy machine OpenMP threads waiting on a descheduled sibling slow a run manyfold.
    """
    threads = max(1, min(max_threads, os.cpu_count() or 1))
    torch.set_num_threads(threads)
    return threads


def prepare_run(seed: int, device: str, cpu_threads: int = 1) -> torch.device:
    """Do the usual start of a demo: offline env, thread limit, seeds, device choice."""
    set_offline_env()
    limit_cpu_threads(cpu_threads)
    seed_everything(seed)
    return choose_device(device)


def record(name: str, value) -> None:
    """Record ``value`` under ``name`` in the cell's outputs as scrapbook's ``glue`` does (the
    same output, without needing scrapbook installed): the tracker keeps numbers as the run's
    results, and ``scrapbook.read_notebook(...).scraps`` reads them back too."""
    from IPython.display import display  # only inside a kernel

    payload = {"name": name, "data": value, "encoder": "json", "version": 1}
    metadata = {"scrapbook": {"name": name, "data": True, "display": False}}
    display({SCRAP_JSON_MIME: payload}, metadata=metadata, raw=True)
