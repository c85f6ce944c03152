from django.apps import AppConfig


class ReadingsConfig(AppConfig):
    name = "readings"
    label = "readings"
    verbose_name = "Readings and glossary"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from readings.glossary import terms_and_readings
        from tracker.glossary import register_glossary_lookup

        # The markdown pipeline sits below the apps: it links to what they register.
        register_glossary_lookup(terms_and_readings)
