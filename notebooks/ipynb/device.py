"""Which device a worker offers a notebook: `cuda` when torch sees a GPU, else `cpu`; and the
package versions it runs notebooks with, recorded on each run so a result can be reproduced."""

import functools
import importlib.metadata
import os
import platform
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Device:
    kind: str  # the notebook's `device` parameter: "cuda" or "cpu"
    name: str  # what it is: GPU name and memory, or the CPU model


@functools.cache
def detect_device() -> Device:
    """Found once per worker process (importing torch takes seconds)."""
    try:
        import torch
    except ImportError:
        return Device("cpu", cpu_model())
    if not torch.cuda.is_available():
        return Device("cpu", cpu_model())
    count = torch.cuda.device_count()
    properties = torch.cuda.get_device_properties(0)
    name = f"{properties.name}, {properties.total_memory / 2**30:.1f} GiB"
    return Device("cuda", f"{count} x {name}" if count > 1 else name)


def cpu_model() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.lower().startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    model = model or platform.processor() or platform.machine() or "unknown CPU"
    return f"{model}, {os.cpu_count() or 1} cores"


# The packages a notebook's result depends on; ones not installed are left out.
RECORDED_PACKAGES = (
    "torch",
    "numpy",
    "papermill",
    "nbclient",
    "nbformat",
    "ipykernel",
    "jupyter_client",
    "transformers",
    "matplotlib",
)


@functools.cache
def package_versions() -> dict[str, str]:
    """Read from installed metadata once per worker process (no imports, no network)."""
    versions = {"python": platform.python_version()}
    for name in RECORDED_PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions
