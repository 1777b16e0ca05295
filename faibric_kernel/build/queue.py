"""Builds on a task queue: ``faibric worker`` processes, on any machine, take build and change jobs.

With ``FAIBRIC_DATABASE_URL`` set, the onboarding flow (the API on every host)
hands builds and changes to :class:`QueueRunner` instead of running them in its
own threads. The queue is procrastinate's, in the same PostgreSQL as the state:

* no extra service to run (Celery would need a broker, Redis or RabbitMQ, and
  its own result store), and a job is a row next to the session it builds;
* a job is taken by exactly one worker (``FOR UPDATE SKIP LOCKED``) and starts
  within milliseconds (``LISTEN``/``NOTIFY``);
* one job per session: the session id is both the queueing lock (one waiting
  job) and the lock (one running job).

A worker runs each job through an in-process :class:`~.jobs.JobRunner`, so a
queued build behaves exactly like a local one: it takes the session's lease,
publishes its progress on the lease (every API host reads it there), polls
the lease for a stop asked for on any host, and never leaves the session
``building`` when it ends. A worker that is killed stops heartbeating: every
worker's :class:`Recovery` loop marks such a session ``error``/``interrupted``
within the lease time (``FAIBRIC_BUILD_LEASE_SECONDS``) and fails its queue job,
which frees the session for the next build.

Without ``FAIBRIC_DATABASE_URL`` none of this is used: builds run in-process.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from ..errors import BuildError, ConfigError, StateUnreachableError
from ..store.db import state_connection
from ..store.state import database_url
from . import leases
from .jobs import Job, JobRunner, Progress, get_runner, runner_was_set

__all__ = ["QueueRunner", "Recovery", "default_runner", "ensure_schema", "queue_app", "run_worker", "workers_alive"]

log = logging.getLogger("faibric.queue")

QUEUE = "builds"
NAMESPACE = "faibric"
BUILD_TASK = f"{NAMESPACE}:build"
MODIFY_TASK = f"{NAMESPACE}:modify"
RECOVER_SECONDS = 5.0
WORKER_HEARTBEAT_SECONDS = 5.0
SCHEMA_LOCK = 0x46414943  # the advisory lock under which one host creates procrastinate's tables

_blueprint = None


def _tasks():
    """The build and change tasks, on a procrastinate Blueprint (no connection needed to define them)."""
    global _blueprint
    if _blueprint is None:
        import procrastinate

        blueprint = procrastinate.Blueprint()
        blueprint.task(name="build", queue=QUEUE, pass_context=True)(_build_task)
        blueprint.task(name="modify", queue=QUEUE, pass_context=True)(_modify_task)
        _blueprint = blueprint
    return _blueprint


def _required_url() -> str:
    url = database_url()
    if url is None:
        raise ConfigError("the build queue needs FAIBRIC_DATABASE_URL (the PostgreSQL every host shares); "
                          "without it builds run in the process that starts them")
    return url.reveal()


def ensure_schema() -> None:
    """Create procrastinate's tables once (several hosts starting together take turns)."""
    from procrastinate.schema import SchemaManager

    with state_connection() as con:
        con.execute("BEGIN")
        try:
            con.execute(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
            if con.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()[0] is None:
                con.execute(SchemaManager.get_schema())
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


_apps: dict[tuple[int, str], object] = {}
_apps_lock = threading.Lock()


def queue_app(*, opened: bool = True):
    """This process's procrastinate App on the state's PostgreSQL (opened for deferring from sync code)."""
    import procrastinate

    url = _required_url()
    key = (os.getpid(), url)
    with _apps_lock:
        app = _apps.get(key)
        if app is None or not opened:
            ensure_schema()
            app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=url, min_size=1, max_size=4))
            app.add_tasks_from(_tasks(), namespace=NAMESPACE)
            if not opened:
                return app
            app.open()
            _apps[key] = app
        return app


def workers_alive(*, within_seconds: float = 30.0) -> int:
    """How many ``faibric worker`` processes heartbeated within ``within_seconds``."""
    with state_connection() as con:
        if con.execute("SELECT to_regclass('procrastinate_workers')").fetchone()[0] is None:
            return 0
        return con.execute(
            "SELECT count(*) FROM procrastinate_workers WHERE last_heartbeat > now() - make_interval(secs => ?)",
            [within_seconds]).fetchone()[0]


