from django.apps import AppConfig


class SessionsConfig(AppConfig):
    name = "sessions"
    # `sessions` is django.contrib.sessions' label; ours must differ.
    label = "tracker_sessions"
    verbose_name = "Courses and sessions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sessions.glossary import sessions_named
        from tracker.glossary import register_glossary_lookup

        # The markdown pipeline sits below the apps: it links to what they register.
        register_glossary_lookup(sessions_named)
