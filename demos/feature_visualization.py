"""Feature visualization on a small convolutional network trained on the 8x8 digits.

The recipe follows the usual one for image models, scaled down to 8x8 grey images:
the input is parameterized in Fourier space (so the optimizer works on a spectrum in which
low frequencies are cheap), squashed by a sigmoid into the data's pixel range [0, 1], and
every step scores a batch of randomly jittered, scaled and rotated copies, so the result
must excite the unit robustly rather than through one brittle pixel pattern. The final
activation is measured on the untransformed image, with exactly the same function that
scores the data set examples, so the two numbers can be compared directly.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

IMAGE_SIZE = 8
NUM_CLASSES = 10
# load_digits stores pixel intensities as integers 0..16; dividing maps them to [0, 1].
DIGITS_MAX_INTENSITY = 16.0


@dataclass
class DigitsSplit:
    """The digits data set as tensors of shape (N, 1, 8, 8) in [0, 1], split train/test."""

    train_images: torch.Tensor
    train_labels: torch.Tensor
    test_images: torch.Tensor
    test_labels: torch.Tensor

    @property
    def all_images(self) -> torch.Tensor:
        return torch.cat([self.train_images, self.test_images])


def load_digits_split(test_fraction: float = 0.25, seed: int = 0) -> DigitsSplit:
    """Load scikit-learn's bundled digits (no download) and split them, stratified by class."""
    digits = load_digits()
    images = (digits.images / DIGITS_MAX_INTENSITY).astype(np.float32)[:, None, :, :]
    labels = digits.target.astype(np.int64)
    train_x, test_x, train_y, test_y = train_test_split(
        images, labels, test_size=test_fraction, random_state=seed, stratify=labels
    )
    return DigitsSplit(
        torch.from_numpy(train_x),
        torch.from_numpy(train_y),
        torch.from_numpy(test_x),
        torch.from_numpy(test_y),
    )


