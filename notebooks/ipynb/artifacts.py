"""The files a run leaves: the executed notebook, its HTML rendering, each image output, the
metrics JSON the notebook wrote (if any), and the log. Built from whatever the run got through,
so a failed or stopped run keeps its partial outputs."""

import base64
import binascii
import functools
import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat

EXECUTED_NOTEBOOK_NAME = "executed.ipynb"
HTML_NAME = "executed.html"
METRICS_NAME = "metrics.json"
LOG_NAME = "run.log"
MAX_METRICS_BYTES = 1024 * 1024
MAX_IMAGES = 200
# The first type an output carries wins, so a figure with PNG and SVG gives one file.
IMAGE_TYPES = (
    ("image/png", "png"),
    ("image/jpeg", "jpg"),
    ("image/gif", "gif"),
    ("image/svg+xml", "svg"),
)


@dataclass(frozen=True)
class ArtifactFile:
    kind: str  # an Artifact.Kind value
    name: str
    content: bytes


def collect_artifacts(
    *, executed: Path, workdir: Path, note: Callable[[str], None]
) -> list[ArtifactFile]:
    """Everything but the log (which the caller adds last, so it holds these notes too)."""
    files: list[ArtifactFile] = []
    notebook = None
    if executed.is_file():
        content = executed.read_bytes()
        files.append(ArtifactFile("notebook", EXECUTED_NOTEBOOK_NAME, content))
        try:
            notebook = nbformat.reads(content.decode("utf-8"), as_version=4)
        except Exception as error:  # a notebook cut short can be unreadable; keep the rest
            note(f"The executed notebook could not be read back: {error}")
    else:
        note("The notebook never started, so there is no executed notebook.")
    if notebook is not None:
        try:
            files.append(ArtifactFile("html", HTML_NAME, render_html(notebook)))
        except Exception as error:
            note(f"The HTML rendering failed: {type(error).__name__}: {error}")
        files.extend(image_files(notebook, note=note))
    metrics = metrics_file(workdir / METRICS_NAME, note=note)
    if metrics is not None:
        files.append(metrics)
    return files


# JupyterLab's look, without the scripts it would fetch from a CDN (require.js, MathJax,
# mermaid, widgets): the HTML is shown in a sandbox where scripts never run anyway.
OFFLINE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


@functools.cache
def _html_exporter():
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter  # slow to import; only the worker needs it

    return HTMLExporter(
        template_name="lab",
        template_file="tracker_offline.html.j2",
        extra_loaders=[DictLoader({"tracker_offline.html.j2": OFFLINE_TEMPLATE})],
    )


def prepare_html_exporter() -> None:
    """Loads nbconvert and the template ahead of the first run."""
    _html_exporter()


def render_html(notebook: nbformat.NotebookNode) -> bytes:
    with warnings.catch_warnings():
        # Values recorded the scrapbook way have only their own MIME type, never shown: the
        # exporter would warn once per recorded value.
        warnings.filterwarnings("ignore", "Your element with mimetype", UserWarning)
        body, _resources = _html_exporter().from_notebook_node(notebook)
    return body.encode("utf-8")


def image_files(
    notebook: nbformat.NotebookNode, *, note: Callable[[str], None]
) -> list[ArtifactFile]:
    files = []
    for cell_number, cell in enumerate(notebook.cells, start=1):
        for output_number, output in enumerate(cell.get("outputs", []), start=1):
            image = _image_of(output)
            if image is None:
                continue
            extension, content = image
            if len(files) >= MAX_IMAGES:
                note(f"More than {MAX_IMAGES} images; the rest stay in the notebook only.")
                return files
            name = f"cell-{cell_number:02d}-output-{output_number}.{extension}"
            files.append(ArtifactFile("image", name, content))
    return files


def _image_of(output) -> tuple[str, bytes] | None:
    if output.get("output_type") not in {"display_data", "execute_result"}:
        return None
    data = output.get("data", {})
    for mime, extension in IMAGE_TYPES:
        if mime not in data:
            continue
        value = data[mime]
        value = "".join(value) if isinstance(value, list) else value
        if extension == "svg":
            return extension, value.encode("utf-8")
        try:
            return extension, base64.b64decode(value, validate=False)
        except (binascii.Error, ValueError):
            return None
    return None


def metrics_file(path: Path, *, note: Callable[[str], None]) -> ArtifactFile | None:
    if not path.is_file():
        return None
    size = path.stat().st_size
    if size > MAX_METRICS_BYTES:
        note(f"{METRICS_NAME} is {size:,} bytes, over the {MAX_METRICS_BYTES:,} limit; left out.")
        return None
    content = path.read_bytes()
    try:
        json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        note(f"{METRICS_NAME} is not valid JSON ({error}); left out.")
        return None
    return ArtifactFile("metrics", METRICS_NAME, content)
