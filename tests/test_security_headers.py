"""Headers on every answer: the Content-Security-Policy, the Permissions-Policy, no caching of
private answers, and `Vary: Authorization` on the API (tracker/security_headers.py)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from notebooks.models import Artifact
from tests.notebooks.factories import (
    ArtifactFactory,
    RunFactory,
)
from tests.sessions.factories import PASSWORD, CourseFactory, SessionFactory, UserFactory
from tracker import services as profile_services

pytestmark = pytest.mark.django_db

NOT_STORED = "private, no-store"


def policy(response) -> dict[str, set[str]]:
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: set(values) for name, *values in directives if name}


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


def api_client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {profile_services.api_token_for(user).key}")
    return client


@pytest.mark.parametrize("name", ["course_list", "reading_list", "term_list", "login"])
def test_every_page_allows_scripts_and_styles_only_from_our_own_files(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    directives = policy(response)
    assert directives["script-src"] == {"'self'"}
    assert directives["style-src"] == {"'self'"}
    assert directives["object-src"] == {"'none'"}
    assert directives["frame-ancestors"] == {"'none'"}
    assert directives["base-uri"] == directives["form-action"] == {"'self'"}


def test_signed_in_pages_carry_the_policy_too(client, member):
    client.force_login(member)
    assert policy(client.get(reverse("dashboard")))["script-src"] == {"'self'"}


@pytest.mark.usefixtures("isolated_media")
def test_a_notebooks_html_keeps_its_sandbox_policy(client):
    course = CourseFactory(visibility="public")
    run = RunFactory(notebook__session=SessionFactory(course=course))
    artifact = ArtifactFactory(run=run, kind=Artifact.Kind.HTML, name="out.html", content=b"<p>")
    response = client.get(artifact.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith("sandbox;")
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]


def test_api_docs_run_without_inline_script_or_style(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline script"
    assert policy(page)["script-src"] == {"'self'"}
    start_up = client.get("/api/docs/", {"script": ""})
    assert start_up["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in start_up.content.decode()


def test_browsable_api_may_apply_inline_styles_but_never_run_inline_scripts(client):
    response = client.get("/api/v1/courses/", HTTP_ACCEPT="text/html")
    assert response["Content-Type"].startswith("text/html")
    directives = policy(response)
    assert directives["style-src"] == {"'self'", "'unsafe-inline'"}
    assert directives["script-src"] == {"'self'"}
    assert policy(client.get(reverse("course_list")))["style-src"] == {"'self'"}


@pytest.mark.parametrize("path", ["/courses/", "/api/v1/courses/", "/accounts/login/"])
def test_every_answer_turns_off_features_the_site_never_uses(client, path):
    features = dict(
        part.strip().split("=", 1) for part in client.get(path)["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"


def test_profile_page_with_the_api_token_is_never_stored(client, member):
    client.force_login(member)
    response = client.get(reverse("profile"))
    assert profile_services.api_token_for(member).key in response.content.decode()
    assert response["Cache-Control"] == NOT_STORED


def test_visitor_pages_stay_cacheable(client):
    response = client.get(reverse("course_list"))
    assert "no-store" not in response.get("Cache-Control", "")


def test_static_files_stay_cacheable_for_signed_in_people(client, member):
    client.force_login(member)
    response = client.get(settings.STATIC_URL.rstrip("/") + "/tracker/site.css")
    assert response.status_code == 200
    assert "no-store" not in response["Cache-Control"]
    assert "Permissions-Policy" in response


def test_personal_calendar_feed_behind_its_token_is_never_stored(client, member):
    token = profile_services.profile_for(member).calendar_token
    response = client.get(reverse("personal_calendar", args=[token]))  # no session: the token
    assert response.status_code == 200
    assert response["Cache-Control"] == NOT_STORED


def test_public_course_feed_stays_cacheable(client):
    course = CourseFactory(visibility="public")
    response = client.get(reverse("course_calendar", args=[course.slug]))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_exports_for_a_signed_in_person_are_never_stored(client, course_with_roles):
    course, _organizer, member, _outsider = course_with_roles
    client.force_login(member)
    markdown = client.get(reverse("journal_md", args=[course.slug]))
    readings = client.get(reverse("reading_export", args=["bibtex"]), {"course": course.slug})
    assert markdown.status_code == readings.status_code == 200
    assert markdown["Cache-Control"] == readings["Cache-Control"] == NOT_STORED


def test_api_answers_to_a_token_are_never_stored_and_vary_on_authorization(member):
    response = api_client_for(member).get("/api/v1/me/")
    assert response.status_code == 200
    assert response["Cache-Control"] == NOT_STORED
    assert {"authorization", "cookie"} <= vary(response)


def test_a_refused_token_is_not_stored_either():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/v1/courses/")
    assert response.status_code == 401
    assert response["Cache-Control"] == NOT_STORED


def test_anonymous_api_answers_vary_on_authorization_and_stay_cacheable():
    response = APIClient().get("/api/v1/courses/")
    assert response.status_code == 200
    assert "authorization" in vary(response)
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_token_endpoints_answer_is_never_stored(db):
    user = UserFactory()
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == NOT_STORED


# What a Content-Security-Policy without 'unsafe-inline' refuses to run or apply.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
TEMPLATES = sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html"))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_no_template_holds_inline_script_handler_or_style(template):
    text = template.read_text()
    for pattern in (INLINE_SCRIPT, EVENT_HANDLER, INLINE_STYLE):
        assert not pattern.search(text), f"{pattern.pattern} in {template}"
    assert "javascript:" not in text.lower()


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_no_template_comment_spans_lines(template):
    """Django's {# #} comment ends at the line's end: a longer one is printed on the page."""
    assert not re.search(r"\{#(?:(?!#\}).)*\n", template.read_text()), template
