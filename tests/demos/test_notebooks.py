"""Run both demo notebooks end to end through papermill on the CPU and check their metrics."""

import itertools
import json
from pathlib import Path

import papermill
import pytest

from notebooks.ipynb.results import run_results

pytestmark = pytest.mark.database_independent

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO_ROOT / "demos" / "notebooks"


def run_notebook(name: str, tmp_path: Path, monkeypatch, **parameters) -> dict:
    """Execute a notebook with ``parameters`` from a foreign cwd; return its metrics.json."""
    # The kernel inherits this environment; the notebook finds the package through it.
    monkeypatch.setenv("TRACKER_ROOT", str(REPO_ROOT))
    papermill.execute_notebook(
        str(NOTEBOOKS / f"{name}.ipynb"),
        str(tmp_path / f"{name}.out.ipynb"),
        parameters=dict(device="cpu", seed=0, output_dir=str(tmp_path), **parameters),
        kernel_name="python3",
        cwd=str(tmp_path),
        progress_bar=False,
    )
    return json.loads((tmp_path / "metrics.json").read_text())


def test_feature_visualization_notebook_beats_every_dataset_example(tmp_path, monkeypatch):
    metrics = run_notebook(
        "feature_visualization", tmp_path, monkeypatch, epochs=10, steps=120, channels=[0, 1, 2]
    )
    assert metrics["test_accuracy"] > 0.8
    assert len(metrics["units"]) == 3 + 10
    for row in metrics["units"]:
        assert row["optimized_activation"] > row["best_dataset_activation"], row["unit"]
    executed = (tmp_path / "feature_visualization.out.ipynb").read_text()
    assert '"image/png"' in executed


def test_activation_steering_notebook_attribute_rises_with_coefficient(tmp_path, monkeypatch):
    metrics = run_notebook(
        "activation_steering", tmp_path, monkeypatch, train_steps=300, samples_per_coefficient=48
    )
    assert set(metrics) == {"coefficients", "attribute", "attribute_name"}
    coefficients, attribute = metrics["coefficients"], metrics["attribute"]
    assert coefficients == sorted(coefficients) and len(attribute) == len(coefficients)
    assert attribute[-1] > attribute[0] + 0.5
    # Roughly monotone: no step down by more than a little sampling noise.
    for lower, higher in itertools.pairwise(attribute):
        assert higher > lower - 0.1
    assert attribute[coefficients.index(0.0)] == pytest.approx(0.5, abs=0.2)
    executed = (tmp_path / "activation_steering.out.ipynb").read_text()
    assert '"image/png"' in executed
    # The scalars it records (demos.common.record, scrapbook's format) are the run's results.
    notes = []
    found = run_results(notebook=json.loads(executed), metrics=metrics, note=notes.append)
    recorded = {"slope", "positive_share_at_lowest", "positive_share_at_highest", "final_loss"}
    assert recorded <= set(found)
    assert found["slope"] > 0.1
    assert found["positive_share_at_highest"] == attribute[-1]
    assert found["positive_share_at_lowest"] == attribute[0]
