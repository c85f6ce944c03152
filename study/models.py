"""Spaced-repetition cards of a member's course glossaries, their FSRS state and the review log.

A card is one member's memory of one source: in one course, a glossary term (term -> definition)
or one of its aliases (alias -> term); or, when they choose, one of their own highlights
(phrase -> reading and comment), which belongs to no course. Its schedule is FSRS's
(study/scheduling.py); every change to it is a row of the review log, which is only ever
appended to (an undone review is marked, never deleted), so a schedule can be recomputed from
the log.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class StudySettings(models.Model):
    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_settings"
    )
    new_per_day = models.PositiveSmallIntegerField(
        default=10,
        validators=[MaxValueValidator(200)],
        help_text="How many new cards to introduce a day.",
    )
    study_highlights = models.BooleanField(
        default=False,
        verbose_name="Study my highlights too",
        help_text="Your own highlights become cards: the phrase, then its reading and comment.",
    )
    desired_retention = models.FloatField(
        default=0.9,
        validators=[MinValueValidator(0.7), MaxValueValidator(0.99)],
        help_text="The share of cards you want to still remember when they come due.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(new_per_day__lte=200), name="study_new_per_day_at_most_200"
            ),
            models.CheckConstraint(
                condition=Q(desired_retention__gte=0.7, desired_retention__lte=0.99),
                name="study_retention_between_70_and_99",
            ),
        ]

    def __str__(self) -> str:
        return f"study settings of {self.member_id}"


class State(models.IntegerChoices):
    """FSRS's states (fsrs.State: 1-3), and 0 for a card never reviewed (or reset)."""

    NEW = 0, "new"
    LEARNING = 1, "learning"
    REVIEW = 2, "review"
    RELEARNING = 3, "relearning"


class Rating(models.IntegerChoices):
    """fsrs.Rating's values."""

    AGAIN = 1, "Again"
    HARD = 2, "Hard"
    GOOD = 3, "Good"
    EASY = 4, "Easy"


class Card(models.Model):
    class Kind(models.TextChoices):
        TERM = "term", "Term → definition"
        ALIAS = "alias", "Alias → term"
        HIGHLIGHT = "highlight", "Highlight → reading"

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_cards"
    )
    course = models.ForeignKey(
        "tracker_sessions.Course", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=9, choices=Kind.choices)
    term = models.ForeignKey(
        "readings.GlossaryTerm", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    alias = models.ForeignKey(
        "readings.TermName", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    highlight = models.ForeignKey(
        "readings.Highlight", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # FSRS's card (fsrs.Card), field by field.
    state = models.PositiveSmallIntegerField(choices=State.choices, default=State.NEW)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    suspended = models.BooleanField(default=False)
    buried_until = models.DateTimeField(null=True, blank=True)
    # The term's revision the member saw at their last review: a newer one flags the card.
    seen_revision = models.PositiveIntegerField(default=0)
    # Bumped by every change of schedule; a grade for a version no longer current is refused.
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "course", "term"],
                condition=Q(kind="term"),
                name="study_one_term_card_per_member_course",
            ),
            models.UniqueConstraint(
                fields=["member", "course", "alias"],
                condition=Q(kind="alias"),
                name="study_one_alias_card_per_member_course",
            ),
            models.UniqueConstraint(
                fields=["member", "highlight"],
                condition=Q(kind="highlight"),
                name="study_one_highlight_card_per_member",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="term",
                        course__isnull=False,
                        term__isnull=False,
                        alias__isnull=True,
                        highlight__isnull=True,
                    )
                    | Q(
                        kind="alias",
                        course__isnull=False,
                        term__isnull=False,
                        alias__isnull=False,
                        highlight__isnull=True,
                    )
                    | Q(
                        kind="highlight",
                        course__isnull=True,
                        term__isnull=True,
                        alias__isnull=True,
                        highlight__isnull=False,
                    )
                ),
                name="study_card_has_exactly_its_source",
            ),
            models.CheckConstraint(condition=Q(state__lte=3), name="study_card_state_0_3"),
        ]
        indexes = [
            # "The next due card": a member's unsuspended cards by due date.
            models.Index(
                fields=["member", "due", "id"],
                condition=Q(suspended=False),
                name="study_card_member_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} of {self.member_id}"

    @property
    def front(self) -> str:
        """What the card asks (it reads its source: load it with select_related)."""
        if self.kind == self.Kind.HIGHLIGHT:
            return self.highlight.phrase
        return self.alias.name if self.kind == self.Kind.ALIAS else self.term.name

    @property
    def key(self) -> str:
        if self.kind == self.Kind.HIGHLIGHT:
            return highlight_key(self.highlight_id)
        return card_key(course_id=self.course_id, term_id=self.term_id, alias_id=self.alias_id)


def card_key(*, course_id: int, term_id: int, alias_id: int | None) -> str:
    """A card's name in forms and the API, the same before and after its row exists."""
    return f"c{course_id}-t{term_id}" + (f"-a{alias_id}" if alias_id else "")


def highlight_key(highlight_id: int) -> str:
    return f"h{highlight_id}"


class ReviewLog(models.Model):
    """One change of a card's schedule: a grade or a reset, with the state before and after
    (fsrs.Card.to_dict()'s fields). Only `undone_at` is ever set after the row is written."""

    class Kind(models.TextChoices):
        REVIEW = "review", "Review"
        RESET = "reset", "Reset"

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="log")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_reviews"
    )
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.REVIEW)
    rating = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    reviewed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    state_before = models.JSONField()
    state_after = models.JSONField()
    # The card's version this change produced: undo restores only over it.
    card_version = models.PositiveIntegerField()
    term_revision = models.PositiveIntegerField(default=0)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="review", rating__gte=1, rating__lte=4)
                    | Q(kind="reset", rating__isnull=True)
                ),
                name="study_review_has_a_rating_reset_none",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "reviewed_at"], name="study_log_member_time"),
            models.Index(fields=["card", "reviewed_at"], name="study_log_card_time"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.rating or ''} of card {self.card_id}"

    def save(self, *args, **kwargs) -> None:
        """Appended once; afterwards only `undone_at` may be set (an undo), never rewritten."""
        if self.pk is not None and set(kwargs.get("update_fields") or ()) != {"undone_at"}:
            raise ValueError("The review log is append-only: only undone_at may change.")
        super().save(*args, **kwargs)
