"""Embeddings are computed for what changed: a new text, a new model, a new row; and only
then."""

import io
import os
import subprocess
import sys

import numpy as np
import pytest
from django.core.management import call_command

from meaning import embedder, services
from meaning.models import Embedding
from meaning.tasks import embed_pending
from readings import services as reading_services
from sessions import services as session_services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("embedding_model")]


def _vector(kind: str, pk: int) -> np.ndarray:
    return Embedding.objects.get(kind=kind, object_id=pk).as_array()


def test_a_saved_reflection_is_queued_once_its_transaction_commits(
    reflection_factory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        reflection_factory()
        reflection_factory()
    # One callback per save, and the first sends both rows in one task; the others find
    # nothing left to send.
    assert len(callbacks) >= 1
    assert not Embedding.objects.exists()


def test_the_task_embeds_the_rows_it_is_given_with_the_model_named(reflection_factory):
    reflection = reflection_factory(body="Attention heads that copy the previous token.")
    embed_pending.apply(kwargs={"items": [["reflection", reflection.pk]]}).get()
    embedding = Embedding.objects.get(kind="reflection", object_id=reflection.pk)
    assert (embedding.model_name, embedding.model_version) == embedder.current_model()
    assert embedding.text_hash == services.text_hash(reflection.body)
    assert embedding.as_array().shape == (embedder.DIMENSIONS,)
    assert np.isclose(np.linalg.norm(embedding.as_array()), 1.0, atol=1e-4)


def test_an_edited_text_is_embedded_again_and_an_unchanged_one_is_not(reflection_factory):
    reflection = reflection_factory(body="Induction heads complete repeated patterns.")
    assert services.embed_items([("reflection", reflection.pk)]) == 1
    before = _vector("reflection", reflection.pk)
    assert services.embed_items([("reflection", reflection.pk)]) == 0

    session_services.reflection_update(
        reflection=reflection, body="Sparse autoencoders split a layer into features."
    )
    assert services.embed_items([("reflection", reflection.pk)]) == 1
    after = _vector("reflection", reflection.pk)
    assert not np.allclose(before, after)


def test_a_visibility_change_is_recorded_without_embedding_again(reflection_factory, member):
    reflection = reflection_factory(author=member, visibility="private")
    services.embed_items([("reflection", reflection.pk)])
    assert Embedding.objects.get(object_id=reflection.pk).private_to_id == member.pk
    session_services.reflection_update(reflection=reflection, visibility="public")
    assert services.embed_items([("reflection", reflection.pk)]) == 0
    assert Embedding.objects.get(object_id=reflection.pk).private_to_id is None


def test_a_new_model_version_makes_every_vector_stale_and_they_are_recomputed(
    reflection_factory, note_factory
):
    reflection, note = reflection_factory(), note_factory()
    services.embed_items([("reflection", reflection.pk), ("note", note.pk)])
    assert not services.stale_embeddings().exists()
    # As after an upgrade: the stored vectors name the model release that computed them.
    Embedding.objects.update(model_version="0.0.1")
    assert services.stale_embeddings().count() == 2

    assert services.embed_pending() == 2
    assert not services.stale_embeddings().exists()
    assert set(Embedding.objects.values_list("model_version", flat=True)) == {
        embedder.model_version()
    }


def test_the_embedding_of_a_deleted_row_is_removed_when_it_is_next_seen(note_factory):
    note = note_factory()
    services.embed_items([("note", note.pk)])
    pk = note.pk
    reading_services.note_delete(note=note)
    services.embed_items([("note", pk)])
    assert not Embedding.objects.filter(kind="note", object_id=pk).exists()


def test_embed_all_backfills_every_kind(
    reflection_factory, note_factory, highlight_factory, term_factory
):
    reflection_factory(), note_factory(), highlight_factory(), term_factory()
    call_command("embed", "--all", stdout=io.StringIO(), stderr=io.StringIO())
    kinds = set(Embedding.objects.values_list("kind", flat=True))
    assert kinds == {"session", "reading", "term", "reflection", "note", "highlight"}
    assert not services.stale_embeddings().exists()


NO_NETWORK = """
import socket
def refuse(*args, **kwargs):
    raise OSError("networking is disabled in this test")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from meaning import embedder
vector = embedder.embed(["polysemantic neurons"])[0]
print(vector.shape[0])
"""


def test_the_model_loads_and_embeds_with_networking_disabled(tmp_path):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("HF_", "TRANSFORMERS_"))
    }
    # An empty Hugging Face cache: nothing downloaded earlier can help.
    environment["HF_HOME"] = str(tmp_path / "hf")
    result = subprocess.run(
        [sys.executable, "-c", NO_NETWORK],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == str(embedder.DIMENSIONS)
