"""Running a course from its pages: creating, editing and deleting it, and its members and
their roles. Who may do what, what a mistake says, and that a refusal stores nothing.
Invitations by email: tests/sessions/test_course_invitations.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions import services
from sessions.models import Course, Membership
from tests.sessions.factories import (
    CourseFactory,
    CourseInvitationFactory,
    MembershipFactory,
    UserFactory,
)
from tracker.markdown import MARKDOWN_MAX_CHARS

pytestmark = pytest.mark.django_db

NEW_COURSE = {
    "title": "Mechanistic Interpretability",
    "slug": "mech-interp",
    "kind": "reading_group",
    "visibility": "members",
    "time_zone": "Europe/Berlin",
    "description": "We read **circuits** papers.",
    "default_location": "Room 4",
    "online_url": "https://meet.example.org/mi",
    "online_passcode": "271828",
}


def course_form_data(course: Course, **changes) -> dict:
    """What the edit form sends when nothing but `changes` is touched."""
    fields = ["title", "kind", "visibility", "time_zone", "description", "default_location"]
    data = {name: getattr(course, name) for name in fields}
    data |= {"online_url": course.online_url, "online_passcode": course.online_passcode}
    return data | changes


@pytest.fixture
def organized(course_with_roles):
    course, organizer, member, outsider = course_with_roles
    return course, organizer, member, outsider


# Creating a course


def test_signed_in_user_creates_a_course_and_becomes_its_organizer(client, member):
    client.force_login(member)
    response = client.post(reverse("course_create"), NEW_COURSE)
    course = Course.objects.get(slug="mech-interp")
    assert response.status_code == 302 and response["Location"] == course.get_absolute_url()
    assert course.time_zone == "Europe/Berlin" and course.kind == "reading_group"
    assert "<strong>circuits</strong>" in course.description_html
    assert Membership.objects.get(course=course).user == member
    assert Membership.objects.get(course=course).role == "organizer"


def test_course_list_offers_a_new_course_button_to_signed_in_people_only(client, member):
    assert reverse("course_create") not in client.get(reverse("course_list")).content.decode()
    client.force_login(member)
    assert reverse("course_create") in client.get(reverse("course_list")).content.decode()


def test_visitor_is_asked_to_sign_in_and_creates_nothing(client):
    response = client.post(reverse("course_create"), NEW_COURSE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Course.objects.exists()


def test_course_form_offers_the_profile_pages_grouped_time_zones(client, member):
    client.force_login(member)
    html = client.get(reverse("course_create")).content.decode()
    assert '<optgroup label="Europe">' in html and 'value="Europe/Berlin"' in html
    assert 'value="W-SU"' not in html  # a legacy alias is not offered


def test_taken_address_is_a_form_error_and_nothing_is_stored(client, member):
    CourseFactory(slug="mech-interp")
    client.force_login(member)
    response = client.post(reverse("course_create"), NEW_COURSE)
    assert response.status_code == 200
    assert "Another course already has this address" in response.content.decode()
    assert Course.objects.filter(slug="mech-interp").count() == 1
    assert not Membership.objects.filter(user=member).exists()


def test_address_left_empty_is_taken_from_the_title(client, member):
    client.force_login(member)
    client.post(reverse("course_create"), NEW_COURSE | {"slug": "", "title": "Über Circuits!"})
    assert Course.objects.get().slug == "uber-circuits"


@pytest.mark.parametrize(
    ("slug", "message"),
    [("new", "reserved"), ("two words", "Enter a valid"), ("", "Choose an address")],
)
def test_unusable_address_is_a_form_error(client, member, slug, message):
    client.force_login(member)
    data = NEW_COURSE | {"slug": slug} | ({"title": "!!!"} if not slug else {})
    response = client.post(reverse("course_create"), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Course.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("time_zone", "Mars/Olympus_Mons"),
        ("online_url", "not a link"),
        ("description", "x" * (MARKDOWN_MAX_CHARS + 1)),
        ("title", ""),
    ],
)
def test_bad_course_input_is_a_form_error_and_nothing_is_stored(client, member, field, value):
    client.force_login(member)
    response = client.post(reverse("course_create"), NEW_COURSE | {field: value})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Course.objects.exists() and not Membership.objects.exists()


# Editing and deleting a course


ORGANIZER_PAGES = ["course_edit", "course_members"]


@pytest.mark.parametrize("name", ORGANIZER_PAGES)
@pytest.mark.parametrize(
    ("viewer", "status"),
    [("member", 403), ("outsider", 404), ("other_organizer", 404), ("organizer", 200)],
)
def test_only_the_courses_organizers_reach_its_management_pages(
    client, organized, name, viewer, status
):
    course, organizer, member, outsider = organized
    other_organizer = MembershipFactory(role="organizer").user  # organizes another course
    people = {"member": member, "outsider": outsider, "organizer": organizer}
    client.force_login(people.get(viewer, other_organizer))
    assert client.get(reverse(name, args=[course.slug])).status_code == status


@pytest.mark.parametrize("name", ORGANIZER_PAGES)
def test_other_organizers_are_refused_a_public_course_they_can_see(client, name):
    course = CourseFactory(visibility="public")
    client.force_login(MembershipFactory(role="organizer").user)
    assert client.get(reverse(name, args=[course.slug])).status_code == 403


@pytest.mark.parametrize("name", ORGANIZER_PAGES)
def test_visitor_is_sent_to_sign_in_for_management_pages(client, organized, name):
    url = reverse(name, args=[organized[0].slug])
    assert client.get(url)["Location"].startswith(reverse("login"))


def test_course_page_shows_edit_and_members_buttons_to_organizers_only(client, organized):
    course, organizer, member, _outsider = organized
    client.force_login(member)
    html = client.get(course.get_absolute_url()).content.decode()
    assert reverse("course_edit", args=[course.slug]) not in html
    client.force_login(organizer)
    html = client.get(course.get_absolute_url()).content.decode()
    assert reverse("course_edit", args=[course.slug]) in html
    assert reverse("course_members", args=[course.slug]) in html


def test_organizer_edits_the_course_and_its_address_stays(client, organized):
    course, organizer, _member, _outsider = organized
    client.force_login(organizer)
    url = reverse("course_edit", args=[course.slug])
    data = course_form_data(course, title="Renamed", visibility="public") | {"slug": "other"}
    response = client.post(url, data)
    saved = Course.objects.get(pk=course.pk)
    assert response.status_code == 302
    assert (saved.title, saved.visibility, saved.slug) == ("Renamed", "public", course.slug)


def test_an_edit_saves_only_what_its_editor_changed(client, organized):
    """Two organizers with the form open: the second save keeps the first one's title."""
    course, organizer, _member, _outsider = organized
    client.force_login(organizer)
    url = reverse("course_edit", args=[course.slug])
    assert 'name="initial-title"' in client.get(url).content.decode()
    seen = course_form_data(course)
    # What the browser sends: every field, and each one's value as the page showed it.
    shown = {f"initial-{name}": value for name, value in seen.items()}
    services.course_update(course=course, title="Saved meanwhile")
    client.post(url, seen | shown | {"description": "New *words*"})
    course.refresh_from_db()
    assert course.title == "Saved meanwhile"
    assert course.description == "New *words*" and "<em>words</em>" in course.description_html


