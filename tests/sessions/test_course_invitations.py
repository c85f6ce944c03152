"""Invitations by email, from the members page to the link the invited person opens.

Invitations are bearer links: whoever holds one and signs in may accept it, once, before it
expires and unless an organizer withdrew it, whatever the address it was sent to (as pretalx's
team invitations work). Someone who already belongs cannot use it up."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from sessions import services
from sessions.models import Course, CourseInvitation, Membership
from tests.sessions.factories import CourseInvitationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organized(course_with_roles):
    return course_with_roles


def members_url(course: Course) -> str:
    return reverse("course_members", args=[course.slug])


def invite(client, course: Course, email: str, role: str = "member"):
    return client.post(
        reverse("invitation_create", args=[course.slug]),
        {"invite-email": email, "invite-role": role},
    )


def test_organizer_invites_by_email_and_sees_the_link_to_copy(client, organized, mailoutbox):
    course, organizer, _member, _outsider = organized
    client.force_login(organizer)
    response = invite(client, course, "grace@example.org", "organizer")
    invitation = CourseInvitation.objects.get()
    assert response["Location"] == f"{members_url(course)}#invitation-{invitation.pk}"
    assert (invitation.role, invitation.created_by) == ("organizer", organizer)
    assert len(invitation.token) >= 40
    assert invitation.expires_at - invitation.created_at == timedelta(days=14)
    link = f"http://testserver/invitations/{invitation.token}/"
    assert mailoutbox[0].to == ["grace@example.org"] and link in mailoutbox[0].body
    assert link in client.get(members_url(course)).content.decode()


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not an address", "Enter a valid email address"),
        ("Taken@example.org", "already has an open invitation"),
        ("member@example.org", "already belongs to this course"),
    ],
)
def test_an_invitation_that_cannot_be_sent_is_a_form_error(
    client, organized, mailoutbox, email, message
):
    course, organizer, member, _outsider = organized
    member.email = "member@example.org"
    member.save()
    CourseInvitationFactory(course=course, email="taken@example.org")
    client.force_login(organizer)
    response = invite(client, course, email)
    assert response.status_code == 400 and message in response.content.decode()
    assert CourseInvitation.objects.count() == 1 and mailoutbox == []


def test_an_expired_invitation_gives_way_to_a_new_one(client, organized):
    course, organizer, _member, _outsider = organized
    old = CourseInvitationFactory(
        course=course, email="late@example.org", expires_at=timezone.now() - timedelta(days=1),
        created_at=timezone.now() - timedelta(days=15),
    )  # fmt: skip
    client.force_login(organizer)
    assert invite(client, course, "late@example.org").status_code == 302
    old.refresh_from_db()
    assert old.state == "revoked"
    assert CourseInvitation.objects.exclude(pk=old.pk).get().state == "open"


def test_an_email_that_cannot_be_sent_leaves_the_invitation_and_says_so(
    client, organized, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    course, organizer, _member, _outsider = organized
    client.force_login(organizer)
    response = invite(client, course, "grace@example.org")
    assert CourseInvitation.objects.get().email == "grace@example.org"
    page = client.get(response["Location"]).content.decode()
    assert "the email could not be sent: copy its link below" in page


def test_members_cannot_invite(client, organized, mailoutbox):
    course, _organizer, member, _outsider = organized
    client.force_login(member)
    assert invite(client, course, "grace@example.org").status_code == 403
    assert not CourseInvitation.objects.exists() and mailoutbox == []


def test_visitor_with_the_link_is_asked_to_sign_in_and_comes_back(client):
    invitation = CourseInvitationFactory()
    response = client.get(invitation.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200 and invitation.course.title in html
    assert f"{reverse('login')}?next=/invitations/{invitation.token}/" in html
    assert "no-store" in response["Cache-Control"]  # the token is a secret
    response = client.post(invitation.get_absolute_url())
    assert response["Location"].startswith(reverse("login"))
    assert invitation.course.memberships.count() == 1  # only the organizer who invited


def test_whoever_holds_the_link_joins_with_its_role(client):
    invitation = CourseInvitationFactory(role="organizer", email="meant-for@example.org")
    holder = UserFactory(email="someone-else@example.org")
    client.force_login(holder)
    assert "Accept and join" in client.get(invitation.get_absolute_url()).content.decode()
    response = client.post(invitation.get_absolute_url())
    assert response["Location"] == invitation.course.get_absolute_url()
    assert Membership.objects.get(user=holder, course=invitation.course).role == "organizer"
    invitation.refresh_from_db()
    assert invitation.accepted_by == holder and invitation.state == "accepted"
    page = client.get(invitation.get_absolute_url())
    assert page.status_code == 200 and "You accepted this invitation" in page.content.decode()


def test_a_used_link_cannot_be_used_again(client):
    invitation = CourseInvitationFactory()
    services.invitation_accept(invitation=invitation, user=UserFactory())
    second = UserFactory()
    client.force_login(second)
    response = client.post(invitation.get_absolute_url())
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert not Membership.objects.filter(user=second).exists()


@pytest.mark.parametrize(
    ("closed", "says"),
    [
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "expired"),
        ({"revoked_at": timezone.now()}, "withdrawn by an organizer"),
    ],
)
def test_an_expired_or_withdrawn_link_says_why_and_adds_nobody(client, closed, says):
    fields = {"created_at": timezone.now() - timedelta(days=20)} | closed
    invitation = CourseInvitationFactory(**fields)
    joiner = UserFactory()
    client.force_login(joiner)
    for response in (
        client.get(invitation.get_absolute_url()),
        client.post(invitation.get_absolute_url()),
    ):
        assert response.status_code == 410 and says in response.content.decode()
        assert "Accept and join" not in response.content.decode()
    assert not Membership.objects.filter(user=joiner).exists()


def test_someone_who_already_belongs_leaves_the_link_for_its_person(client, organized):
    course, _organizer, member, _outsider = organized
    invitation = CourseInvitationFactory(course=course, role="organizer")
    client.force_login(member)
    assert "already belong" in client.get(invitation.get_absolute_url()).content.decode()
    response = client.post(invitation.get_absolute_url())
    assert response.status_code == 400
    assert Membership.objects.get(user=member, course=course).role == "member"
    invitation.refresh_from_db()
    assert invitation.state == "open"


def test_an_unknown_link_is_not_found(client, member):
    client.force_login(member)
    assert client.get(reverse("invitation", args=["no-such-token"])).status_code == 404


def test_organizer_withdraws_an_invitation_and_its_link_stops_working(client, organized):
    course, organizer, member, _outsider = organized
    invitation = CourseInvitationFactory(course=course, created_by=organizer)
    client.force_login(member)
    url = reverse("invitation_revoke", args=[course.slug, invitation.pk])
    assert client.post(url).status_code == 403
    client.force_login(organizer)
    assert (
        'data-confirm="Withdraw the invitation' in client.get(members_url(course)).content.decode()
    )
    assert client.post(url)["Location"] == members_url(course)
    invitation.refresh_from_db()
    assert invitation.state == "revoked"
    assert (
        f'id="invitation-{invitation.pk}"' not in client.get(members_url(course)).content.decode()
    )


def test_an_accepted_invitation_cannot_be_withdrawn(client, organized):
    course, organizer, _member, _outsider = organized
    invitation = CourseInvitationFactory(course=course, created_by=organizer)
    services.invitation_accept(invitation=invitation, user=UserFactory())
    client.force_login(organizer)
    response = client.post(reverse("invitation_revoke", args=[course.slug, invitation.pk]))
    assert response.status_code == 400 and "already been used" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.state == "accepted"


def test_the_database_keeps_one_open_invitation_per_address_and_course():
    invitation = CourseInvitationFactory(email="ada@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseInvitationFactory(course=invitation.course, email="ADA@example.org")
    invitation.revoked_at = timezone.now()
    invitation.save()
    CourseInvitationFactory(course=invitation.course, email="ADA@example.org")


def test_the_database_refuses_an_invitation_both_accepted_and_withdrawn():
    invitation = CourseInvitationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseInvitation.objects.filter(pk=invitation.pk).update(
            accepted_at=timezone.now(), revoked_at=timezone.now()
        )
