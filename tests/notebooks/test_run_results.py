"""A run's scalar results read from what it produced: metrics.json of every shape, and values a
cell recorded the way scrapbook's glue does (its real output format), within bounds."""

import json

import nbformat
import pytest

from notebooks.ipynb import artifacts, results
from notebooks.ipynb.results import run_results

pytestmark = pytest.mark.database_independent


def glued(name, data, encoder="json") -> nbformat.NotebookNode:
    """The output scrapbook's `glue(name, data)` leaves in a cell (scrapbook/api.py:
    `ip_display({GLUE_PAYLOAD_FMT: payload}, metadata={"scrapbook": ...}, raw=True)`)."""
    payload = {"name": name, "data": data, "encoder": encoder, "version": 1}
    return nbformat.v4.new_output(
        "display_data",
        data={f"application/scrapbook.scrap.{encoder}+json": payload},
        metadata={"scrapbook": {"name": name, "data": True, "display": False}},
    )


def notebook_with(*outputs) -> dict:
    """Notebook JSON as the worker reads it back: a code cell holding the given outputs."""
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("import scrapbook as sb")
    cell.outputs = list(outputs)
    notebook.cells.append(cell)
    notebook.cells.append(nbformat.v4.new_markdown_cell("text"))
    return json.loads(nbformat.writes(notebook))


def extract(notebook=None, metrics=None) -> tuple[dict, list[str]]:
    notes = []
    return run_results(notebook=notebook, metrics=metrics, note=notes.append), notes


def test_top_level_finite_numbers_of_metrics_json_are_results():
    found, notes = extract(metrics={"accuracy": 0.75, "steps": 3, "loss": -1.5e-3})
    assert found == {"accuracy": 0.75, "loss": -1.5e-3, "steps": 3}
    assert notes == []


def test_a_one_element_list_is_its_number_and_longer_lists_are_left_out_with_a_note():
    found, notes = extract(metrics={"attribute": [0.9], "coefficients": [-1.0, 0.0, 1.0]})
    assert found == {"attribute": 0.9}
    assert notes == [
        "Result 'coefficients' from metrics.json is not a finite number (a list of 3); left out."
    ]


def test_nested_objects_flatten_with_dotted_names_down_to_a_bounded_depth():
    metrics = {
        "eval": {"accuracy": 0.8, "per_class": {"cat": 0.7}},
        "a": {"b": {"c": {"d": {"e": 1}}}},
    }
    found, notes = extract(metrics=metrics)
    assert found == {"eval.accuracy": 0.8, "eval.per_class.cat": 0.7}
    assert notes == ["Result 'a.b.c.d' from metrics.json nests deeper than 4 levels; left out."]


def test_non_finite_booleans_text_and_null_are_left_out_each_with_a_line_in_the_log():
    # Python's json reads NaN and Infinity, which metrics.json files written by numpy contain.
    metrics = json.loads(
        '{"nan": NaN, "inf": -Infinity, "ok": true, "name": "x", "none": null, "kept": 2}'
    )
    found, notes = extract(metrics=metrics)
    assert found == {"kept": 2}
    assert len(notes) == 5 and all("is not a finite number" in note for note in notes)
    assert "'nan' from metrics.json is not a finite number (nan)" in notes[0]


def test_a_metrics_file_that_is_not_an_object_gives_nothing_and_says_so():
    found, notes = extract(metrics=[1, 2])
    assert found == {} and notes == ["metrics.json is not a JSON object, so it gives no results."]


def test_values_recorded_in_scrapbooks_format_are_results():
    notebook = notebook_with(glued("slope", 0.42), glued("runs", 5), glued("single", [3.5]))
    found, notes = extract(notebook=notebook)
    assert found == {"runs": 5, "single": 3.5, "slope": 0.42}
    assert notes == []


def test_a_recorded_value_wins_over_metrics_json_and_the_last_recording_wins():
    notebook = notebook_with(glued("accuracy", 0.1), glued("accuracy", 0.9))
    found, _notes = extract(notebook=notebook, metrics={"accuracy": 0.5, "loss": 0.2})
    assert found == {"accuracy": 0.9, "loss": 0.2}


def test_recorded_text_dataframes_and_other_outputs_are_not_results():
    stream = nbformat.v4.new_output("stream", name="stdout", text='{"name": "x", "data": 1}')
    plain = nbformat.v4.new_output("display_data", data={"text/plain": "0.5"})
    notebook = notebook_with(
        stream, plain, glued("label", "tiny"), glued("table", {"a": 1}, encoder="pandas")
    )
    found, notes = extract(notebook=notebook)
    assert found == {}
    assert notes == [
        "Result 'label' from a recorded value is not a finite number (\"tiny\"); left out.",
        "Recorded value 'table' uses scrapbook's 'pandas' encoder; left out.",
    ]


def test_the_count_of_results_and_the_length_of_a_name_are_bounded():
    metrics = {f"m{i:03d}": i for i in range(results.MAX_RESULTS + 5)}
    metrics["x" * (results.MAX_NAME_LENGTH + 1)] = 1.0
    found, notes = extract(metrics=metrics)
    assert len(found) == results.MAX_RESULTS
    assert "m104" not in found and "m000" in found
    assert any("a name must be 1 to 100 characters" in note for note in notes)
    assert notes[-1] == f"More than {results.MAX_RESULTS} results; 5 left out."


def test_many_bad_values_give_a_bounded_number_of_log_lines():
    found, notes = extract(metrics={f"text{i}": "x" for i in range(50)})
    assert found == {}
    assert len(notes) == results.MAX_NOTES + 1
    assert notes[-1] == f"{50 - results.MAX_NOTES} more values were left out."


def test_results_come_from_the_collected_files_of_a_run(tmp_path):
    executed = tmp_path / artifacts.EXECUTED_NOTEBOOK_NAME
    executed.write_text(json.dumps(notebook_with(glued("recorded", 1.25))))
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / artifacts.METRICS_NAME).write_text('{"accuracy": 0.5}')
    notes = []
    files = artifacts.collect_artifacts(executed=executed, workdir=workdir, note=notes.append)
    found = results.results_of_files(files, note=notes.append)
    assert found == {"accuracy": 0.5, "recorded": 1.25}


def test_a_notebook_cut_short_still_gives_the_results_of_metrics_json(tmp_path):
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / artifacts.METRICS_NAME).write_text('{"accuracy": 0.5}')
    notes = []
    files = artifacts.collect_artifacts(
        executed=tmp_path / "never-written.ipynb", workdir=workdir, note=notes.append
    )
    assert results.results_of_files(files, note=notes.append) == {"accuracy": 0.5}
