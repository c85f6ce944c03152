"""Activation addition on a tiny transformer language model trained on generated reviews.

The corpus is made here: each short "review" is a run of templated sentences that all share
one sentiment (with some neutral sentences mixed in), so a model that predicts it well must
carry the review's sentiment along its residual stream. The steering vector is the
difference of the residual stream at one layer between a positive and a negative prompt;
adding it, scaled by a coefficient, at that layer during generation pushes the sentiment of
what the model writes. The attribute measured is the share of positive words among the
sentiment words generated.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

BOS = "<bos>"
POSITIVE_ADJECTIVES = ["good", "great", "wonderful", "lovely", "excellent", "delightful"]
NEGATIVE_ADJECTIVES = ["bad", "awful", "terrible", "horrible", "dreadful", "boring"]
POSITIVE_VERBS = ["loved", "enjoyed", "liked"]
NEGATIVE_VERBS = ["hated", "disliked", "regretted"]
POSITIVE_WORDS = frozenset(POSITIVE_ADJECTIVES + POSITIVE_VERBS)
NEGATIVE_WORDS = frozenset(NEGATIVE_ADJECTIVES + NEGATIVE_VERBS)
SUBJECTS = ["the movie", "the food", "the book", "the hotel", "the concert", "the service"]
DAYS = ["monday", "friday", "sunday"]
# {s}: a subject, {a}/{b}: adjectives of the review's sentiment, {v}: a verb of it.
SENTIMENT_TEMPLATES = [
    "{s} was {a} .",
    "i thought {s} was really {a} .",
    "{s} was {a} and {b} .",
    "i {v} {s} .",
    "honestly , a {a} experience .",
]
NEUTRAL_TEMPLATES = ["we went on {d} .", "then we went home .", "{s} was on {d} ."]
ATTRIBUTE_NAME = "share of positive words among generated sentiment words"


def build_vocabulary() -> list[str]:
    """Every word the corpus generator can emit, in a fixed order, ``<bos>`` first."""
    words = set(POSITIVE_WORDS | NEGATIVE_WORDS)
    for template in SENTIMENT_TEMPLATES + NEUTRAL_TEMPLATES:
        words.update(w for w in template.split() if not w.startswith("{"))
    words.update(" ".join(SUBJECTS + DAYS).split())
    return [BOS, *sorted(words)]


def review_sentence(rng: random.Random, positive: bool, neutral_share: float = 0.25) -> str:
    """One sentence of a review: a neutral one now and then, else one of its sentiment."""
    if rng.random() < neutral_share:
        template = rng.choice(NEUTRAL_TEMPLATES)
        return template.format(s=rng.choice(SUBJECTS), d=rng.choice(DAYS))
    adjectives = POSITIVE_ADJECTIVES if positive else NEGATIVE_ADJECTIVES
    first, second = rng.sample(adjectives, 2)
    return rng.choice(SENTIMENT_TEMPLATES).format(
        s=rng.choice(SUBJECTS),
        a=first,
        b=second,
        v=rng.choice(POSITIVE_VERBS if positive else NEGATIVE_VERBS),
    )


def generate_corpus(reviews: int, tokens_per_review: int, seed: int = 0) -> list[list[str]]:
    """Reviews of exactly ``tokens_per_review`` words, half positive and half negative."""
    rng = random.Random(seed)  # noqa: S311 - seeded sampling of text, not security
    corpus = []
    for _ in range(reviews):
        positive = rng.random() < 0.5
        words = [BOS]
        while len(words) < tokens_per_review:
            words += review_sentence(rng, positive).split()
        corpus.append(words[:tokens_per_review])
    return corpus


def encode(words: list[str], vocabulary: list[str]) -> list[int]:
    index = {word: i for i, word in enumerate(vocabulary)}
    return [index[word] for word in words]


def decode(token_ids: list[int], vocabulary: list[str]) -> str:
    return " ".join(vocabulary[i] for i in token_ids)


@dataclass
class LanguageModelConfig:
    vocab_size: int
    context_length: int = 32
    d_model: int = 64
    n_heads: int = 4
    n_layers: int = 2


class CausalSelfAttention(nn.Module):
    def __init__(self, config: LanguageModelConfig) -> None:
        super().__init__()
        self.n_heads = config.n_heads
        self.qkv = nn.Linear(config.d_model, 3 * config.d_model)
        self.out = nn.Linear(config.d_model, config.d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, length, width = x.shape
        q, k, v = self.qkv(x).split(width, dim=2)
        q, k, v = (t.view(batch, length, self.n_heads, -1).transpose(1, 2) for t in (q, k, v))
        attended = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.out(attended.transpose(1, 2).reshape(batch, length, width))


class TransformerBlock(nn.Module):
    """Pre-norm block; its output is the residual stream after this layer."""

    def __init__(self, config: LanguageModelConfig) -> None:
        super().__init__()
        self.attention_norm = nn.LayerNorm(config.d_model)
        self.attention = CausalSelfAttention(config)
        self.mlp_norm = nn.LayerNorm(config.d_model)
        self.mlp = nn.Sequential(
            nn.Linear(config.d_model, 4 * config.d_model),
            nn.GELU(),
            nn.Linear(4 * config.d_model, config.d_model),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attention(self.attention_norm(x))
        return x + self.mlp(self.mlp_norm(x))


class TinyLanguageModel(nn.Module):
    """Token and position embeddings, a stack of blocks, a final norm and an unembedding."""

    def __init__(self, config: LanguageModelConfig) -> None:
        super().__init__()
        self.config = config
        self.token_embedding = nn.Embedding(config.vocab_size, config.d_model)
        self.position_embedding = nn.Embedding(config.context_length, config.d_model)
        self.blocks = nn.ModuleList(TransformerBlock(config) for _ in range(config.n_layers))
        self.final_norm = nn.LayerNorm(config.d_model)
        self.unembedding = nn.Linear(config.d_model, config.vocab_size)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(tokens.shape[1], device=tokens.device)
        x = self.token_embedding(tokens) + self.position_embedding(positions)
        for block in self.blocks:
            x = block(x)
        return self.unembedding(self.final_norm(x))


def train_language_model(
    model: TinyLanguageModel,
    corpus_ids: torch.Tensor,
    steps: int = 400,
    batch_size: int = 32,
    learning_rate: float = 6e-3,
    seed: int = 0,
) -> list[float]:
    """Next-token training on random reviews; return the loss of every step."""
    device = next(model.parameters()).device
    corpus_ids = corpus_ids.to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=0.01)
    # Linear decay to zero: a short run ends on small, steady steps.
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0 - step / steps)
    sampler = torch.Generator().manual_seed(seed)
    losses = []
    model.train()
    for _ in range(steps):
        rows = torch.randint(len(corpus_ids), (batch_size,), generator=sampler).to(device)
        batch = corpus_ids[rows]
        logits = model(batch[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch[:, 1:].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        losses.append(loss.item())
    model.eval()
    return losses


def load_or_train_language_model(
    vocabulary: list[str],
    device: torch.device,
    d_model: int = 64,
    n_layers: int = 2,
    n_heads: int = 4,
    context_length: int = 32,
    reviews: int = 4000,
    steps: int = 400,
    batch_size: int = 32,
    learning_rate: float = 6e-3,
    seed: int = 0,
    weights_path: str = "",
) -> tuple[TinyLanguageModel, list[float]]:
    """Load a saved model from ``weights_path`` if it exists, else train one (and save it)."""
    path = Path(weights_path) if weights_path else None
    if path is not None and path.exists():
        saved = torch.load(path, map_location="cpu", weights_only=True)
        model = TinyLanguageModel(LanguageModelConfig(**saved["config"]))
        model.load_state_dict(saved["state_dict"])
        return model.to(device).eval(), []
    config = LanguageModelConfig(len(vocabulary), context_length, d_model, n_heads, n_layers)
    torch.manual_seed(seed)
    model = TinyLanguageModel(config).to(device)
    # One token more than the context: inputs and next-token targets both fill the context.
    corpus = generate_corpus(reviews, context_length + 1, seed=seed)
    corpus_ids = torch.tensor([encode(review, vocabulary) for review in corpus])
    losses = train_language_model(
        model, corpus_ids, steps, batch_size=batch_size, learning_rate=learning_rate, seed=seed
    )
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save({"config": asdict(config), "state_dict": model.state_dict()}, path)
    return model, losses


def prompt_ids(prompt: str, vocabulary: list[str]) -> list[int]:
    """Token ids of ``prompt`` with the ``<bos>`` that starts every training review."""
    return encode([BOS, *prompt.split()], vocabulary)


@torch.no_grad()
def residual_stream(model: TinyLanguageModel, token_ids: list[int], layer: int) -> torch.Tensor:
    """Residual stream after block ``layer`` at every position, shape (length, d_model)."""
    captured = {}
    hook = model.blocks[layer].register_forward_hook(
        lambda _module, _inputs, output: captured.update(output=output)
    )
    try:
        model(torch.tensor([token_ids], device=next(model.parameters()).device))
    finally:
        hook.remove()
    return captured["output"][0]


def steering_vector(
    model: TinyLanguageModel,
    vocabulary: list[str],
    positive_prompt: str,
    negative_prompt: str,
    layer: int,
) -> torch.Tensor:
    """Positive minus negative residual stream at ``layer``, taken at each prompt's last token.

    The last position is the one that has read the whole prompt, sentiment word included.
    """
    positive = residual_stream(model, prompt_ids(positive_prompt, vocabulary), layer)
    negative = residual_stream(model, prompt_ids(negative_prompt, vocabulary), layer)
    return positive[-1] - negative[-1]


@contextmanager
def steering(model: TinyLanguageModel, layer: int, addition: torch.Tensor) -> Iterator[None]:
    """While active, add ``addition`` to the residual stream after ``layer`` at every position."""
    hook = model.blocks[layer].register_forward_hook(
        lambda _module, _inputs, output: output + addition
    )
    try:
        yield
    finally:
        hook.remove()


@torch.no_grad()
def generate(
    model: TinyLanguageModel,
    prompt: list[int],
    samples: int,
    new_tokens: int,
    generator: torch.Generator,
    temperature: float = 1.0,
) -> list[list[int]]:
    """Sample ``samples`` continuations of ``prompt``; return only the new token ids."""
    device = next(model.parameters()).device
    tokens = torch.tensor([prompt] * samples, device=device)
    for _ in range(new_tokens):
        window = tokens[:, -model.config.context_length :]
        logits = model(window)[:, -1] / temperature
        # Sampling on the CPU keeps one seeded generator valid on any device.
        probabilities = torch.softmax(logits.float().cpu(), dim=-1)
        next_token = torch.multinomial(probabilities, 1, generator=generator).to(device)
        tokens = torch.cat([tokens, next_token], dim=1)
    return tokens[:, len(prompt) :].tolist()


def positive_share(texts: list[str]) -> float:
    """Share of positive words among all sentiment words in ``texts`` (0.5 if there are none)."""
    words = " ".join(texts).split()
    positives = sum(word in POSITIVE_WORDS for word in words)
    negatives = sum(word in NEGATIVE_WORDS for word in words)
    if positives + negatives == 0:
        return 0.5
    return positives / (positives + negatives)


@dataclass
class SteeringSweep:
    coefficients: list[float]
    attribute: list[float]
    samples: dict[float, list[str]]


def steering_sweep(
    model: TinyLanguageModel,
    vocabulary: list[str],
    vector: torch.Tensor,
    layer: int,
    coefficients: list[float],
    prompt: str,
    samples: int = 64,
    new_tokens: int = 20,
    seed: int = 0,
) -> SteeringSweep:
    """Generate with the vector added at each coefficient and measure the attribute."""
    prompt_tokens = prompt_ids(prompt, vocabulary)
    attribute, texts_by_coefficient = [], {}
    for coefficient in coefficients:
        # The same seed for every coefficient: only the steering differs between runs.
        generator = torch.Generator().manual_seed(seed)
        with steering(model, layer, coefficient * vector):
            continuations = generate(model, prompt_tokens, samples, new_tokens, generator)
        texts = [decode(ids, vocabulary) for ids in continuations]
        attribute.append(positive_share(texts))
        texts_by_coefficient[coefficient] = texts
    return SteeringSweep(list(coefficients), attribute, texts_by_coefficient)


def metrics_dict(sweep: SteeringSweep) -> dict:
    """The demo's metrics.json content."""
    return {
        "coefficients": [float(c) for c in sweep.coefficients],
        "attribute": [float(a) for a in sweep.attribute],
        "attribute_name": ATTRIBUTE_NAME,
    }


