"""Calendars: feeds of sessions (export), reading .ics files from other tools (reading), and the
import's plan that the preview shows and the import carries out (plan)."""

from sessions.calendars.export import calendar_for, session_uid
from sessions.calendars.plan import ImportPlan, apply_import, plan_calendar, plan_import
from sessions.calendars.reading import ImportedEvent, parse_calendar

__all__ = [
    "ImportPlan",
    "ImportedEvent",
    "apply_import",
    "calendar_for",
    "parse_calendar",
    "plan_calendar",
    "plan_import",
    "session_uid",
]
