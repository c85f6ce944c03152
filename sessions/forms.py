"""Forms for the session pages. They parse and check input; the services store it."""

import re
from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.template.loader import render_to_string

from readings.models import Reading, ReadingAuthor
from sessions.models import AgendaItem, Session, SessionReading
from sessions.series import MAX_SERIES, series_dates
from tracker import bounds
from tracker.durations import parse_offset
from tracker.forms import MARKDOWN_HELP, link_field, markdown_area, version_field
from tracker.markdown import MARKDOWN_MAX_CHARS
from tracker.visibility import Visibility


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


def _lines(text: str) -> list[list[str]]:
    """Non-empty lines, each split on `|` into trimmed parts."""
    return [
        [part.strip() for part in line.split("|")] for line in text.splitlines() if line.strip()
    ]


class ReadingPicker(forms.Widget):
    """The library as checkboxes ordered by title, those attached first in their order, each
    with its role. Without scripts it is a plain list; site.js adds a filter box, moves a
    ticked reading up among the attached ones and lets them be reordered."""

    template_name = "sessions/_reading_picker.html"
    queryset = Reading.objects.none()

    def value_from_datadict(self, data, files, name) -> list[tuple[str, str]]:
        chosen = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        if isinstance(chosen, str):
            chosen = [chosen]
        return [(pk, data.get(f"{name}-role-{pk}", "")) for pk in chosen if pk]

    def value_omitted_from_data(self, data, files, name) -> bool:
        return False  # like a checkbox: nothing ticked is an empty list, not a missing field

    def format_value(self, value):
        return list(value or [])

    def render(self, name, value, attrs=None, renderer=None):
        # The project's template folder, which the default form renderer does not search.
        return render_to_string(self.template_name, self.get_context(name, value, attrs))

    def get_context(self, name, value, attrs) -> dict:
        context = super().get_context(name, value, attrs)
        library = {str(reading.pk): reading for reading in self._library()}
        attached, seen = [], set()
        for pk, role in context["widget"]["value"]:
            if pk in library and pk not in seen:
                seen.add(pk)
                attached.append((library[pk], role or SessionReading.Role.OPTIONAL))
        context["picker"] = {
            "attached": attached,
            "library": [r for pk, r in library.items() if pk not in seen],
            "roles": SessionReading.Role.choices,
        }
        return context

    def _library(self):
        """Every reading (the library is shared) with its authors: two queries, however many."""
        readings = self.queryset.order_by("title", "pk").prefetch_related(
            Prefetch("authorships", queryset=ReadingAuthor.objects.select_related("author"))
        )
        for reading in readings:
            authors = [a.author for a in reading.authorships.all()]
            year = f" ({reading.year})" if reading.year else ""
            reading.byline = ", ".join(a.family_name for a in authors) + year
            reading.search_text = " ".join(
                [reading.title, *map(str, authors), str(reading.year or "")]
            ).lower()
            yield reading


class ReadingPickerField(forms.Field):
    """Readings to attach, in order, each as {"reading": Reading, "role": str}."""

    widget = ReadingPicker

    def __init__(self, *, queryset=None, **kwargs):
        super().__init__(**kwargs)
        self.queryset = self.widget.queryset = queryset if queryset is not None else Reading.objects

    def to_python(self, value) -> list[dict]:
        chosen, roles = {}, {r.value for r in SessionReading.Role}
        for pk, role in value or []:
            if (
                not (len(pk) <= 10 and pk.isascii() and pk.isdigit())
                or int(pk) > bounds.MAX_INTEGER
            ):
                raise ValidationError("Choose readings from the list.")
            role = (role or SessionReading.Role.OPTIONAL).lower()
            if role not in roles:
                raise ValidationError(f"“{role}” is not one of {', '.join(sorted(roles))}.")
            chosen.setdefault(int(pk), role)  # ticked twice is still attached once, in order
        found = self.queryset.in_bulk(list(chosen)) if chosen else {}
        if len(found) != len(chosen):
            raise ValidationError("One of the chosen readings no longer exists.")
        return [{"reading": found[pk], "role": role} for pk, role in chosen.items()]


