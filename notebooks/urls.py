from django.urls import path

from notebooks import views
from notebooks.views import results as views_results
from notebooks.views import sweeps

urlpatterns = [
    # The learner's journal as a zip with the images of runs (its markdown is sessions').
    path("courses/<slug:slug>/journal.zip", views.journal_zip, name="journal_zip"),
    path(
        "courses/<slug:slug>/sessions/<int:number>/notebooks/",
        views.session_notebooks,
        name="session_notebooks",
    ),
    path(
        "courses/<slug:slug>/sessions/<int:number>/notebooks/upload/",
        views.notebook_upload,
        name="notebook_upload",
    ),
    path("notebooks/<int:notebook_id>/file/", views.notebook_file, name="notebook_file"),
    path("notebooks/<int:notebook_id>/delete/", views.notebook_delete, name="notebook_delete"),
    path("notebooks/<int:notebook_id>/runs/start/", views.run_start, name="run_start"),
    path("runs/compare/", views_results.runs_compare, name="runs_compare"),
    path("runs/compare/runs.csv", views_results.runs_compare_csv, name="runs_compare_csv"),
    path("notebooks/<int:notebook_id>/sweeps/new/", sweeps.sweep_new, name="sweep_new"),
    path("sweeps/<int:sweep_id>/", sweeps.sweep_detail, name="sweep_detail"),
    path("sweeps/<int:sweep_id>/status/", sweeps.sweep_status, name="sweep_status"),
    path("sweeps/<int:sweep_id>/cancel/", sweeps.sweep_cancel, name="sweep_cancel"),
    path("runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("runs/<int:run_id>/pin/", views_results.run_pin, name="run_pin"),
    path("runs/<int:run_id>/unpin/", views_results.run_unpin, name="run_unpin"),
    path("runs/<int:run_id>/rerun/", views.run_rerun, name="run_rerun"),
    path("runs/<int:run_id>/status/", views.run_status, name="run_status"),
    path("runs/<int:run_id>/cancel/", views.run_cancel, name="run_cancel"),
    path("runs/<int:run_id>/delete/", views.run_delete, name="run_delete"),
    path(
        "runs/<int:run_id>/artifacts/<int:artifact_id>/<str:name>",
        views.artifact_file,
        name="artifact_file",
    ),
]
