"""Behaviour of the activation steering demo's building blocks, at small sizes."""

import json

import pytest
import torch

from demos import activation_steering as steer
from demos.common import prepare_run

pytestmark = pytest.mark.database_independent

VOCABULARY = steer.build_vocabulary()


@pytest.fixture(scope="module")
def training_run() -> tuple[steer.TinyLanguageModel, list[float]]:
    device = prepare_run(0, "cpu")
    return steer.load_or_train_language_model(
        VOCABULARY, device, d_model=48, reviews=1500, steps=300, seed=0
    )


@pytest.fixture(scope="module")
def trained_model(training_run) -> steer.TinyLanguageModel:
    return training_run[0]


def test_generated_reviews_use_only_the_vocabulary_and_keep_one_sentiment():
    for review in steer.generate_corpus(200, 33, seed=1):
        assert len(review) == 33 and review[0] == steer.BOS
        assert set(review) <= set(VOCABULARY)
        words = set(review)
        assert not (words & steer.POSITIVE_WORDS and words & steer.NEGATIVE_WORDS)


def test_corpus_is_balanced_between_sentiments():
    corpus = steer.generate_corpus(1000, 20, seed=0)
    positive = sum(bool(set(review) & steer.POSITIVE_WORDS) for review in corpus)
    negative = sum(bool(set(review) & steer.NEGATIVE_WORDS) for review in corpus)
    assert abs(positive - negative) < 150


def test_positive_share_counts_only_sentiment_words():
    assert steer.positive_share(["the movie was great and lovely", "i hated it"]) == 2 / 3
    assert steer.positive_share(["then we went home ."]) == 0.5


def test_model_is_causal():
    model = steer.TinyLanguageModel(steer.LanguageModelConfig(len(VOCABULARY)))
    tokens = torch.randint(len(VOCABULARY), (1, 10))
    changed = tokens.clone()
    changed[0, 6:] = (changed[0, 6:] + 1) % len(VOCABULARY)
    with torch.no_grad():
        assert torch.allclose(model(tokens)[0, :6], model(changed)[0, :6], atol=1e-6)


def test_training_lowers_the_next_token_loss(training_run):
    _, losses = training_run
    assert len(losses) == 300
    assert sum(losses[-10:]) / 10 < 0.4 * sum(losses[:10]) / 10


def test_steering_hook_adds_the_vector_and_is_removed_afterwards(trained_model):
    ids = steer.prompt_ids("the movie was", VOCABULARY)
    plain = steer.residual_stream(trained_model, ids, 0)
    addition = torch.ones(trained_model.config.d_model)
    with steer.steering(trained_model, 0, addition):
        steered = steer.residual_stream(trained_model, ids, 0)
    assert torch.allclose(steered, plain + addition)
    assert torch.equal(steer.residual_stream(trained_model, ids, 0), plain)


def test_zero_coefficient_leaves_generation_unchanged(trained_model):
    prompt = steer.prompt_ids("the food was", VOCABULARY)
    plain = steer.generate(trained_model, prompt, 4, 8, torch.Generator().manual_seed(5))
    with steer.steering(trained_model, 0, torch.zeros(trained_model.config.d_model)):
        steered = steer.generate(trained_model, prompt, 4, 8, torch.Generator().manual_seed(5))
    assert plain == steered


def test_positive_share_rises_with_the_steering_coefficient(trained_model):
    vector = steer.steering_vector(
        trained_model, VOCABULARY, "the food was great", "the food was awful", layer=0
    )
    sweep = steer.steering_sweep(
        trained_model, VOCABULARY, vector, 0, [-1.0, 0.0, 1.0], "the movie was", samples=32
    )
    most_negative, neutral, most_positive = sweep.attribute
    assert most_negative < 0.25 < neutral < 0.75 < most_positive


def test_metrics_file_has_the_documented_shape(tmp_path):
    sweep = steer.SteeringSweep([-1, 0, 1], [0.1, 0.5, 0.9], {})
    metrics = json.loads(steer.write_metrics(steer.metrics_dict(sweep), tmp_path).read_text())
    assert metrics == {
        "coefficients": [-1.0, 0.0, 1.0],
        "attribute": [0.1, 0.5, 0.9],
        "attribute_name": steer.ATTRIBUTE_NAME,
    }


def test_summary_results_give_the_slope_and_the_share_at_each_end():
    sweep = steer.SteeringSweep([2.0, -1.0, 0.0, 1.0], [0.95, 0.1, 0.5, 0.8], {})
    summary = steer.summary_results(sweep)
    assert summary["slope"] == pytest.approx(0.285)  # least squares, by hand
    assert summary["positive_share_at_lowest"] == 0.1
    assert summary["positive_share_at_highest"] == 0.95


def test_summary_results_of_one_coefficient_is_its_positive_share():
    sweep = steer.SteeringSweep([1.5], [0.875], {})
    assert steer.summary_results(sweep) == {"positive_share": 0.875}


def test_every_sentiment_word_is_in_the_vocabulary():
    assert (steer.POSITIVE_WORDS | steer.NEGATIVE_WORDS).issubset(VOCABULARY)
    assert not steer.POSITIVE_WORDS & steer.NEGATIVE_WORDS
