"""Forms for the course pages: a course itself, its members and its invitations. They parse and
check input; sessions/services.py stores it."""

from django import forms
from django.contrib.auth.models import User
from django.utils.text import slugify

from sessions import selectors
from sessions.models import Course, Membership
from tracker.forms import MARKDOWN_HELP, link_field, markdown_area
from tracker.markdown import MARKDOWN_MAX_CHARS
from tracker.timezones import available_time_zones, time_zone_choices

# Addresses under /courses/ that are pages of their own, not courses.
RESERVED_SLUGS = frozenset({"new"})
SLUG_TAKEN = "Another course already has this address; choose another."
COURSE_FORM_FIELDS = [
    "title",
    "slug",
    "kind",
    "visibility",
    "time_zone",
    "description",
    "default_location",
    "online_url",
    "online_passcode",
]


class CourseForm(forms.ModelForm):
    """A new course (with its slug) or, given `instance`, an existing one (the slug is fixed
    once made: links, feeds and exports carry it)."""

    slug = forms.SlugField(
        max_length=80,
        required=False,
        label="Address",
        help_text="The course's address: /courses/<this>/. Suggested from the title; it cannot "
        "change later.",
        widget=forms.TextInput(attrs={"data-slug-from": "id_title", "spellcheck": "false"}),
        error_messages={"unique": SLUG_TAKEN},  # raised by the model's unique check
    )
    time_zone = forms.ChoiceField(
        help_text="Where the course meets: session times are entered in this zone."
    )
    online_url = link_field("Online meeting link", "Shown to members only, with the passcode.")
    description = forms.CharField(
        required=False,
        widget=markdown_area(6),
        help_text=MARKDOWN_HELP,
        max_length=MARKDOWN_MAX_CHARS,
    )

    class Meta:
        model = Course
        fields = COURSE_FORM_FIELDS
        labels = {
            "visibility": "Who may see it",
            "online_passcode": "Meeting passcode",
        }
        help_texts = {
            "visibility": "Members only: visitors and other users do not see that it exists.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["slug"]
            # Each field also sends the value the page showed, so changed_data is what this
            # editor changed, not what differs from a save made meanwhile by someone else.
            for field in self.fields.values():
                field.show_hidden_initial = True
        choices = list(time_zone_choices())
        current = self.initial.get("time_zone")
        offered = {name for _, zones in choices for name, _ in zones}
        if current and current in available_time_zones() and current not in offered:
            choices.insert(0, ("The course's current zone", [(current, current)]))  # an alias
        self.fields["time_zone"].choices = choices

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug", "")
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(f"“{slug}” is reserved; choose another address.")
        return slug

    def clean(self):
        cleaned = super().clean()
        if "slug" in self.fields and not cleaned.get("slug") and "slug" not in self.errors:
            # Without JavaScript nobody suggested one: take the title's, and show it.
            suggested = slugify(cleaned.get("title", ""))[:80].strip("-")
            if not suggested:
                self.add_error("slug", "Choose an address of letters, digits and hyphens.")
            elif suggested in RESERVED_SLUGS:
                self.add_error("slug", f"“{suggested}” is reserved; choose another address.")
            else:
                cleaned["slug"] = suggested
                self.data = self.data.copy()
                self.data[self.add_prefix("slug")] = suggested
        return cleaned


def role_field() -> forms.ChoiceField:
    return forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.MEMBER)


class MemberAddForm(forms.Form):
    """An existing account, by username or email address."""

    user = forms.CharField(label="Username or email", max_length=254)
    role = role_field()

    def clean_user(self) -> User:
        identifier = self.cleaned_data["user"]
        matches = list(selectors.users_matching(identifier)[:2])
        if not matches:
            raise forms.ValidationError(
                "No account has this username or email address; send an invitation instead."
            )
        if len(matches) > 1:
            raise forms.ValidationError(
                "Several accounts use this email address; enter the username instead."
            )
        return matches[0]


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address")
    role = role_field()


class RoleForm(forms.Form):
    role = role_field()
