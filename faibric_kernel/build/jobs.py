"""The one job runner of the build wing: builds, changes and deploys run here, cancellable, one per session.

The CLI, the studio and the API's onboarding flow all run their work through
a :class:`JobRunner`. Its interface is deliberately small, because it is the
seam where builds will later move to a queue served by other machines:

* :meth:`JobRunner.submit` ``(kind, session_id, work, tenant_id=..., cancel=...)``
  takes the session's lease (see :mod:`.leases`: one job per session across
  processes, a killed process is noticed on the next start), runs
  ``work(on_progress, cancel)`` in a thread and returns the :class:`Job` at once;
* :meth:`JobRunner.progress` ``(session_id)`` is where the job is
  (stage, percent, message), and :meth:`JobRunner.subscribe` pushes each update;
* :meth:`JobRunner.cancel` ``(session_id)`` sets the job's cancel event: the
  build raises :class:`BuildStoppedError` at its next check and the session
  ends ``stopped``. A stop asked for by another process (``faibric stop``)
  arrives as a file the runner polls;
* :meth:`JobRunner.result` ``(session_id)`` waits and returns what ``work``
  returned, or raises the error it raised.

:func:`run_in_foreground` is how a command-line caller uses it: submit, wait,
and turn Ctrl-C into a cancel. Whatever ``work`` does, the session is never
left ``building`` when its thread ends: a failure moves it to ``error`` with
the reason. ``start_build`` and ``start_modify`` are the onboarding flow's
shorthands; the build and change functions default to
:func:`faibric_kernel.build.run_build` and :func:`faibric_kernel.build.modify_site`,
and tests inject small fakes with the same signature.
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
from ..sessions import Session, get_session, transition
from ..store.state import is_postgres
from . import leases
from .context import ProgressFn
from .modify import modify_site
from .run import run_build

__all__ = ["Job", "JobRunner", "Progress", "get_runner", "run_in_foreground", "runner_was_set", "set_runner"]

log = logging.getLogger("faibric.jobs")

Work = Callable[[ProgressFn, threading.Event], object]

PUBLISH_SECONDS = 0.5


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
    kind: str  # "build" | "modify" | "deploy"
    cancel: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    progress: Progress = field(default_factory=Progress)
    started_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    outcome: str | None = None  # "done" | "stopped" | "error"
    error: str | None = None
    result: object = None
    exception: BaseException | None = None
    thread: threading.Thread | None = None
    published: tuple[float, str] | None = None  # when and at which stage the progress was last shared

    @property
    def running(self) -> bool:
        return not self.done.is_set()

    def to_dict(self) -> dict:
        return {"session_id": self.session_id, "kind": self.kind, "running": self.running,
                "outcome": self.outcome, "error": self.error, **self.progress.to_dict()}


class JobRunner:
    """Runs builds, changes and deploys in background threads; see the module docstring."""

    def __init__(
        self,
        build_fn: Callable | None = None,
        modify_fn: Callable | None = None,
        *,
        poll_interval: float = 0.1,
        heartbeat_seconds: float = 15.0,
        keep_finished: int = 1000,
    ):
        self.build_fn = build_fn or run_build
        self.modify_fn = modify_fn or modify_site
        self.poll_interval = poll_interval
        self.heartbeat_seconds = heartbeat_seconds
        self.keep_finished = keep_finished
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._subscribers: dict[str, list[ProgressFn]] = {}
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

        return self.submit("build", session_id, call, tenant_id=tenant_id)

    def start_modify(self, session_id: str, request: str, *, tenant_id: str = "default",
                     provider: str | None = None) -> Job:
        """Apply a change (targeted edits + redeploy) in the background."""
        def call(on_progress, cancel):
            return self.modify_fn(session_id, request, provider=provider, on_progress=on_progress,
                                  on_text=None, cancel=cancel)

        return self.submit("modify", session_id, call, tenant_id=tenant_id)

    def submit(self, kind: str, session_id: str, work: Work, *, tenant_id: str = "default",
               cancel: threading.Event | None = None) -> Job:
        """Run ``work(on_progress, cancel)`` for a session in a thread, holding its lease; returns the job.

        Refuses (:class:`BuildError`, ``reason="already_building"``) a session
        whose job is still running here or whose lease a live process holds.
        ``cancel`` lets a caller that already has a stop button share its event.
        """
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
            job = Job(session_id=session_id, tenant_id=tenant_id, kind=kind, cancel=cancel or threading.Event())
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
        job.thread = threading.Thread(target=self._run, args=(job, work), name=f"faibric-{kind}-{session_id}",
                                      daemon=True)
        job.thread.start()
        self._ensure_monitor()
        self._notify_listeners(job)
        return job

    # -- running ------------------------------------------------------------------------------

    def _report(self, job: Job, stage, percent, message, *, final: bool = False) -> None:
        try:
            value = float(percent) if percent is not None else job.progress.percent
        except (TypeError, ValueError):
            value = job.progress.percent
        job.progress = Progress(str(stage), max(0.0, min(100.0, value)), str(message or ""))
        self._publish(job, final=final)
        for callback in list(self._subscribers.get(job.session_id, ())):
            try:
                callback(job.progress.stage, job.progress.percent, job.progress.message)
            except Exception:  # noqa: BLE001 - a broken subscriber must not break the build
                log.exception("progress subscriber failed for %s", job.session_id)

    def _publish(self, job: Job, *, final: bool = False) -> None:
        """With the state in PostgreSQL, put the progress on the job's lease for APIs on other hosts to read
        (at a new stage, else at most every ``PUBLISH_SECONDS``)."""
        if not is_postgres():
            return
        now = time.monotonic()
        last = job.published
        if not final and last is not None and last[1] == job.progress.stage and now - last[0] < PUBLISH_SECONDS:
            return
        job.published = (now, job.progress.stage)
        try:
            leases.publish_progress(job.session_id, job.progress.stage, job.progress.percent, job.progress.message)
        except FaibricError:
            log.exception("could not publish the progress of %s", job.session_id)

    def _run(self, job: Job, work: Work) -> None:
        try:
            job.result = work(lambda stage, percent, message="": self._report(job, stage, percent, message), job.cancel)
            job.outcome = "done"
        except BuildStoppedError as exc:
            job.outcome, job.exception = "stopped", exc
            self._settle(job, "stopped", "stopped on request")
        except FaibricError as exc:
            job.outcome, job.error, job.exception = "error", exc.message, exc
            self._settle(job, "error", exc.message)
        except BaseException as exc:  # noqa: BLE001 - the thread must always settle the session
            job.outcome, job.error, job.exception = "error", f"unexpected {type(exc).__name__}: {exc}", exc
            self._log_crash(job)
            self._settle(job, "error", job.error)
        finally:
            if job.outcome == "done" and job.cancel.is_set():
                # the build finished before it noticed the stop; its result stands
                job.error = None
            self._settle_if_still_building(job)
            stage = {"done": "finished", "stopped": "stopped", "error": "error"}.get(job.outcome or "", "finished")
            message = job.error or {"stopped": "stopped on request"}.get(job.outcome or "", "finished")
            final_percent = 100.0 if job.outcome == "done" else job.progress.percent
            # reported before the lease goes: other hosts read the outcome from it until then
            self._report(job, stage, final_percent, message, final=True)
            try:
                leases.release(job.session_id)
            except FaibricError:
                log.exception("could not release the lease of %s", job.session_id)
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
            path = config.workspace_path("logs") / "worker.log"  # the name operators already know
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
                    except (OSError, FaibricError):
                        pass  # the file system or the state's PostgreSQL hiccupped: asked again next tick
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

    def subscribe(self, session_id: str, callback: ProgressFn) -> Callable[[], None]:
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

    def result(self, session_id: str, timeout: float | None = None):
        """Wait for the session's job and return what its work returned, or raise the error it raised."""
        job = self.wait(session_id, timeout)
        if job is None:
            raise BuildError(f"no job for session {session_id} in this process", session_id=session_id)
        if job.running:
            raise BuildError(f"the {job.kind} of {session_id} is still running", reason="still_running",
                             session_id=session_id)
        if job.exception is not None:
            raise job.exception
        return job.result

    def cancel(self, session_id: str, *, timeout: float = 10.0) -> Job | None:
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


