from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from tracker import health, views
from tracker.auth import RateLimitedAuthenticationForm

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=RateLimitedAuthenticationForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("sessions.urls")),
    path("", include("readings.urls")),
]
