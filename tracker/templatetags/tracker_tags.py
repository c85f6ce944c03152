from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from tracker.timezones import to_zone
from tracker.visibility import Visibility, may_edit

register = template.Library()


@register.filter
def display_name(user) -> str:
    """A person's chosen name, else their username. Load `<user>__profile` with
    select_related so a list costs no query per row."""
    if user is None:
        return "someone"
    try:
        chosen = user.profile.display_name
    except ObjectDoesNotExist:
        chosen = ""
    return chosen or user.get_username()


@register.filter
def editable_by(writing, user) -> bool:
    """`{% if note|editable_by:user %}`: the Edit link shows where the edit page lets one in."""
    return may_edit(user, writing)


@register.filter
def percent(part, whole) -> int:
    return round(100 * part / whole) if whole else 0


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters changed (None or "" drops one)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    if "page" not in changes:
        query.pop("page", None)  # a changed filter starts again at the first page
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def recording_at(url: str, seconds) -> str:
    """A recording link that starts playing at an offset: YouTube's `t=` parameter, or the
    standard media fragment `#t=` that browsers honour for plain video files."""
    if not url or seconds in (None, ""):
        return url or ""
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    if host in {"youtube.com", "youtu.be"}:
        query = [(k, v) for k, v in parse_qsl(parts.query) if k != "t"] + [("t", f"{seconds}s")]
        return urlunsplit(parts._replace(query=urlencode(query)))
    return urlunsplit(parts._replace(fragment=f"t={seconds}"))


@register.filter
def visibility_label(value: str) -> str:
    return dict(Visibility.choices).get(value, value)


_SECTIONS = {
    "dashboard": "dashboard",
    "course": "courses",
    "session": "courses",
    "reflection": "courses",
    "reading": "readings",
    "highlight": "readings",
    "term": "glossary",
    "my_writing": "writing",
    "note": "writing",
    "profile": "profile",
    "api_token": "profile",
    "study": "study",
}


@register.simple_tag(takes_context=True)
def current_if(context, section: str) -> str:
    """aria-current="page" on the navigation link of the section the page belongs to."""
    match = getattr(context.get("request"), "resolver_match", None)
    name = (match.url_name or "") if match else ""
    for prefix, owner in _SECTIONS.items():
        if name.startswith(prefix):
            return mark_safe('aria-current="page"') if owner == section else ""
    return ""


@register.simple_tag(takes_context=True)
def session_when(
    context, session, course_zone: str, date_format: str = "l j F Y, H:i", name_zone: bool = True
):
    """When a session meets, in the viewer's zone (a visitor's: the course's), and, when the
    viewer's zone is another, the wall time where the course meets beside it. A list whose
    heading names the zone passes name_zone=False."""
    request = context.get("request")
    signed_in = request is not None and request.user.is_authenticated
    viewer_zone = timezone.get_current_timezone_name() if signed_in else course_zone
    shown = _span(session, viewer_zone, date_format)
    html = format_html('<time datetime="{}">{}</time>', session.starts_at.isoformat(), shown)
    if name_zone:
        html += format_html(' <span class="muted">({})</span>', viewer_zone)
    if _wall(session.starts_at, viewer_zone) != _wall(session.starts_at, course_zone):
        html += format_html(
            ' <span class="muted course-time">· {} where the course meets ({})</span>',
            _span(session, course_zone, "D j M, H:i"),
            course_zone,
        )
    return html


def _wall(moment, zone: str):
    return to_zone(moment, zone).replace(tzinfo=None)


def _span(session, zone: str, date_format: str) -> str:
    start, end = to_zone(session.starts_at, zone), to_zone(session.ends_at, zone)
    end_format = "H:i" if start.date() == end.date() else date_format
    return f"{dateformat.format(start, date_format)}\u2013{dateformat.format(end, end_format)}"
