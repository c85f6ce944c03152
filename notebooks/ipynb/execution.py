"""Running one notebook with papermill, under watch.

The notebook runs in a Jupyter kernel, a child process of the worker. A supervisor thread beside
it keeps the run's heartbeat, asks the observer whether the run was cancelled, and watches the
clock. To stop a run it interrupts the kernel (SIGINT to the kernel's process group) and kills
that group when the cell has not stopped after a grace period; a check before each cell catches
a stop that falls between cells. Stopping the kernel instead of the worker process keeps the
worker alive to store what the notebook produced so far, and works with any broker (revoking a
task with terminate needs broadcast, which the embedded SQLite broker lacks).

Nothing here touches the database: the observer does (notebooks.worker).
"""

import contextlib
import logging
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import papermill
from django.conf import settings
from nbclient.exceptions import CellExecutionError
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.exceptions import PapermillExecutionError
from papermill.utils import remove_args

logger = logging.getLogger(__name__)

ENGINE_NAME = "tracker"
CANCELLED, TIMED_OUT, LOST = "cancelled", "timed_out", "lost"


class Observer(Protocol):
    """What the supervisor reports to, and asks (the database, in the worker)."""

    def started(self, cells_total: int) -> None: ...

    def cell_finished(self, cells_done: int) -> None: ...

    def poll(self) -> str | None:
        """Called every poll interval from the supervisor thread: CANCELLED, LOST or None."""

    def supervisor_finished(self) -> None:
        """Called last from the supervisor thread, to release what it holds (a connection)."""


class RunLog:
    """The run's log: the notebook's stdout and stderr as they arrive, and our own events."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = path.open("a", encoding="utf-8")
        self._lock = threading.Lock()
        self._began = time.monotonic()

    def write(self, text: str) -> None:  # papermill writes cell streams here
        with self._lock:
            if not self._file.closed:
                self._file.write(text)

    def flush(self) -> None:
        with self._lock:
            if not self._file.closed:
                self._file.flush()

    def event(self, message: str) -> None:
        self.write(f"[tracker +{time.monotonic() - self._began:.1f}s] {message}\n")
        self.flush()

    def close(self) -> None:
        with self._lock:
            self._file.close()


class ExecutionStopped(Exception):
    """Raised before a cell once a stop was asked for."""


@dataclass
class CellFailure:
    index: int  # 0-based, in the executed notebook, markdown cells included
    ename: str
    evalue: str
    execution_count: int | None
    code_number: int  # 1-based among the code cells, as progress counts them ("4 of 5")

    @property
    def label(self) -> str:
        count = f" (In [{self.execution_count}])" if self.execution_count else ""
        return f"code cell {self.code_number}{count}"


def code_cell_number(cells, index: int) -> int:
    """The cell at `index` counted among code cells only, as the progress counts cells."""
    return sum(1 for cell in cells[: index + 1] if cell.get("cell_type") == "code")


class Supervisor:
    """Shared between the thread running the notebook and the thread watching it."""

    def __init__(
        self,
        observer: Observer,
        *,
        time_limit: float,
        log: RunLog,
        poll_interval: float = 0.5,
        stop_grace: float = 3.0,
    ) -> None:
        self.observer = observer
        self.time_limit = time_limit
        self.log = log
        self.poll_interval = poll_interval
        self.stop_grace = stop_grace
        self.stop_reason: str | None = None
        self.failure: CellFailure | None = None
        self.cells_total = 0
        self.cells_done = 0
        self.current_cell: int | None = None
        self._client: PapermillNotebookClient | None = None
        self._deadline: float | None = None
        self._executing = False
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="run-supervisor", daemon=True)

    def __enter__(self) -> "Supervisor":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._closed.set()
        self._thread.join(timeout=self.stop_grace + 30)

    # Called by the executing thread ------------------------------------------------------------

    def execution_started(self, client: PapermillNotebookClient) -> None:
        self._client = client
        self._executing = True
        self.cells_total = sum(1 for cell in client.nb.cells if cell.cell_type == "code")
        self._deadline = time.monotonic() + self.time_limit
        self.observer.started(self.cells_total)

    def before_cell(self, index: int) -> None:
        if self.stop_reason is not None:
            raise ExecutionStopped(self.stop_reason)
        self.current_cell = index

    def cell_succeeded(self, cell) -> None:
        self.current_cell = None
        if cell.cell_type == "code":
            self.cells_done += 1
            self.observer.cell_finished(self.cells_done)

    def cell_failed(self, index: int, ename: str, evalue: str) -> None:
        self.current_cell = None
        cells = self._client.nb.cells if self._client else []
        count = cells[index].get("execution_count") if index < len(cells) else None
        self.failure = CellFailure(index, ename, evalue, count, code_cell_number(cells, index))

    def execution_finished(self) -> None:
        self._executing = False
        self.current_cell = None

    # The watching thread ------------------------------------------------------------------------

    def _watch(self) -> None:
        try:
            while not self._closed.wait(self.poll_interval):
                self._check()
        finally:
            self.observer.supervisor_finished()

    def _check(self) -> None:
        if self._deadline is not None and time.monotonic() >= self._deadline:
            self._stop(TIMED_OUT)
        try:
            reason = self.observer.poll()
        except Exception:  # a database hiccup must not end the watch; the next poll retries
            logger.exception("Polling the run failed")
            return
        if reason is not None:
            self._stop(reason)

    def _stop(self, reason: str) -> None:
        if self.stop_reason is not None or not self._executing:
            return
        self.stop_reason = reason
        self.log.event(f"Stopping the notebook: {reason}.")
        group = self._kernel_process_group()
        if group is None:  # the kernel is still starting; the check before the first cell stops it
            return
        _signal_group(group, signal.SIGINT)
        give_up_at = time.monotonic() + self.stop_grace
        while time.monotonic() < give_up_at:
            if self.current_cell is None or not self._executing:
                return
            time.sleep(0.05)
        self.log.event("The cell did not stop when interrupted; killing the kernel.")
        _signal_group(group, signal.SIGKILL)

    def _kernel_process_group(self) -> int | None:
        manager = getattr(self._client, "km", None)
        provisioner = getattr(manager, "provisioner", None)
        group = getattr(provisioner, "pgid", None) or getattr(provisioner, "pid", None)
        return int(group) if group else None


def _signal_group(group: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # the kernel already ended
        os.killpg(group, signum)


class _TrackedClient(PapermillNotebookClient):
    """papermill's client, reporting each cell to the supervisor."""

    supervisor: Supervisor

    def papermill_execute_cells(self) -> None:
        supervisor = self.supervisor
        supervisor.execution_started(self)
        for index, cell in enumerate(self.nb.cells):
            supervisor.before_cell(index)
            try:
                self.nb_man.cell_start(cell, index)
                self.execute_cell(cell, index)
            except CellExecutionError as error:
                self.nb_man.cell_exception(self.nb.cells[index], cell_index=index, exception=error)
                supervisor.cell_failed(index, error.ename, error.evalue)
                break
            except BaseException as error:
                supervisor.cell_failed(index, type(error).__name__, str(error))
                raise
            finally:
                self.nb_man.cell_complete(self.nb.cells[index], cell_index=index)
            supervisor.cell_succeeded(self.nb.cells[index])


