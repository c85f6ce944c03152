from django.apps import AppConfig


class NotebooksConfig(AppConfig):
    name = "notebooks"
    label = "notebooks"
    verbose_name = "Notebooks and runs"
    default_auto_field = "django.db.models.BigAutoField"
