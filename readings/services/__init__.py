"""Writes for readings, statuses, highlights, glossary terms and notes. Each validates first
and runs in one transaction, so bad input names the field and stores nothing."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from readings.models import (
    Author,
    GlossaryTerm,
    Highlight,
    Note,
    Reading,
    ReadingAuthor,
    ReadingStatus,
    Tag,
)
from tracker.concurrency import apply_changes, check_version, locked, save_changed
from tracker.markdown import reading_link_marker, render_markdown
from tracker.markdown_refresh import refresh_rendered_markdown
from tracker.validation import only_fields, save_validated

READING_FIELDS = {
    "kind",
    "url",
    "year",
    "published_on",
    "source",
    "duration",
    "arxiv_id",
    "doi",
    "isbn",
    "summary",
}


# Page addresses such as /readings/new/ that a slug must not shadow.
RESERVED_SLUGS = {"new"}


def unique_slug(model, text: str, *, max_length: int = 100, exclude_pk=None) -> str:
    base = slugify(text)[:max_length].strip("-") or "item"
    slug, suffix = base, 2
    while slug in RESERVED_SLUGS or model.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


# Readings


@transaction.atomic
def reading_create(
    *,
    title: str,
    authors: Iterable[tuple[str, str]] = (),
    tags: Iterable[str] = (),
    added_by: User | None = None,
    slug: str = "",
    **fields: Any,
) -> Reading:
    """authors are (given name, family name) pairs, in order."""
    reading = Reading(
        title=title,
        slug=slug or unique_slug(Reading, title),
        added_by=added_by,
        **only_fields(fields, READING_FIELDS),
    )
    reading.summary_html = render_markdown(reading.summary)
    save_validated(reading)
    reading_set_authors(reading=reading, authors=authors)
    reading_set_tags(reading=reading, tags=tags)
    # [[reading:slug]] and [[Its title]] written before it existed link now.
    refresh_rendered_markdown(mentions=[_reading_wiki_link(reading), reading.title])
    return reading


@transaction.atomic
def reading_update(
    *,
    reading: Reading,
    authors: Iterable[tuple[str, str]] | None = None,
    tags: Iterable[str] | None = None,
    **fields: Any,
) -> Reading:
    reading = locked(reading)
    old_title = reading.title
    changed = apply_changes(reading, only_fields(fields, READING_FIELDS | {"title"}))
    if "summary" in fields:
        reading.summary_html = render_markdown(reading.summary)
        changed.append("summary_html")
    save_changed(reading, changed)
    if authors is not None:
        reading_set_authors(reading=reading, authors=authors)
    if tags is not None:
        reading_set_tags(reading=reading, tags=tags)
    if reading.title != old_title:
        # wiki-links to a reading show its title; [[Old title]] no longer names it.
        refresh_rendered_markdown(
            mentions=[_reading_wiki_link(reading), reading.title],
            html_markers=[reading_link_marker(reading.slug)],
        )
    return reading


def _reading_wiki_link(reading: Reading) -> str:
    return f"[[reading:{reading.slug}"


def reading_set_authors(*, reading: Reading, authors: Iterable[tuple[str, str]]) -> None:
    reading.authorships.all().delete()
    for position, (given_name, family_name) in enumerate(authors):
        if not family_name.strip():
            raise ValidationError({"authors": "Every author needs a family name."})
        author, _ = Author.objects.get_or_create(
            given_name=given_name.strip(), family_name=family_name.strip()
        )
        ReadingAuthor.objects.create(reading=reading, author=author, position=position)


def reading_set_tags(*, reading: Reading, tags: Iterable[str]) -> None:
    tag_objects = []
    for name in {" ".join(t.split()).lower() for t in tags if t.strip()}:
        tag, _ = Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})
        tag_objects.append(tag)
    reading.tags.set(tag_objects)


@transaction.atomic
def reading_status_set(*, user: User, reading: Reading, status: str) -> ReadingStatus:
    """Sets the user's status; finishing stamps the time, leaving 'read' clears it."""
    record = ReadingStatus.objects.select_for_update().filter(
        user=user, reading=reading
    ).first() or ReadingStatus(user=user, reading=reading)
    if status == ReadingStatus.Status.READ and record.status != status:
        record.finished_at = timezone.now()
    elif status != ReadingStatus.Status.READ:
        record.finished_at = None
    record.status = status
    return save_validated(record)


