"""Study's endpoints, included under /api/v1/ by tracker/urls.py (study sits above the apps
tracker/api's router knows)."""

from rest_framework.routers import SimpleRouter

from study.api.views import StudyViewSet

router = SimpleRouter()
router.register("study", StudyViewSet, basename="api-study")

urlpatterns = router.urls