def summary_results(sweep: SteeringSweep) -> dict[str, float]:
    """The scalars a run records as its results (demos.common.record), so runs with other
    parameters compare side by side: with one coefficient, its positive share; with several,
    the least-squares slope of the share against the coefficient and the share at each end."""
    coefficients = [float(c) for c in sweep.coefficients]
    attribute = [float(a) for a in sweep.attribute]
    if len(coefficients) == 1:
        return {"positive_share": attribute[0]}
    mean_c = sum(coefficients) / len(coefficients)
    mean_a = sum(attribute) / len(attribute)
    spread = sum((c - mean_c) ** 2 for c in coefficients)
    slope = sum((c - mean_c) * (a - mean_a) for c, a in zip(coefficients, attribute, strict=True))
    lowest, highest = coefficients.index(min(coefficients)), coefficients.index(max(coefficients))
    return {
        "slope": slope / spread if spread else 0.0,
        "positive_share_at_lowest": attribute[lowest],
        "positive_share_at_highest": attribute[highest],
    }


def write_metrics(metrics: dict, output_dir: str | Path) -> Path:
    """Write ``metrics`` as ``metrics.json`` in ``output_dir`` and return its path."""
    path = Path(output_dir) / "metrics.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(metrics, indent=2) + "\n")
    return path


def plot_attribute(sweep: SteeringSweep):
    """Line plot of the attribute against the steering coefficient."""
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(5, 3.2))
    axis.plot(sweep.coefficients, sweep.attribute, marker="o")
    axis.axhline(0.5, color="grey", linewidth=0.8, linestyle="--")
    axis.set_xlabel("steering coefficient")
    axis.set_ylabel("positive share")
    axis.set_ylim(-0.02, 1.02)
    axis.set_title("Sentiment of generations as the steering coefficient grows")
    figure.tight_layout()
    return figure
