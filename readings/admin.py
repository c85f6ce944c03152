from django.contrib import admin

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
from tracker.markdown import render_markdown


class ReadingAuthorInline(admin.TabularInline):
    model = ReadingAuthor
    extra = 0
    autocomplete_fields = ["author"]


@admin.register(Reading)
class ReadingAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "year", "source", "arxiv_id", "doi", "created_at"]
    list_filter = ["kind", "year", "tags"]
    search_fields = ["title", "source", "arxiv_id", "doi", "isbn", "authors__family_name"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["tags"]
    inlines = [ReadingAuthorInline]

    def save_model(self, request, obj, form, change):
        obj.summary_html = render_markdown(obj.summary)
        super().save_model(request, obj, form, change)


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
class HighlightAdmin(admin.ModelAdmin):
    list_display = ["phrase", "reading", "author", "visibility", "created_at"]
    list_filter = ["visibility"]
    search_fields = ["phrase", "comment", "reading__title"]
    list_select_related = ["reading", "author"]

    def save_model(self, request, obj, form, change):
        obj.comment_html = render_markdown(obj.comment)
        super().save_model(request, obj, form, change)


class TermNameInline(admin.TabularInline):
    model = TermName
    extra = 0
    readonly_fields = ["folded"]


class TermRevisionInline(admin.TabularInline):
    model = TermRevision
    extra = 0
    can_delete = False
    fields = ["number", "name", "level", "summary", "author", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    """Read-mostly here: edits belong on the term page, where each one becomes a revision."""

    list_display = ["name", "slug", "level", "updated_at"]
    list_filter = ["level"]
    search_fields = ["name", "names__name", "definition"]
    readonly_fields = ["definition_html"]
    inlines = [TermNameInline, TermRevisionInline]


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
class NoteAdmin(admin.ModelAdmin):
    list_display = ["author", "session", "reading", "term", "visibility", "created_at"]
    list_filter = ["visibility"]
    search_fields = ["body", "author__username"]
    list_select_related = ["author", "session", "reading", "term"]
    raw_id_fields = ["session", "reading", "term"]

    def save_model(self, request, obj, form, change):
        obj.body_html = render_markdown(obj.body)
        super().save_model(request, obj, form, change)
