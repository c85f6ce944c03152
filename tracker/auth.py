"""Sign-in with a limit on failed attempts, counted per client address and per username."""

import hashlib

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache


class RateLimitedAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "too_many_attempts": (
            "Too many failed sign-ins. Wait %(minutes)d minutes, then try again."
        ),
    }

    def clean(self):
        keys = self._attempt_keys()
        if any(cache.get(key, 0) >= settings.LOGIN_ATTEMPTS_LIMIT for key in keys):
            raise forms.ValidationError(
                self.error_messages["too_many_attempts"],
                code="too_many_attempts",
                params={"minutes": max(1, settings.LOGIN_ATTEMPTS_WINDOW // 60)},
            )
        try:
            return super().clean()
        except forms.ValidationError:
            for key in keys:
                cache.add(key, 0, timeout=settings.LOGIN_ATTEMPTS_WINDOW)
                cache.incr(key)
            raise

    def _attempt_keys(self) -> list[str]:
        address = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        username = (self.data.get("username") or "").strip().lower()
        return [
            "login-fail:" + hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()
            for kind, value in (("address", address), ("username", username))
            if value
        ]
