from django.contrib import admin

from readings import services
from readings.models import (
    Author,
    GlossaryTerm,
    Highlight,
    Note,
    Reading,
    ReadingAuthor,
    ReadingStatus,
    Tag,
    TermName,
    TermRevision,
)
from tracker.admin import ServiceWriteAdmin


class ReadingAuthorInline(admin.TabularInline):
    model = ReadingAuthor
    extra = 0
    autocomplete_fields = ["author"]


@admin.register(Reading)
class ReadingAdmin(ServiceWriteAdmin):
    list_display = ["title", "kind", "year", "source", "arxiv_id", "doi", "created_at"]
    list_filter = ["kind", "year", "tags"]
    search_fields = ["title", "source", "arxiv_id", "doi", "isbn", "authors__family_name"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["tags"]
    inlines = [ReadingAuthorInline]
    create_service = services.reading_create
    update_service = services.reading_update
    delete_service = services.reading_delete
    fixed_fields = ("slug", "added_by")


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["family_name", "given_name"]
    search_fields = ["family_name", "given_name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ReadingStatus)
class ReadingStatusAdmin(admin.ModelAdmin):
    list_display = ["user", "reading", "status", "finished_at", "updated_at"]
    list_filter = ["status"]
    search_fields = ["user__username", "reading__title"]
    list_select_related = ["user", "reading"]


@admin.register(Highlight)
class HighlightAdmin(ServiceWriteAdmin):
    list_display = ["phrase", "reading", "author", "visibility", "created_at"]
    list_filter = ["visibility"]
    search_fields = ["phrase", "comment", "reading__title"]
    list_select_related = ["reading", "author"]
    create_service = services.highlight_save
    update_service = services.highlight_update
    delete_service = services.highlight_delete
    fixed_fields = ("author", "reading")


class TermNameInline(admin.TabularInline):
    """Shown, not edited: names and aliases change with the term, as a revision."""

    model = TermName
    extra = 0
    can_delete = False
    fields = ["name", "is_primary", "folded"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class TermRevisionInline(admin.TabularInline):
    model = TermRevision
    extra = 0
    can_delete = False
    fields = ["number", "name", "level", "summary", "author", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(ServiceWriteAdmin):
    """Each edit here becomes a revision by the administrator, as on the term page."""

    list_display = ["name", "slug", "level", "updated_at"]
    list_filter = ["level"]
    search_fields = ["name", "names__name", "definition"]
    readonly_fields = ["definition_html"]
    inlines = [TermNameInline, TermRevisionInline]
    create_service = services.term_create
    update_service = services.term_update
    delete_service = services.term_delete
    update_argument = "term"
    fixed_fields = ("slug",)

    def service_extras(self, request, form, change):
        extras = {"author": request.user, "summary": "Edited in the admin" if change else "Created"}
        if not change or "related" in form.changed_data:
            extras["related"] = form.cleaned_data["related"]
        return extras


@admin.register(TermRevision)
class TermRevisionAdmin(admin.ModelAdmin):
    list_display = ["term", "number", "summary", "author", "created_at"]
    search_fields = ["term__name", "summary"]
    list_select_related = ["term", "author"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Note)
class NoteAdmin(ServiceWriteAdmin):
    list_display = ["author", "session", "reading", "term", "visibility", "created_at"]
    list_filter = ["visibility"]
    search_fields = ["body", "author__username"]
    list_select_related = ["author", "session", "reading", "term"]
    raw_id_fields = ["session", "reading", "term"]
    readonly_fields = ["version"]
    create_service = services.note_save
    update_service = services.note_update
    delete_service = services.note_delete
    fixed_fields = ("author", "session", "reading", "term")
