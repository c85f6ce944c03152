import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_environment_variable_is_documented_in_env_example():
    read = set()
    for path in (ROOT / "tracker").rglob("*.py"):
        read |= set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", path.read_text()))
    documented = set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)
    )
    assert read, "no variables found: the pattern is out of date"
    assert read - documented == set()


def _example_environment() -> dict:
    example = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            example[name] = value
    # Only the example decides: no variable of the test run (TRACKER_ENV, DJANGO_*) leaks in.
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k not in example and not k.startswith(("TRACKER_", "DJANGO_"))
    }
    return inherited | example | {"DATA_DIR": str(ROOT / "data" / "deploy-check")}


def test_check_deploy_warns_when_failed_sign_ins_are_counted_per_process():
    environment = _example_environment()
    del environment["CACHE_URL"]  # the default: a cache in each process's own memory
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert "tracker.W005" in output and "login limit" in output, output
    assert "CACHE_URL" in output
    environment["CACHE_URL"] = "redis://redis:6379/1"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "tracker.W005" not in result.stdout + result.stderr
