import json

import nbformat
import pytest
from django.core.exceptions import ValidationError

from notebooks.ipynb.validation import check_parameters, parameter_spec, read_notebook
from tests.notebooks.factories import notebook_bytes

LIMIT = 100_000


def _messages(error: ValidationError, field: str) -> str:
    return " ".join(error.value.message_dict[field])


def test_a_valid_notebook_is_read():
    notebook = read_notebook(notebook_bytes("print(1)"), max_bytes=LIMIT)
    assert [cell.cell_type for cell in notebook.cells] == ["code", "code"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00binary", "not UTF-8"),
        (b"print('a script, not a notebook')", "not JSON"),
        (json.dumps({"cells": "nope", "nbformat": 4}).encode(), "not a valid notebook"),
        (json.dumps({"hello": "world"}).encode(), "not a valid notebook"),
    ],
)
def test_anything_but_a_notebook_is_refused_saying_why(content, message):
    with pytest.raises(ValidationError) as error:
        read_notebook(content, max_bytes=LIMIT)
    assert message in _messages(error, "file")


def test_a_notebook_over_the_size_limit_is_refused():
    content = notebook_bytes("x = '" + "a" * 2000 + "'")
    with pytest.raises(ValidationError) as error:
        read_notebook(content, max_bytes=1000)
    assert "limit is 1,000 bytes" in _messages(error, "file")


def test_a_notebook_in_another_language_is_refused():
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}
    with pytest.raises(ValidationError) as error:
        read_notebook(nbformat.writes(notebook).encode(), max_bytes=LIMIT)
    assert "only Python notebooks" in _messages(error, "file")


def test_parameter_spec_reads_names_types_and_defaults_from_the_tagged_cell():
    notebook = read_notebook(
        notebook_bytes(
            parameters="epochs = 3\nrate: float = 0.5\nname = 'x'\nflag = True\n"
            "sizes = [1, 2]\nmodel = make_model()\nnothing = None"
        ),
        max_bytes=LIMIT,
    )
    spec = {entry["name"]: (entry["type"], entry["default"]) for entry in parameter_spec(notebook)}
    assert spec == {
        "epochs": ("int", 3),
        "rate": ("float", 0.5),
        "name": ("str", "x"),
        "flag": ("bool", True),
        "sizes": ("list", [1, 2]),
        "model": ("any", None),
        "nothing": ("none", None),
    }


def test_a_parameters_cell_that_is_not_python_is_refused():
    notebook = read_notebook(notebook_bytes(parameters="epochs = = 3"), max_bytes=LIMIT)
    with pytest.raises(ValidationError) as error:
        parameter_spec(notebook)
    assert "parameters cell is not valid Python" in _messages(error, "file")


SPEC = [
    {"name": "epochs", "type": "int", "default": 3, "source": "3"},
    {"name": "rate", "type": "float", "default": 0.5, "source": "0.5"},
    {"name": "model", "type": "any", "default": None, "source": "make()"},
]


def test_parameters_that_fit_the_cell_pass_and_a_whole_number_is_a_number():
    assert check_parameters('{"epochs": 5, "rate": 1, "model": [1]}', SPEC) == {
        "epochs": 5,
        "rate": 1,
        "model": [1],
    }


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ({"epochs": "five"}, "'epochs' must be a whole number"),
        ({"epochs": True}, "'epochs' must be a whole number"),
        ({"rate": "fast"}, "'rate' must be a number"),
        ({"layers": 2}, "'layers' is not a parameter of this notebook; it declares"),
        ({"device": "cuda"}, "'device' is set by the worker"),
    ],
)
def test_bad_parameters_are_refused_naming_the_parameter(parameters, message):
    with pytest.raises(ValidationError) as error:
        check_parameters(parameters, SPEC)
    assert message in _messages(error, "parameters")


def test_parameters_for_a_notebook_without_a_parameters_cell_are_refused():
    with pytest.raises(ValidationError) as error:
        check_parameters({"epochs": 1}, [])
    assert "no cell tagged 'parameters'" in _messages(error, "parameters")


def test_values_no_database_can_store_are_refused_or_left_as_expressions():
    notebook = read_notebook(
        notebook_bytes(parameters='marker = "a\\u0000b"\npair = (1, 2)'), max_bytes=LIMIT
    )
    assert [(e["name"], e["type"], e["default"]) for e in parameter_spec(notebook)] == [
        ("marker", "any", None),
        ("pair", "any", None),
    ]
    with pytest.raises(ValidationError) as error:
        check_parameters({"model": "a\x00b"}, SPEC)
    assert "'model' must be a plain JSON value" in _messages(error, "parameters")
    with pytest.raises(ValidationError) as error:
        check_parameters('{"not a name": 1}', SPEC)
    assert "Python identifiers" in _messages(error, "parameters")


def test_a_default_nested_deeper_than_a_person_may_send_is_left_as_an_expression():
    cell = f"shallow = {'[' * 64}1{']' * 64}\ndeep = {'[' * 65}1{']' * 65}"
    notebook = read_notebook(notebook_bytes(parameters=cell), max_bytes=LIMIT)
    spec = {e["name"]: (e["type"], e["default"] is None) for e in parameter_spec(notebook)}
    assert spec == {"shallow": ("list", False), "deep": ("any", True)}


@pytest.mark.parametrize("depth", [65, 2_000, 100_000])
def test_parameters_nested_too_deeply_are_refused_as_text(depth):
    text = '{"epochs": ' + "[" * depth + "]" * depth + "}"
    with pytest.raises(ValidationError) as error:
        check_parameters(text, SPEC)
    assert "nested deeper than 64 levels" in _messages(error, "parameters")
