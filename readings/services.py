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
    TermName,
    TermRevision,
    fold_name,
)
from tracker.concurrency import EditConflict, apply_changes, check_version, locked, save_changed
from tracker.markdown import reading_link_marker, render_markdown, term_link_marker
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
def term_create(
    *,
    name: str,
    definition: str,
    author: User | None,
    level: int = GlossaryTerm.Level.CONCEPT,
    aliases: Iterable[str] = (),
    related: Iterable[GlossaryTerm] = (),
    slug: str = "",
    summary: str = "Created",
) -> GlossaryTerm:
    term = GlossaryTerm(
        name=" ".join(name.split()),
        slug=slug or unique_slug(GlossaryTerm, name),
        level=level,
        definition=definition,
    )
    save_validated(term)
    _set_names(term, list(aliases))
    term.definition_html = render_markdown(definition, skip_term_slug=term.slug)
    term.save(update_fields=["definition_html"])
    term.related.set(related)
    _record_revision(term, author=author, summary=summary)
    _record_relinked(term, [], author=author)
    # Texts saved before the term existed mention it unlinked: link them now.
    refresh_rendered_markdown(mentions=_all_names(term))
    return term


@transaction.atomic
def term_update(
    *,
    term: GlossaryTerm,
    author: User | None,
    summary: str = "",
    name: str | None = None,
    definition: str | None = None,
    level: int | None = None,
    aliases: Iterable[str] | None = None,
    related: Iterable[GlossaryTerm] | None = None,
    version: int | None = None,
    base_revision: int | None = None,
) -> GlossaryTerm:
    """Applies the given changes and records them as a new revision (none if nothing changed).

    Only the given fields change, on the term as saved now. With `version` or `base_revision`
    (what the editor started from), a newer save in between raises EditConflict instead."""
    term = locked(term)
    check_version(term, version)
    if base_revision is not None and base_revision != _latest_revision_number(term):
        raise EditConflict(current=term)
    before = _snapshot(term)
    names_before = set(_all_names(term))
    changed = ["definition_html"]
    if name is not None:
        term.name = " ".join(name.split())
        changed.append("name")
    if definition is not None:
        term.definition = definition
        changed.append("definition")
    if level is not None:
        term.level = level
        changed.append("level")
    term.definition_html = render_markdown(term.definition, skip_term_slug=term.slug)
    save_changed(term, changed, bump_version=True)
    _set_names(term, list(aliases) if aliases is not None else _alias_names(term))
    if related is not None:
        term.related.set(related)
    if _snapshot(term) != before:
        _record_revision(term, author=author, summary=summary or "Edited")
    if related is not None:
        _record_relinked(term, before["related_slugs"], author=author)
    names_after = set(_all_names(term))
    if names_after != names_before:
        # Texts mentioning a new name gain a link; those linking here under an old one change.
        refresh_rendered_markdown(
            mentions=names_after - names_before, html_markers=[term_link_marker(term.slug)]
        )
    return term


@transaction.atomic
def term_revert(*, term: GlossaryTerm, revision_number: int, author: User | None) -> GlossaryTerm:
    """Brings back the term as it was at that revision, as a new revision."""
    old = term.revisions.filter(number=revision_number).first()
    if old is None:
        raise ValidationError({"revision": f"Revision {revision_number} does not exist."})
    related = GlossaryTerm.objects.filter(slug__in=old.related_slugs).exclude(pk=term.pk)
    return term_update(
        term=term,
        author=author,
        summary=f"Reverted to revision {revision_number}",
        name=old.name,
        definition=old.definition,
        level=old.level,
        aliases=old.aliases,
        related=related,
    )


def _set_names(term: GlossaryTerm, aliases: list[str]) -> None:
    """Stores the term's own name and its aliases; any clash, in any case, names the field."""
    wanted = [" ".join(a.split()) for a in aliases if a.strip()]
    folded_own = fold_name(term.name)
    seen = {folded_own}
    for alias in wanted:
        if fold_name(alias) in seen:
            raise ValidationError({"aliases": f"“{alias}” is given twice."})
        seen.add(fold_name(alias))
    clashes = TermName.objects.filter(folded__in=seen).exclude(term=term).select_related("term")
    for clash in clashes:
        field = "name" if clash.folded == folded_own else "aliases"
        raise ValidationError({field: f"“{clash.name}” is already a name of “{clash.term.name}”."})
    term.names.all().delete()
    TermName.objects.create(term=term, name=term.name, is_primary=True)
    for alias in wanted:
        TermName.objects.create(term=term, name=alias)


def _record_relinked(term: GlossaryTerm, slugs_before, *, author: User | None) -> None:
    """The link is mutual: each term gained or lost on the other side records a revision too,
    so its history explains every change it shows (none appears in an unrelated edit)."""
    after = set(term.related.values_list("slug", flat=True))
    for other in GlossaryTerm.objects.filter(slug__in=after ^ set(slugs_before)):
        verb = "Linked from" if other.slug in after else "Unlinked from"
        _record_revision(other, author=author, summary=f"{verb} “{term.name}”")


def _all_names(term: GlossaryTerm) -> list[str]:
    return list(term.names.values_list("name", flat=True))


def _alias_names(term: GlossaryTerm) -> list[str]:
    # A fresh query: a prefetched `names` would be stale after _set_names.
    return list(term.names.filter(is_primary=False).values_list("name", flat=True))


def _snapshot(term: GlossaryTerm) -> dict[str, Any]:
    return {
        "name": term.name,
        "level": term.level,
        "definition": term.definition,
        "aliases": sorted(_alias_names(term)),
        "related_slugs": sorted(term.related.values_list("slug", flat=True)),
    }


def _latest_revision_number(term: GlossaryTerm) -> int:
    return term.revisions.order_by("-number").values_list("number", flat=True).first() or 0


def _record_revision(term: GlossaryTerm, *, author: User | None, summary: str) -> TermRevision:
    last = _latest_revision_number(term)
    snapshot = _snapshot(term)
    return TermRevision.objects.create(
        term=term, number=last + 1, author=author, summary=summary[:200], **snapshot
    )


# Deletions


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


@transaction.atomic
def term_delete(*, term: GlossaryTerm) -> None:
    slug = term.slug
    term.delete()
    # Links to it become "missing" links that offer to add it again.
    refresh_rendered_markdown(html_markers=[term_link_marker(slug)])
