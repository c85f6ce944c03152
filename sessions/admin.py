from django.contrib import admin

from sessions import services
from sessions.models import (
    AgendaItem,
    Attendance,
    Course,
    CourseInvitation,
    Membership,
    Reflection,
    Session,
    SessionReading,
    Speaker,
)
from tracker.admin import ServiceWriteAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Course)
class CourseAdmin(ServiceWriteAdmin):
    list_display = ["title", "slug", "kind", "visibility", "time_zone", "created_at"]
    list_filter = ["kind", "visibility"]
    search_fields = ["title", "slug", "description"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [MembershipInline]
    create_service = services.course_create
    update_service = services.course_update
    delete_service = services.course_delete
    fixed_fields = ("slug",)  # links, feeds and exports carry it


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "role", "joined_at"]
    list_filter = ["role", "course"]
    search_fields = ["user__username", "course__title"]
    list_select_related = ["user", "course"]


@admin.register(CourseInvitation)
class CourseInvitationAdmin(admin.ModelAdmin):
    """Read-mostly: organizers invite from the members page (services keep the rules); here an
    administrator looks invitations up and may withdraw one by setting `revoked at`."""

    list_display = ["email", "course", "role", "created_by", "created_at", "expires_at",
                    "accepted_by", "revoked_at"]  # fmt: skip
    list_filter = ["role", "course"]
    search_fields = ["email", "course__title"]
    list_select_related = ["course", "created_by", "accepted_by"]
    fields = ["course", "email", "role", "created_by", "created_at", "expires_at", "accepted_by",
              "accepted_at", "revoked_at"]  # fmt: skip
    readonly_fields = [f for f in fields if f != "revoked_at"]

    def has_add_permission(self, request) -> bool:
        return False  # an invitation needs a token and an email: the members page makes them


class SpeakerInline(admin.TabularInline):
    model = Speaker
    extra = 0


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


class SessionReadingInline(admin.TabularInline):
    model = SessionReading
    extra = 0
    autocomplete_fields = ["reading"]


@admin.register(Session)
class SessionAdmin(ServiceWriteAdmin):
    list_display = ["title", "course", "number", "starts_at", "status"]
    list_filter = ["status", "course"]
    search_fields = ["title", "abstract", "course__title", "speakers__name"]
    date_hierarchy = "starts_at"
    list_select_related = ["course"]
    inlines = [SpeakerInline, AgendaItemInline, SessionReadingInline]
    create_service = services.session_create
    update_service = services.session_update
    delete_service = services.session_delete
    fixed_fields = ("course",)


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["user", "session", "recorded_at"]
    list_filter = ["session__course"]
    search_fields = ["user__username", "session__title"]
    list_select_related = ["user", "session__course"]


@admin.register(Reflection)
class ReflectionAdmin(ServiceWriteAdmin):
    list_display = ["author", "session", "covers_until", "visibility", "updated_at"]
    list_filter = ["visibility", "session__course"]
    search_fields = ["author__username", "body", "session__title"]
    list_select_related = ["author", "session__course", "covers_until"]
    raw_id_fields = ["session", "covers_until"]
    readonly_fields = ["version"]
    create_service = services.reflection_create
    update_service = services.reflection_update
    delete_service = services.reflection_delete
    fixed_fields = ("author", "session")