def _queued(session_id: str):
    """The session's waiting or running queue job: (id, task name, status), or None."""
    with state_connection() as con:
        return con.execute(
            "SELECT id, task_name, status::text FROM procrastinate_jobs WHERE lock = ? "
            "AND status IN ('todo', 'doing') ORDER BY id DESC LIMIT 1", [session_id]).fetchone()


class QueueRunner:
    """The API's side of the queue: what :class:`~.jobs.JobRunner` offers the onboarding flow, with the
    work done by ``faibric worker`` processes (see the module docstring)."""

    def __init__(self, *, cache_seconds: float | None = None):
        from .. import config

        self._listeners = []
        # what status polls see may be this stale (the session row is cached as long: FAIBRIC_STATUS_CACHE_SECONDS)
        self.cache_seconds = cache_seconds if cache_seconds is not None else float(
            config.get("FAIBRIC_STATUS_CACHE_SECONDS") or 1.0)
        self._recent: dict[str, tuple[float, Job | None]] = {}
        ensure_schema()

    # -- starting -----------------------------------------------------------------------------

    def _defer(self, task: str, kind: str, session_id: str, tenant_id: str, **kwargs) -> Job:
        from procrastinate.exceptions import AlreadyEnqueued

        app = queue_app()
        try:
            app.configure_task(task, queue=QUEUE, lock=session_id, queueing_lock=session_id).defer(
                session_id=session_id, tenant_id=tenant_id, **kwargs)
        except AlreadyEnqueued:
            raise BuildError(f"session {session_id} already has a {kind} waiting for a worker; wait for it or "
                             "stop it", reason="already_building", session_id=session_id) from None
        self._recent.pop(session_id, None)
        job = Job(session_id=session_id, tenant_id=tenant_id, kind=kind)
        job.progress = Progress("queued", 0.0, self._waiting_message())
        for listener in list(self._listeners):
            listener(job)
        return job

    def start_build(self, session_id: str, *, tenant_id: str = "default", provider: str | None = None,
                    model: str | None = None, deploy_target: str = "local") -> Job:
        """Queue a build; a worker on any host takes it."""
        return self._defer(BUILD_TASK, "build", session_id, tenant_id, provider=provider, model=model,
                           deploy_target=deploy_target, queued_at=_session_mark(session_id))

    def start_modify(self, session_id: str, request: str, *, tenant_id: str = "default",
                     provider: str | None = None) -> Job:
        """Queue a change; a worker on any host takes it."""
        return self._defer(MODIFY_TASK, "modify", session_id, tenant_id, request=request, provider=provider,
                           queued_at=_session_mark(session_id))

    def submit(self, kind, session_id, work, **_):
        raise BuildError("with FAIBRIC_DATABASE_URL set, builds run on `faibric worker` processes: "
                         "use start_build/start_modify (in-process work goes through get_runner())",
                         reason="queue_only", session_id=session_id)

    # -- observing ----------------------------------------------------------------------------

    @staticmethod
    def _waiting_message() -> str:
        alive = workers_alive()
        if alive:
            return f"waiting for a worker ({alive} running)"
        return "waiting for a worker: none is running; start one with `faibric worker`"

    def job(self, session_id: str) -> Job | None:
        """The session's queued or running job, as every host sees it, or None when it has none (at most
        ``cache_seconds`` old: a page polling its status costs no round trip to PostgreSQL each time)."""
        seen = self._recent.get(session_id)
        if seen is not None and time.monotonic() - seen[0] < self.cache_seconds:
            return seen[1]
        job = self._read_job(session_id)
        if len(self._recent) > 10_000:
            self._recent.clear()
        self._recent[session_id] = (time.monotonic(), job)
        return job

    def _read_job(self, session_id: str) -> Job | None:
        row = _queued(session_id)
        if row is None:
            return None
        _, task, status = row
        job = Job(session_id=session_id, tenant_id="", kind="build" if task == BUILD_TASK else "modify")
        published = leases.lease_progress(session_id) if status == "doing" else None
        if published is not None:
            job.progress = Progress(published["stage"], published["percent"], published["message"])
        elif status == "doing":
            job.progress = Progress("starting", 0.0, "a worker has taken it")
        else:
            job.progress = Progress("queued", 0.0, self._waiting_message())
        return job

    def is_running(self, session_id: str) -> bool:
        return _queued(session_id) is not None  # always fresh: it decides whether a build may start

    def running_jobs(self) -> list[Job]:
        return []  # none runs in this process

    def progress(self, session_id: str) -> dict | None:
        job = self.job(session_id)
        return job.to_dict() if job else None

    def add_listener(self, listener) -> None:
        self._listeners.append(listener)

    def subscribe(self, session_id, callback):
        raise BuildError("progress of a queued build is read with status(), not pushed", reason="queue_only",
                         session_id=session_id)

    # -- stopping -----------------------------------------------------------------------------

    def cancel(self, session_id: str, *, timeout: float = 10.0) -> Job | None:
        """Stop the session's job on whichever worker runs it (or take it off the queue), waiting up to
        ``timeout`` seconds for it to end."""
        row = _queued(session_id)
        if row is None:
            return None
        job_id, _, status = row
        self._recent.pop(session_id, None)
        snapshot = self._read_job(session_id)
        app = queue_app()
        if status == "todo" and app.job_manager.cancel_job_by_id(job_id):
            return snapshot
        app.job_manager.cancel_job_by_id(job_id, abort=True)
        leases.request_stop(session_id)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _queued(session_id) is not None:
            time.sleep(0.1)
        return snapshot

    def shutdown(self, *, timeout: float = 10.0) -> None:
        """Nothing runs here; queued jobs stay queued for the workers."""


