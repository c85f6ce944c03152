from django.urls import path

from study import exports, views

urlpatterns = [
    path("study/", views.review, name="study"),
    path("study/grade/", views.grade, name="study_grade"),
    path("study/undo/", views.undo, name="study_undo"),
    path("study/card/", views.card_action, name="study_card_action"),
    path("study/progress/", views.progress_page, name="study_progress"),
    path("courses/<slug:slug>/study/", views.review, name="course_study"),
    path(
        "courses/<slug:slug>/study/glossary.apkg",
        exports.glossary_apkg,
        name="course_glossary_apkg",
    ),
    path(
        "courses/<slug:slug>/study/glossary.csv", exports.glossary_csv, name="course_glossary_csv"
    ),
    path(
        "courses/<slug:slug>/study/difficulty/",
        exports.term_difficulty,
        name="course_study_difficulty",
    ),
]