class DigitsConvNet(nn.Module):
    """Two 3x3 conv layers, a 2x2 max pool and a linear classifier over 10 digits."""

    def __init__(self, width: int = 16) -> None:
        super().__init__()
        self.width = width
        self.conv1 = nn.Conv2d(1, width, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(width, 2 * width, kernel_size=3, padding=1)
        pooled_size = IMAGE_SIZE // 2
        self.classifier = nn.Linear(2 * width * pooled_size * pooled_size, NUM_CLASSES)

    def layer_outputs(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        """Return the conv outputs (before their ReLU) and the class logits."""
        conv1 = self.conv1(images)
        conv2 = self.conv2(F.relu(conv1))
        pooled = F.max_pool2d(F.relu(conv2), kernel_size=2)
        logits = self.classifier(pooled.flatten(start_dim=1))
        return {"conv1": conv1, "conv2": conv2, "logits": logits}

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.layer_outputs(images)["logits"]


def train_classifier(
    model: DigitsConvNet,
    split: DigitsSplit,
    epochs: int = 15,
    batch_size: int = 64,
    learning_rate: float = 3e-3,
    seed: int = 0,
) -> list[float]:
    """Train with Adam and cross entropy; return the mean training loss of each epoch."""
    device = next(model.parameters()).device
    images = split.train_images.to(device)
    labels = split.train_labels.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    shuffler = torch.Generator().manual_seed(seed)
    epoch_losses = []
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(images), generator=shuffler).to(device)
        total, count = 0.0, 0
        for start in range(0, len(images), batch_size):
            batch = order[start : start + batch_size]
            loss = F.cross_entropy(model(images[batch]), labels[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
            count += len(batch)
        epoch_losses.append(total / count)
    model.eval()
    return epoch_losses


@torch.no_grad()
def classification_accuracy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> float:
    """Share of images whose highest logit is the true label."""
    device = next(model.parameters()).device
    predictions = model(images.to(device)).argmax(dim=1).cpu()
    return (predictions == labels).float().mean().item()


def load_or_train_classifier(
    split: DigitsSplit,
    width: int,
    epochs: int,
    device: torch.device,
    seed: int = 0,
    weights_path: str = "",
) -> DigitsConvNet:
    """Load weights from ``weights_path`` if that file exists, else train (and save there)."""
    model = DigitsConvNet(width)
    path = Path(weights_path) if weights_path else None
    if path is not None and path.exists():
        model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
        model.to(device).eval()
        return model
    torch.manual_seed(seed)
    model = DigitsConvNet(width).to(device)
    train_classifier(model, split, epochs=epochs, seed=seed)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save(model.state_dict(), path)
    return model


@dataclass(frozen=True)
class Unit:
    """One unit to visualize: a channel of a conv layer, or one class logit."""

    layer: str  # "conv1", "conv2" or "logits"
    index: int

    @property
    def name(self) -> str:
        kind = "class" if self.layer == "logits" else "channel"
        return f"{self.layer}/{kind} {self.index}"


def unit_activation(model: DigitsConvNet, images: torch.Tensor, unit: Unit) -> torch.Tensor:
    """Activation of ``unit`` per image: the logit, or a channel's mean over positions."""
    output = model.layer_outputs(images)[unit.layer]
    if unit.layer == "logits":
        return output[:, unit.index]
    # The spatial mean (pre-ReLU) gives a gradient everywhere, even while the channel is off.
    return output[:, unit.index].mean(dim=(1, 2))


class FourierImage(nn.Module):
    """Images stored as a scaled 2-D spectrum and squashed by a sigmoid into [0, 1].

    Scaling each frequency by 1/|f| whitens the natural-image spectrum, so plain gradient
    steps move low and high frequencies at comparable rates instead of favouring noise.
    """

    def __init__(self, count: int = 1, size: int = IMAGE_SIZE, init_std: float = 0.01) -> None:
        super().__init__()
        self.size = size
        freq_y = torch.fft.fftfreq(size)[:, None]
        freq_x = torch.fft.rfftfreq(size)[None, :]
        frequency = torch.sqrt(freq_y**2 + freq_x**2).clamp(min=1.0 / size)
        self.register_buffer("frequency_scale", 1.0 / frequency)
        shape = (count, 1, size, size // 2 + 1, 2)
        self.spectrum = nn.Parameter(torch.randn(shape) * init_std)

    def forward(self) -> torch.Tensor:
        spectrum = torch.view_as_complex(self.spectrum) * self.frequency_scale
        pixels = torch.fft.irfft2(spectrum, s=(self.size, self.size), norm="ortho")
        return torch.sigmoid(pixels)


def random_affine(
    images: torch.Tensor,
    generator: torch.Generator,
    max_shift_pixels: float = 1.0,
    scale_range: tuple[float, float] = (0.9, 1.1),
    max_rotation_degrees: float = 10.0,
) -> torch.Tensor:
    """Jitter, scale and rotate each image by a random affine map (zero = background fill)."""
    count, size = images.shape[0], images.shape[-1]

    def uniform(low: float, high: float) -> torch.Tensor:
        return low + (high - low) * torch.rand(count, generator=generator)

    angle = uniform(-max_rotation_degrees, max_rotation_degrees) * math.pi / 180.0
    scale = uniform(*scale_range)
    # affine_grid works in [-1, 1] coordinates, where one pixel spans 2 / size.
    shift = max_shift_pixels * 2.0 / size
    shift_x, shift_y = uniform(-shift, shift), uniform(-shift, shift)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack(
        [torch.stack([cos, -sin, shift_x], dim=1), torch.stack([sin, cos, shift_y], dim=1)],
        dim=1,
    ).to(images.device)
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, padding_mode="zeros", align_corners=False)


def optimize_input(
    model: DigitsConvNet,
    unit: Unit,
    steps: int = 200,
    transforms_per_step: int = 8,
    learning_rate: float = 0.05,
    seed: int = 0,
) -> tuple[torch.Tensor, float]:
    """Find an 8x8 image in [0, 1] that maximizes ``unit``; return it and its activation.

    The returned activation is measured on the untransformed image.
    """
    device = next(model.parameters()).device
    model.requires_grad_(False)
    torch.manual_seed(seed)
    image_param = FourierImage().to(device)
    optimizer = torch.optim.Adam(image_param.parameters(), lr=learning_rate)
    transform_rng = torch.Generator().manual_seed(seed)
    for _ in range(steps):
        copies = image_param().expand(transforms_per_step, -1, -1, -1)
        activation = unit_activation(model, random_affine(copies, transform_rng), unit).mean()
        optimizer.zero_grad()
        (-activation).backward()
        optimizer.step()
    with torch.no_grad():
        image = image_param()
        final_activation = unit_activation(model, image, unit).item()
    return image.cpu(), final_activation


@torch.no_grad()
def top_dataset_examples(
    model: DigitsConvNet, images: torch.Tensor, unit: Unit, count: int = 4
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return the ``count`` images that excite ``unit`` most and their activations."""
    device = next(model.parameters()).device
    activations = unit_activation(model, images.to(device), unit).cpu()
    best = activations.argsort(descending=True)[:count]
    return images[best], activations[best]


@dataclass
class UnitVisualization:
    """What the demo shows for one unit: its optimized input beside its top examples."""

    unit: Unit
    optimized_image: torch.Tensor
    optimized_activation: float
    top_images: torch.Tensor
    top_activations: torch.Tensor


def visualize_units(
    model: DigitsConvNet,
    units: list[Unit],
    dataset_images: torch.Tensor,
    steps: int = 200,
    transforms_per_step: int = 8,
    top_count: int = 4,
    seed: int = 0,
) -> list[UnitVisualization]:
    """Optimize an input for every unit and collect its most exciting data set examples."""
    results = []
    for unit in units:
        image, activation = optimize_input(
            model, unit, steps=steps, transforms_per_step=transforms_per_step, seed=seed
        )
        top_images, top_activations = top_dataset_examples(
            model, dataset_images, unit, count=top_count
        )
        results.append(UnitVisualization(unit, image, activation, top_images, top_activations))
    return results


def default_units(channels: list[int], classes: list[int]) -> list[Unit]:
    """Units for the given conv2 channels followed by the given class logits."""
    return [Unit("conv2", c) for c in channels] + [Unit("logits", c) for c in classes]


def metrics_dict(test_accuracy: float, results: list[UnitVisualization]) -> dict:
    """The demo's metrics.json content."""
    return {
        "test_accuracy": float(test_accuracy),
        "units": [
            {
                "unit": result.unit.name,
                "optimized_activation": float(result.optimized_activation),
                "best_dataset_activation": float(result.top_activations[0]),
            }
            for result in results
        ],
    }


def write_metrics(metrics: dict, output_dir: str | Path) -> Path:
    """Write ``metrics`` as ``metrics.json`` in ``output_dir`` and return its path."""
    path = Path(output_dir) / "metrics.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(metrics, indent=2) + "\n")
    return path


def plot_unit_grid(results: list[UnitVisualization]):
    """One row per unit: the optimized input, then its top data set examples."""
    import matplotlib.pyplot as plt

    columns = 1 + len(results[0].top_images)
    figure, axes = plt.subplots(
        len(results), columns, figsize=(1.6 * columns, 1.7 * len(results)), squeeze=False
    )
    for row, result in zip(axes, results, strict=True):
        panels = [(result.optimized_image[0, 0], f"optimized\n{result.optimized_activation:.2f}")]
        panels += [
            (image[0], f"example\n{activation:.2f}")
            for image, activation in zip(result.top_images, result.top_activations, strict=True)
        ]
        for axis, (pixels, title) in zip(row, panels, strict=True):
            # Fixed vmin/vmax: both kinds of image are shown on the data set's own scale.
            axis.imshow(pixels.numpy(), cmap="gray_r", vmin=0.0, vmax=1.0)
            axis.set_title(title, fontsize=8)
            axis.set_xticks([])
            axis.set_yticks([])
        row[0].set_ylabel(result.unit.name, fontsize=8)
    figure.tight_layout()
    return figure
