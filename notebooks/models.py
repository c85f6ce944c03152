"""Notebooks attached to a session, their runs on a Celery worker, and the files a run leaves.

A run's status only moves forward (queued → running → one final status); every change is a
compare-and-set update in notebooks.services and notebooks.worker, never a save() of a stale copy.

The models moved here from `sessions` (app label `tracker_sessions`) and kept their tables, hence
each `db_table`: renaming them would gain nothing and cost a migration that locks them.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse


class Queue(models.TextChoices):
    CPU = "cpu", "CPU"
    GPU = "gpu", "GPU"


def default_kernel_name() -> str:
    return settings.NOTEBOOK_KERNEL


def default_time_limit() -> int:
    return settings.NOTEBOOK_DEFAULT_TIME_LIMIT


class Notebook(models.Model):
    session = models.ForeignKey(
        "tracker_sessions.Session", on_delete=models.CASCADE, related_name="notebooks"
    )
    title = models.CharField(max_length=200)
    file = models.FileField(max_length=500)
    file_size = models.PositiveBigIntegerField(default=0, editable=False)
    checksum = models.CharField(max_length=64, blank=True, editable=False)  # sha256, hex
    kernel_name = models.CharField(max_length=64, default=default_kernel_name)
    parameters = models.JSONField(
        default=dict, blank=True, help_text="Default parameters, by name (JSON object)."
    )
    # What the notebook's cell tagged `parameters` declares: name, type, default, help.
    parameter_spec = models.JSONField(default=list, blank=True, editable=False)
    queue = models.CharField(max_length=8, choices=Queue.choices, default=Queue.CPU)
    time_limit = models.PositiveIntegerField(
        default=default_time_limit,
        validators=[MinValueValidator(1)],
        help_text="Seconds a run may take before it is stopped.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notebooks",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "tracker_sessions_notebook"
        ordering = ["session", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(queue__in=["cpu", "gpu"]), name="notebook_queue_known"
            ),
            models.CheckConstraint(
                condition=Q(time_limit__gte=1), name="notebook_time_limit_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("notebook_file", kwargs={"notebook_id": self.pk})

    def clean(self) -> None:
        errors = {}
        if self.time_limit is not None and self.time_limit > settings.NOTEBOOK_MAX_TIME_LIMIT:
            errors["time_limit"] = (
                f"At most {settings.NOTEBOOK_MAX_TIME_LIMIT} seconds on this site."
            )
        if self.kernel_name not in settings.NOTEBOOK_KERNELS:
            errors["kernel_name"] = (
                f"Unknown kernel '{self.kernel_name}'; this site runs "
                + ", ".join(settings.NOTEBOOK_KERNELS)
                + "."
            )
        if not isinstance(self.parameters, dict):
            errors["parameters"] = "Parameters must be a JSON object of names and values."
        if errors:
            raise ValidationError(errors)


def default_sweep_concurrency() -> int:
    return settings.NOTEBOOK_SWEEP_CONCURRENCY


class Sweep(models.Model):
    """Many runs of one notebook, one per parameter set, started together. Its runs share a
    concurrency limit (at most `max_concurrent` on the workers at once, the rest wait unsent)
    and are cancelled together. Its status is its runs' (selectors.sweep_status)."""

    class Kind(models.TextChoices):
        GRID = "grid", "Grid"  # spec: {parameter: [values]}, every combination
        LIST = "list", "List"  # spec: [{parameter: value}, …], each set as given

    notebook = models.ForeignKey(Notebook, on_delete=models.CASCADE, related_name="sweeps")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notebook_sweeps",
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    spec = models.JSONField(help_text="The grid or the list of parameter sets, as given.")
    max_concurrent = models.PositiveSmallIntegerField(
        default=default_sweep_concurrency, validators=[MinValueValidator(1)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    cancel_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["grid", "list"]), name="sweep_kind_known"),
            models.CheckConstraint(
                condition=Q(max_concurrent__gte=1), name="sweep_max_concurrent_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Sweep {self.pk} of {self.notebook}"

    def get_absolute_url(self) -> str:
        return reverse("sweep_detail", kwargs={"sweep_id": self.pk})


class Run(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        TIMED_OUT = "timed_out", "Timed out"
        CANCELLED = "cancelled", "Cancelled"

    ACTIVE = (Status.QUEUED, Status.RUNNING)
    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.TIMED_OUT, Status.CANCELLED)

    notebook = models.ForeignKey(Notebook, on_delete=models.CASCADE, related_name="runs")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notebook_runs",
    )
    parameters = models.JSONField(default=dict, blank=True)
    queue = models.CharField(max_length=8, choices=Queue.choices, default=Queue.CPU)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    reason = models.TextField(blank=True)
    # 1-based position, in the executed notebook, of the cell that failed or was stopped.
    failed_cell = models.PositiveIntegerField(null=True, blank=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    cancel_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    worker_host = models.CharField(max_length=255, blank=True)
    # The process running the attempt on worker_host: a redelivered task takes the run over at
    # once when that process is gone (notebooks.attempts).
    worker_pid = models.PositiveIntegerField(null=True, blank=True)
    device = models.CharField(max_length=8, blank=True)  # the `device` parameter: cuda or cpu
    device_name = models.CharField(max_length=255, blank=True)  # GPU name and memory, or CPU
    # What reproduces the run: the sha256 of the .ipynb bytes it ran (copied from the notebook
    # when queued, then the bytes the worker actually read), and the packages the worker had.
    notebook_sha256 = models.CharField(max_length=64, blank=True)
    package_versions = models.JSONField(default=dict, blank=True)
    # A sweep's run: its place in the sweep, and when it was sent to the broker (a sweep's runs
    # wait in `queued` unsent until one of its slots is free; other runs are sent at once).
    sweep = models.ForeignKey(
        Sweep, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs"
    )
    sweep_index = models.PositiveSmallIntegerField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    cells_done = models.PositiveIntegerField(default=0)
    cells_total = models.PositiveIntegerField(default=0)
    # Scalar results, {name: number}, from metrics.json and values a cell recorded
    # (notebooks/ipynb/results.py); stored with the outcome, also of a failed or stopped run.
    results = models.JSONField(default=dict, blank=True)
    celery_task_id = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = "tracker_sessions_run"
        ordering = ["-queued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "queued",
                        "running",
                        "succeeded",
                        "failed",
                        "timed_out",
                        "cancelled",
                    ]
                ),
                name="run_status_known",
            ),
            models.CheckConstraint(condition=Q(queue__in=["cpu", "gpu"]), name="run_queue_known"),
            models.CheckConstraint(
                condition=Q(cells_done__lte=models.F("cells_total")), name="run_progress_in_range"
            ),
            models.UniqueConstraint(
                fields=["sweep", "sweep_index"], name="run_sweep_index_unique_in_sweep"
            ),
        ]
        # The name Django gave it under the old app label, so the move renames nothing.
        indexes = [
            models.Index(fields=["status", "heartbeat_at"], name="tracker_ses_status_ddcb5f_idx")
        ]

    def __str__(self) -> str:
        return f"Run {self.pk} of {self.notebook} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("run_detail", kwargs={"run_id": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def progress_percent(self) -> int:
        if not self.cells_total:
            return 0
        return round(100 * self.cells_done / self.cells_total)


