import pytest

from meaning import embedder


@pytest.fixture(scope="session")
def embedding_model():
    """The real model, loaded once for the whole test session (it is a third-party boundary,
    and loading it takes seconds)."""
    return embedder.model()


@pytest.fixture(autouse=True)
def index_folder(settings, tmp_path):
    """Each test's index file in its own folder; exact search until a test builds one."""
    settings.MEANING_INDEX_DIR = tmp_path / "meaning"
    return settings.MEANING_INDEX_DIR


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
