from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from notebooks import workers
from tracker import health, views
from tracker.auth import RateLimitedAdminAuthenticationForm, RateLimitedAuthenticationForm

# The login limit holds at every door (it lives in authenticate()); this form says so in the admin.
admin.site.login_form = RateLimitedAdminAuthenticationForm

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=RateLimitedAuthenticationForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/profile/token/", views.api_token_regenerate, name="api_token_regenerate"),
    path("me/writing/", views.my_writing, name="my_writing"),
    path("preview/", views.markdown_preview, name="markdown_preview"),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("tracker.search.urls")),
    path("status/workers/", workers.workers_page, name="workers"),
    path("api/v1/workers/", workers.workers_api, name="api-workers"),
    path("api/v1/", include("notebooks.api.urls")),
    path("api/v1/", include("study.api.urls")),
    path("api/", include("tracker.api.urls")),
    path("", include("study.urls")),
    path("", include("sessions.urls")),
    path("", include("readings.urls")),
    path("", include("notebooks.urls")),
]
