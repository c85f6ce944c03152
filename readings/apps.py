from django.apps import AppConfig


class ReadingsConfig(AppConfig):
    name = "readings"
    label = "readings"
    verbose_name = "Readings and glossary"
    default_auto_field = "django.db.models.BigAutoField"
