"""The search endpoint's input (query parameters) and output shapes."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils.urls import replace_query_param

from tracker.search.query import MAX_QUERY_LENGTH
from tracker.search.selectors import DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE, MODES
from tracker.search.sources import TYPES


class SearchParamsSerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=MAX_QUERY_LENGTH,
        help_text=(
            'Words to find, all required; "quoted words" for a phrase, -word to exclude, '
            "`or` between alternatives. The last word also matches as a prefix while typed."
        ),
    )
    type = serializers.ListField(
        child=serializers.ChoiceField(choices=TYPES),
        required=False,
        help_text="Only these kinds; repeat the parameter or separate with commas. All by default.",
    )
    page = serializers.IntegerField(min_value=1, max_value=MAX_PAGE, default=1)
    page_size = serializers.IntegerField(
        min_value=1, max_value=MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE
    )
    mode = serializers.ChoiceField(
        choices=MODES,
        required=False,
        help_text=(
            "`text`: the words (full-text); `meaning`: the nearest in meaning (sentence "
            "embeddings), at most 100 results; `hybrid`: both rankings fused by reciprocal rank. "
            "Default: `hybrid` once the site has embeddings, `text` before."
        ),
    )

    @classmethod
    def data_from(cls, query_params) -> dict:
        """The parameters as the serializer reads them: `type` may repeat or hold commas."""
        data = {
            key: query_params[key]
            for key in ("q", "page", "page_size", "mode")
            if key in query_params
        }
        kinds = [
            kind.strip()
            for value in query_params.getlist("type")
            for kind in value.split(",")
            if kind.strip()
        ]
        if kinds:
            data["type"] = kinds
        return data


class SearchResultSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=TYPES)
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField()
    snippet = serializers.CharField(
        help_text="HTML: the text escaped, matched words in <mark>, no other markup."
    )
    rank = serializers.FloatField(
        help_text="Higher is better; comparable within one search (in `hybrid`, the fused score)."
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, result) -> str:
        return self.context["request"].build_absolute_uri(result.url)


class SearchCountsSerializer(serializers.Serializer):
    """Matches the caller may see, per kind, whatever `type` selects."""

    session = serializers.IntegerField()
    reading = serializers.IntegerField()
    term = serializers.IntegerField()
    reflection = serializers.IntegerField()
    note = serializers.IntegerField()
    highlight = serializers.IntegerField()


class SearchPageSerializer(serializers.Serializer):
    query = serializers.CharField()
    mode = serializers.ChoiceField(choices=MODES, help_text="The mode this page was ranked by.")
    count = serializers.IntegerField(
        source="total",
        help_text="Matches among the chosen kinds, each kind counted up to `count_limit`.",
    )
    count_is_capped = serializers.BooleanField(
        source="total_is_capped",
        help_text="True when a chosen kind has more matches than `count_limit`: `count` then"
        " means 'at least'.",
    )
    count_limit = serializers.IntegerField(
        help_text="The most matches of one kind that are counted and ranked. A kind past it"
        " shows the best of the first `count_limit` matches found; add words to narrow it."
    )
    capped_kinds = serializers.SerializerMethodField(
        help_text="The kinds (chosen or not) with more matches than `count_limit`."
    )
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    next = serializers.SerializerMethodField()
    previous = serializers.SerializerMethodField()
    counts = SearchCountsSerializer()
    glossary_names = serializers.ListField(
        child=serializers.CharField(),
        source="names_found",
        help_text="Glossary names (a term's name and aliases) the query was widened with.",
    )
    results = SearchResultSerializer(many=True)

    def get_capped_kinds(self, page) -> list[str]:
        return [kind for kind in TYPES if kind in page.capped]

    def _page_link(self, number: int) -> str:
        url = self.context["request"].build_absolute_uri()
        return replace_query_param(url, "page", number)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_next(self, page) -> str | None:
        return self._page_link(page.page + 1) if page.has_next else None

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_previous(self, page) -> str | None:
        return self._page_link(page.page - 1) if page.has_previous else None


class RelatedParamsSerializer(serializers.Serializer):
    type = serializers.ListField(
        child=serializers.ChoiceField(choices=TYPES),
        required=False,
        help_text="Only these kinds; repeat the parameter or separate with commas. All by default.",
    )
    limit = serializers.IntegerField(min_value=1, max_value=20, default=5)

    @classmethod
    def data_from(cls, query_params) -> dict:
        data = SearchParamsSerializer.data_from(query_params)
        data.pop("q", None)
        if "limit" in query_params:
            data["limit"] = query_params["limit"]
        return {key: value for key, value in data.items() if key in ("type", "limit")}


class RelatedItemSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=TYPES)
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField()
    snippet = serializers.CharField(help_text="Plain text: the start of the item's text.")
    score = serializers.FloatField(help_text="Cosine similarity of the two texts' embeddings.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, item) -> str:
        return self.context["request"].build_absolute_uri(item.url)


class RelatedListSerializer(serializers.Serializer):
    results = RelatedItemSerializer(many=True)
