"""A run's scalar results, {name: number}, read from what the run produced: the `metrics.json` it
wrote and the values its cells recorded the way scrapbook's `glue` does.

scrapbook records a value as a display_data output whose data holds one MIME type,
`application/scrapbook.scrap.<encoder>+json`, carrying `{"name", "data", "encoder", "version"}`
(its metadata says `{"scrapbook": {"name", "data": true, "display": false}}`). Only the `json`
encoder carries plain numbers; `demos.common.record` writes the same shape without scrapbook.

What is kept: finite numbers (booleans are not numbers here), a one-element list of a number
as that number, and in metrics.json nested objects flattened with dotted names down to
MAX_DEPTH levels. A recorded value wins over metrics.json on the same name. Anything else is
left out with a line in the run's log (`note`).
"""

import json
import math
from collections.abc import Callable, Iterable
from typing import Any

SCRAP_MIME_PREFIX = "application/scrapbook.scrap."
SCRAP_JSON_MIME = "application/scrapbook.scrap.json+json"
MAX_RESULTS = 100
MAX_NAME_LENGTH = 100
MAX_DEPTH = 4  # metrics.json levels flattened: {"a": {"b": {"c": {"d": 1}}}} gives a.b.c.d
MAX_NOTES = 20  # lines about left-out values in the log; the rest are counted


def number_of(value: Any) -> int | float | None:
    """The value as a finite number, or None: a one-element list counts as its element."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class _Results:
    """Collects results in order of priority: a name already kept is not replaced, so the
    caller adds recorded values before metrics.json's."""

    def __init__(self, note: Callable[[str], None]) -> None:
        self.values: dict[str, int | float] = {}
        self._note = note
        self._notes = 0
        self._over_count = 0

    def note(self, line: str) -> None:
        self._notes += 1
        if self._notes <= MAX_NOTES:
            self._note(line)

    def add(self, name: str, value: Any, *, source: str) -> None:
        if not name or len(name) > MAX_NAME_LENGTH:
            shown = name[:40] + "…" if len(name) > 40 else name
            self.note(
                f"Result {shown!r} from {source}: a name must be 1 to {MAX_NAME_LENGTH} "
                "characters; left out."
            )
            return
        if name in self.values:
            return
        number = number_of(value)
        if number is None:
            self.note(
                f"Result {name!r} from {source} is not a finite number "
                f"({_describe(value)}); left out."
            )
            return
        if len(self.values) >= MAX_RESULTS:
            self._over_count += 1
            return
        self.values[name] = number

    def finish(self) -> dict[str, int | float]:
        if self._over_count:
            self._note(f"More than {MAX_RESULTS} results; {self._over_count} left out.")
        if self._notes > MAX_NOTES:
            self._note(f"{self._notes - MAX_NOTES} more values were left out.")
        return dict(sorted(self.values.items()))


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "an object"
    text = json.dumps(value) if not isinstance(value, float) else repr(value)
    return text if len(text) <= 40 else text[:40] + "…"


def recorded_values(notebook: dict) -> Iterable[tuple[str, Any, str]]:
    """(name, data, encoder) of each value recorded in the notebook's outputs, in order."""
    for cell in notebook.get("cells", []) if isinstance(notebook, dict) else []:
        outputs = cell.get("outputs", []) if isinstance(cell, dict) else []
        for output in outputs if isinstance(outputs, list) else []:
            if not isinstance(output, dict) or output.get("output_type") not in {
                "display_data",
                "execute_result",
            }:
                continue
            data = output.get("data")
            for mime, payload in data.items() if isinstance(data, dict) else []:
                if not mime.startswith(SCRAP_MIME_PREFIX) or not isinstance(payload, dict):
                    continue
                name = payload.get("name")
                if isinstance(name, str):
                    encoder = mime.removeprefix(SCRAP_MIME_PREFIX).removesuffix("+json")
                    yield name, payload.get("data"), encoder


def _flatten(metrics: dict, results: _Results, prefix: str = "", depth: int = 1) -> None:
    for key, value in metrics.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            if depth >= MAX_DEPTH:
                results.note(
                    f"Result {name!r} from metrics.json nests deeper than {MAX_DEPTH} levels; "
                    "left out."
                )
            else:
                _flatten(value, results, prefix=f"{name}.", depth=depth + 1)
            continue
        results.add(name, value, source="metrics.json")


def run_results(
    *, notebook: dict | None, metrics: Any, note: Callable[[str], None]
) -> dict[str, int | float]:
    """The results of a run from its executed notebook (as parsed JSON, or None) and its
    metrics.json (parsed, or None); recorded values first, so they win on a shared name."""
    results = _Results(note)
    recorded: dict[str, tuple[Any, str]] = {}
    for name, data, encoder in recorded_values(notebook or {}):
        recorded.pop(name, None)  # recorded again: the last value counts, as in scrapbook
        recorded[name] = (data, encoder)
    for name, (data, encoder) in recorded.items():
        if encoder != "json":
            results.note(f"Recorded value {name!r} uses scrapbook's {encoder!r} encoder; left out.")
            continue
        results.add(name, data, source="a recorded value")
    if metrics is not None:
        if isinstance(metrics, dict):
            _flatten(metrics, results)
        else:
            note("metrics.json is not a JSON object, so it gives no results.")
    return results.finish()


def results_of_files(files: Iterable, *, note: Callable[[str], None]) -> dict[str, int | float]:
    """The results from a run's collected files (notebooks.ipynb.artifacts.ArtifactFile): the
    executed notebook and metrics.json, whichever of them the run got to produce."""
    parsed: dict[str, Any] = {}
    for file in files:
        if file.kind in {"notebook", "metrics"}:
            try:
                parsed[file.kind] = json.loads(file.content)
            except (ValueError, UnicodeDecodeError):
                continue  # already noted when the files were collected
    return run_results(notebook=parsed.get("notebook"), metrics=parsed.get("metrics"), note=note)