def test_bad_edit_is_a_form_error_and_nothing_changes(client, organized):
    course, organizer, _member, _outsider = organized
    client.force_login(organizer)
    response = client.post(
        reverse("course_edit", args=[course.slug]),
        course_form_data(course, title="", time_zone="Nowhere/Else"),
    )
    assert response.status_code == 200 and response.content.decode().count("aria-invalid") == 2
    assert Course.objects.get(pk=course.pk).title == course.title


def test_members_cannot_delete_a_course(client, organized):
    course, _organizer, member, _outsider = organized
    client.force_login(member)
    assert client.post(reverse("course_delete", args=[course.slug])).status_code == 403
    assert Course.objects.filter(pk=course.pk).exists()


def test_organizer_deletes_a_course_with_a_confirmation(client, organized):
    course, organizer, _member, _outsider = organized
    client.force_login(organizer)
    edit_page = client.get(reverse("course_edit", args=[course.slug])).content.decode()
    assert 'data-confirm="Delete the course' in edit_page
    assert client.get(reverse("course_delete", args=[course.slug])).status_code == 405
    response = client.post(reverse("course_delete", args=[course.slug]))
    assert response["Location"] == reverse("course_list")
    assert not Course.objects.filter(pk=course.pk).exists()


# Members


def members_url(course: Course) -> str:
    return reverse("course_members", args=[course.slug])


