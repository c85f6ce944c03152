"""The glossary's writes: terms with their names and aliases, related terms, and a revision
for every change, so the history can be diffed and reverted."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from readings.models import GlossaryTerm, TermName, TermRevision, fold_name
from readings.services import unique_slug
from tracker.concurrency import EditConflict, check_version, locked, save_changed
from tracker.markdown import render_markdown, term_link_marker
from tracker.markdown_refresh import refresh_rendered_markdown
from tracker.validation import save_validated


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
def term_delete(*, term: GlossaryTerm) -> None:
    slug = term.slug
    term.delete()
    # Links to it become "missing" links that offer to add it again.
    refresh_rendered_markdown(html_markers=[term_link_marker(slug)])
