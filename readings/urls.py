from django.urls import path

from readings import views

urlpatterns = [
    path("readings/", views.reading_list, name="reading_list"),
    path("readings/<slug:slug>/", views.reading_detail, name="reading_detail"),
    path("glossary/", views.term_list, name="term_list"),
    path("glossary/<slug:slug>/", views.term_detail, name="term_detail"),
]
