from django.apps import AppConfig


class MeaningConfig(AppConfig):
    name = "meaning"
    label = "meaning"
    verbose_name = "Search by meaning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from meaning import signals

        # Every save of a searchable row queues its embedding, once the write is committed.
        signals.connect()
