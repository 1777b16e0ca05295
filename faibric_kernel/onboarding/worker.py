"""The background build worker: builds and changes run in threads, report progress, stop on request.

One :class:`BuildWorker` per process. ``start_build`` / ``start_modify`` take
the session's lease (see :mod:`.leases`), start a thread that calls the build
function with ``on_progress(stage, percent, message)`` and a
``cancel: threading.Event``, and return at once. Callers poll
:meth:`BuildWorker.progress` or :meth:`BuildWorker.subscribe` to updates.

* Builds for different sessions run at the same time; a second start for a
  session that is already running is refused with :class:`BuildError`
  (``reason="already_building"``).
* :meth:`BuildWorker.stop` sets the cancel event; the build function raises
  :class:`BuildStoppedError` at its next check and the session ends ``stopped``.
  A stop asked for by another process (``faibric stop``) arrives as a file the
  worker polls.
* Whatever the build function does, the session is never left ``building``
  when its thread ends: a failure moves it to ``error`` with the reason.

The build function defaults to :func:`faibric_kernel.builds.run_build` and the
change function to :func:`faibric_kernel.builds.modify_site`; tests inject
small fakes with the same signature.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .. import config
from ..errors import BuildError, BuildStoppedError, FaibricError
from ..sessions import get_session, transition
from . import leases

__all__ = ["BuildWorker", "Job", "Progress", "get_worker", "set_worker"]

log = logging.getLogger("faibric.worker")

ProgressCallback = Callable[[str, float, str], None]


def _default_build(*args, **kwargs):
    try:
        from ..builds import run_build
    except ImportError:
        raise BuildError(
            "the build pipeline (faibric_kernel.builds.run_build) is not installed in this checkout"
        ) from None
    return run_build(*args, **kwargs)


def _default_modify(*args, **kwargs):
    try:
        from ..builds import modify_site
    except ImportError:
        raise BuildError(
            "site changes (faibric_kernel.builds.modify_site) are not installed in this checkout"
        ) from None
    return modify_site(*args, **kwargs)


@dataclass
class Progress:
    """Where a job is: a stage name, a percentage (0-100) and a line for people."""

    stage: str = "queued"
    percent: float = 0.0
    message: str = "waiting to start"
    updated_at: float = field(default_factory=time.time)

    def to_dict(self) -> dict:
        return {"stage": self.stage, "percent": round(self.percent, 1), "message": self.message,
                "updated_at": datetime.fromtimestamp(self.updated_at, UTC).replace(tzinfo=None).isoformat()}


@dataclass
class Job:
    """One build or change running (or recently run) in this process."""

    session_id: str
    tenant_id: str
    kind: str  # "build" | "modify"
    cancel: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    progress: Progress = field(default_factory=Progress)
    started_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    outcome: str | None = None  # "done" | "stopped" | "error"
    error: str | None = None
    result: object = None
    thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return not self.done.is_set()

    def to_dict(self) -> dict:
        return {"session_id": self.session_id, "kind": self.kind, "running": self.running,
                "outcome": self.outcome, "error": self.error, **self.progress.to_dict()}


class BuildWorker:
    """Runs builds and changes in background threads; see the module docstring."""

    def __init__(
        self,
        build_fn: Callable | None = None,
        modify_fn: Callable | None = None,
        *,
        poll_interval: float = 0.1,
        heartbeat_seconds: float = 15.0,
        keep_finished: int = 1000,
    ):
        self.build_fn = build_fn or _default_build
        self.modify_fn = modify_fn or _default_modify
        self.poll_interval = poll_interval
        self.heartbeat_seconds = heartbeat_seconds
        self.keep_finished = keep_finished
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._subscribers: dict[str, list[ProgressCallback]] = {}
        self._listeners: list[Callable[[Job], None]] = []
        self._monitor: threading.Thread | None = None
        self._closed = False

    # -- starting -----------------------------------------------------------------------------

    def start_build(self, session_id: str, *, tenant_id: str = "default", provider: str | None = None,
                    model: str | None = None, deploy_target: str = "local") -> Job:
        """Start a build in the background; refuses a session that is already running."""
        def call(on_progress, cancel):
            return self.build_fn(session_id, provider=provider, model=model, deploy_target=deploy_target,
                                 on_progress=on_progress, on_text=None, cancel=cancel)

        return self._start(session_id, tenant_id, "build", call)

    def start_modify(self, session_id: str, request: str, *, tenant_id: str = "default",
                     provider: str | None = None) -> Job:
        """Apply a change (targeted edits + redeploy) in the background."""
        def call(on_progress, cancel):
            return self.modify_fn(session_id, request, provider=provider, on_progress=on_progress,
                                  on_text=None, cancel=cancel)

        return self._start(session_id, tenant_id, "modify", call)

    def _start(self, session_id: str, tenant_id: str, kind: str, call: Callable) -> Job:
        with self._lock:
            if self._closed:
                raise BuildError("the build worker is shutting down; try again in a moment", reason="shutting_down")
            current = self._jobs.get(session_id)
            if current is not None and current.running:
                raise BuildError(
                    f"session {session_id} is already {'building' if current.kind == 'build' else 'being changed'} "
                    f"({current.progress.stage}, {current.progress.percent:.0f}%); wait for it or stop it",
                    reason="already_building", session_id=session_id,
                )
            job = Job(session_id=session_id, tenant_id=tenant_id, kind=kind)
            # registered before the lease so a racing second start in this process is refused above
            self._jobs[session_id] = job
            self._jobs.move_to_end(session_id)
        try:
            leases.clear_stop_request(session_id)
            leases.acquire(session_id, tenant_id=tenant_id, kind=kind)
        except BaseException:
            with self._lock:
                if self._jobs.get(session_id) is job:
                    del self._jobs[session_id]
            raise
        job.progress = Progress("starting", 0.0, "starting the build" if kind == "build" else "starting the change")
        job.thread = threading.Thread(target=self._run, args=(job, call), name=f"faibric-{kind}-{session_id}",
                                      daemon=True)
        job.thread.start()
        self._ensure_monitor()
        self._notify_listeners(job)
        return job

    # -- running ------------------------------------------------------------------------------

    def _report(self, job: Job, stage, percent, message) -> None:
        try:
            value = float(percent) if percent is not None else job.progress.percent
        except (TypeError, ValueError):
            value = job.progress.percent
        job.progress = Progress(str(stage), max(0.0, min(100.0, value)), str(message or ""))
        for callback in list(self._subscribers.get(job.session_id, ())):
            try:
                callback(job.progress.stage, job.progress.percent, job.progress.message)
            except Exception:  # noqa: BLE001 - a broken subscriber must not break the build
                log.exception("progress subscriber failed for %s", job.session_id)

    def _run(self, job: Job, call: Callable) -> None:
        try:
            job.result = call(lambda stage, percent, message="": self._report(job, stage, percent, message), job.cancel)
            job.outcome = "done"
        except BuildStoppedError:
            job.outcome = "stopped"
            self._settle(job, "stopped", "stopped on request")
        except FaibricError as exc:
            job.outcome, job.error = "error", exc.message
            self._settle(job, "error", exc.message)
        except BaseException as exc:  # noqa: BLE001 - the thread must always settle the session
            job.outcome, job.error = "error", f"unexpected {type(exc).__name__}: {exc}"
            self._log_crash(job)
            self._settle(job, "error", job.error)
        finally:
            if job.outcome == "done" and job.cancel.is_set():
                # the build finished before it noticed the stop; its result stands
                job.error = None
            self._settle_if_still_building(job)
            try:
                leases.release(job.session_id)
            except FaibricError:
                log.exception("could not release the lease of %s", job.session_id)
            stage = {"done": "finished", "stopped": "stopped", "error": "error"}.get(job.outcome or "", "finished")
            message = job.error or {"stopped": "stopped on request"}.get(job.outcome or "", "finished")
            final_percent = 100.0 if job.outcome == "done" else job.progress.percent
            self._report(job, stage, final_percent, message)
            job.finished_at = time.time()
            job.done.set()
            self._notify_listeners(job)
            self._trim()

    def _settle(self, job: Job, status: str, reason: str) -> None:
        """Move the session out of ``building`` when the build function did not."""
        try:
            session = get_session(job.session_id)
            if session.status == "building":
                transition(job.session_id, status, reason=reason, expected="building")
        except FaibricError:
            log.exception("could not settle %s as %s", job.session_id, status)

    def _settle_if_still_building(self, job: Job) -> None:
        if job.kind != "build" and job.outcome == "done":
            return
        if job.outcome == "done":
            try:
                if get_session(job.session_id).status == "building":
                    self._settle(job, "error", "the build ended without finishing the session")
            except FaibricError:
                log.exception("could not check %s", job.session_id)

    def _log_crash(self, job: Job) -> None:
        try:
            path = config.workspace_path("logs") / "worker.log"
            with path.open("a", encoding="utf-8") as fh:
                fh.write(f"{datetime.now(UTC).isoformat()} {job.kind} {job.session_id}\n{traceback.format_exc()}\n")
        except OSError:
            pass
        log.exception("%s of %s crashed", job.kind, job.session_id)

    def _ensure_monitor(self) -> None:
        with self._lock:
            if self._monitor is not None and self._monitor.is_alive():
                return
            self._monitor = threading.Thread(target=self._watch, name="faibric-worker-monitor", daemon=True)
            self._monitor.start()

    def _watch(self) -> None:
        """Polls stop requests from other processes and keeps this process's leases fresh."""
        last_beat = time.monotonic()
        while True:
            running = self.running_jobs()
            if not running:
                with self._lock:
                    if not any(j.running for j in self._jobs.values()):
                        self._monitor = None
                        return
                continue
            for job in running:
                if not job.cancel.is_set():
                    try:
                        if leases.stop_requested(job.session_id):
                            job.cancel.set()
                    except OSError:
                        pass
            if time.monotonic() - last_beat >= self.heartbeat_seconds:
                last_beat = time.monotonic()
                try:
                    leases.heartbeat(j.session_id for j in running)
                except FaibricError:
                    log.exception("lease heartbeat failed")
            time.sleep(self.poll_interval)

    def _trim(self) -> None:
        with self._lock:
            finished = [sid for sid, j in self._jobs.items() if not j.running]
            for sid in finished[: max(0, len(finished) - self.keep_finished)]:
                del self._jobs[sid]

    # -- observing ----------------------------------------------------------------------------

    def job(self, session_id: str) -> Job | None:
        """The running or most recent job for a session in this process."""
        return self._jobs.get(session_id)

    def is_running(self, session_id: str) -> bool:
        job = self._jobs.get(session_id)
        return job is not None and job.running

    def running_jobs(self) -> list[Job]:
        with self._lock:
            return [j for j in self._jobs.values() if j.running]

    def progress(self, session_id: str) -> dict | None:
        job = self._jobs.get(session_id)
        return job.to_dict() if job else None

    def subscribe(self, session_id: str, callback: ProgressCallback) -> Callable[[], None]:
        """Call ``callback(stage, percent, message)`` on every update; returns an unsubscribe function."""
        with self._lock:
            self._subscribers.setdefault(session_id, []).append(callback)

        def unsubscribe():
            with self._lock:
                callbacks = self._subscribers.get(session_id, [])
                if callback in callbacks:
                    callbacks.remove(callback)
                if not callbacks:
                    self._subscribers.pop(session_id, None)

        return unsubscribe

    def add_listener(self, listener: Callable[[Job], None]) -> None:
        """Call ``listener(job)`` when a job starts and when it ends (e.g. to refresh a status cache)."""
        self._listeners.append(listener)

    def _notify_listeners(self, job: Job) -> None:
        for listener in list(self._listeners):
            try:
                listener(job)
            except Exception:  # noqa: BLE001
                log.exception("worker listener failed")

    def wait(self, session_id: str, timeout: float | None = None) -> Job | None:
        """Block until the session's job ends (or ``timeout``); returns the job."""
        job = self._jobs.get(session_id)
        if job is not None:
            job.done.wait(timeout)
        return job

    # -- stopping -----------------------------------------------------------------------------

    def stop(self, session_id: str, *, timeout: float = 10.0) -> Job | None:
        """Cancel the session's job and wait up to ``timeout`` seconds for it to end."""
        job = self._jobs.get(session_id)
        if job is None or not job.running:
            return None
        job.cancel.set()
        job.done.wait(timeout)
        return job

    def shutdown(self, *, timeout: float = 10.0) -> None:
        """Stop every running job (sessions end ``stopped``) and refuse new ones."""
        with self._lock:
            self._closed = True
            running = [j for j in self._jobs.values() if j.running]
        for job in running:
            job.cancel.set()
        deadline = time.monotonic() + timeout
        for job in running:
            job.done.wait(max(0.0, deadline - time.monotonic()))


_default: BuildWorker | None = None
_default_lock = threading.Lock()


def get_worker() -> BuildWorker:
    """This process's worker; the first call also recovers builds interrupted by a crash."""
    global _default
    with _default_lock:
        if _default is None:
            _default = BuildWorker()
            try:
                leases.recover_interrupted()
            except FaibricError:
                log.exception("recovering interrupted builds failed")
        return _default


def set_worker(worker: BuildWorker | None) -> None:
    """Replace this process's worker (tests, or an API with its own)."""
    global _default
    with _default_lock:
        _default = worker
