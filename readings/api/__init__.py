"""The API of readings, reading statuses, highlights, the glossary and notes."""

from readings.api.viewsets import (
    HighlightViewSet,
    NoteViewSet,
    ReadingStatusViewSet,
    ReadingViewSet,
    TermRevisionViewSet,
    TermViewSet,
)


def register(router) -> None:
    router.register(r"readings", ReadingViewSet, basename="reading")
    router.register(r"reading-statuses", ReadingStatusViewSet, basename="reading-status")
    router.register(r"highlights", HighlightViewSet, basename="highlight")
    router.register(r"terms", TermViewSet, basename="term")
    router.register(
        r"terms/(?P<term_slug>[-a-zA-Z0-9_]+)/revisions",
        TermRevisionViewSet,
        basename="term-revision",
    )
    router.register(r"notes", NoteViewSet, basename="note")
