"""`/api/v1/` and the schema. Each app adds its viewsets through a `register(router)` function,
so another module joins the API with one line here."""

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from readings import api as readings_api
from sessions import api as sessions_api
from tracker.api.views import MeView, TokenView

app_name = "api"

router = DefaultRouter(trailing_slash=True, use_regex_path=True)
router.include_format_suffixes = False
sessions_api.register(router)
readings_api.register(router)
# Notebooks and runs register here too: `from sessions.api import notebooks` then
# `notebooks.register(router)`.


@csrf_exempt
def api_not_found(request, *args, **kwargs) -> JsonResponse:
    """Any other path under /api/v1/: a JSON 404 like the API's own, not the site's page."""
    return JsonResponse({"detail": "Not found."}, status=404)


urlpatterns = [
    path("v1/auth/token/", TokenView.as_view(), name="auth-token"),
    path("v1/me/", MeView.as_view(), name="me"),
    path("v1/", include(router.urls)),
    re_path(r"^v1/", api_not_found),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
