"""Shows times in the signed-in person's own zone, on every page."""

import zoneinfo

from django.utils import timezone

from tracker.models import Profile

SESSION_KEY = "tracker_time_zone"


def remember_time_zone(request, zone_name: str) -> None:
    """Kept in the session so that a page costs no query for it; profile edits refresh it."""
    request.session[SESSION_KEY] = zone_name


class ProfileTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            zone_name = request.session.get(SESSION_KEY)
            if zone_name is None:
                zone_name = (
                    Profile.objects.filter(user=user).values_list("time_zone", flat=True).first()
                    or "UTC"
                )
                remember_time_zone(request, zone_name)
            try:
                timezone.activate(zoneinfo.ZoneInfo(zone_name))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)
