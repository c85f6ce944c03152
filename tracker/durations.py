"""Offsets into a recording, written the way people read them off a player: 12:34, 1:02:03."""

import re

from django.core.exceptions import ValidationError

_OFFSET = re.compile(r"^(?:(\d+):)?([0-5]?\d):([0-5]\d)$")


def parse_offset(text: str) -> int | None:
    """Seconds for '12:34' or '1:02:03'; None for an empty string; ValidationError otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    match = _OFFSET.match(text)
    if not match:
        raise ValidationError(
            "Write an offset as minutes:seconds or hours:minutes:seconds, such as 12:34.",
            code="invalid_offset",
        )
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def format_offset(seconds: int | None) -> str:
    if seconds is None:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