_queue_runners: dict[str, QueueRunner] = {}
_queue_runners_lock = threading.Lock()


def default_runner():
    """The runner the onboarding flow (the API) hands builds to: with the state in PostgreSQL
    (``FAIBRIC_DATABASE_URL``), the queue that ``faibric worker`` processes serve (:class:`QueueRunner`);
    else, or with ``FAIBRIC_BUILDS_IN_PROCESS=1``, this process's :func:`~.jobs.get_runner`. A runner
    set with :func:`~.jobs.set_runner` wins either way."""
    from .. import config

    url = database_url()
    if url is None or runner_was_set() or config.get("FAIBRIC_BUILDS_IN_PROCESS") == "1":
        return get_runner()
    with _queue_runners_lock:
        runner = _queue_runners.get(url.reveal())
        if runner is None:
            runner = _queue_runners[url.reveal()] = QueueRunner()
        return runner


# -- the worker side ------------------------------------------------------------------------------

_worker_runner: JobRunner | None = None


def _runner() -> JobRunner:
    global _worker_runner
    if _worker_runner is None:
        _worker_runner = JobRunner(poll_interval=0.25, heartbeat_seconds=WORKER_HEARTBEAT_SECONDS)
    return _worker_runner


def _follow(context, job: Job) -> None:
    """Wait for the job, turning an abort asked for through the queue into the job's cancel."""
    while not job.done.wait(0.25):
        if not job.cancel.is_set() and context.should_abort():
            job.cancel.set()


def _session_mark(session_id: str) -> str | None:
    """When the session last changed: a job queued at one mark is stale once the session has moved on."""
    from ..errors import NotFoundError
    from ..sessions import get_session

    try:
        return get_session(session_id).updated_at.isoformat()
    except NotFoundError:
        return None


def _superseded(session_id: str, queued_at: str | None) -> dict | None:
    """Two hosts may queue one session's build while the first job moves from waiting to running (the
    queueing lock covers waiting jobs only): the second finds the session changed since, and does nothing."""
    if queued_at is not None and _session_mark(session_id) != queued_at:
        log.info("job for %s skipped: the session changed after it was queued", session_id)
        return {"outcome": "superseded", "error": None}
    return None


def _build_task(context, *, session_id: str, tenant_id: str, provider=None, model=None, deploy_target="local",
                queued_at=None):
    if (skipped := _superseded(session_id, queued_at)) is not None:
        return skipped
    try:
        job = _runner().start_build(session_id, tenant_id=tenant_id, provider=provider, model=model,
                                    deploy_target=deploy_target)
    except BuildError as exc:
        log.warning("build of %s not started: %s", session_id, exc.message)
        return {"outcome": "refused", "error": exc.message}
    _follow(context, job)
    return {"outcome": job.outcome, "error": job.error}


