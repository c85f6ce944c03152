"""What several benchmarks share: their own throwaway PostgreSQL database, Django set up on it,
a percentile, and a small parameterized notebook."""

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent


def recreate_database(url: str) -> None:
    """Drops and creates the database of `url`; only one whose name ends in _bench."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    if not name.endswith("_bench"):
        sys.exit(f"Refusing to drop and recreate {name!r}: the bench database must end in _bench.")
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("TRACKER_ENV", "development")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))]


def notebook_bytes(parameters: str, cells: list[str]) -> bytes:
    """A python3 notebook: a cell tagged `parameters` holding `parameters`, then `cells`."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    parameters_cell = nbformat.v4.new_code_cell(parameters)
    parameters_cell.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters_cell] + [nbformat.v4.new_code_cell(c) for c in cells]
    return nbformat.writes(notebook).encode()
