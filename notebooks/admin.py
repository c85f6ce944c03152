"""Admin for notebooks and runs: for looking, mostly. Runs change status only through the
services and the worker (compare-and-set), so their fields are read-only here."""

from django.contrib import admin

from notebooks.models import Artifact, Notebook, Run, Sweep


@admin.register(Notebook)
class NotebookAdmin(admin.ModelAdmin):
    list_display = ["title", "session", "queue", "time_limit", "kernel_name", "created_at"]
    list_filter = ["queue", "session__course"]
    search_fields = ["title", "session__title"]
    list_select_related = ["session__course"]
    raw_id_fields = ["session", "created_by"]
    readonly_fields = ["file", "file_size", "checksum", "parameter_spec"]


class ArtifactInline(admin.TabularInline):
    model = Artifact
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "name", "file", "size", "checksum", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ["id", "notebook", "status", "queue", "device", "worker_host", "queued_at"]
    list_filter = ["status", "queue", "device"]
    search_fields = ["notebook__title", "reason", "worker_host", "celery_task_id"]
    list_select_related = ["notebook"]
    inlines = [ArtifactInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Run._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Sweep)
class SweepAdmin(admin.ModelAdmin):
    """Read-only: a sweep is started and cancelled through the services (its runs' sends)."""

    list_display = ["id", "notebook", "kind", "max_concurrent", "started_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["notebook__title"]
    list_select_related = ["notebook", "started_by"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Sweep._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
