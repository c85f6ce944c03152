"""Serializers for readings, reading statuses, highlights, glossary terms and notes."""

from datetime import timedelta

from django.utils.text import slugify
from rest_framework import serializers

from readings.models import (
    GlossaryTerm,
    Highlight,
    Note,
    Reading,
    ReadingAuthor,
    ReadingStatus,
    TermRevision,
)
from sessions import selectors as session_selectors
from tracker.api.serializers import (
    MAX_INTEGER,
    IdReferenceField,
    SlugReferenceField,
    StrictInputSerializer,
    StrictModelInputSerializer,
    VersionField,
    viewer_of,
)
from tracker.markdown import MARKDOWN_MAX_CHARS
from tracker.visibility import Visibility

# Readings


class DurationSecondsField(serializers.IntegerField):
    """A duration as whole seconds."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 10_000_000)
        super().__init__(**kwargs)

    def run_validation(self, data=serializers.empty):
        seconds = super().run_validation(data)  # the range is checked on the number
        return None if seconds is None else timedelta(seconds=seconds)

    def to_representation(self, value):
        return round(value.total_seconds())


class AuthorNameSerializer(StrictInputSerializer):
    given_name = serializers.CharField(max_length=100, allow_blank=True, default="")
    family_name = serializers.CharField(max_length=150, help_text="Or the organization's name.")


class AuthorshipSerializer(serializers.ModelSerializer):
    given_name = serializers.CharField(source="author.given_name", read_only=True)
    family_name = serializers.CharField(source="author.family_name", read_only=True)

    class Meta:
        model = ReadingAuthor
        fields = ["given_name", "family_name"]


class ReadingSerializer(serializers.ModelSerializer):
    authors = AuthorshipSerializer(source="authorships", many=True, read_only=True)
    duration_seconds = DurationSecondsField(source="duration", allow_null=True, read_only=True)
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    added_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    my_status = serializers.ChoiceField(
        source="viewer_status",
        choices=ReadingStatus.Status.choices,
        allow_null=True,
        read_only=True,
        help_text="Your status for this reading; null when you have none.",
    )

    class Meta:
        model = Reading
        fields = [
            "slug",
            "kind",
            "title",
            "url",
            "authors",
            "year",
            "published_on",
            "source",
            "duration_seconds",
            "arxiv_id",
            "doi",
            "isbn",
            "tags",
            "summary",
            "summary_html",
            "added_by",
            "my_status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ReadingUpdateInputSerializer(StrictModelInputSerializer):
    """`authors` and `tags`, when given, replace the reading's lists."""

    duration_seconds = DurationSecondsField(source="duration", allow_null=True, required=False)
    authors = AuthorNameSerializer(many=True, required=False, max_length=100)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=50
    )

    class Meta:
        model = Reading
        fields = [
            "kind",
            "title",
            "url",
            "authors",
            "year",
            "published_on",
            "source",
            "duration_seconds",
            "arxiv_id",
            "doi",
            "isbn",
            "tags",
            "summary",
        ]
        # Identifiers are normalized and checked for uniqueness by the model's clean().
        validators = []
        extra_kwargs = {"summary": {"max_length": MARKDOWN_MAX_CHARS}}

    def validate_authors(self, authors: list[dict]) -> list[tuple[str, str]]:
        return [(author["given_name"], author["family_name"]) for author in authors]

    def validate_tags(self, tags: list[str]) -> list[str]:
        for tag in tags:
            if not slugify(tag):
                raise serializers.ValidationError(
                    f"“{tag}” needs a letter or digit (a to z, 0 to 9) to be a tag."
                )
        return tags


class ReadingCreateInputSerializer(ReadingUpdateInputSerializer):
    class Meta(ReadingUpdateInputSerializer.Meta):
        fields = ["slug", *ReadingUpdateInputSerializer.Meta.fields]
        extra_kwargs = {
            **ReadingUpdateInputSerializer.Meta.extra_kwargs,
            "slug": {"required": False, "help_text": "Made from the title when left out."},
        }


class ReadingStatusSerializer(serializers.ModelSerializer):
    reading = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    title = serializers.CharField(source="reading.title", read_only=True)

    class Meta:
        model = ReadingStatus
        fields = ["reading", "title", "status", "finished_at", "updated_at"]
        read_only_fields = fields


class ReadingStatusUpdateInputSerializer(StrictInputSerializer):
    status = serializers.ChoiceField(choices=ReadingStatus.Status.choices)


class ReadingStatusCreateInputSerializer(ReadingStatusUpdateInputSerializer):
    reading = SlugReferenceField(queryset=Reading.objects.all())


# Highlights


