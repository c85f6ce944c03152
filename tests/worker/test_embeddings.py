"""A save's embedding goes the whole way: the signal, the commit, the broker, a real worker."""

import pytest

from meaning.models import Embedding
from meaning.services import text_hash
from sessions import services as session_services
from tests.worker_process import wait_for

pytestmark = pytest.mark.worker


def test_a_reflection_saved_through_the_service_is_embedded_by_the_worker_and_again_when_edited(
    celery_worker, settings, roles
):
    settings.MEANING_EMBED_ON_SAVE = True
    session, _organizer, member, _outsider = roles
    reflection = session_services.reflection_save(
        author=member,
        session=session,
        body="Induction heads copy the token that followed the last time.",
        visibility="private",
    )

    def embedded_with(body: str):
        return Embedding.objects.filter(
            kind="reflection",
            object_id=reflection.pk,
            vector__isnull=False,
            text_hash=text_hash(body),
        ).first()

    embedding = wait_for(
        lambda: embedded_with(reflection.body),
        timeout=180,
        what="the worker to embed the reflection",
        worker=celery_worker,
    )
    assert embedding.private_to_id == member.pk

    session_services.reflection_update(reflection=reflection, body="Sparse autoencoders.")
    wait_for(
        lambda: embedded_with("Sparse autoencoders."),
        timeout=120,
        what="the edited reflection's new embedding",
        worker=celery_worker,
    )