# Highlights and notes


@transaction.atomic
def highlight_save(
    *,
    author: User,
    reading: Reading,
    phrase: str,
    comment: str = "",
    visibility: str = "private",
    highlight: Highlight | None = None,
) -> Highlight:
    if highlight is not None:
        return highlight_update(
            highlight=highlight, phrase=phrase, comment=comment, visibility=visibility
        )
    highlight = Highlight(author=author, reading=reading, phrase=" ".join(phrase.split()))
    highlight.comment = comment
    highlight.comment_html = render_markdown(comment)
    highlight.visibility = visibility
    return save_validated(highlight)


@transaction.atomic
def highlight_update(*, highlight: Highlight, **fields: Any) -> Highlight:
    """Changes only the given fields of the highlight as saved now."""
    highlight = locked(highlight)
    fields = only_fields(fields, {"phrase", "comment", "visibility"})
    if "phrase" in fields:
        fields["phrase"] = " ".join(fields["phrase"].split())
    changed = apply_changes(highlight, fields)
    if "comment" in fields:
        highlight.comment_html = render_markdown(highlight.comment)
        changed.append("comment_html")
    return save_changed(highlight, changed)


@transaction.atomic
def note_save(
    *,
    author: User,
    body: str,
    visibility: str = "private",
    session=None,
    reading: Reading | None = None,
    term: GlossaryTerm | None = None,
    note: Note | None = None,
    version: int | None = None,
) -> Note:
    """Creates a note on exactly one target, or updates `note` (whose target stays; with
    `version`, only if that is still the saved version)."""
    if note is not None:
        return note_update(note=note, version=version, body=body, visibility=visibility)
    note = Note(author=author, session=session, reading=reading, term=term)
    note.body = body
    note.body_html = render_markdown(body, course_slug=_course_slug_of(note))
    note.visibility = visibility
    return save_validated(note)


@transaction.atomic
def note_update(*, note: Note, version: int | None = None, **fields: Any) -> Note:
    """Changes only the given fields of the note as saved now; with `version`, only if nobody
    saved since the editor loaded that version (EditConflict otherwise)."""
    note = locked(note)
    check_version(note, version)
    changed = apply_changes(note, only_fields(fields, {"body", "visibility"}))
    if "body" in fields:
        note.body_html = render_markdown(note.body, course_slug=_course_slug_of(note))
        changed.append("body_html")
    return save_changed(note, changed, bump_version=True)


def _course_slug_of(note: Note) -> str:
    """A session's note may link [[Session 3]] of the session's course."""
    return note.session.course.slug if note.session_id else ""


# Glossary


@transaction.atomic
def reading_delete(*, reading: Reading) -> None:
    """Removes a reading from the library, unless a session still lists it."""
    if reading.session_uses.exists():
        raise ValidationError(
            "A session still lists this reading; detach it from the session first."
        )
    slug = reading.slug
    reading.delete()
    refresh_rendered_markdown(html_markers=[reading_link_marker(slug)])


def reading_status_clear(*, user: User, reading: Reading) -> None:
    ReadingStatus.objects.filter(user=user, reading=reading).delete()


def highlight_delete(*, highlight: Highlight) -> None:
    highlight.delete()


def note_delete(*, note: Note) -> None:
    note.delete()


# The glossary's writes, in their own module for size; here so `services.term_update` stays
# the one name pages, API and admin call. Last: it imports the helpers above.
from readings.services.glossary import (  # noqa: E402 (last: it imports unique_slug from here)
    term_create,
    term_delete,
    term_revert,
    term_update,
)

__all__ = [  # what other modules use; listing the glossary's marks them as re-exported
    "highlight_delete",
    "highlight_save",
    "highlight_update",
    "note_delete",
    "note_save",
    "note_update",
    "reading_create",
    "reading_delete",
    "reading_set_authors",
    "reading_set_tags",
    "reading_status_clear",
    "reading_status_set",
    "reading_update",
    "term_create",
    "term_delete",
    "term_revert",
    "term_update",
    "unique_slug",
]
