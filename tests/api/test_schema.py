"""The OpenAPI schema and its interactive docs."""

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

ERROR_CODES_EVERYWHERE = {"401", "429"}


@pytest.fixture
def openapi(api) -> dict:
    response = api.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _operations(openapi):
    for path, methods in openapi["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_schema_is_openapi_3_and_covers_every_resource(openapi):
    assert openapi["openapi"].startswith("3.")
    paths = set(openapi["paths"])
    for resource in (
        "courses",
        "sessions",
        "reflections",
        "readings",
        "reading-statuses",
        "highlights",
        "terms",
        "notes",
    ):
        assert f"/api/v1/{resource}/" in paths
    assert "/api/v1/courses/{course_slug}/members/{username}/" in paths
    assert "/api/v1/terms/{term_slug}/revisions/{number}/" in paths
    assert "/api/v1/terms/{slug}/revert/" in paths
    assert {"/api/v1/me/", "/api/v1/auth/token/"} <= paths


# Single answers without filters or pages.
UNFILTERED_PATHS = {"/api/v1/me/", "/api/v1/workers/", "/api/v1/study/stats/"}


def test_every_operation_documents_its_error_answers(openapi):
    for path, method, operation in _operations(openapi):
        codes = set(operation["responses"])
        assert codes >= ERROR_CODES_EVERYWHERE, (method, path)
        if method in {"post", "put", "patch"}:
            assert {"400", "403"} <= codes, (method, path)
        if "{" in path:
            assert "404" in codes, (method, path)
        if method == "get" and "{" not in path and path not in UNFILTERED_PATHS:
            assert "400" in codes, (method, path)  # a bad filter
            if path != "/api/v1/search/":  # search answers a page past the end with no results
                assert "404" in codes, (method, path)  # a page past the end
        assert "Retry-After" in operation["responses"]["429"]["headers"]


def test_the_notebook_apis_409s_are_declared_where_a_run_state_can_refuse(openapi):
    paths = openapi["paths"]
    refusing = [
        paths["/api/v1/notebooks/{id}/"]["delete"],
        paths["/api/v1/runs/{id}/"]["delete"],
        paths["/api/v1/runs/{id}/cancel/"]["post"],
    ]
    for operation in refusing:
        assert "state does not allow" in operation["responses"]["409"]["description"]
    assert "409" not in paths["/api/v1/notebooks/"]["post"]["responses"]
    assert "409" not in paths["/api/v1/runs/{id}/"]["get"]["responses"]


def test_request_bodies_are_the_input_serializers(openapi):
    schemas = openapi["components"]["schemas"]
    create = schemas["SessionCreateInputRequest"]["properties"]
    assert {"course", "speakers", "agenda", "readings"} <= set(create)
    assert "abstract_html" not in create
    assert "course" not in schemas["SessionUpdateInputRequest"]["properties"]
    session = schemas["Session"]["properties"]
    assert {"starts_at_local", "ends_at_local", "time_zone", "abstract_html"} <= set(session)


def test_list_parameters_include_filters_ordering_and_page_size(openapi):
    names = {p["name"] for p in openapi["paths"]["/api/v1/readings/"]["get"]["parameters"]}
    assert {"kind", "tag", "year", "status", "search", "ordering", "page", "page_size"} <= names
    names = {p["name"] for p in openapi["paths"]["/api/v1/sessions/"]["get"]["parameters"]}
    assert {"course", "status", "starts_after", "starts_before"} <= names


def test_swagger_ui_loads_only_the_sites_own_assets(api):
    response = api.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets, page
    start_up_script = "/api/docs/?script="  # served by the view itself, not inline (the CSP)
    assert start_up_script in assets
    for asset in set(assets) - {start_up_script}:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset
    assert "cdn" not in page.lower()
    assert "/api/schema/" in api.get(start_up_script).content.decode()


def test_unknown_api_paths_answer_json_404(as_user, member):
    for url in ("/api/v1/nothing-here/", "/api/v1/courses/a b/"):
        response = as_user(member).post(url, {})
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


def test_api_root_lists_the_resources(as_user, member):
    body = as_user(member).get("/api/v1/").json()
    assert {"courses", "sessions", "readings", "terms", "notes"} <= set(body)
