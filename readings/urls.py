from django.urls import path

from readings import views, views_bibliography

urlpatterns = [
    path("readings/", views.reading_list, name="reading_list"),
    path("readings/new/", views.reading_create, name="reading_create"),
    path("readings/import/", views_bibliography.reading_import, name="reading_import"),
    path(
        "readings/export/<str:format>/",
        views_bibliography.reading_export,
        name="reading_export",
    ),
    path("readings/<slug:slug>/", views.reading_detail, name="reading_detail"),
    path("readings/<slug:slug>/edit/", views.reading_edit, name="reading_edit"),
    path("readings/<slug:slug>/status/", views.reading_status_set, name="reading_status_set"),
    path("readings/<slug:slug>/highlights/", views.highlight_add, name="highlight_add"),
    path("notes/<int:note_id>/edit/", views.note_edit, name="note_edit"),
    path("notes/on/<str:kind>/<slug:slug>/", views.note_add, name="note_add"),
    path("glossary/", views.term_list, name="term_list"),
    path("glossary/new/", views.term_create, name="term_create"),
    path("glossary/<slug:slug>/", views.term_detail, name="term_detail"),
    path("glossary/<slug:slug>/edit/", views.term_edit, name="term_edit"),
    path("glossary/<slug:slug>/revert/<int:number>/", views.term_revert, name="term_revert"),
]
