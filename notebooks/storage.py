"""Where notebook files live: through Django's storage API (the media folder by default), under
one folder per course, session and run."""

import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.text import get_valid_filename, slugify

from notebooks.models import Notebook, Run
from sessions.models import Session


def session_folder(session: Session) -> str:
    return f"notebooks/course-{session.course_id}/session-{session.pk}"


def notebook_path(session: Session, original_name: str) -> str:
    stem = slugify(original_name.rsplit(".", 1)[0])[:80] or "notebook"
    return f"{session_folder(session)}/source/{stem}.ipynb"


def run_folder(run: Run) -> str:
    return f"{session_folder(run.notebook.session)}/run-{run.pk}"


def checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True)
class StoredFile:
    kind: str
    name: str
    path: str  # the storage name
    size: int
    checksum: str


def save(path: str, content: bytes) -> str:
    """Saves and returns the stored name (storage picks another if the name is taken)."""
    return default_storage.save(path, ContentFile(content))


def save_run_file(run: Run, *, kind: str, name: str, content: bytes) -> StoredFile:
    safe_name = get_valid_filename(name)
    stored = save(f"{run_folder(run)}/{safe_name}", content)
    return StoredFile(kind, safe_name, stored, len(content), checksum(content))


def delete(paths: list[str]) -> None:
    for path in paths:
        default_storage.delete(path)


def read_notebook_source(notebook: Notebook) -> bytes:
    with default_storage.open(notebook.file.name, "rb") as source:
        return source.read()
