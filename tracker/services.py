"""Writes for a person's own settings: their profile and their API token."""

from django.contrib.auth.models import User
from django.db import transaction
from rest_framework.authtoken.models import Token

from tracker.models import Profile
from tracker.validation import save_validated


def profile_for(user: User) -> Profile:
    """The user's profile, made with defaults the first time it is asked for."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def profile_update(*, user: User, display_name: str, time_zone: str) -> Profile:
    profile = profile_for(user)
    profile.display_name = " ".join(display_name.split())
    profile.time_zone = time_zone
    return save_validated(profile)


def api_token_for(user: User) -> Token | None:
    return Token.objects.filter(user=user).first()


@transaction.atomic
def api_token_regenerate(*, user: User) -> Token:
    """A new secret for the API; the old one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)
