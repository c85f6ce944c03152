"""Notebooks attached to sessions, their runs on a Celery worker, and the files a run leaves.

Sits above `sessions`: it imports sessions, never the other way round.
"""
