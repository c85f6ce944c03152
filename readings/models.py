from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from readings.fragments import text_fragment_link
from readings.identifiers import normalize_arxiv_id, normalize_doi, normalize_isbn
from tracker import bounds
from tracker.markdown import check_markdown_length
from tracker.visibility import Visibility


class Author(models.Model):
    """A person or an organization; given and family names are kept apart for bibliographies."""

    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=150, help_text="Or the organization's name.")

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(fields=["given_name", "family_name"], name="author_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Reading(models.Model):
    class Kind(models.TextChoices):
        PAPER = "paper", "Paper"
        BLOG_POST = "blog_post", "Blog post"
        VIDEO = "video", "Video"
        PODCAST_EPISODE = "podcast_episode", "Podcast episode"
        BOOK = "book", "Book"
        TALK = "talk", "Talk"
        OTHER = "other", "Other"

    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PAPER)
    title = models.CharField(max_length=300)
    url = models.URLField(max_length=500, blank=True)
    authors = models.ManyToManyField(Author, through="ReadingAuthor", related_name="readings")
    year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[
            MinValueValidator(bounds.EARLIEST_PUBLICATION_YEAR),
            MaxValueValidator(bounds.LATEST_PUBLICATION_YEAR),
        ],
    )
    published_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="Venue, publisher or show.")
    duration = models.DurationField(null=True, blank=True, help_text="For audio and video.")
    arxiv_id = models.CharField(max_length=40, blank=True, verbose_name="arXiv id")
    doi = models.CharField(max_length=200, blank=True, verbose_name="DOI")
    isbn = models.CharField(max_length=20, blank=True, verbose_name="ISBN")
    tags = models.ManyToManyField(Tag, blank=True, related_name="readings")
    summary = models.TextField(blank=True)
    summary_html = models.TextField(blank=True, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="readings_added",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["arxiv_id"], condition=~Q(arxiv_id=""), name="reading_arxiv_unique"
            ),
            models.UniqueConstraint(
                fields=["doi"], condition=~Q(doi=""), name="reading_doi_unique"
            ),
            models.UniqueConstraint(
                fields=["isbn"], condition=~Q(isbn=""), name="reading_isbn_unique"
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "paper",
                        "blog_post",
                        "video",
                        "podcast_episode",
                        "book",
                        "talk",
                        "other",
                    ]
                ),
                name="reading_kind_known",
            ),
        ]
        indexes = [models.Index(fields=["year"]), models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reading_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        check_markdown_length(self, "summary")
        errors = {}
        for field, normalize in (
            ("arxiv_id", normalize_arxiv_id),
            ("doi", normalize_doi),
            ("isbn", normalize_isbn),
        ):
            try:
                value = normalize(getattr(self, field))
            except ValidationError as error:
                errors[field] = error.messages
                continue
            setattr(self, field, value)
            taken = Reading.objects.filter(**{field: value}).exclude(pk=self.pk)
            if value and taken.exists():
                label = self._meta.get_field(field).verbose_name
                errors[field] = [f"Another reading already has this {label}."]
        if self.duration is not None and self.duration.total_seconds() <= 0:
            errors["duration"] = ["A duration must be positive."]
        # The bounds every entry shares (tracker/bounds.py), so the library lists all it keeps.
        if isinstance(self.duration, timedelta) and self.duration > bounds.MAX_DURATION:
            errors["duration"] = [f"A duration is at most {bounds.MAX_DURATION.days} days."]
        if isinstance(self.published_on, date):
            try:
                bounds.validate_publication_date(self.published_on)
            except ValidationError as error:
                errors["published_on"] = error.messages
        if errors:
            raise ValidationError(errors)


class ReadingAuthor(models.Model):
    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="authorships")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="authorships")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["reading", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["reading", "author"], name="reading_author_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.reading}"


class ReadingStatus(models.Model):
    class Status(models.TextChoices):
        TO_READ = "to_read", "To read"
        READING = "reading", "Reading"
        READ = "read", "Read"
        SKIPPED = "skipped", "Skipped"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_statuses"
    )
    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="statuses")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TO_READ)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "reading statuses"
        constraints = [
            models.UniqueConstraint(fields=["user", "reading"], name="reading_status_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["to_read", "reading", "read", "skipped"]),
                name="reading_status_known",
            ),
            models.CheckConstraint(
                condition=Q(status="read") | Q(finished_at__isnull=True),
                name="reading_status_finished_only_when_read",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.reading} ({self.status})"


class Highlight(models.Model):
    """A "search for this phrase" pointer into a long reading."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="highlights"
    )
    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="highlights")
    phrase = models.CharField(max_length=500)
    comment = models.TextField(blank=True)
    comment_html = models.TextField(blank=True, editable=False)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["reading", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility__in=["private", "public"]), name="highlight_visibility_known"
            ),
            models.CheckConstraint(condition=~Q(phrase=""), name="highlight_phrase_not_empty"),
        ]

    def __str__(self) -> str:
        return f"“{self.phrase}” in {self.reading}"

    def clean(self) -> None:
        check_markdown_length(self, "comment")
        if not self.phrase or not self.phrase.strip():
            raise ValidationError({"phrase": "Give the exact phrase to search for."})
        if self.visibility == Visibility.COURSE:
            raise ValidationError({"visibility": "A highlight is either private or public."})

    @property
    def deep_link(self) -> str:
        return text_fragment_link(self.reading.url, self.phrase) if self.reading.url else ""


class GlossaryTerm(models.Model):
    class Level(models.IntegerChoices):
        OVERVIEW = 1, "1 · the high-level idea"
        CONCEPT = 2, "2 · concept"
        DETAIL = 3, "3 · detail"

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=120)
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.CONCEPT)
    definition = models.TextField()
    definition_html = models.TextField(blank=True, editable=False)
    related = models.ManyToManyField("self", blank=True, symmetrical=True)
    # Bumped by every save; an editor's stale version is refused (readings/services.py).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="term_level_1_3"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("term_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        check_markdown_length(self, "definition")

    @property
    def aliases(self) -> list[str]:
        return [n.name for n in self.names.all() if not n.is_primary]


def fold_name(name: str) -> str:
    """The form in which two names of terms count as the same (case and spacing ignored)."""
    return " ".join(name.split()).casefold()


class TermName(models.Model):
    """Every name of a term, its own and its aliases, in one table so one index keeps all
    of them unique without regard to case."""

    term = models.ForeignKey(GlossaryTerm, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=120)
    folded = models.CharField(max_length=120, unique=True, editable=False)
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["term"], condition=Q(is_primary=True), name="term_one_primary_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.folded = fold_name(self.name)
        super().save(*args, **kwargs)


class TermRevision(models.Model):
    """A term as it was after one edit; reverting adds a revision, nothing is deleted."""

    term = models.ForeignKey(GlossaryTerm, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=120)
    level = models.PositiveSmallIntegerField()
    definition = models.TextField()
    aliases = models.JSONField(default=list)
    related_slugs = models.JSONField(default=list)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="term_revisions",
    )
    summary = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["term", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="term_revision_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} r{self.number}"


class Note(models.Model):
    """A member's note on exactly one session, reading or glossary term."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notes"
    )
    session = models.ForeignKey(
        "tracker_sessions.Session",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notes",
    )
    reading = models.ForeignKey(
        Reading, on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    term = models.ForeignKey(
        GlossaryTerm, on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    body = models.TextField()
    body_html = models.TextField(blank=True, editable=False)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    # Bumped by every save; an editor's stale version is refused (readings/services.py).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    TARGET_FIELDS = ("session", "reading", "term")

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(session__isnull=False, reading__isnull=True, term__isnull=True)
                    | Q(session__isnull=True, reading__isnull=False, term__isnull=True)
                    | Q(session__isnull=True, reading__isnull=True, term__isnull=False)
                ),
                name="note_exactly_one_target",
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=["private", "public"])
                | Q(visibility="course", session__isnull=False),
                name="note_course_visibility_needs_session",
            ),
        ]

    def __str__(self) -> str:
        return f"Note by {self.author} on {self.target}"

    @property
    def target(self):
        return self.session or self.reading or self.term

    def clean(self) -> None:
        check_markdown_length(self, "body")
        targets = [f for f in self.TARGET_FIELDS if getattr(self, f"{f}_id") is not None]
        if len(targets) != 1:
            raise ValidationError("A note belongs to exactly one session, reading or term.")
        if self.visibility == Visibility.COURSE and targets[0] != "session":
            raise ValidationError(
                {"visibility": "Only a note on a session can be shared with its course."}
            )
        if not self.body or not self.body.strip():
            raise ValidationError({"body": "A note needs some text."})