class HighlightSerializer(serializers.ModelSerializer):
    reading = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    reading_title = serializers.CharField(source="reading.title", read_only=True)
    author = serializers.CharField(source="author.username", read_only=True)
    deep_link = serializers.CharField(
        read_only=True, help_text="Opens the reading at the phrase, where browsers support it."
    )

    class Meta:
        model = Highlight
        fields = [
            "id",
            "reading",
            "reading_title",
            "author",
            "phrase",
            "comment",
            "comment_html",
            "visibility",
            "deep_link",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


HIGHLIGHT_VISIBILITIES = [(Visibility.PRIVATE, "Only me"), (Visibility.PUBLIC, "Everyone")]


class HighlightUpdateInputSerializer(StrictInputSerializer):
    phrase = serializers.CharField(max_length=500)
    comment = serializers.CharField(max_length=MARKDOWN_MAX_CHARS, allow_blank=True, default="")
    visibility = serializers.ChoiceField(choices=HIGHLIGHT_VISIBILITIES, default="private")


class HighlightCreateInputSerializer(HighlightUpdateInputSerializer):
    reading = SlugReferenceField(queryset=Reading.objects.all())


# Glossary


class TermSerializer(serializers.ModelSerializer):
    aliases = serializers.ListField(child=serializers.CharField(), read_only=True)
    related = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    current_revision = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = GlossaryTerm
        fields = [
            "slug",
            "name",
            "level",
            "definition",
            "definition_html",
            "aliases",
            "related",
            "current_revision",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class TermUpdateInputSerializer(StrictInputSerializer):
    """`aliases` and `related`, when given, replace the term's lists."""

    name = serializers.CharField(max_length=120)
    level = serializers.ChoiceField(choices=GlossaryTerm.Level.choices, default=2)
    definition = serializers.CharField(max_length=MARKDOWN_MAX_CHARS)
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=120), required=False, max_length=50
    )
    related = serializers.ListField(
        child=SlugReferenceField(queryset=GlossaryTerm.objects.all()),
        required=False,
        max_length=100,
        help_text="Slugs of related terms.",
    )
    summary = serializers.CharField(
        max_length=200, required=False, help_text="What changed, for the term's history."
    )
    version = VersionField()


class TermCreateInputSerializer(TermUpdateInputSerializer):
    slug = serializers.SlugField(
        max_length=120, required=False, help_text="Made from the name when left out."
    )
    version = None  # a new term has no version to start from

    def validate_slug(self, slug: str) -> str:
        if GlossaryTerm.objects.filter(slug=slug).exists():
            raise serializers.ValidationError("Another term has this slug.")
        return slug


class TermRevertInputSerializer(StrictInputSerializer):
    revision = serializers.IntegerField(min_value=1, max_value=MAX_INTEGER)


class TermRevisionSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    aliases = serializers.ListField(child=serializers.CharField(), read_only=True)
    related_slugs = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = TermRevision
        fields = [
            "number",
            "name",
            "level",
            "definition",
            "aliases",
            "related_slugs",
            "author",
            "summary",
            "created_at",
        ]
        read_only_fields = fields


# Notes


class NoteSerializer(serializers.ModelSerializer):
    reading = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    term = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    author = serializers.CharField(source="author.username", read_only=True)

    class Meta:
        model = Note
        fields = [
            "id",
            "session",
            "reading",
            "term",
            "author",
            "body",
            "body_html",
            "visibility",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class NoteUpdateInputSerializer(StrictInputSerializer):
    body = serializers.CharField(max_length=MARKDOWN_MAX_CHARS)
    visibility = serializers.ChoiceField(
        choices=Visibility.choices,
        default=Visibility.PRIVATE,
        help_text="`course` only for a note on a session.",
    )
    version = VersionField()


class NoteCreateInputSerializer(NoteUpdateInputSerializer):
    """A note belongs to exactly one of `session`, `reading` or `term`."""

    # Sessions the viewer may see, set in __init__; the model comes from Note's own foreign key.
    session = IdReferenceField(
        queryset=Note.session.field.related_model.objects.none(), required=False, allow_null=True
    )
    reading = SlugReferenceField(queryset=Reading.objects.all(), required=False, allow_null=True)
    term = SlugReferenceField(queryset=GlossaryTerm.objects.all(), required=False, allow_null=True)
    version = None  # a new note has no version to start from

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = session_selectors.sessions_visible_to(viewer_of(self))

    def validate(self, attrs: dict) -> dict:
        targets = [name for name in Note.TARGET_FIELDS if attrs.get(name) is not None]
        if len(targets) != 1:
            raise serializers.ValidationError(
                "Give exactly one of session, reading or term for the note."
            )
        return attrs
