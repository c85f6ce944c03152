"""One limit on failed sign-ins for every door: the site's form, the admin, the API's token
endpoint and any later one, because each goes through `django.contrib.auth.authenticate()`.

Policy:
- Failures are counted per account (the username, folded for case and surrounding spaces) and,
  separately, per client address (REMOTE_ADDR, or behind NUM_PROXIES proxies of ours the
  address they saw, as for the API's throttles), each in a fixed window of LOGIN_ATTEMPTS_WINDOW
  seconds that starts at the first failure.
- An account is locked after LOGIN_ATTEMPTS_LIMIT failures from anywhere. An address is locked
  only after LOGIN_ADDRESS_ATTEMPTS_LIMIT failures across all accounts (password spraying), a
  much higher number, so one person's typos on a shared network (a university NAT) do not lock
  out the other people there who sign in correctly.
- A locked account or address is refused even with the right password until its window passes.
  Refused attempts are not counted again, so someone locked out who keeps trying does not push
  the shared address over its limit.
- A successful sign-in clears the account's count (not the address's).
- Counts live in the default cache under keys hashed with the secret key, added with
  `cache.add` and raised with `cache.incr`, so they add up across processes when the cache is
  shared (CACHE_URL=redis://…); a per-process cache multiplies the limit by the number of
  processes (`check --deploy` warns).

`LoginLimitBackend`, first in AUTHENTICATION_BACKENDS, refuses a locked attempt by raising
PermissionDenied, which stops `authenticate()` before any password is checked and makes it send
`user_login_failed`; the receivers below count failures and clear counts on `user_logged_in`.
"""

import math
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext
from rest_framework.throttling import BaseThrottle

KEY_PREFIX = "login-limits"


class LoginLimitBackend:
    """Refuses every attempt on a locked account or from a locked address; otherwise leaves the
    decision to the backends after it. It has no `get_user`: it never signs anyone in."""

    def authenticate(self, request, **credentials):
        username = credentials.get(get_user_model().USERNAME_FIELD)
        if seconds_locked(username=username, request=request):
            raise PermissionDenied("Too many failed sign-ins.")
        return None


def seconds_locked(*, username: str | None, request) -> int:
    """Seconds until this username and this request's address may try again; 0 when free."""
    subjects = _subjects(username=username, request=request)
    if not subjects:
        return 0
    stored = cache.get_many([k for key, _ in subjects for k in (key, _until_key(key))])
    waits = [
        _seconds_left(stored.get(_until_key(key)))
        for key, limit in subjects
        if stored.get(key, 0) >= limit
    ]
    return max(waits, default=0)


def record_failure(*, username: str | None, request) -> None:
    """Counts one failed sign-in against the account and the address."""
    window = settings.LOGIN_ATTEMPTS_WINDOW
    for key, _ in _subjects(username=username, request=request):
        cache.add(_until_key(key), time.time() + window, timeout=window)
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: this failure opens a new window
            cache.add(key, 1, timeout=window)
            continue
        if count == 1:
            # Redis's INCR recreates a key that expired a moment before without any expiry;
            # setting it again on the window's first failure keeps every count temporary.
            cache.touch(key, window)


def clear_account(*, username: str) -> None:
    """Forgets the account's failures (after a successful sign-in); the address keeps its own."""
    key = _key("account", _fold(username))
    cache.delete_many([key, _until_key(key)])


def locked_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed sign-ins. Wait %(minutes)d minute, then try again.",
        "Too many failed sign-ins. Wait %(minutes)d minutes, then try again.",
        minutes,
    ) % {"minutes": minutes}


@receiver(user_login_failed, dispatch_uid="tracker.login_limits.count_failure")
def _count_failure(sender, credentials, request=None, **kwargs):
    username = credentials.get(get_user_model().USERNAME_FIELD)
    if not seconds_locked(username=username, request=request):
        record_failure(username=username, request=request)


@receiver(user_logged_in, dispatch_uid="tracker.login_limits.clear_on_sign_in")
def _clear_on_sign_in(sender, user, request=None, **kwargs):
    clear_account(username=user.get_username())


def _subjects(*, username: str | None, request) -> list[tuple[str, int]]:
    """(cache key, limit) for the account and the address that this attempt names."""
    subjects = []
    folded = _fold(username or "")
    if folded:
        subjects.append((_key("account", folded), settings.LOGIN_ATTEMPTS_LIMIT))
    address = client_address(request) if request is not None else ""
    if address:
        subjects.append((_key("address", address), settings.LOGIN_ADDRESS_ATTEMPTS_LIMIT))
    return subjects


def client_address(request) -> str:
    """The client's address as the API's throttles see it: REMOTE_ADDR, or with NUM_PROXIES
    set, the entry of X-Forwarded-For that the outermost of our proxies wrote."""
    return BaseThrottle().get_ident(request) or ""


def _fold(username: str) -> str:
    return str(username).strip().casefold()


def _key(kind: str, value: str) -> str:
    # Keyed with the secret, so a look at the cache tells no username or address.
    digest = salted_hmac(KEY_PREFIX, f"{kind}:{value}", algorithm="sha256").hexdigest()
    return f"{KEY_PREFIX}:{kind}:{digest}"


def _until_key(key: str) -> str:
    return f"{key}:until"


def _seconds_left(until: float | None) -> int:
    if until is None:  # the window's end was not stored (evicted): assume a whole window
        return settings.LOGIN_ATTEMPTS_WINDOW
    return max(1, math.ceil(until - time.time()))
