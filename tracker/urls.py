from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from tracker import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", include("tracker.api.urls")),
    path("", include("sessions.urls")),
    path("", include("readings.urls")),
]
