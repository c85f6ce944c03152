"""Notebook and run endpoints, included under /api/v1/ beside the rest of the API. A
SimpleRouter (no root view), so it does not collide with the main router's API root."""

from rest_framework.routers import SimpleRouter

from notebooks.api.views import NotebookViewSet, RunViewSet

router = SimpleRouter()
router.register("notebooks", NotebookViewSet, basename="api-notebook")
router.register("runs", RunViewSet, basename="api-run")

urlpatterns = router.urls
