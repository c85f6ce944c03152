"""Behaviour of the feature visualization demo's building blocks, at small sizes."""

import json

import pytest
import torch

from demos import feature_visualization as fv
from demos.common import prepare_run

pytestmark = pytest.mark.database_independent


@pytest.fixture(scope="module")
def split() -> fv.DigitsSplit:
    return fv.load_digits_split(seed=0)


@pytest.fixture(scope="module")
def trained_model(split: fv.DigitsSplit) -> fv.DigitsConvNet:
    device = prepare_run(0, "cpu")
    return fv.load_or_train_classifier(split, width=8, epochs=6, device=device, seed=0)


def test_digits_are_scaled_to_unit_range_and_split_without_overlap(split):
    assert split.train_images.shape[1:] == (1, 8, 8)
    assert split.train_images.min() >= 0.0 and split.train_images.max() <= 1.0
    assert len(split.train_images) + len(split.test_images) == 1797
    assert set(split.test_labels.tolist()) == set(range(10))


def test_small_network_classifies_held_out_digits_well_above_chance(trained_model, split):
    accuracy = fv.classification_accuracy(trained_model, split.test_images, split.test_labels)
    assert accuracy > 0.85


def test_fourier_image_stays_in_pixel_range_even_for_large_spectra():
    image = fv.FourierImage(count=3)
    with torch.no_grad():
        image.spectrum.mul_(1e4)
    pixels = image()
    assert pixels.shape == (3, 1, 8, 8)
    assert pixels.min() >= 0.0 and pixels.max() <= 1.0


def test_random_affine_keeps_shape_and_varies_between_draws():
    images = torch.rand(4, 1, 8, 8)
    generator = torch.Generator().manual_seed(0)
    first = fv.random_affine(images, generator)
    second = fv.random_affine(images, generator)
    assert first.shape == images.shape
    assert not torch.allclose(first, second)


def test_random_affine_without_change_is_identity():
    images = torch.rand(2, 1, 8, 8)
    generator = torch.Generator().manual_seed(0)
    same = fv.random_affine(images, generator, 0.0, (1.0, 1.0), 0.0)
    assert torch.allclose(same, images, atol=1e-5)


def test_top_dataset_examples_are_sorted_and_really_the_best(trained_model, split):
    unit = fv.Unit("logits", 3)
    images, activations = fv.top_dataset_examples(trained_model, split.all_images, unit, 5)
    assert images.shape == (5, 1, 8, 8)
    assert torch.all(activations[:-1] >= activations[1:])
    with torch.no_grad():
        everything = fv.unit_activation(trained_model, split.all_images, unit)
    assert activations[0] == pytest.approx(everything.max().item())


@pytest.mark.parametrize("unit", [fv.Unit("conv2", 0), fv.Unit("logits", 7)])
def test_optimized_input_beats_best_dataset_example(trained_model, split, unit):
    image, activation = fv.optimize_input(trained_model, unit, steps=80, seed=0)
    _, best = fv.top_dataset_examples(trained_model, split.all_images, unit, 1)
    assert image.min() >= 0.0 and image.max() <= 1.0
    # The reported number is the untransformed image's activation.
    with torch.no_grad():
        remeasured = fv.unit_activation(trained_model, image, unit).item()
    assert activation == pytest.approx(remeasured, rel=1e-5)
    assert activation > best.item()


def test_optimization_repeats_with_the_same_seed(trained_model):
    unit = fv.Unit("conv2", 1)
    first, _ = fv.optimize_input(trained_model, unit, steps=10, seed=3)
    second, _ = fv.optimize_input(trained_model, unit, steps=10, seed=3)
    assert torch.equal(first, second)


def test_metrics_file_has_the_documented_shape(trained_model, split, tmp_path):
    units = fv.default_units([0], [1])
    results = fv.visualize_units(trained_model, units, split.all_images, steps=5, top_count=2)
    path = fv.write_metrics(fv.metrics_dict(0.9, results), tmp_path)
    metrics = json.loads(path.read_text())
    assert set(metrics) == {"test_accuracy", "units"}
    assert [row["unit"] for row in metrics["units"]] == ["conv2/channel 0", "logits/class 1"]
    for row in metrics["units"]:
        assert set(row) == {"unit", "optimized_activation", "best_dataset_activation"}
        assert all(isinstance(row[key], float) for key in row if key != "unit")


def test_saved_weights_are_loaded_instead_of_training_again(split, tmp_path):
    device = prepare_run(0, "cpu")
    path = tmp_path / "digits.pt"
    trained = fv.load_or_train_classifier(split, 4, 1, device, weights_path=str(path))
    assert path.exists()
    loaded = fv.load_or_train_classifier(split, 4, 0, device, weights_path=str(path))
    for name, tensor in trained.state_dict().items():
        assert torch.equal(tensor, loaded.state_dict()[name])


def test_unavailable_cuda_falls_back_to_cpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert prepare_run(0, "cuda").type == "cpu"
