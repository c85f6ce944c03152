from django.urls import path

from tracker.search import api, views

urlpatterns = [
    path("api/v1/search/", api.SearchView.as_view(), name="api_search"),
    path("api/v1/<str:kind>/<int:id>/related/", api.RelatedView.as_view(), name="api_related"),
    path("search/terms-to-link/", views.terms_to_link, name="terms_to_link"),
    path("search/", views.search_results, name="search"),
]
