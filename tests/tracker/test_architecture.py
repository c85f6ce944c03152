"""The import contract of ARCHITECTURE.md, read from the source with `ast`.

Every module of the project's packages is parsed, imports inside functions included, and each
import of another part must point down the layers (or be one of the exceptions named here).
`contract_violations(root)` takes the tree to check, so another checkout can be checked too:
`python -c "from pathlib import Path; from tests.tracker.test_architecture import
contract_violations as c; print(*c(Path('/work/main')), sep=chr(10))"` lists what main breaks.
"""

import ast
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("tracker", "readings", "sessions", "notebooks", "study", "meaning", "demos", "search")

# Lower ranks sit below higher ones; a part imports its own modules and any lower-ranked part.
# Parts of the same rank (search, demos) do not import each other.
RANKS = {
    "core": 0,
    "readings": 1,
    "sessions": 2,
    "notebooks": 3,
    "study": 3,
    "meaning": 4,
    "search": 5,
    "demos": 5,
}
WIRING_RANK = 6  # settings and URLs put every part together

# Modules that are not the part their folder says, most specific first (a prefix also
# names its submodules).
PARTS_BY_PREFIX = [
    # The project's wiring: settings, URLs, the WSGI/ASGI entry points.
    ("tracker.settings", "wiring"),
    ("tracker.urls", "wiring"),
    ("tracker.api.urls", "wiring"),
    ("tracker.asgi", "wiring"),
    ("tracker.wsgi", "wiring"),
    # The signed-in person's own pages (dashboard, everything they wrote, `me` in the API)
    # gather what every app holds about them: project pages, above the apps like search.
    ("tracker.views", "wiring"),
    ("tracker.api.views", "wiring"),
    # Search reads every app; it sits above them all.
    ("tracker.search", "search"),
    ("search", "search"),
    # Demo data and the commands that load and serve it.
    ("demos", "demos"),
    ("tracker.demo", "demos"),
    ("tracker.demo_data", "demos"),
    ("tracker.management", "demos"),
    ("notebooks", "notebooks"),
    ("study", "study"),
    # Embeddings of every app's texts, and nearest-neighbour reads through their selectors.
    ("meaning", "meaning"),
    # What is left of each folder is its own part.
    ("tracker", "core"),
    ("readings", "readings"),
    ("sessions", "sessions"),
]

# The one edge up the layers: readings' notes on a session, its library filter by course and
# its bibliography of a session's or course's reading list (export, and import into the list)
# ask sessions who may see or organize a session, and change the list, only through sessions'
# selectors and services. Neither imports readings (checked below), so it closes no cycle.
UPWARD_EDGE = ("readings", ("sessions.selectors", "sessions.services"))

# Study reads the apps below it through their selectors only (and the glossary's diff, to show
# a revised definition as the glossary does); it never writes their data or uses their models.
STUDY_READS = ("readings.selectors", "readings.diffs", "sessions.selectors")


def part_of(module: str) -> str | None:
    for prefix, part in PARTS_BY_PREFIX:
        if module == prefix or module.startswith(prefix + "."):
            return part
    return None


def rank_of(part: str) -> int:
    return WIRING_RANK if part == "wiring" else RANKS[part]


def project_modules(root: Path) -> dict[str, Path]:
    """Every module of the project's packages, migrations aside (they are history)."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root).with_suffix("")
            if "migrations" in relative.parts:
                continue
            parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
            modules[".".join(parts)] = path
    return modules


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    """The project modules that `module` imports anywhere in its file (a name imported from a
    package counts as its submodule when there is one)."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, base] if base else package)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in known else base)
    return {name for name in found if name.split(".")[0] in PACKAGES}


def contract_violations(root: Path) -> list[str]:
    modules = project_modules(root)
    known = set(modules)
    upward_from, upward_to = UPWARD_EDGE
    violations = []
    for module, path in modules.items():
        importer = part_of(module)
        for imported in sorted(imports_of(module, path, known)):
            target = part_of(imported)
            if target is None or target == importer:
                continue
            if importer == "study" and target in ("readings", "sessions"):
                if imported not in STUDY_READS:
                    violations.append(f"{module} (study) reads {imported}, not a selector")
                continue
            if rank_of(target) < rank_of(importer):
                continue
            if importer == upward_from and imported in upward_to:
                continue
            violations.append(f"{module} ({importer}) imports {imported} ({target})")
    for module in upward_to:  # the upward edge must not close a cycle
        for imported in sorted(imports_of(module, modules[module], known)):
            if part_of(imported) == upward_from:
                violations.append(f"{module}, the end of the upward edge, imports {imported}")
    return violations


def test_every_import_follows_the_layers():
    assert contract_violations(PROJECT_ROOT) == []


def test_notebook_services_and_worker_queue_tasks_by_name_not_by_importing_them():
    """The task module imports the services and the worker; importing it back would be a cycle."""
    modules = project_modules(PROJECT_ROOT)
    for module in ("notebooks.services", "notebooks.worker"):
        assert "notebooks.tasks" not in imports_of(module, modules[module], set(modules)), module


@pytest.mark.parametrize(
    ("module", "part"),
    [
        ("tracker.markdown", "core"),
        ("tracker.search.sources", "search"),
        ("notebooks.worker", "notebooks"),
        ("sessions.selectors", "sessions"),
        ("notebooks.services", "notebooks"),
        ("demos.common", "demos"),
        ("meaning.selectors", "meaning"),
    ],
)
def test_each_module_belongs_to_the_part_the_architecture_names(module, part):
    assert part_of(module) == part


def test_an_import_up_the_layers_is_reported(tmp_path):
    for package, source in {
        "tracker": "def render():\n    from readings.models import Reading\n",
        "readings": "from sessions import forms\nfrom sessions import selectors\n",
        "sessions": "from notebooks.models import Run\nfrom . import selectors\n",
        "notebooks": "from sessions.models import Session\nfrom readings import models\n",
    }.items():
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
        (tmp_path / package / "models.py").write_text(source)
    for name in ("forms", "selectors", "services"):
        (tmp_path / "sessions" / f"{name}.py").write_text("")

    assert contract_violations(tmp_path) == [
        "tracker.models (core) imports readings.models (readings)",
        "readings.models (readings) imports sessions.forms (sessions)",
        "sessions.models (sessions) imports notebooks.models (notebooks)",
    ]


def test_study_reading_another_apps_models_is_reported(tmp_path):
    for package in ("readings", "sessions", "study"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    for name in ("models", "selectors", "diffs"):
        (tmp_path / "readings" / f"{name}.py").write_text("")
    (tmp_path / "sessions" / "selectors.py").write_text("")
    (tmp_path / "sessions" / "services.py").write_text("")
    (tmp_path / "study" / "selectors.py").write_text(
        "from readings import selectors, diffs\nfrom sessions.selectors import member_course_ids\n"
    )
    (tmp_path / "study" / "services.py").write_text(
        "from readings.models import GlossaryTerm\nfrom sessions import services\n"
    )
    assert contract_violations(tmp_path) == [
        "study.services (study) reads readings.models, not a selector",
        "study.services (study) reads sessions.services, not a selector",
    ]
