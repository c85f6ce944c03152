"""Who may see a member's writing (reflections, notes, highlights) and who may change it.

The selectors decide what a person sees; `may_edit` decides what they change. Pages and the
API both ask `may_edit`, so "only the author edits" is written here and nowhere else.
"""

from django.db import models


class Visibility(models.TextChoices):
    """Who may see a piece of a member's writing, besides its author."""

    PRIVATE = "private", "Only me"
    COURSE = "course", "Members of the course"
    PUBLIC = "public", "Everyone"


def may_edit(user, writing) -> bool:
    """Whether `user` may change or delete `writing` (anything with an `author`): only its
    author may, whoever else can see it (organizers and staff included)."""
    return bool(user and user.is_authenticated and writing.author_id == user.pk)
