"""Readings, my reading statuses, highlights, glossary terms with revisions, and notes."""

from django.utils.functional import cached_property
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from readings import selectors, services
from readings.api import filters, serializers
from readings.api.permissions import ReadingPermission, TermPermission
from readings.models import GlossaryTerm, TermRevision
from tracker.api.filters import DocumentedOrderingFilter, FieldSearchFilter
from tracker.api.permissions import IsAuthorOrReadOnly
from tracker.api.viewsets import ResourceViewSet

SLUG_PATTERN = r"[-a-zA-Z0-9_]+"
ID_PATTERN = r"[0-9]{1,10}"
TERM_SLUG_PARAMETER = OpenApiParameter(
    "term_slug", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=SLUG_PATTERN
)


class ReadingViewSet(ResourceViewSet):
    """The shared library, visible to everyone; signed-in users add and edit readings, and
    whoever added one (or staff) may delete it while no session lists it. `search` looks in
    titles, sources and authors' family names."""

    serializer_class = serializers.ReadingSerializer
    input_serializer_classes = {
        "create": serializers.ReadingCreateInputSerializer,
        "update": serializers.ReadingUpdateInputSerializer,
        "partial_update": serializers.ReadingUpdateInputSerializer,
    }
    permission_classes = [IsAuthenticatedOrReadOnly, ReadingPermission]
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    filter_backends = [DjangoFilterBackend, FieldSearchFilter, DocumentedOrderingFilter]
    filterset_class = filters.ReadingFilter
    search_fields = ["title", "source", "authors__family_name"]
    ordering_fields = ["created_at", "year", "title"]
    ordering = ["-created_at", "id"]

    def get_queryset(self):
        return selectors.readings_with_viewer_status(self.request.user)

    def perform_create(self, data):
        return services.reading_create(added_by=self.request.user, **data)

    def perform_update(self, reading, data):
        return services.reading_update(reading=reading, **data)

    def perform_destroy(self, reading):
        services.reading_delete(reading=reading)


