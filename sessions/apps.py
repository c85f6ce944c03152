from django.apps import AppConfig


class SessionsConfig(AppConfig):
    name = "sessions"
    # `sessions` is django.contrib.sessions' label; ours must differ.
    label = "tracker_sessions"
    verbose_name = "Courses and sessions"
    default_auto_field = "django.db.models.BigAutoField"
