"""Notebook and run endpoints, included under /api/v1/ beside the rest of the API. A
SimpleRouter (no root view), so it does not collide with the main router's API root."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from notebooks.api.results import RunCompareView, RunPinViewSet
from notebooks.api.sweeps import SweepViewSet
from notebooks.api.views import NotebookViewSet, RunViewSet

router = SimpleRouter()
router.register("notebooks", NotebookViewSet, basename="api-notebook")
router.register("runs", RunViewSet, basename="api-run")
router.register("runs", RunPinViewSet, basename="api-run-pin")
router.register("sweeps", SweepViewSet, basename="api-sweep")

# Before the router's routes, where `runs/<pk>/` would take `compare` for a run's id.
urlpatterns = [
    path("runs/compare/", RunCompareView.as_view(), name="api-runs-compare"),
    *router.urls,
]
