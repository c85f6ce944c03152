"""Writes for a person's own settings: their profile and their API token."""

from django.contrib.auth.models import User
from django.db import transaction
from rest_framework.authtoken.models import Token

from tracker.concurrency import apply_changes, locked, save_changed
from tracker.models import Profile, new_calendar_token
from tracker.validation import only_fields

PROFILE_FIELDS = {"display_name", "time_zone"}


def profile_for(user: User) -> Profile:
    """The user's profile, made with defaults the first time it is asked for."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def profile_update(*, user: User, **fields) -> Profile:
    # Only the given fields, on the row as saved now: a concurrent edit of the other survives.
    profile = locked(profile_for(user))
    changed = apply_changes(profile, only_fields(fields, PROFILE_FIELDS))
    if "display_name" in changed:
        profile.display_name = " ".join(profile.display_name.split())
    return save_changed(profile, changed)


def api_token_for(user: User) -> Token:
    """The user's API token, made on first use; scripts send it as `Authorization: Token …`."""
    token, _ = Token.objects.get_or_create(user=user)
    return token


@transaction.atomic
def api_token_regenerate(*, user: User) -> Token:
    """A new secret for the API; the old one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def api_token_revoke(*, user: User) -> None:
    Token.objects.filter(user=user).delete()


@transaction.atomic
def calendar_token_regenerate(*, user: User) -> Profile:
    """A new secret for the personal calendar feed; the old feed address stops working at once."""
    profile = profile_for(user)
    profile.calendar_token = new_calendar_token()
    profile.save(update_fields=["calendar_token"])
    return profile
