"""Throttles whose rates are read when a request comes, not when the module is imported, so a
changed REST_FRAMEWORK setting (a test's, a deployment's) takes effect."""

from rest_framework import throttling
from rest_framework.settings import api_settings


class _LiveRateMixin:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousRateThrottle(_LiveRateMixin, throttling.AnonRateThrottle):
    pass


class SignedInRateThrottle(_LiveRateMixin, throttling.UserRateThrottle):
    pass


class TokenRequestRateThrottle(_LiveRateMixin, throttling.AnonRateThrottle):
    """Password guesses at the token endpoint, counted per address whoever is signed in."""

    scope = "token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
