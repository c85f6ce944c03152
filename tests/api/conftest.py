import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tracker import services


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Factories hash a password per user; the real hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    """Throttle counts live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    """A client for an anonymous caller; `as_user(user)` for a signed-in one (by token)."""
    return APIClient()


@pytest.fixture
def as_user(db):
    def client_for(user) -> APIClient:
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {services.api_token_for(user).key}")
        return client

    return client_for


@pytest.fixture
def people(course_with_roles):
    """The course (members only) and one person of each role, by name; anonymous is None."""
    course, organizer, member, outsider = course_with_roles
    return course, {
        "anonymous": None,
        "non_member": outsider,
        "member": member,
        "organizer": organizer,
    }
