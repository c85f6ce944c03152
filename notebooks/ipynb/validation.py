"""Checks on an uploaded notebook and on the parameters a run passes to it.

Errors are Django ValidationErrors keyed by the field a person filled in (`file`, `parameters`),
so a form, the API and a service all report them the same way.
"""

import ast
import io
import json
import re
import tokenize
from typing import Any

import nbformat
from django.core.exceptions import ValidationError

from tracker import json_limits

# Never chosen by a person, whatever the notebook declares: the worker passes `device` from what
# it finds, and the others belong to the worker's machine, so a run keeps the notebook's default
# (a path there could read or overwrite any file the worker can; its threads serve other runs).
WORKER_PARAMETERS = {
    "device": "set by the worker (cuda or cpu)",
    "cpu_threads": "the worker's to choose (its CPU threads serve other runs too)",
    "weights_path": "the worker's to choose (a file on its machine)",
    "output_dir": "the worker's to choose (the run's own folder, whose files become its outputs)",
}
RESERVED_PARAMETERS = frozenset(WORKER_PARAMETERS)
PARAMETERS_TAG = "parameters"
# A comment line of its own such as `# --- Model ---` heads the parameters below it, up to the
# next one; the run form groups them under that legend ("Advanced" ones folded away).
_GROUP_HEADING = re.compile(r"#+\s*[-=]{3,}\s*(?P<name>[^-=].*?)\s*[-=]*\s*$")


def read_notebook(content: bytes, *, max_bytes: int) -> nbformat.NotebookNode:
    """The notebook in `content`, as nbformat v4, or a ValidationError on `file` saying why not."""
    if not content:
        raise ValidationError({"file": "The file is empty."})
    if len(content) > max_bytes:
        raise ValidationError(
            {"file": f"The file is {len(content):,} bytes; the limit is {max_bytes:,} bytes."}
        )
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(
            {"file": "This is not a notebook: the file is not UTF-8 text."}
        ) from None
    try:
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
    except (json.JSONDecodeError, nbformat.reader.NotJSONError):
        raise ValidationError({"file": "This is not a notebook: the file is not JSON."}) from None
    except nbformat.ValidationError as error:
        raise ValidationError({"file": f"This is not a valid notebook: {error.message}"}) from None
    except Exception as error:  # nbformat raises several kinds for malformed documents
        raise ValidationError({"file": f"This is not a valid notebook: {error}"}) from None
    language = _declared_language(notebook)
    if language and language.lower() != "python":
        raise ValidationError(
            {"file": f"The notebook is written in {language}; only Python notebooks run here."}
        )
    return notebook


def _declared_language(notebook: nbformat.NotebookNode) -> str:
    metadata = notebook.get("metadata", {})
    return metadata.get("kernelspec", {}).get("language") or metadata.get("language_info", {}).get(
        "name", ""
    )


def parameter_spec(notebook: nbformat.NotebookNode) -> list[dict[str, Any]]:
    """What the first cell tagged `parameters` declares: one entry per name, in order, with the
    type read from its literal default (`any` when the default is an expression)."""
    cell = next(
        (c for c in notebook.cells if PARAMETERS_TAG in c.get("metadata", {}).get("tags", [])),
        None,
    )
    if cell is None:
        return []
    if cell.cell_type != "code":
        raise ValidationError({"file": "The cell tagged 'parameters' must be a code cell."})
    try:
        tree = ast.parse(cell.source)
    except SyntaxError as error:
        raise ValidationError(
            {"file": f"The parameters cell is not valid Python (line {error.lineno}): {error.msg}"}
        ) from None
    except ValueError as error:  # such as a NUL character in the source
        raise ValidationError(
            {"file": f"The parameters cell is not valid Python: {error}"}
        ) from None
    spec = []
    comments = _comments_by_line(cell.source)
    headings = _group_headings(cell.source)
    for statement in tree.body:
        target, value = _assignment(statement)
        if target is None:
            continue
        default, kind = _literal(value)
        spec.append(
            {
                "name": target,
                "type": kind,
                "default": default,
                "source": ast.get_source_segment(cell.source, value) if value else "",
                "help": comments.get(statement.end_lineno, ""),
                "group": next(
                    (name for line, name in reversed(headings) if line < statement.lineno), ""
                ),
            }
        )
    return spec


