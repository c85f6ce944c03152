"""The index file: built by the task once the site is past exact search, loaded by web
processes, and loaded again when the worker writes a new one."""

import pytest

from meaning import index, services
from meaning.tasks import embed_pending

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("embedding_model")]


def test_a_small_site_keeps_no_index_file(note_factory, index_folder):
    note = note_factory()
    embed_pending.apply(kwargs={"items": [["note", note.pk]]}).get()
    assert index.loaded() is None
    assert not index_folder.exists() or not any(index_folder.iterdir())


def test_past_the_exact_size_the_task_builds_the_file_and_readers_load_each_new_one(
    note_factory, settings
):
    settings.MEANING_EXACT_SEARCH_MAX = 1
    settings.MEANING_INDEX_REBUILD_AFTER = 10
    first, second = note_factory(), note_factory()
    embed_pending.apply(kwargs={"items": [["note", first.pk], ["note", second.pk]]}).get()
    loaded = index.loaded()
    assert loaded is not None and loaded.size == 2
    assert index.loaded() is loaded  # mapped once, while the file stays the same

    third = note_factory()
    embed_pending.apply(kwargs={"items": [["note", third.pk]]}).get()
    # Fewer rows behind than MEANING_INDEX_REBUILD_AFTER: searched exactly beside the file.
    assert index.loaded() is loaded
    assert 1 <= index.rows_behind() < settings.MEANING_INDEX_REBUILD_AFTER
    assert services.refresh_index(force=True)
    reloaded = index.loaded()
    assert reloaded is not loaded and reloaded.size == 3
