"""Pages where organizers run a course: create, edit and delete it, its members and their roles,
and the invitations that bring new people in. Views parse, check permission, call a service and
render; a refused change (the last organizer, an address invited already) is a message, not a
500, and stores nothing."""

import copy
import logging

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sessions import selectors, services
from sessions.forms_courses import (
    SLUG_TAKEN,
    CourseForm,
    InvitationForm,
    MemberAddForm,
    RoleForm,
)
from sessions.models import Course, Membership
from sessions.views import organized_course
from tracker.forms import add_service_errors
from tracker.security_headers import private_answer
from tracker.view_helpers import signed_in_required

logger = logging.getLogger(__name__)


# The course itself


@signed_in_required
def course_create(request):
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(organizer=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except IntegrityError:  # another course took the address since the form checked it
            form.add_error("slug", SLUG_TAKEN)
        else:
            messages.success(request, "Course created; you are its organizer.")
            return redirect(course)
    return render(request, "sessions/course_form.html", {"form": form, "new": True})


@signed_in_required
def course_edit(request, slug):
    course = organized_course(request, slug)
    # The form fills a copy, so the page keeps the saved title while the input is corrected.
    form = CourseForm(request.POST or None, instance=copy.copy(course))
    if request.method == "POST" and form.is_valid():
        # Only what this person changed, so a field another organizer saved meanwhile stays.
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.course_update(course=course, **changed)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Course saved.")
            return redirect(course)
    return render(
        request, "sessions/course_form.html", {"form": form, "course": course, "new": False}
    )


@require_POST
@signed_in_required
def course_delete(request, slug):
    course = organized_course(request, slug)
    services.course_delete(course=course)
    messages.success(request, f"The course “{course.title}” was deleted.")
    return redirect("course_list")


# Members and invitations


@signed_in_required
def course_members(request, slug):
    return _members_page(request, organized_course(request, slug))


def _members_page(request, course: Course, *, status: int = 200, **forms):
    invitations = list(selectors.invitations_pending(course))
    for invitation in invitations:
        invitation.link = request.build_absolute_uri(invitation.get_absolute_url())
    context = {
        "course": course,
        "members": selectors.course_members(course),
        "invitations": invitations,
        "roles": Membership.Role.choices,
        "add_form": forms.get("add_form") or MemberAddForm(prefix="add"),
        "invite_form": forms.get("invite_form") or InvitationForm(prefix="invite"),
    }
    return render(request, "sessions/course_members.html", context, status=status)


def _back_to_members(course: Course, anchor: str = ""):
    return redirect(reverse("course_members", kwargs={"slug": course.slug}) + anchor)


@require_POST
@signed_in_required
def member_add(request, slug):
    course = organized_course(request, slug)
    form = MemberAddForm(request.POST, prefix="add")
    if form.is_valid():
        try:
            membership = services.membership_add(course=course, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            name = membership.user.get_username()
            messages.success(request, f"{name} joined as {membership.get_role_display()}.")
            return _back_to_members(course)
    return _members_page(request, course, add_form=form, status=400)


@require_POST
@signed_in_required
def member_role(request, slug, membership_id):
    course = organized_course(request, slug)
    membership = selectors.course_membership(course=course, membership_id=membership_id)
    form = RoleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Choose organizer or member.")
        membership = services.membership_change_role(membership=membership, **form.cleaned_data)
    except ValidationError as error:
        return _refused(request, course, error)
    name = membership.user.get_username()
    messages.success(request, f"{name} is now {membership.get_role_display().lower()}.")
    return _after_own_change(request, course)


@require_POST
@signed_in_required
def member_remove(request, slug, membership_id):
    course = organized_course(request, slug)
    membership = selectors.course_membership(course=course, membership_id=membership_id)
    try:
        services.membership_remove(membership=membership)
    except ValidationError as error:
        return _refused(request, course, error)
    messages.success(request, f"{membership.user.get_username()} was removed from the course.")
    return _after_own_change(request, course)


def _refused(request, course: Course, error: ValidationError):
    """The members page again, saying why the change was refused (nothing was stored)."""
    messages.error(request, " ".join(error.messages))
    return _members_page(request, course, status=400)


def _after_own_change(request, course: Course):
    """Back to the members page, or to the course when the user just stepped down from it."""
    if selectors.is_course_organizer(user=request.user, course=course):
        return _back_to_members(course)
    if selectors.courses_visible_to(request.user).filter(pk=course.pk).exists():
        return redirect(course)
    return redirect("course_list")


@require_POST
@signed_in_required
def invitation_create(request, slug):
    course = organized_course(request, slug)
    form = InvitationForm(request.POST, prefix="invite")
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                course=course, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            link = request.build_absolute_uri(invitation.get_absolute_url())
            try:
                services.invitation_send(invitation=invitation, link=link)
            except OSError:  # smtplib's errors included: the invitation stands without the email
                logger.exception("Could not email invitation %s", invitation.pk)
                messages.warning(
                    request,
                    f"The invitation for {invitation.email} is ready, but the email could not be "
                    "sent: copy its link below and send it yourself.",
                )
            else:
                messages.success(
                    request,
                    f"Invitation emailed to {invitation.email}; its link is below to copy too.",
                )
            return _back_to_members(course, f"#invitation-{invitation.pk}")
    return _members_page(request, course, invite_form=form, status=400)


@require_POST
@signed_in_required
def invitation_revoke(request, slug, invitation_id):
    course = organized_course(request, slug)
    invitation = selectors.course_invitation(course=course, invitation_id=invitation_id)
    try:
        services.invitation_revoke(invitation=invitation)
    except ValidationError as error:
        return _refused(request, course, error)
    messages.success(request, f"The invitation for {invitation.email} was withdrawn.")
    return _back_to_members(course)


@private_answer  # the token in the address is a secret
def invitation(request, token):
    """The link an invitation carries. Whoever holds it may accept it once signed in (any
    account: the link is the credential, as with pretalx's team invitations); a signed-out
    visitor is asked to sign in and comes back here. A closed link answers 410 and says why."""
    invitation = selectors.invitation_by_token(token)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.path)
        try:
            membership = services.invitation_accept(invitation=invitation, user=request.user)
        except ValidationError as error:
            return _invitation_page(request, invitation, error=" ".join(error.messages))
        messages.success(
            request,
            f"Welcome to {invitation.course.title}: you joined as "
            f"{membership.get_role_display().lower()}.",
        )
        return redirect(invitation.course)
    return _invitation_page(request, invitation)


def _invitation_page(request, invitation, *, error: str = ""):
    state = invitation.state
    context = {"invitation": invitation, "state": state, "error": error}
    if request.user.is_authenticated:
        context["accepted_by_me"] = invitation.accepted_by_id == request.user.pk
        context["current_role"] = selectors.course_role(user=request.user, course=invitation.course)
    closed = state != "open" and not context.get("accepted_by_me")
    status = 410 if closed else (400 if error else 200)
    return render(request, "sessions/invitation.html", context, status=status)
