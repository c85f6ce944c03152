"""Forms for the session pages. They parse and check input; the services store it."""

from django import forms
from django.core.exceptions import ValidationError

from readings.models import Reading
from sessions.models import AgendaItem, Session, SessionReading
from tracker.durations import parse_offset
from tracker.markdown import MARKDOWN_MAX_CHARS
from tracker.visibility import Visibility

MARKDOWN_HELP = "Markdown: **bold**, *italic*, lists, tables, `code`; [[Term]] links the glossary."


def markdown_area(rows: int = 8, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "class": "markdown-input", **attrs})


def version_field() -> forms.IntegerField:
    """The version the editor started from (0: none saved yet); a save over a newer one shows
    both texts instead."""
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class ReflectionForm(forms.Form):
    body = forms.CharField(
        label="Your reflection",
        widget=markdown_area(10),
        help_text=MARKDOWN_HELP,
        max_length=MARKDOWN_MAX_CHARS,
        # strip=False keeps the text exactly as typed, so nothing written is altered.
        strip=False,
    )
    visibility = forms.ChoiceField(
        choices=Visibility.choices, initial=Visibility.PRIVATE, label="Who may read it"
    )
    covers_until = forms.ModelChoiceField(
        queryset=Session.objects.none(),
        required=False,
        label="Also covers the following sessions up to",
        empty_label="Only this session",
    )
    version = version_field()

    def __init__(self, *args, following=None, **kwargs):
        super().__init__(*args, **kwargs)
        if following is not None:
            self.fields["covers_until"].queryset = following
        self.fields["covers_until"].label_from_instance = lambda s: f"{s.number}. {s.title}"


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


def _lines(text: str) -> list[list[str]]:
    """Non-empty lines, each split on `|` into trimmed parts."""
    return [
        [part.strip() for part in line.split("|")] for line in text.splitlines() if line.strip()
    ]


class SessionForm(forms.Form):
    """A session with its speakers, agenda and readings, the lists written one item a line."""

    number = forms.IntegerField(
        min_value=1, required=False, help_text="Left empty, the next number is taken."
    )
    title = forms.CharField(max_length=200)
    starts_at = forms.DateTimeField(
        label="Starts", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label="Ends", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    status = forms.ChoiceField(choices=Session.Status.choices, initial=Session.Status.SCHEDULED)
    location = forms.CharField(max_length=200, required=False)
    online_url = forms.URLField(
        assume_scheme="https",
        max_length=500,
        required=False,
        label="Online link",
        help_text="Overrides the course's.",
    )
    recording_url = forms.URLField(
        assume_scheme="https", max_length=500, required=False, label="Recording link"
    )
    abstract = forms.CharField(
        widget=markdown_area(6),
        required=False,
        help_text=MARKDOWN_HELP,
        strip=False,
        max_length=MARKDOWN_MAX_CHARS,
    )
    speakers = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One a line: name | affiliation | link (the last two may be left out).",
    )
    agenda = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=(
            "One chapter a line: label | title | offset into the recording (12:34) | "
            "covered or skipped | note."
        ),
    )
    readings = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One a line: reading slug | required, optional, discussed or mentioned.",
    )

    def clean_speakers(self) -> list[dict]:
        speakers = []
        for parts in _lines(self.cleaned_data["speakers"]):
            name, affiliation, url = [*parts, "", ""][:3]
            if not name:
                raise ValidationError("Every speaker line starts with a name.")
            speakers.append({"name": name, "affiliation": affiliation, "url": url})
        return speakers

    def clean_agenda(self) -> list[dict]:
        items = []
        coverages = {c.value for c in AgendaItem.Coverage}
        for number, parts in enumerate(_lines(self.cleaned_data["agenda"]), start=1):
            label, title, offset, coverage, note = [*parts, "", "", "", ""][:5]
            if not title:
                raise ValidationError(f"Line {number} needs a title (its second part).")
            coverage = (coverage or "covered").lower()
            if coverage not in coverages:
                raise ValidationError(f"Line {number}: write covered or skipped.")
            try:
                seconds = parse_offset(offset)
            except ValidationError as error:
                raise ValidationError(f"Line {number}: {error.messages[0]}") from error
            items.append(
                {
                    "label": label,
                    "title": title,
                    "recording_offset": seconds,
                    "coverage": coverage,
                    "note": note,
                }
            )
        return items

    def clean_readings(self) -> list[dict]:
        wanted = _lines(self.cleaned_data["readings"])
        slugs = [parts[0] for parts in wanted]
        found = Reading.objects.in_bulk(slugs, field_name="slug")
        roles = {r.value for r in SessionReading.Role}
        attached = []
        for parts in wanted:
            slug, role = [*parts, ""][:2]
            if slug not in found:
                raise ValidationError(f"No reading has the slug “{slug}”.")
            role = (role or SessionReading.Role.OPTIONAL).lower()
            if role not in roles:
                raise ValidationError(f"“{role}” is not one of {', '.join(sorted(roles))}.")
            attached.append({"reading": found[slug], "role": role})
        if len({a["reading"].pk for a in attached}) != len(attached):
            raise ValidationError("A reading is listed twice.")
        return attached

    @staticmethod
    def initial_for(session: Session) -> dict:
        """The form's fields for an existing session, lists written back one a line."""

        def line(*parts) -> str:
            return " | ".join(str(p) for p in parts).rstrip(" |")

        return {
            "number": session.number,
            "title": session.title,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "status": session.status,
            "location": session.location,
            "online_url": session.online_url,
            "recording_url": session.recording_url,
            "abstract": session.abstract,
            "speakers": "\n".join(
                line(s.name, s.affiliation, s.url) for s in session.speakers.all()
            ),
            "agenda": "\n".join(
                line(a.label, a.title, a.offset_display, a.coverage, a.note)
                for a in session.agenda_items.all()
            ),
            "readings": "\n".join(
                line(r.reading.slug, r.role)
                for r in session.session_readings.select_related("reading")
            ),
        }
