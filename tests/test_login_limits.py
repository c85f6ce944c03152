"""One login limit for every door: the site's form, the admin's and the API's token endpoint
count toward the same per-account limit, and a much higher per-address one."""

import time

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from tests.sessions.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOCKED_MESSAGE = "Too many failed sign-ins. Wait 15 minutes, then try again."
NAT = "10.0.0.7"  # one address shared by many people


@pytest.fixture(autouse=True)
def login_limit_settings(settings):
    """The documented defaults, whatever the environment says, and a cache with no counts."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LOGIN_ATTEMPTS_LIMIT = 5
    settings.LOGIN_ADDRESS_ATTEMPTS_LIMIT = 50
    settings.LOGIN_ATTEMPTS_WINDOW = 900
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ada(db):
    return UserFactory(username="ada", is_staff=True)


@pytest.fixture
def bob(db):
    return UserFactory(username="bob", is_staff=True)


def site(username, password, address=NAT):
    """Signs in through the site's form: (signed in?, what the page or answer says)."""
    response = Client(REMOTE_ADDR=address).post(
        "/accounts/login/", {"username": username, "password": password}
    )
    return response.status_code == 302, response.content.decode()


def admin(username, password, address=NAT):
    response = Client(REMOTE_ADDR=address).post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}
    )
    return response.status_code == 302, response.content.decode()


def token(username, password, address=NAT):
    response = APIClient(REMOTE_ADDR=address).post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    return response.status_code == 200, response


DOORS = {"site": site, "admin": admin, "token": token}


def assert_refused_as_locked(door, username, address=NAT):
    signed_in, answer = DOORS[door](username, PASSWORD, address)
    assert not signed_in, door
    assert_says_locked(door, answer)


def assert_says_locked(door, answer):
    if door == "token":
        assert answer.status_code == 429
        assert answer.json() == {"detail": LOCKED_MESSAGE}
        assert 890 <= int(answer["Retry-After"]) <= 900
    else:
        assert LOCKED_MESSAGE in answer, door


@pytest.mark.parametrize("failing_door", DOORS)
def test_five_failures_at_one_door_lock_the_account_at_every_door(ada, failing_door):
    for _ in range(4):
        assert DOORS[failing_door]("ada", "wrong", NAT)[0] is False
    # The fifth failure locks the account, and the answer says so.
    signed_in, answer = DOORS[failing_door]("ada", "wrong", NAT)
    assert not signed_in
    assert_says_locked(failing_door, answer)
    for door in DOORS:
        assert_refused_as_locked(door, "ada")
        # From another address too: the account is locked, not the address.
        assert_refused_as_locked(door, "ada", address="192.0.2.1")


def test_failures_spread_over_the_doors_add_up_to_one_limit(ada):
    for door in ("site", "admin", "token", "site"):
        assert DOORS[door]("ada", "wrong", NAT)[0] is False
    # Four failures: the right password still signs in, at the admin here...
    assert admin("ada", PASSWORD)[0]
    # ...which cleared the count, so it takes five more, from anywhere, to lock the account.
    for door, address in [
        ("token", NAT),
        ("admin", "192.0.2.1"),
        ("site", "192.0.2.2"),
        ("token", "192.0.2.3"),
        ("admin", NAT),
    ]:
        assert DOORS[door]("ada", "wrong", address)[0] is False
    for door in DOORS:
        assert_refused_as_locked(door, "ada")


@pytest.mark.parametrize("succeeding_door", DOORS)
def test_a_successful_sign_in_at_any_door_clears_the_accounts_count(ada, succeeding_door):
    for _ in range(4):
        site("ada", "wrong")
    assert DOORS[succeeding_door]("ada", PASSWORD)[0]
    for _ in range(4):
        token("ada", "wrong")
    assert site("ada", PASSWORD)[0]


def test_a_lock_ends_when_its_window_passes(ada, settings):
    settings.LOGIN_ATTEMPTS_WINDOW = 2
    for _ in range(5):
        site("ada", "wrong")
    signed_in, page = site("ada", PASSWORD)
    assert not signed_in and "Wait 1 minute, then try again." in page
    time.sleep(2.2)
    assert site("ada", PASSWORD)[0]


def test_another_person_on_the_same_network_still_signs_in_at_every_door(ada, bob):
    for _ in range(5):
        site("ada", "wrong", NAT)
    assert_refused_as_locked("site", "ada", NAT)
    for door in DOORS:
        assert DOORS[door]("bob", PASSWORD, NAT)[0], door


def test_attempts_refused_by_a_lock_do_not_count_against_the_shared_address(ada, bob, settings):
    settings.LOGIN_ADDRESS_ATTEMPTS_LIMIT = 8
    for _ in range(5):
        site("ada", "wrong", NAT)
    # Someone locked out keeps trying; the address must not fill up on their behalf.
    for _ in range(10):
        assert not site("ada", PASSWORD, NAT)[0]
    assert site("bob", PASSWORD, NAT)[0]


def test_an_address_is_locked_after_many_failures_across_accounts(ada, settings):
    settings.LOGIN_ADDRESS_ATTEMPTS_LIMIT = 8
    for number in range(8):  # password spraying: a few guesses at many accounts
        token(f"someone{number}", "Summer2026!", NAT)
    for door in DOORS:
        assert_refused_as_locked(door, "ada", NAT)
    # Only that address: ada elsewhere is not locked (her account had no failure).
    assert site("ada", PASSWORD, "192.0.2.1")[0]


def test_usernames_are_folded_so_case_and_spaces_do_not_reset_the_count(ada):
    for spelling in ("ada", "ADA", " Ada", "aDa ", "ada"):
        token(spelling, "wrong", "192.0.2.1")
    assert_refused_as_locked("site", "ada")


def test_token_endpoint_schema_documents_the_locked_answer():
    schema = APIClient().get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert "Retry-After" in operation["responses"]["429"]["headers"]
    assert "locked account or address answers 429" in operation["description"]


def test_a_forged_forwarded_for_header_does_not_escape_the_address_limit(ada, settings):
    """With no proxy of ours in front (NUM_PROXIES=0), X-Forwarded-For is the client's own text."""
    settings.LOGIN_ADDRESS_ATTEMPTS_LIMIT = 4
    for number in range(4):
        Client(REMOTE_ADDR=NAT, HTTP_X_FORWARDED_FOR=f"198.51.100.{number}").post(
            "/accounts/login/", {"username": f"someone{number}", "password": "guess"}
        )
    assert_refused_as_locked("site", "ada", NAT)


def test_behind_our_proxy_each_client_is_counted_by_the_address_the_proxy_saw(ada, bob, settings):
    """Behind one TLS proxy every request comes from the proxy's address: with NUM_PROXIES=1 a
    spraying client locks only itself, and people elsewhere still sign in through the proxy."""
    settings.NUM_PROXIES = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.LOGIN_ADDRESS_ATTEMPTS_LIMIT = 4
    proxy = "10.0.0.2"

    def through_proxy(client_address, username, password):
        response = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=client_address).post(
            "/accounts/login/", {"username": username, "password": password}
        )
        return response.status_code == 302, response.content.decode()

    for number in range(4):
        through_proxy("203.0.113.9", f"someone{number}", "guess")
    signed_in, page = through_proxy("203.0.113.9", "ada", PASSWORD)
    assert not signed_in
    assert LOCKED_MESSAGE in page
    assert through_proxy("198.51.100.20", "bob", PASSWORD)[0]
