"""The glossary's terms and readings, for the markdown pipeline's links (tracker/glossary.py)."""

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Lower

from readings.models import Reading, TermName
from tracker.glossary import Wanted


def terms_and_readings(wanted: Wanted) -> list[QuerySet]:
    """Every term name when asked for, and the readings named by slug or by title."""
    parts = []
    if wanted.terms:
        parts.append(TermName.objects.values_list(Value("term"), "term__slug", "folded", Value("")))
    if wanted.reading_slugs or wanted.reading_titles:
        titles = wanted.reading_titles
        # Lower() is only ASCII-aware on SQLite; the exact titles catch the rest there.
        readings = Reading.objects.alias(lowered=Lower("title")).filter(
            Q(slug__in=wanted.reading_slugs)
            | Q(lowered__in={t.lower() for t in titles})
            | Q(title__in=titles)
        )
        parts.append(readings.values_list(Value("reading"), "slug", "title", Value("")))
    return parts
