"""GET /api/v1/search/ and /api/v1/<kind>/<id>/related/: the search selectors over HTTP."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker.search.related import KIND_OF_PLURAL, PLURALS, related, visible_row
from tracker.search.selectors import default_mode, search
from tracker.search.serializers import (
    RelatedListSerializer,
    RelatedParamsSerializer,
    SearchPageSerializer,
    SearchParamsSerializer,
)


class SearchView(APIView):
    # Anyone may search; the selector returns only what the caller may see.
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="search",
        summary="Search everything the caller may see",
        description=(
            "Sessions, readings, glossary terms, reflections, notes and highlights, ranked "
            "together (title hits above body hits). Private reflections and notes of others "
            "and members-only courses of which the caller is not a member never appear. "
            "Glossary aliases widen the query: an alias also finds its term's other names. "
            "Each kind counts and ranks at most `count_limit` matches; past it, its count is "
            "the limit (`count_is_capped`, `capped_kinds`) and its results are the best of the "
            "first matches found. `mode` chooses the words, the meaning, or both (the default "
            "once the site has embeddings): a question finds what answers it in other words."
        ),
        parameters=[SearchParamsSerializer],
        responses={
            200: SearchPageSerializer,
            400: OpenApiResponse(description="Bad parameters; the body names each field."),
        },
        tags=["search"],
    )
    def get(self, request: Request) -> Response:
        params = SearchParamsSerializer(data=SearchParamsSerializer.data_from(request.query_params))
        params.is_valid(raise_exception=True)
        page = search(
            user=request.user,
            query=params.validated_data["q"],
            types=params.validated_data.get("type"),
            page=params.validated_data["page"],
            page_size=params.validated_data["page_size"],
            mode=params.validated_data.get("mode") or default_mode(),
        )
        return Response(SearchPageSerializer(page, context={"request": request}).data)


class RelatedView(APIView):
    """GET /api/v1/<kind>/<id>/related/: what is nearest in meaning to one item."""

    # The item must be visible to the caller (404 otherwise), and so must every result.
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="related",
        summary="Items nearest in meaning to one item",
        description=(
            "Sessions, readings, glossary terms, reflections, notes and highlights whose "
            "text is nearest in meaning to the item's (sentence embeddings), best first, among "
            "those the caller may see: a private reflection is related for its author only. "
            "`kind` is sessions, readings, terms, reflections, notes or highlights; `id` the "
            "item's id (as search returns it). Empty until the item's embedding is computed."
        ),
        parameters=[
            RelatedParamsSerializer,
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(PLURALS.values())),
            OpenApiParameter("id", int, OpenApiParameter.PATH),
        ],
        responses={
            200: RelatedListSerializer,
            400: OpenApiResponse(description="Bad parameters; the body names each field."),
            404: OpenApiResponse(description="No such item, or the caller may not see it."),
        },
        tags=["search"],
    )
    def get(self, request: Request, kind: str, id: int) -> Response:
        params = RelatedParamsSerializer(
            data=RelatedParamsSerializer.data_from(request.query_params)
        )
        params.is_valid(raise_exception=True)
        singular = KIND_OF_PLURAL.get(kind)
        if singular is None or not visible_row(user=request.user, kind=singular, object_id=id):
            raise NotFound()
        items = related(
            user=request.user,
            kind=singular,
            object_id=id,
            kinds=params.validated_data.get("type"),
            limit=params.validated_data["limit"],
        )
        return Response(
            RelatedListSerializer({"results": items}, context={"request": request}).data
        )
