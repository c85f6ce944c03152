"""The notebooks app sits above sessions: sessions never imports it (nor the demos), and the
services queue tasks by name instead of importing the task module, which imports them."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def test_sessions_imports_nothing_from_notebooks_or_demos():
    offending = {
        str(path.relative_to(ROOT)): sorted(
            name for name in _imported_modules(path) if name.split(".")[0] in {"notebooks", "demos"}
        )
        for path in (ROOT / "sessions").rglob("*.py")
    }
    assert {path: names for path, names in offending.items() if names} == {}


def test_notebook_services_and_worker_do_not_import_the_tasks():
    for module in ("services.py", "worker.py"):
        imported = _imported_modules(ROOT / "notebooks" / module)
        assert "notebooks.tasks" not in imported, module
