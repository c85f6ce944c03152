from django import forms

from tracker.search.query import MAX_QUERY_LENGTH
from tracker.search.selectors import MAX_PAGE
from tracker.search.sources import SOURCES


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH, label="Search")
    type = forms.MultipleChoiceField(
        required=False, choices=[(source.type, source.label) for source in SOURCES]
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    mode = forms.ChoiceField(
        required=False,
        choices=[
            ("hybrid", "Words and meaning"),
            ("meaning", "Meaning"),
            ("text", "Words"),
        ],
    )
