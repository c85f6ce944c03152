"""Keeps stored markdown HTML current when the glossary (or a reading's title) changes.

The pipeline links glossary terms when a text is saved, so adding or renaming a term makes
some stored HTML stale. Only the rows whose source mentions one of the names, or whose HTML
already links to the term, are rendered again, with one shared glossary and in batches.
"""

from collections.abc import Iterable

from django.apps import apps
from django.db.models import Q

from tracker.markdown import glossary_from_database, render_markdown, wanted_reading_slugs

# (app label, model, source field, HTML field). A new model with user markdown is added here.
RENDERED_FIELDS: list[tuple[str, str, str, str]] = [
    ("tracker_sessions", "Course", "description", "description_html"),
    ("tracker_sessions", "Session", "abstract", "abstract_html"),
    ("tracker_sessions", "Reflection", "body", "body_html"),
    ("readings", "Reading", "summary", "summary_html"),
    ("readings", "Highlight", "comment", "comment_html"),
    ("readings", "GlossaryTerm", "definition", "definition_html"),
    ("readings", "Note", "body", "body_html"),
]
BATCH_SIZE = 500


def refresh_rendered_markdown(
    *, mentions: Iterable[str] = (), html_markers: Iterable[str] = ()
) -> int:
    """Renders again every stored text whose source contains one of `mentions` (any case) or
    whose HTML contains one of `html_markers`; returns how many rows changed."""
    mentions = [m for m in {" ".join(m.split()) for m in mentions} if m]
    html_markers = [m for m in set(html_markers) if m]
    if not mentions and not html_markers:
        return 0
    glossary = glossary_from_database()
    changed_total = 0
    for app_label, model_name, source, target in RENDERED_FIELDS:
        model = apps.get_model(app_label, model_name)
        condition = Q()
        for mention in mentions:
            condition |= Q(**{f"{source}__icontains": mention})
        for marker in html_markers:
            condition |= Q(**{f"{target}__contains": marker})
        is_term = model_name == "GlossaryTerm"
        fields = ["pk", source, target, *(["slug"] if is_term else [])]
        rows = model.objects.filter(condition).only(*fields).order_by("pk")
        batch = []
        for row in rows.iterator(chunk_size=BATCH_SIZE):
            batch.append(row)
            if len(batch) == BATCH_SIZE:
                changed_total += _render_batch(model, batch, source, target, glossary, is_term)
                batch = []
        changed_total += _render_batch(model, batch, source, target, glossary, is_term)
    return changed_total


def _render_batch(model, rows, source, target, glossary, is_term) -> int:
    if not rows:
        return 0
    _load_reading_titles(glossary, rows, source)
    changed = []
    for row in rows:
        rendered = render_markdown(
            getattr(row, source),
            glossary=glossary,
            skip_term_slug=row.slug if is_term else "",
        )
        if rendered != getattr(row, target):
            setattr(row, target, rendered)
            changed.append(row)
    # bulk_update leaves updated_at alone: a refreshed link is not an edit by anyone.
    model.objects.bulk_update(changed, [target], batch_size=BATCH_SIZE)
    return len(changed)


def _load_reading_titles(glossary, rows, source) -> None:
    from readings.models import Reading

    wanted = set()
    for row in rows:
        wanted |= wanted_reading_slugs(getattr(row, source))
    missing = wanted - glossary.reading_titles.keys()
    if missing:
        glossary.reading_titles.update(
            Reading.objects.filter(slug__in=missing).values_list("slug", "title")
        )