def _group_headings(source: str) -> list[tuple[int, str]]:
    """(line number, name) of each heading line (`# --- Model ---`), in order; tokenized, so a
    line inside a string is no heading."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return []
    return [
        (token.start[0], match["name"])
        for token in tokens
        if token.type == tokenize.COMMENT
        and token.line.strip() == token.string.strip()  # alone on its line
        and (match := _GROUP_HEADING.fullmatch(token.string.strip()))
    ]


def _comments_by_line(source: str) -> dict[int, str]:
    """The comment ending each line (`epochs = 15  # passes over the data`), the author's own
    explanation of a parameter; tokenized, so a `#` inside a string is no comment."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return {}
    return {
        token.start[0]: token.string.lstrip("#").strip()
        for token in tokens
        if token.type == tokenize.COMMENT
    }


def _assignment(statement: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        if isinstance(target, ast.Name):
            return target.id, statement.value
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return statement.target.id, statement.value
    return None, None


def _literal(value: ast.expr | None) -> tuple[Any, str]:
    if value is None:
        return None, "any"
    try:
        default = ast.literal_eval(value)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None, "any"
    kind = _type_of(default)
    if kind == "any" or not _json_safe(default):  # such as a tuple, a set, or a NUL character
        return None, "any"
    try:  # one nested deeper than a person may send back (the run form shows it as JSON)
        json_limits.check_depth(json.dumps(default))
    except json_limits.JSONTooDeep:
        return None, "any"
    return default, kind


def _type_of(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "bool"
    for python_type, name in ((int, "int"), (float, "float"), (str, "str")):
        if isinstance(value, python_type):
            return name
    if isinstance(value, list):
        return "list" if _json_safe(value) else "any"
    if isinstance(value, dict):
        return "dict" if _json_safe(value) else "any"
    return "any"


def _json_safe(value: Any) -> bool:
    """Plain JSON that every database stores (PostgreSQL's jsonb refuses NUL characters)."""
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return not _holds_nul(value)


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    return False


def parse_parameters(raw: Any) -> dict[str, Any]:
    """A parameters value as given (a dict, JSON text, or nothing) as a dict."""
    if raw is None or raw == "":
        return {}
    if isinstance(raw, bytes | str):
        try:
            raw = json_limits.loads(raw)
        except ValueError as error:  # not JSON, not UTF-8, or nested too deeply
            raise ValidationError(
                {"parameters": f"Parameters are not valid JSON: {error}"}
            ) from None
    if not isinstance(raw, dict):
        raise ValidationError(
            {"parameters": "Parameters must be a JSON object of names and values."}
        )
    if any(not name.isidentifier() for name in raw):
        raise ValidationError({"parameters": "Parameter names must be Python identifiers."})
    return raw


def check_parameters(parameters: Any, spec: list[dict[str, Any]]) -> dict[str, Any]:
    """The parameters, after checking each against the notebook's parameters cell."""
    parameters = parse_parameters(parameters)
    declared = {entry["name"]: entry for entry in spec}
    errors = []
    for name, value in parameters.items():
        if name in WORKER_PARAMETERS:
            errors.append(f"'{name}' is {WORKER_PARAMETERS[name]}; leave it out.")
        elif not declared:
            errors.append(
                f"'{name}' is not a parameter: the notebook has no cell tagged 'parameters'."
            )
        elif name not in declared:
            errors.append(
                f"'{name}' is not a parameter of this notebook; it declares "
                + ", ".join(sorted(declared))
                + "."
            )
        elif not _json_safe(value):
            errors.append(f"'{name}' must be a plain JSON value.")
        elif not _fits(value, declared[name]["type"]):
            errors.append(
                f"'{name}' must be {_TYPE_WORDS[declared[name]['type']]}, "
                f"not {json.dumps(value)[:60]}."
            )
    if errors:
        raise ValidationError({"parameters": errors})
    return parameters


_TYPE_WORDS = {
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "str": "a string",
    "list": "a list",
    "dict": "an object",
    "none": "any JSON value",
    "any": "any JSON value",
}


def _fits(value: Any, kind: str) -> bool:
    if kind in {"none", "any"}:
        return True
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "str":
        return isinstance(value, str)
    if kind == "list":
        return isinstance(value, list)
    if kind == "dict":
        return isinstance(value, dict)
    return False