class _TrackedEngine(NBClientEngine):
    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        supervisor=None,
        **kwargs,
    ):
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        client = _TrackedClient(
            nb_man,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
            **kwargs,
        )
        client.supervisor = supervisor
        return client.execute()


papermill_engines.register(ENGINE_NAME, _TrackedEngine)


@dataclass
class Outcome:
    status: str  # succeeded, failed, timed_out or cancelled
    reason: str
    failed_cell: int | None  # 1-based
    where: str  # "during cell 3 (In [2])", for a reason written elsewhere

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"


def run_notebook(
    source: Path,
    executed: Path,
    *,
    workdir: Path,
    parameters: dict,
    kernel_name: str,
    supervisor: Supervisor,
    start_timeout: float,
) -> Outcome:
    """Runs `source` into `executed` (written as cells run, so it holds partial outputs too)."""
    error: BaseException | None = None
    # The demo notebooks import their code from this project; the kernel inherits this.
    os.environ.setdefault("TRACKER_ROOT", str(settings.BASE_DIR))
    try:
        papermill.execute_notebook(
            str(source),
            str(executed),
            parameters=parameters,
            engine_name=ENGINE_NAME,
            kernel_name=kernel_name,
            language="python",
            progress_bar=False,
            stdout_file=supervisor.log,
            stderr_file=supervisor.log,
            start_timeout=start_timeout,
            # A backstop per cell; the supervisor enforces the limit for the whole notebook.
            execution_timeout=supervisor.time_limit + supervisor.stop_grace + 10,
            cwd=str(workdir),
            supervisor=supervisor,
        )
    except PapermillExecutionError:
        pass  # the supervisor recorded the failing cell
    except Exception as caught:  # a dead kernel, a kernel that never started, a time limit
        error = caught
    finally:
        supervisor.execution_finished()
    outcome = _outcome(supervisor, error)
    supervisor.log.event(f"Outcome: {outcome.status}. {outcome.reason}".strip())
    return outcome


def _outcome(supervisor: Supervisor, error: BaseException | None) -> Outcome:
    failure = supervisor.failure
    if failure is not None:
        where = f"during {failure.label}"
    elif supervisor.cells_total:
        where = f"after {supervisor.cells_done} of {supervisor.cells_total} code cells"
    else:
        where = "before the notebook started"
    cell = failure.index + 1 if failure else None
    limit = f"{supervisor.time_limit:g} s"
    if supervisor.stop_reason == CANCELLED:
        return Outcome("cancelled", f"Cancelled {where}.", cell, where)
    if supervisor.stop_reason == TIMED_OUT:
        return Outcome("timed_out", f"Stopped at the time limit of {limit} {where}.", cell, where)
    if supervisor.stop_reason == LOST:
        return Outcome("failed", "Stopped: the run was finished elsewhere.", cell, where)
    error_name = type(error).__name__ if error else ""
    if error_name == "SoftTimeLimitExceeded":
        return Outcome("timed_out", f"The worker's time limit ran out {where}.", cell, where)
    if error_name == "CellTimeoutError":
        return Outcome(
            "timed_out", f"A cell ran past the time limit of {limit} {where}.", cell, where
        )
    if error_name == "DeadKernelError":
        return Outcome(
            "failed", f"The kernel died {where} (out of memory, or killed).", cell, where
        )
    if failure is not None:
        message = f"{failure.ename}: {failure.evalue}" if failure.evalue else failure.ename
        return Outcome("failed", _clip(f"C{failure.label[1:]} raised {message}"), cell, where)
    if error is not None:
        return Outcome(
            "failed", _clip(f"The notebook could not run: {error_name}: {error}"), None, where
        )
    return Outcome("succeeded", "", None, "")


def _clip(text: str, limit: int = 1000) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
