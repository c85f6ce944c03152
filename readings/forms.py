"""Forms for the library and the glossary. They parse input; the services check and store it."""

from django import forms

from readings.models import GlossaryTerm, Reading, ReadingStatus
from readings.selectors import LIBRARY_SORTS, NO_STATUS
from tracker import bounds
from tracker.forms import MARKDOWN_HELP, markdown_area, version_field
from tracker.markdown import MARKDOWN_MAX_CHARS
from tracker.visibility import Visibility


def split_author(line: str) -> tuple[str, str]:
    """'Family, Given' or 'Given Family' (the last word taken as the family name)."""
    line = " ".join(line.split())
    if "," in line:
        family, given = (part.strip() for part in line.split(",", 1))
        return given, family
    given, _, family = line.rpartition(" ")
    return given, family


class ReadingForm(forms.Form):
    title = forms.CharField(max_length=300)
    kind = forms.ChoiceField(choices=Reading.Kind.choices, initial=Reading.Kind.PAPER)
    url = forms.URLField(assume_scheme="https", max_length=500, required=False, label="Link")
    authors = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One a line, as “Given Family” or “Family, Given”; an organization alone.",
    )
    year = forms.IntegerField(
        min_value=bounds.EARLIEST_PUBLICATION_YEAR,
        max_value=bounds.LATEST_PUBLICATION_YEAR,
        required=False,
    )
    source = forms.CharField(max_length=200, required=False, help_text="Venue, publisher or show.")
    arxiv_id = forms.CharField(max_length=60, required=False, label="arXiv id")
    doi = forms.CharField(max_length=200, required=False, label="DOI")
    isbn = forms.CharField(max_length=30, required=False, label="ISBN")
    tags = forms.CharField(max_length=500, required=False, help_text="Separated by commas.")
    summary = forms.CharField(
        widget=markdown_area(8),
        required=False,
        help_text=MARKDOWN_HELP,
        strip=False,
        max_length=MARKDOWN_MAX_CHARS,
    )

    def clean_authors(self) -> list[tuple[str, str]]:
        return [split_author(line) for line in self.cleaned_data["authors"].splitlines() if line]

    def clean_tags(self) -> list[str]:
        return [tag.strip() for tag in self.cleaned_data["tags"].split(",") if tag.strip()]

    @staticmethod
    def initial_for(reading: Reading) -> dict:
        return {
            "title": reading.title,
            "kind": reading.kind,
            "url": reading.url,
            "authors": "\n".join(
                f"{a.author.family_name}, {a.author.given_name}".rstrip(", ")
                for a in reading.authorships.all()
            ),
            "year": reading.year,
            "source": reading.source,
            "arxiv_id": reading.arxiv_id,
            "doi": reading.doi,
            "isbn": reading.isbn,
            "tags": ", ".join(t.name for t in reading.tags.all()),
            "summary": reading.summary,
        }


class ReadingStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ReadingStatus.Status.choices)


class LibraryFilterForm(forms.Form):
    """The library's filters, read from the query string; a bad value is ignored, not fatal."""

    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *Reading.Kind.choices])
    tag = forms.ChoiceField(required=False, label="Tag")
    year = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        required=False,
        label="My status",
        choices=[("", "Any status"), *ReadingStatus.Status.choices, (NO_STATUS, "No status")],
    )
    course = forms.ChoiceField(required=False)
    sort = forms.ChoiceField(
        required=False,
        choices=[(key, label) for key, (label, _order) in LIBRARY_SORTS.items()],
    )

    def __init__(self, *args, options: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", "Any tag")] + [(t.slug, t.name) for t in options["tags"]]
        self.fields["year"].choices = [("", "Any year")] + [(y, y) for y in options["years"]]
        self.fields["course"].choices = [("", "Any course")] + [
            (c.slug, c.title) for c in options["courses"]
        ]

    def filters(self) -> dict:
        """The valid filters; an invalid one (an old link's tag, say) is left out, not fatal."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class HighlightForm(forms.Form):
    phrase = forms.CharField(
        max_length=500, help_text="The exact words; the link opens the source at them."
    )
    comment = forms.CharField(
        widget=markdown_area(3),
        required=False,
        help_text=MARKDOWN_HELP,
        max_length=MARKDOWN_MAX_CHARS,
    )
    visibility = forms.ChoiceField(
        choices=[(Visibility.PRIVATE, "Only me"), (Visibility.PUBLIC, "Everyone")]
    )


class TermForm(forms.Form):
    name = forms.CharField(max_length=120)
    level = forms.TypedChoiceField(
        choices=GlossaryTerm.Level.choices, coerce=int, initial=GlossaryTerm.Level.CONCEPT
    )
    definition = forms.CharField(
        widget=markdown_area(8),
        help_text=MARKDOWN_HELP,
        strip=False,
        max_length=MARKDOWN_MAX_CHARS,
    )
    aliases = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Other names, one a line; mentions of these link here too.",
    )
    related = forms.ModelMultipleChoiceField(
        queryset=GlossaryTerm.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        label="Related terms",
    )
    summary = forms.CharField(
        max_length=200, required=False, label="What changed", help_text="A few words for history."
    )
    # The revision the editor started from, so a second editor's change is not overwritten.
    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    version = version_field()

    def __init__(self, *args, term: GlossaryTerm | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if term is not None:
            self.fields["related"].queryset = GlossaryTerm.objects.exclude(pk=term.pk).order_by(
                "name"
            )

    def clean_aliases(self) -> list[str]:
        return [a.strip() for a in self.cleaned_data["aliases"].splitlines() if a.strip()]

    @staticmethod
    def initial_for(term: GlossaryTerm, latest_revision: int | None) -> dict:
        return {
            "name": term.name,
            "level": term.level,
            "definition": term.definition,
            "aliases": "\n".join(term.aliases),
            "related": list(term.related.all()),
            "base_revision": latest_revision,
            "version": term.version,
        }


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Note",
        widget=markdown_area(5),
        help_text=MARKDOWN_HELP,
        max_length=MARKDOWN_MAX_CHARS,
    )
    visibility = forms.ChoiceField(choices=Visibility.choices, initial=Visibility.PRIVATE)
    version = version_field()

    def __init__(self, *args, allow_course: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_course:
            self.fields["visibility"].choices = [
                c for c in Visibility.choices if c[0] != Visibility.COURSE
            ]
