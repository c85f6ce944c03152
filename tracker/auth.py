"""Sign-in forms that say when the login limit (tracker/login_limits.py) refused an attempt.

The limit itself is enforced inside `authenticate()`, for every door; these forms only replace
"wrong username or password" with how long to wait when the account or address is locked.
"""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from tracker import login_limits


class LoginLimitMessageMixin:
    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            seconds = login_limits.seconds_locked(
                username=self.cleaned_data.get("username"), request=self.request
            )
            if seconds:
                raise forms.ValidationError(
                    login_limits.locked_message(seconds), code="too_many_attempts"
                ) from None
            raise


class RateLimitedAuthenticationForm(LoginLimitMessageMixin, AuthenticationForm):
    """The site's sign-in form."""


class RateLimitedAdminAuthenticationForm(LoginLimitMessageMixin, AdminAuthenticationForm):
    """The admin's sign-in form (staff only, as Django's)."""
