from django.urls import path

from tracker.search import api, views

urlpatterns = [
    path("api/v1/search/", api.SearchView.as_view(), name="api_search"),
    path("search/", views.search_results, name="search"),
]
