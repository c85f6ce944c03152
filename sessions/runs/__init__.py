"""Notebooks and their runs, with the database: reads (selectors), writes (services), what the
Celery worker does with a run (worker), and where files are stored (storage)."""