def _modify_task(context, *, session_id: str, tenant_id: str, request: str, provider=None, queued_at=None):
    if (skipped := _superseded(session_id, queued_at)) is not None:
        return skipped
    try:
        job = _runner().start_modify(session_id, request, tenant_id=tenant_id, provider=provider)
    except BuildError as exc:
        log.warning("change of %s not started: %s", session_id, exc.message)
        return {"outcome": "refused", "error": exc.message}
    _follow(context, job)
    return {"outcome": job.outcome, "error": job.error}


class Recovery:
    """What every worker does every few seconds: settle the sessions of builds whose process is gone
    (:func:`~.leases.recover_interrupted`) and fail their queue jobs, so a killed worker leaves no
    session ``building`` and no job holding the session's lock."""

    def __init__(self, interval: float = RECOVER_SECONDS):
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def once(self) -> dict:
        import psycopg

        interrupted = leases.recover_interrupted()
        # a worker that missed three heartbeats is gone; its job counts as orphaned once no lease holds the
        # session either (a live build keeps its lease), which recover_interrupted has just decided
        stale = 3 * WORKER_HEARTBEAT_SECONDS
        with state_connection() as con:
            # a "doing" job whose session no live process holds: its worker died (or lost the race to the
            # lease); procrastinate's own function finishes it, which frees the lock
            orphans = con.execute(
                "SELECT j.id FROM procrastinate_jobs j LEFT JOIN procrastinate_workers w ON w.id = j.worker_id "
                "LEFT JOIN build_leases l ON l.session_id = j.lock "
                "WHERE j.status = 'doing' AND j.queue_name = ? AND l.session_id IS NULL "
                "AND (w.id IS NULL OR w.last_heartbeat < now() - make_interval(secs => ?))",
                [QUEUE, stale]).fetchall()
            failed = []
            for (job_id,) in orphans:
                try:
                    con.execute("SELECT procrastinate_finish_job_v1(?, 'failed', false)", [job_id])
                    failed.append(job_id)
                except psycopg.Error:
                    pass  # another worker's recovery (or the job's own worker) finished it first
        return {"interrupted": interrupted, "failed_jobs": failed}

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                found = self.once()
                if found["interrupted"] or found["failed_jobs"]:
                    log.warning("recovered after a lost worker: %s", found)
            except Exception:  # noqa: BLE001 - the loop must outlive any one failed pass
                log.exception("recovery pass failed; trying again in %.0f s", self.interval)

    def start(self) -> Recovery:
        self._thread = threading.Thread(target=self._loop, name="faibric-recovery", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()


def run_worker(*, concurrency: int = 1, name: str | None = None) -> None:
    """Take build and change jobs from the queue until SIGTERM/SIGINT (a running job is finished first)."""
    from procrastinate import exceptions as queue_errors

    from .. import config
    from ..store.ingest import PeriodicIngest

    app = queue_app(opened=False)
    # the builds' events land in this host's spool: load them into the store (or the lake) as the API does
    interval = float(config.get("FAIBRIC_INGEST_INTERVAL_SECONDS") or 30)
    ingester = PeriodicIngest(interval).start() if interval > 0 else None
    recovery = Recovery()
    try:
        recovery.once()
    except Exception:  # noqa: BLE001 - the worker starts anyway; its loop tries again
        log.exception("first recovery pass failed")
    recovery.start()
    try:
        app.run_worker(queues=[QUEUE], concurrency=max(1, concurrency),
                       name=name or f"{socket.gethostname()}:{os.getpid()}", listen_notify=True,
                       update_heartbeat_interval=WORKER_HEARTBEAT_SECONDS,
                       stalled_worker_timeout=max(3 * WORKER_HEARTBEAT_SECONDS, leases.stale_after_seconds()),
                       delete_jobs="successful")
    except queue_errors.ConnectorException as exc:
        from ..store.lake import redact_connection

        raise StateUnreachableError(f"the worker lost the queue's database: {redact_connection(str(exc), _required_url())}"
                                    "; check that PostgreSQL runs and that FAIBRIC_DATABASE_URL names it") from None
    finally:
        recovery.stop()
        if _worker_runner is not None:
            _worker_runner.shutdown(timeout=30)
        if ingester is not None:
            ingester.stop()
            ingester.tick()  # what the last builds recorded
