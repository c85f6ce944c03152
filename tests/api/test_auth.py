import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tracker import services

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def test_token_endpoint_returns_a_token_that_signs_requests_in(api, member):
    response = api.post(
        TOKEN_URL, {"username": "member", "password": "correct-horse-battery"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user=member).key

    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "member"


def test_asking_twice_returns_the_same_token(api, member):
    credentials = {"username": "member", "password": "correct-horse-battery"}
    first = api.post(TOKEN_URL, credentials, format="json").json()["token"]
    assert api.post(TOKEN_URL, credentials, format="json").json()["token"] == first


def test_wrong_password_gets_400_and_no_token(api, member):
    response = api.post(TOKEN_URL, {"username": "member", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not Token.objects.filter(user=member).exists()


def test_inactive_user_gets_no_token(api, member):
    member.is_active = False
    member.save()
    response = api.post(
        TOKEN_URL, {"username": "member", "password": "correct-horse-battery"}, format="json"
    )
    assert response.status_code == 400


def test_wrong_token_answers_401_with_the_scheme_to_use(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api.get("/api/v1/readings/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_anonymous_write_answers_401(api):
    response = api.post("/api/v1/courses/", {"slug": "x", "title": "X"}, format="json")
    assert response.status_code == 401


def test_revoked_token_stops_working(as_user, member):
    client = as_user(member)
    assert client.delete(TOKEN_URL).status_code == 204
    assert client.get("/api/v1/me/").status_code == 401


def test_regenerated_token_replaces_the_old_one(as_user, member):
    old = services.api_token_for(member).key
    client = as_user(member)
    new = services.api_token_regenerate(user=member).key
    assert new != old
    assert client.get("/api/v1/me/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert client.get("/api/v1/me/").status_code == 200


def test_browser_session_works_for_reads_and_needs_csrf_for_writes(member):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(member)
    assert browser.get("/api/v1/me/").status_code == 200
    response = browser.patch("/api/v1/me/", {"display_name": "M"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_browser_session_write_with_csrf_token_succeeds(member):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(member)
    browser.get("/api/v1/me/", HTTP_ACCEPT="text/html")  # the browsable API sets the cookie
    csrf = browser.cookies["csrftoken"].value
    response = browser.patch(
        "/api/v1/me/", {"display_name": "M"}, format="json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 200
    assert response.json()["display_name"] == "M"


def test_browsable_api_is_on(member):
    browser = APIClient()
    browser.force_login(member)
    response = browser.get("/api/v1/sessions/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert "text/html" in response["Content-Type"]


def _rates(settings, **rates):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
    }


def test_anonymous_callers_are_throttled_with_retry_after(api, settings):
    _rates(settings, anon="3/minute")
    codes = [api.get("/api/v1/readings/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = api.get("/api/v1/readings/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60


def test_signed_in_callers_have_their_own_rate(as_user, member, user_factory, settings):
    _rates(settings, user="2/minute", anon="1/minute")
    client = as_user(member)
    assert [client.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 429]
    # Another user's count is separate.
    assert as_user(user_factory()).get("/api/v1/me/").status_code == 200


def test_password_guessing_at_the_token_endpoint_is_throttled(api, member, settings):
    _rates(settings, token="2/minute")
    wrong = {"username": "member", "password": "guess"}
    codes = [api.post(TOKEN_URL, wrong, format="json").status_code for _ in range(3)]
    assert codes == [400, 400, 429]


def test_token_endpoint_takes_form_data_as_well_as_json(api, member):
    response = api.post(
        TOKEN_URL,
        "username=member&password=correct-horse-battery",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=member).key
