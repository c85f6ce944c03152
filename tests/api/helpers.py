from rest_framework.test import APIClient


def results(response) -> list[dict]:
    """The rows of one page of a list response."""
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(response, key: str = "id") -> set:
    return {row[key] for row in results(response)}


def api_client(user) -> APIClient:
    """An API client authenticated as the user."""
    client = APIClient()
    client.force_authenticate(user)
    return client
