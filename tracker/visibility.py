from django.db import models


class Visibility(models.TextChoices):
    """Who may see a piece of a member's writing, besides its author."""

    PRIVATE = "private", "Only me"
    COURSE = "course", "Members of the course"
    PUBLIC = "public", "Everyone"
