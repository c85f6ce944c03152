"""Tiny notebooks written by the tests, and factories for notebooks, runs and artifacts."""

import factory
import nbformat

from notebooks import services, storage
from notebooks.models import Artifact, Notebook, Run, Sweep
from tests.sessions.factories import SessionFactory

# A 1x1 PNG, for a notebook that displays an image without importing matplotlib.
PIXEL_PNG_BASE64 = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAE"
    "hQGAhKmMIQAAAABJRU5ErkJggg=="
)
SHOW_PIXEL = (
    "import base64\nfrom IPython.display import Image, display\n"
    f"display(Image(data=base64.b64decode('{PIXEL_PNG_BASE64}')))"
)


def notebook_bytes(*cells: str, parameters: str | None = "steps = 2\nlabel = 'tiny'") -> bytes:
    """A notebook with a parameters cell (unless None) followed by the given code cells."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    if parameters is not None:
        cell = nbformat.v4.new_code_cell(parameters)
        cell.metadata["tags"] = ["parameters"]
        notebook.cells.append(cell)
    notebook.cells.extend(nbformat.v4.new_code_cell(source) for source in cells)
    return nbformat.writes(notebook).encode("utf-8")


class NotebookFactory(factory.django.DjangoModelFactory):
    """Made through the service, so the file is validated and stored like an upload."""

    class Meta:
        model = Notebook

    session = factory.SubFactory(SessionFactory)
    title = factory.Sequence(lambda n: f"Notebook {n}")
    content = factory.LazyFunction(lambda: notebook_bytes("print(steps, label)"))

    @classmethod
    def _create(cls, model_class, *, session, title, content, **fields):
        return services.notebook_create(
            session=session,
            created_by=fields.pop("created_by", None),
            title=title,
            file=content,
            file_name=f"{title}.ipynb",
            **fields,
        )


class RunFactory(factory.django.DjangoModelFactory):
    """A run row in any state, without a task (for state and page tests)."""

    class Meta:
        model = Run

    notebook = factory.SubFactory(NotebookFactory)
    queue = factory.LazyAttribute(lambda run: run.notebook.queue)
    status = Run.Status.SUCCEEDED


class SweepFactory(factory.django.DjangoModelFactory):
    """A sweep row with no runs (give them with RunFactory(sweep=…, sweep_index=…)), for pages;
    a sweep with runs and sends is made by services.sweep_start."""

    class Meta:
        model = Sweep

    notebook = factory.SubFactory(NotebookFactory)
    kind = Sweep.Kind.GRID
    spec = factory.LazyFunction(lambda: {"steps": [1, 2]})


class ArtifactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Artifact

    run = factory.SubFactory(RunFactory)
    kind = Artifact.Kind.LOG
    name = factory.Sequence(lambda n: f"file-{n}.log")
    content = b"a line of log\n"

    @classmethod
    def _create(cls, model_class, *, run, kind, name, content, **fields):
        stored = storage.save_run_file(run, kind=kind, name=name, content=content)
        return Artifact.objects.create(
            run=run,
            kind=kind,
            name=stored.name,
            file=stored.path,
            size=stored.size,
            checksum=stored.checksum,
            **fields,
        )


def stored_files(media_root) -> list[str]:
    """The files under the media folder, relative to it: what a test expects the storage holds."""
    if not media_root.exists():
        return []
    return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())


def finished_run(session, **parameters) -> Run:
    """A run of a small notebook (parameters steps and label), as a rerun starts from."""
    notebook = NotebookFactory(session=session, parameters={"steps": 3})
    return RunFactory(notebook=notebook, parameters={"steps": 3, "label": "old", **parameters})
