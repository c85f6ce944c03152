"""Headers every answer carries besides the Content-Security-Policy (django-csp writes that one).

- `Permissions-Policy` turns off the browser features the site never uses, so injected markup or
  a framed page cannot ask for them.
- `Cache-Control: private, no-store` on every private answer: anything for a signed-in user
  (session or API token), any answer to a write, and views marked with `private_answer` (a
  secret in the URL, as the personal calendar feed has). Neither a shared cache nor the
  browser's disk then keeps a page that shows an API token or someone's private writing.
  Visitors' pages stay cacheable, and whitenoise answers static files before the request has a
  user, so they stay cacheable too.
- `Vary: Authorization` on the API: its answers depend on the token as much as on the cookie.
"""

from functools import wraps

from django.utils.cache import patch_vary_headers

PRIVATE_CACHE_CONTROL = "private, no-store"
API_PATH_PREFIX = "/api/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Features in the W3C registry (and Chromium's) that no page here needs; `()` allows them to no one,
# framed documents included.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


def mark_private(response):
    """Keep the answer out of every cache: shown once, to the one who asked."""
    response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response


def private_answer(view):
    """For a view whose answer is private though its request is not signed in: a feed or file
    reached through a secret token in its URL."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return mark_private(view(request, *args, **kwargs))

    return wrapped


def _is_signed_in(request) -> bool:
    # Set by AuthenticationMiddleware, and replaced by DRF with the token's user; absent when
    # whitenoise answered before either ran.
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        sends_credentials = "HTTP_AUTHORIZATION" in request.META
        if request.path_info.startswith(API_PATH_PREFIX) or sends_credentials:
            patch_vary_headers(response, ("Authorization",))
        # An answer to a write is private too: the token endpoint's answer carries a token.
        if sends_credentials or request.method not in SAFE_METHODS or _is_signed_in(request):
            mark_private(response)
        return response