class Artifact(models.Model):
    class Kind(models.TextChoices):
        NOTEBOOK = "notebook", "Executed notebook"
        HTML = "html", "HTML"
        IMAGE = "image", "Image"
        METRICS = "metrics", "Metrics (JSON)"
        LOG = "log", "Log"

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="artifacts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=255)
    file = models.FileField(max_length=500)
    size = models.PositiveBigIntegerField()
    checksum = models.CharField(max_length=64)  # sha256, hex
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "tracker_sessions_artifact"
        ordering = ["run", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "name"], name="artifact_name_unique_in_run"),
            models.CheckConstraint(
                condition=Q(kind__in=["notebook", "html", "image", "metrics", "log"]),
                name="artifact_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "artifact_file",
            kwargs={"run_id": self.run_id, "artifact_id": self.pk, "name": self.name},
        )


class PinnedRun(models.Model):
    """The run a session's organizers chose as its result ("The result" on the session page):
    at most one per session, a finished run of one of the session's notebooks. Deleting the
    run deletes the pin."""

    session = models.OneToOneField(
        "tracker_sessions.Session", on_delete=models.CASCADE, related_name="pinned_run"
    )
    run = models.OneToOneField(Run, on_delete=models.CASCADE, related_name="pin")
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    pinned_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Run {self.run_id} pinned on session {self.session_id}"

    def clean(self) -> None:
        errors = {}
        if self.run_id and self.session_id and self.run.notebook.session_id != self.session_id:
            errors["run"] = "Only a run of one of the session's notebooks can be its result."
        if self.run_id and not self.run.is_finished:
            errors["run"] = "Only a finished run can be the session's result."
        if errors:
            raise ValidationError(errors)


@receiver(post_delete, sender=Notebook)
@receiver(post_delete, sender=Artifact)
def _delete_stored_file(sender, instance, **kwargs) -> None:
    """Files go with their rows, also when a course or session delete cascades here; only once the
    delete is committed, so a rolled-back delete keeps its files."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
