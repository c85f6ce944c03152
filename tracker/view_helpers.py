"""Small pieces every page view shares: sign-in checks that suit htmx, safe redirects, moved
addresses."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import RedirectView


def signed_in_required(view):
    """Like login_required, but an htmx request gets a 403 fragment asking to sign in again
    (swapped in place) rather than a redirect whose login page would land inside the page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if getattr(request, "htmx", False):
            html = render_to_string("_signed_out.html", {"next": request.htmx.current_url or ""})
            return HttpResponse(html, status=403)
        return redirect_to_login(request.get_full_path())

    return wrapper


def redirect_back(request, default: str):
    """Back to the page named in `next` when it is on this site, else to `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def moved_permanently(pattern_name: str):
    """A view for an address that moved to `pattern_name` (same URL arguments): a 301 that
    keeps the query string, so old bookmarks and calendar or feed subscriptions keep working."""
    return RedirectView.as_view(pattern_name=pattern_name, permanent=True, query_string=True)