_default: JobRunner | None = None
_default_lock = threading.Lock()


def get_runner() -> JobRunner:
    """This process's runner; the first call also recovers builds interrupted by a crash."""
    global _default
    with _default_lock:
        if _default is None:
            _default = JobRunner()
            try:
                leases.recover_interrupted()
            except FaibricError:
                log.exception("recovering interrupted builds failed")
        return _default


_set_explicitly = False


def runner_was_set() -> bool:
    """Whether :func:`set_runner` gave this process its runner (which then wins over the queue)."""
    return _set_explicitly


def set_runner(runner: JobRunner | None) -> None:
    """Replace this process's runner (tests, or an API with its own)."""
    global _default, _set_explicitly
    with _default_lock:
        _default = runner
        _set_explicitly = runner is not None


def run_in_foreground(kind: str, session: Session, work: Work, *, runner: JobRunner | None = None,
                      on_interrupt: Callable[[], None] | None = None):
    """Run ``work`` as a job and wait for it here; Ctrl-C cancels it (the session ends ``stopped``).

    Returns what ``work`` returned, or raises its error. ``on_interrupt`` is
    called once when Ctrl-C arrives (to say that the job is stopping).
    """
    runner = runner or get_runner()
    job = runner.submit(kind, session.session_id, work, tenant_id=session.tenant_id)
    try:
        while not job.done.wait(0.2):
            pass
    except KeyboardInterrupt:
        job.cancel.set()
        if on_interrupt is not None:
            on_interrupt()
        job.done.wait(30)
    return runner.result(session.session_id, timeout=0)
