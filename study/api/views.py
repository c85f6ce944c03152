"""Study in the API, under /api/v1/study/ (routes in study/api/urls.py): the next card, grading
it, undoing the last grade, and counts per course. The member's own cards only; the same
selectors and services as the review page. A grade for a card version no longer current (a
double submit, another device) answers 409 and changes nothing."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from study import scheduling, selectors, services
from study.forms import KEY_PATTERN
from study.models import Card, Rating
from tracker.api.parsers import JSONParser
from tracker.api.schema import ERROR_DETAIL
from tracker.api.serializers import StrictInputSerializer


class ReviewInputSerializer(StrictInputSerializer):
    card = serializers.RegexField(
        KEY_PATTERN, max_length=64, help_text="The card's `key`, as `next` gives it."
    )
    rating = serializers.ChoiceField(
        choices=Rating.choices, help_text="1 Again, 2 Hard, 3 Good, 4 Easy."
    )
    version = serializers.IntegerField(
        min_value=0, max_value=2**31 - 1, help_text="The card's `version`, as `next` gave it."
    )
    duration_ms = serializers.IntegerField(
        min_value=0, max_value=2**31 - 1, required=False, help_text="How long the answer took."
    )


class IntervalSerializer(serializers.Serializer):
    rating = serializers.IntegerField()
    label = serializers.CharField()
    seconds = serializers.IntegerField(help_text="Until the card comes back after this grade.")


class CardOutputSerializer(serializers.Serializer):
    key = serializers.CharField()
    course = serializers.CharField(source="course.slug", allow_null=True)
    kind = serializers.ChoiceField(choices=Card.Kind.choices)
    front = serializers.CharField()
    term = serializers.CharField(source="term.name", allow_null=True)
    definition_html = serializers.CharField(source="term.definition_html", allow_null=True)
    term_url = serializers.CharField(source="term.get_absolute_url", allow_null=True)
    reading = serializers.CharField(
        source="highlight.reading.title", allow_null=True, help_text="A highlight's reading."
    )
    comment_html = serializers.CharField(source="highlight.comment_html", allow_null=True)
    state = serializers.CharField(help_text="new, learning, review or relearning.")
    due = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()
    revised = serializers.BooleanField(
        help_text="The term's definition was revised since your last review of this card."
    )
    intervals = IntervalSerializer(many=True)


class NextCardOutputSerializer(serializers.Serializer):
    card = CardOutputSerializer(allow_null=True)


class ReviewOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    card = serializers.CharField(source="card.key")
    rating = serializers.IntegerField()
    reviewed_at = serializers.DateTimeField()
    undone_at = serializers.DateTimeField(allow_null=True)
    state = serializers.CharField(source="card.get_state_display")
    due = serializers.DateTimeField(source="card.due")
    version = serializers.IntegerField(source="card.version")


class CourseStatsSerializer(serializers.Serializer):
    course = serializers.CharField()
    title = serializers.CharField()
    due = serializers.IntegerField()
    new = serializers.IntegerField()
    learned = serializers.IntegerField()


def _card_output(item, *, member, now) -> dict:
    selectors.with_revision(item)
    settings = selectors.settings_of(member=member)
    shown = item.card or Card(member=member, due=now)
    intervals = scheduling.next_intervals(
        shown, now=now, desired_retention=settings.desired_retention
    )
    return {
        "key": item.key,
        "course": item.course,
        "kind": item.kind,
        "front": item.front,
        "term": item.term,
        "highlight": item.highlight,
        "state": shown.get_state_display(),
        "due": item.card.due if item.card else None,
        "version": item.version,
        "revised": bool(item.revised),
        "intervals": [
            {
                "rating": rating,
                "label": label,
                "seconds": int(intervals[rating].total_seconds()),
            }
            for rating, label in Rating.choices
        ],
    }


class StudyViewSet(viewsets.ViewSet):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]
    conflict_actions = ("review", "undo")
    input_serializer_classes = {"review": ReviewInputSerializer}

    @extend_schema(
        parameters=[OpenApiParameter("course", str, description="Only this course (its slug).")],
        responses={
            200: NextCardOutputSerializer,
            404: OpenApiResponse(ERROR_DETAIL, description="No such course among yours."),
        },
    )
    @action(detail=False, methods=["get"])
    def next(self, request):
        """The card to review now (the most overdue, else the next new one), or `null`."""
        course = None
        slug = request.query_params.get("course")
        if slug is not None:
            course = selectors.member_course(member=request.user, slug=slug)
            if course is None:
                raise NotFound("No such course among yours.")
        now = timezone.now()
        item = selectors.next_item(member=request.user, now=now, course=course)
        card = _card_output(item, member=request.user, now=now) if item else None
        return Response(NextCardOutputSerializer({"card": card}).data)

    @extend_schema(request=ReviewInputSerializer, responses={201: ReviewOutputSerializer})
    @action(detail=False, methods=["post"])
    def review(self, request):
        """Grade a card: 400 for a bad rating or a card not among yours, 409 when the card
        changed since `next` gave its version (graded already, elsewhere)."""
        data = ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        log = services.review_submit(
            member=request.user,
            key=values["card"],
            rating=values["rating"],
            version=values["version"],
            duration_ms=values.get("duration_ms"),
        )
        return Response(ReviewOutputSerializer(log).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ReviewOutputSerializer})
    @action(detail=False, methods=["post"])
    def undo(self, request):
        """Undo your last grade: the card is as before it, the review stays in the log marked
        undone. 409 when there is none, or its card changed since."""
        log = services.review_undo(member=request.user)
        return Response(ReviewOutputSerializer(log).data)

    @extend_schema(responses={200: CourseStatsSerializer(many=True)})
    @action(detail=False, methods=["get"])
    def stats(self, request):
        """Per course of yours: cards due now, new cards for today, cards learned."""
        rows = selectors.study_counts_by_course(member=request.user, now=timezone.now())
        return Response(CourseStatsSerializer(rows, many=True).data)
