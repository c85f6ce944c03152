from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "study"
    label = "study"
    verbose_name = "Study: spaced repetition"
    default_auto_field = "django.db.models.BigAutoField"
