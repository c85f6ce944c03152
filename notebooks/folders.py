"""Each attempt's temporary folder (the notebook, its working directory, the log), under one
known root per host and named for the process that made it. A killed pool process never runs its
clean-up, so the sweep (at the start of each attempt, when a worker starts, and in the reaper)
removes every folder whose process is gone, and any folder older than Celery's hard time limit,
which no live task can be; a live attempt's folder is never touched.
"""

import contextlib
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from notebooks import attempts

logger = logging.getLogger(__name__)

_NAME = re.compile(r"^run-(?P<run>\d+)-attempt-(?P<attempt>\d+)-pid-(?P<pid>\d+)-")


def root() -> Path:
    """This host's folder for attempts: a host name of its own, so a root shared between
    machines is still swept only by the machine whose processes it can see."""
    base = Path(settings.RUN_TEMP_ROOT or Path(tempfile.gettempdir()) / "tracker-runs")
    return base / attempts.host()


@contextlib.contextmanager
def attempt_folder(run_id: int, attempt: int) -> Iterator[Path]:
    parent = root()
    parent.mkdir(parents=True, exist_ok=True)
    prefix = f"run-{run_id}-attempt-{attempt}-pid-{os.getpid()}-"
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _in_use(folder: Path, modified: float) -> bool:
    match = _NAME.match(folder.name)
    if match is None:
        return True  # not one of ours: left until it is older than the time limit
    pid = int(match["pid"])
    if pid == os.getpid():
        return attempts.is_running_here(int(match["run"]), int(match["attempt"]))
    # The folder was made (and last changed) after its process started; a younger process
    # with the same pid is another one.
    return attempts.process_is_alive(pid, since=modified)


def sweep() -> int:
    """Removes the folders of attempts that died; returns how many."""
    parent = root()
    try:
        entries = list(parent.iterdir())
    except FileNotFoundError:
        return 0
    removed = 0
    for folder in entries:
        try:
            modified = folder.stat().st_mtime
        except FileNotFoundError:  # its attempt just finished and removed it
            continue
        young = time.time() - modified <= settings.CELERY_TASK_TIME_LIMIT
        if young and _in_use(folder, modified):
            continue
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
        else:
            folder.unlink(missing_ok=True)
        removed += 1
    if removed:
        logger.info("Removed %s temporary folder(s) of attempts that died, in %s", removed, parent)
    return removed