def test_members_page_lists_members_with_their_roles(client, organized):
    course, organizer, member, outsider = organized
    client.force_login(organizer)
    html = client.get(members_url(course)).content.decode()
    assert organizer.username in html and member.username in html
    assert outsider.username not in html
    assert html.count('value="organizer" selected') == 1


def test_members_page_costs_the_same_queries_however_many_members(client, organized):
    course, organizer, _member, _outsider = organized
    client.force_login(organizer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(members_url(course)).status_code == 200
        return len(captured)

    queries()  # the first page after signing in keeps the viewer's zone in the session
    few = queries()
    MembershipFactory.create_batch(10, course=course)
    CourseInvitationFactory.create_batch(5, course=course, created_by=organizer)
    assert queries() == few


@pytest.mark.parametrize("typed", ["ada", "Ada@Example.org"])
def test_organizer_adds_an_existing_account_by_username_or_email(client, organized, typed):
    course, organizer, _member, _outsider = organized
    ada = UserFactory(username="ada", email="ada@example.org")
    client.force_login(organizer)
    response = client.post(
        reverse("member_add", args=[course.slug]), {"add-user": typed, "add-role": "organizer"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(course=course, user=ada).role == "organizer"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("nobody", "No account has this username or email"),
        ("shared@example.org", "Several accounts use this email address"),
        ("already", "already belongs to this course"),
    ],
)
def test_adding_someone_who_cannot_be_added_is_a_form_error(client, organized, typed, message):
    course, organizer, _member, _outsider = organized
    UserFactory(username="one", email="shared@example.org")
    UserFactory(username="two", email="shared@example.org")
    MembershipFactory(course=course, user=UserFactory(username="already"))
    before = Membership.objects.count()
    client.force_login(organizer)
    response = client.post(
        reverse("member_add", args=[course.slug]), {"add-user": typed, "add-role": "member"}
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert Membership.objects.count() == before


def test_members_cannot_add_members(client, organized):
    course, _organizer, member, outsider = organized
    client.force_login(member)
    url = reverse("member_add", args=[course.slug])
    response = client.post(url, {"add-user": outsider.username, "add-role": "organizer"})
    assert response.status_code == 403
    assert not Membership.objects.filter(user=outsider).exists()


def test_organizer_changes_a_members_role(client, organized):
    course, organizer, member, _outsider = organized
    membership = Membership.objects.get(user=member)
    client.force_login(organizer)
    response = client.post(
        reverse("member_role", args=[course.slug, membership.pk]), {"role": "organizer"}
    )
    assert response["Location"] == members_url(course)
    assert Membership.objects.get(pk=membership.pk).role == "organizer"


def test_demoting_the_last_organizer_is_refused_with_a_message(client, organized):
    course, organizer, _member, _outsider = organized
    own = Membership.objects.get(user=organizer)
    client.force_login(organizer)
    response = client.post(reverse("member_role", args=[course.slug, own.pk]), {"role": "member"})
    assert response.status_code == 400
    assert "A course needs at least one organizer." in response.content.decode()
    assert Membership.objects.get(pk=own.pk).role == "organizer"


def test_removing_the_last_organizer_is_refused_with_a_message(client, organized):
    course, organizer, _member, _outsider = organized
    own = Membership.objects.get(user=organizer)
    client.force_login(organizer)
    response = client.post(reverse("member_remove", args=[course.slug, own.pk]))
    assert response.status_code == 400
    assert "A course needs at least one organizer." in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()


def test_organizer_removes_a_member_with_a_confirmation(client, organized):
    course, organizer, member, _outsider = organized
    membership = Membership.objects.get(user=member)
    client.force_login(organizer)
    assert (
        f'data-confirm="Remove {member.username}'
        in client.get(members_url(course)).content.decode()
    )
    client.post(reverse("member_remove", args=[course.slug, membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_an_organizer_who_steps_down_goes_back_to_the_course(client, organized):
    course, organizer, _member, _outsider = organized
    MembershipFactory(course=course, role="organizer")
    own = Membership.objects.get(user=organizer)
    client.force_login(organizer)
    response = client.post(reverse("member_role", args=[course.slug, own.pk]), {"role": "member"})
    assert response["Location"] == course.get_absolute_url()
    assert client.get(members_url(course)).status_code == 403


def test_a_membership_of_another_course_is_not_found(client, organized):
    course, organizer, _member, _outsider = organized
    elsewhere = MembershipFactory()
    client.force_login(organizer)
    url = reverse("member_remove", args=[course.slug, elsewhere.pk])
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=elsewhere.pk).exists()