class ReadingStatusViewSet(ResourceViewSet):
    """Your own reading statuses, by the reading's slug; nobody else's are ever shown.
    POST sets a status (201 when new, 200 when it changes one you had)."""

    serializer_class = serializers.ReadingStatusSerializer
    input_serializer_classes = {
        "create": serializers.ReadingStatusCreateInputSerializer,
        "update": serializers.ReadingStatusUpdateInputSerializer,
        "partial_update": serializers.ReadingStatusUpdateInputSerializer,
    }
    permission_classes = [IsAuthenticated]
    lookup_field = "reading__slug"
    lookup_url_kwarg = "reading"
    lookup_value_regex = SLUG_PATTERN
    filterset_class = filters.ReadingStatusFilter
    ordering_fields = ["updated_at"]
    ordering = ["-updated_at", "id"]

    def get_queryset(self):
        return selectors.reading_statuses_of(self.request.user)

    @extend_schema(
        responses={
            201: serializers.ReadingStatusSerializer,
            200: serializers.ReadingStatusSerializer,
        }
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reading = serializer.validated_data["reading"]
        existed = self.get_queryset().filter(reading=reading).exists()
        record = services.reading_status_set(
            user=request.user, reading=reading, status=serializer.validated_data["status"]
        )
        return Response(
            self.represent(record),
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )

    def perform_update(self, record, data):
        if "status" not in data:  # nothing to change; never write back the status loaded here
            return record
        return services.reading_status_set(
            user=self.request.user, reading=record.reading, status=data["status"]
        )

    def perform_destroy(self, record):
        services.reading_status_clear(user=self.request.user, reading=record.reading)


class HighlightViewSet(ResourceViewSet):
    """Highlights you may see: yours and public ones. Only the author changes one."""

    serializer_class = serializers.HighlightSerializer
    input_serializer_classes = {
        "create": serializers.HighlightCreateInputSerializer,
        "update": serializers.HighlightUpdateInputSerializer,
        "partial_update": serializers.HighlightUpdateInputSerializer,
    }
    permission_classes = [IsAuthenticatedOrReadOnly, IsAuthorOrReadOnly]
    lookup_value_regex = ID_PATTERN
    filterset_class = filters.HighlightFilter
    ordering_fields = ["created_at", "updated_at"]
    ordering = ["-created_at", "id"]

    def get_queryset(self):
        return selectors.highlights_with_details(self.request.user)

    def perform_create(self, data):
        return services.highlight_save(author=self.request.user, **data)

    def perform_update(self, highlight, data):
        return services.highlight_update(highlight=highlight, **data)

    def perform_destroy(self, highlight):
        services.highlight_delete(highlight=highlight)


class TermViewSet(ResourceViewSet):
    """The glossary, by slug, visible to everyone. Signed-in users add and edit terms; every
    change is a revision, and `revert` brings back an old one as a new revision."""

    serializer_class = serializers.TermSerializer
    input_serializer_classes = {
        "create": serializers.TermCreateInputSerializer,
        "update": serializers.TermUpdateInputSerializer,
        "partial_update": serializers.TermUpdateInputSerializer,
        "revert": serializers.TermRevertInputSerializer,
    }
    permission_classes = [IsAuthenticatedOrReadOnly, TermPermission]
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    filter_backends = [DjangoFilterBackend, FieldSearchFilter, DocumentedOrderingFilter]
    filterset_class = filters.TermFilter
    search_fields = ["names__name", "definition"]
    ordering_fields = ["level", "name", "updated_at"]
    ordering = ["level", "name"]
    versioned = True

    def get_queryset(self):
        return selectors.terms_with_details()

    def perform_create(self, data):
        return services.term_create(author=self.request.user, **data)

    def perform_update(self, term, data):
        return services.term_update(term=term, author=self.request.user, **data)

    def perform_destroy(self, term):
        services.term_delete(term=term)

    @extend_schema(responses=serializers.TermSerializer)
    @action(detail=True, methods=["post"])
    def revert(self, request, *args, **kwargs):
        """Brings back the term as it was at `revision`, recorded as a new revision."""
        term = self.get_object()
        serializer = self.get_input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        term = services.term_revert(
            term=term, revision_number=serializer.validated_data["revision"], author=request.user
        )
        return self.with_etag(Response(self.represent(term)))


@extend_schema_view(
    list=extend_schema(parameters=[TERM_SLUG_PARAMETER]),
    retrieve=extend_schema(
        parameters=[
            TERM_SLUG_PARAMETER,
            OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH),
        ]
    ),
)
class TermRevisionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A term's history, newest first; a term's revisions are as public as the term."""

    serializer_class = serializers.TermRevisionSerializer
    lookup_field = "number"
    lookup_value_regex = ID_PATTERN
    filter_backends = []

    @cached_property
    def term(self):
        return get_object_or_404(GlossaryTerm.objects.only("id"), slug=self.kwargs["term_slug"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TermRevision.objects.none()
        return selectors.term_revisions(term=self.term)


class NoteViewSet(ResourceViewSet):
    """Notes you may see: yours, public ones (on a session only if you may see it), and those
    shared with a course you belong to. Only the author changes one; its target stays."""

    serializer_class = serializers.NoteSerializer
    input_serializer_classes = {
        "create": serializers.NoteCreateInputSerializer,
        "update": serializers.NoteUpdateInputSerializer,
        "partial_update": serializers.NoteUpdateInputSerializer,
    }
    permission_classes = [IsAuthenticatedOrReadOnly, IsAuthorOrReadOnly]
    lookup_value_regex = ID_PATTERN
    filterset_class = filters.NoteFilter
    ordering_fields = ["created_at", "updated_at"]
    ordering = ["-created_at", "id"]
    versioned = True

    def get_queryset(self):
        return selectors.notes_with_details(self.request.user)

    def perform_create(self, data):
        return services.note_save(author=self.request.user, **data)

    def perform_update(self, note, data):
        # Only the fields the client sent, applied to the note as saved now.
        return services.note_update(note=note, **data)

    def perform_destroy(self, note):
        services.note_delete(note=note)