class SessionForm(forms.Form):
    """A session with its speakers and agenda (written one item a line) and its readings
    (picked from the library)."""

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
    online_url = link_field("Online link", "Overrides the course's.")
    recording_url = link_field("Recording link")
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
    readings = ReadingPickerField(required=False)

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
            "readings": [
                (str(r.reading_id), r.role) for r in session.session_readings.order_by("position")
            ],
        }


def _dates(text: str, *, most: int) -> list[date]:
    """Dates written as 2025-01-31, one a line or separated by commas or spaces."""
    days = []
    for word in re.split(r"[\s,;]+", text.strip()):
        if not word:
            continue
        try:
            day = date.fromisoformat(word)
        except ValueError:
            raise ValidationError(f"“{word[:20]}” is not a date written as 2025-01-31.") from None
        if not bounds.EARLIEST_YEAR <= day.year <= bounds.LATEST_YEAR:
            raise ValidationError(f"{word}: {bounds.MOMENT_MESSAGE}")
        days.append(day)
    if len(days) > most:
        raise ValidationError(f"At most {most} dates.")
    return days


class SessionSeriesForm(forms.Form):
    """Several sessions at the same wall-clock time where the course meets."""

    FREQUENCIES = [
        ("weekly", "Every week"),
        ("fortnightly", "Every two weeks"),
        ("daily", "Every day"),
        ("dates", "On the dates listed below"),
    ]
    first_date = forms.DateField(
        required=False, label="First session", widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(label="Starts at", widget=forms.TimeInput(attrs={"type": "time"}))
    duration = forms.IntegerField(
        min_value=5, max_value=12 * 60, initial=90, label="Length in minutes"
    )
    count = forms.IntegerField(
        min_value=1, max_value=MAX_SERIES, initial=10, required=False, label="How many sessions"
    )
    frequency = forms.ChoiceField(choices=FREQUENCIES, initial="weekly", label="How often")
    dates = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Dates",
        help_text="Only for “on the dates listed”: one a line, written as 2025-01-31.",
    )
    skip = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Skip these dates",
        help_text="Holidays and the like; the series still has as many sessions.",
    )
    title_pattern = forms.CharField(
        max_length=150,
        initial="Session {n}",
        label="Titles",
        help_text="{n} becomes each session's number.",
    )
    location = forms.CharField(max_length=200, required=False)
    online_url = link_field("Online link", "Left empty, the course's.")

    def clean_dates(self) -> list[date]:
        return _dates(self.cleaned_data["dates"], most=MAX_SERIES)

    def clean_skip(self) -> list[date]:
        return _dates(self.cleaned_data["skip"], most=100)

    def clean_first_date(self) -> date | None:
        day = self.cleaned_data["first_date"]
        if day and not bounds.EARLIEST_YEAR <= day.year <= bounds.LATEST_YEAR:
            raise ValidationError(bounds.MOMENT_MESSAGE)
        return day

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if cleaned["frequency"] == "dates":
            if not cleaned["dates"]:
                self.add_error("dates", "List the dates of the sessions.")
                return cleaned
        else:
            for name in ("first_date", "count"):
                if cleaned[name] is None:
                    self.add_error(name, "This field is required.")
            if self.errors:
                return cleaned
        cleaned["days"] = series_dates(
            first=cleaned["first_date"],
            count=cleaned["count"] or 0,
            frequency=cleaned["frequency"],
            dates=cleaned["dates"],
            skip=cleaned["skip"],
        )
        if not cleaned["days"]:
            self.add_error("skip", "Every date listed is skipped.")
        return cleaned

    def plan_arguments(self) -> dict:
        """What sessions/series.plan_series takes, from the cleaned form."""
        data = self.cleaned_data
        return {
            "days": data["days"],
            "start_time": data["start_time"],
            "duration": timedelta(minutes=data["duration"]),
            "title_pattern": data["title_pattern"],
            "location": data["location"],
            "online_url": data["online_url"],
        }
