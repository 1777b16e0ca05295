"""Build leases: which process owns a running build, so a crash is noticed on the next start.

When a build starts, its process writes a lease (table ``build_leases``): pid,
host, boot id and the process's start time (from ``/proc``, so a reused pid is
not mistaken for the owner). The owner refreshes ``heartbeat_at`` while the
build runs and deletes the lease when it ends.

:func:`recover_interrupted` runs at every start of the worker, the API and the
CLI: a session still ``building`` whose owner is gone becomes ``error`` with
reason ``interrupted`` (an ``error`` event says so). On this host "gone" means
the pid is dead, a zombie, or now a different process; for a lease from
another host it means no heartbeat for ``FAIBRIC_BUILD_STALE_MINUTES``
(default 30), which is also the rule for a ``building`` session with no lease
at all (a build started by code that does not take leases).

A stop request for a build owned by another process is a file,
``$FAIBRIC_HOME/run/stop-<session_id>``, that the owner polls.
"""

from __future__ import annotations

import functools
import os
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .. import config
from ..errors import BuildError
from ..store import read_connection, record_events, state_connection
from ..store.state import integrity_errors, is_postgres

__all__ = [
    "Lease",
    "acquire",
    "get_lease",
    "heartbeat",
    "held",
    "lease_progress",
    "owner_alive",
    "process_identity",
    "publish_progress",
    "recover_interrupted",
    "release",
    "request_stop",
    "stop_requested",
]

# applied by faibric_kernel.store.migrations (version 502)
MIGRATION_SQL = """
    CREATE TABLE IF NOT EXISTS build_leases (
        session_id VARCHAR PRIMARY KEY,
        tenant_id VARCHAR NOT NULL DEFAULT 'default',
        kind VARCHAR NOT NULL,
        pid INTEGER NOT NULL,
        host VARCHAR NOT NULL,
        boot_id VARCHAR,
        proc_start BIGINT,
        started_at TIMESTAMP NOT NULL,
        heartbeat_at TIMESTAMP NOT NULL
    );
    """


# applied by faibric_kernel.store.migrations (version 503): a build's progress and a stop asked for from
# another machine, kept with its lease where every host reads them
PROGRESS_SQL = """
    ALTER TABLE build_leases ADD COLUMN IF NOT EXISTS stage VARCHAR;
    ALTER TABLE build_leases ADD COLUMN IF NOT EXISTS percent DOUBLE;
    ALTER TABLE build_leases ADD COLUMN IF NOT EXISTS message VARCHAR;
    ALTER TABLE build_leases ADD COLUMN IF NOT EXISTS progress_at TIMESTAMP;
    ALTER TABLE build_leases ADD COLUMN IF NOT EXISTS stop_requested_at TIMESTAMP;
    """


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _proc_start(pid: int) -> int | None:
    """The process's start time in clock ticks after boot (Linux), or None where /proc is missing."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) may contain spaces and parentheses: split after the last ')'
    fields = stat[stat.rfind(")") + 2:].split()
    return int(fields[19])


def _proc_state(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rfind(")") + 2:].split()[0]


@functools.cache
def _boot_id() -> str | None:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return None


def process_identity() -> dict:
    """This process, as a lease records it."""
    pid = os.getpid()
    return {"pid": pid, "host": socket.gethostname(), "boot_id": _boot_id(), "proc_start": _proc_start(pid)}


@dataclass(frozen=True)
class Lease:
    session_id: str
    tenant_id: str
    kind: str
    pid: int
    host: str
    boot_id: str | None
    proc_start: int | None
    started_at: datetime
    heartbeat_at: datetime

    @property
    def mine(self) -> bool:
        me = process_identity()
        return self.pid == me["pid"] and self.host == me["host"] and self.proc_start == me["proc_start"]


_LEASE_COLUMNS = "session_id, tenant_id, kind, pid, host, boot_id, proc_start, started_at, heartbeat_at"


MIN_LEASE_SECONDS = 30  # builds heartbeat every 15 s (5 s on a worker): a shorter lease would look dead


def _stale_after() -> timedelta:
    if is_postgres():
        # builds run on other machines (`faibric worker`): a silent one is noticed within the lease time
        return timedelta(seconds=max(MIN_LEASE_SECONDS, config.get_int("FAIBRIC_BUILD_LEASE_SECONDS", 60)))
    return timedelta(minutes=config.get_int("FAIBRIC_BUILD_STALE_MINUTES", 30))


def _stale_without_lease() -> timedelta:
    # a session `building` with no lease at all was started by code that takes none: no heartbeat to
    # judge by, so only its age, on any engine
    return timedelta(minutes=config.get_int("FAIBRIC_BUILD_STALE_MINUTES", 30))


def stale_after_seconds() -> float:
    """Seconds without a heartbeat after which a build on another host counts as gone."""
    return _stale_after().total_seconds()


def owner_alive(lease: Lease, *, now: datetime | None = None) -> bool:
    """Whether the process that took ``lease`` is still running."""
    if lease.host != socket.gethostname():
        return (now or _now()) - lease.heartbeat_at < _stale_after()
    if lease.boot_id and _boot_id() and lease.boot_id != _boot_id():
        return False  # the machine rebooted since
    try:
        os.kill(lease.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, owned by another user
    if _proc_state(lease.pid) == "Z":
        return False  # killed and not yet reaped by its parent
    started = _proc_start(lease.pid)
    return lease.proc_start is None or started is None or started == lease.proc_start


def get_lease(session_id: str) -> Lease | None:
    with read_connection(include_spool=False, events=False) as con:
        rows = con.execute(f"SELECT {_LEASE_COLUMNS} FROM build_leases WHERE session_id = ?", [session_id]).fetchall()
    return Lease(*rows[0]) if rows else None


def acquire(session_id: str, *, tenant_id: str, kind: str) -> Lease:
    """Take the lease for a session's build, or raise BuildError when a live process holds it."""
    me = process_identity()
    now = _now()
    with state_connection() as con:
        con.execute("BEGIN TRANSACTION")
        try:
            rows = con.execute(
                f"SELECT {_LEASE_COLUMNS} FROM build_leases WHERE session_id = ?", [session_id]
            ).fetchall()
            if rows:
                held = Lease(*rows[0])
                if owner_alive(held, now=now):
                    where = "this process" if held.mine else f"process {held.pid} on {held.host}"
                    raise BuildError(
                        f"session {session_id} is already building (a {held.kind} started "
                        f"{held.started_at:%H:%M:%S} UTC in {where}); wait for it or stop it",
                        reason="already_building", session_id=session_id,
                    )
                con.execute("DELETE FROM build_leases WHERE session_id = ?", [session_id])
            try:
                con.execute(
                    f"INSERT INTO build_leases ({_LEASE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [session_id, tenant_id, kind, me["pid"], me["host"], me["boot_id"], me["proc_start"], now, now],
                )
            except integrity_errors():
                # another process (in PostgreSQL, maybe on another host) took it between our read and write
                raise BuildError(f"session {session_id} is already building in another process; wait for it "
                                 "or stop it", reason="already_building", session_id=session_id) from None
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return Lease(session_id, tenant_id, kind, me["pid"], me["host"], me["boot_id"], me["proc_start"], now, now)


def release(session_id: str) -> None:
    """Drop this process's lease on a session (a lease held by another process is left alone)."""
    me = process_identity()
    with state_connection() as con:
        con.execute("DELETE FROM build_leases WHERE session_id = ? AND pid = ? AND host = ?",
                    [session_id, me["pid"], me["host"]])
    clear_stop_request(session_id)


def heartbeat(session_ids) -> None:
    ids = list(session_ids)
    if not ids:
        return
    me = process_identity()
    with state_connection() as con:
        con.execute(
            f"UPDATE build_leases SET heartbeat_at = ? WHERE pid = ? AND host = ? "
            f"AND session_id IN ({', '.join('?' for _ in ids)})",
            [_now(), me["pid"], me["host"], *ids],
        )


def _stop_file(session_id: str) -> Path:
    return config.workspace_path("run") / f"stop-{session_id}"


def request_stop(session_id: str) -> None:
    """Ask the process that owns a build to stop it: a column of its lease when the state is in PostgreSQL
    (the owner may be on another machine), else a file in this workspace. The owner polls for it."""
    if is_postgres():
        with state_connection() as con:
            con.execute("UPDATE build_leases SET stop_requested_at = ? WHERE session_id = ?", [_now(), session_id])
        return
    _stop_file(session_id).write_text(_now().isoformat())


def stop_requested(session_id: str) -> bool:
    if is_postgres():
        with state_connection() as con:
            row = con.execute("SELECT stop_requested_at FROM build_leases WHERE session_id = ?",
                              [session_id]).fetchone()
        return bool(row and row[0] is not None)
    return _stop_file(session_id).exists()


def clear_stop_request(session_id: str) -> None:
    if not is_postgres():
        _stop_file(session_id).unlink(missing_ok=True)
    # in PostgreSQL the request lives on the lease, which a new build replaces


def publish_progress(session_id: str, stage: str, percent: float, message: str) -> None:
    """Keep this process's build progress on its lease, where an API on any host reads it."""
    me = process_identity()
    with state_connection() as con:
        con.execute("UPDATE build_leases SET stage = ?, percent = ?, message = ?, progress_at = ? "
                    "WHERE session_id = ? AND pid = ? AND host = ?",
                    [stage, percent, message, _now(), session_id, me["pid"], me["host"]])


def lease_progress(session_id: str) -> dict | None:
    """The progress the owner of a session's build last published, or None without a lease."""
    with read_connection(include_spool=False, events=False) as con:
        row = con.execute("SELECT kind, stage, percent, message, coalesce(progress_at, started_at), host, pid "
                          "FROM build_leases WHERE session_id = ?", [session_id]).fetchone()
    if row is None:
        return None
    kind, stage, percent, message, at, host, pid = row
    return {"kind": kind, "stage": stage or "starting", "percent": round(percent or 0.0, 1),
            "message": message or f"{kind} running on {host} (pid {pid})", "updated_at": at.isoformat()}


def recover_interrupted(*, tenant_id: str | None = None, session_id: str | None = None) -> list[str]:
    """Mark ``building`` sessions whose build process is gone as ``error`` (reason ``interrupted``).

    Returns the ids of the sessions recovered. All of them move in one
    transaction and their ``error`` events are written in one spool append,
    so a backlog is cheap. Seeded demo history (``properties.demo``) is left
    as it is: those sessions describe the past, not a running process.
    """
    where, params = "s.status = 'building' AND coalesce(json_extract(s.properties, '$.demo'), 'false') <> 'true'", []
    if tenant_id is not None:
        where += " AND s.tenant_id = ?"
        params.append(tenant_id)
    if session_id is not None:
        where += " AND s.session_id = ?"
        params.append(session_id)
    with read_connection(include_spool=False, events=False) as con:
        rows = con.execute(
            f"SELECT s.session_id, s.updated_at, {', '.join('l.' + c for c in _LEASE_COLUMNS.split(', '))} "
            f"FROM sessions s LEFT JOIN build_leases l USING (session_id) WHERE {where}",
            params,
        ).fetchall()
    if not rows:
        return []
    now = _now()
    owners: dict[str, dict] = {}
    dead: dict[str, Lease] = {}
    for sid, updated_at, *lease_row in rows:
        if lease_row[0] is not None:
            lease = Lease(*lease_row)
            if lease.mine or owner_alive(lease, now=now):
                continue
            owners[sid] = {"pid": lease.pid, "host": lease.host, "started_at": lease.started_at.isoformat()}
            dead[sid] = lease
        elif now - updated_at >= _stale_without_lease():
            owners[sid] = {"lease": None, "building_since": updated_at.isoformat()}
    if not owners:
        return []
    with state_connection() as con:
        con.execute("BEGIN TRANSACTION")
        try:
            # only the lease judged dead goes, and only a session left with no lease moves: a build that took
            # the session over meanwhile (on any host) keeps both
            gone = [sid for sid, lease in dead.items() if con.execute(
                "DELETE FROM build_leases WHERE session_id = ? AND pid = ? AND host = ? AND heartbeat_at = ? "
                "RETURNING session_id", [sid, lease.pid, lease.host, lease.heartbeat_at]).fetchall()]
            ids = sorted([*gone, *(sid for sid in owners if sid not in dead)])
            marks = ", ".join("?" for _ in ids)
            moved = con.execute(
                f"UPDATE sessions SET status = 'error', status_reason = 'interrupted', updated_at = ? "
                f"WHERE status = 'building' AND session_id IN ({marks}) AND NOT EXISTS "
                f"(SELECT 1 FROM build_leases l WHERE l.session_id = sessions.session_id) "
                f"RETURNING session_id, tenant_id, email",
                [now, *ids],
            ).fetchall() if ids else []
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    record_events(
        {"event_type": "error", "session_id": sid, "tenant_id": tenant, "actor": email or "operator", "ts": now,
         "properties": {"from": "building", "reason": "interrupted", "owner": owners[sid],
                        "detail": "the process running this build stopped before it finished"}}
        for sid, tenant, email in moved
    )
    for sid, _, _ in moved:
        clear_stop_request(sid)
    return sorted(sid for sid, _, _ in moved)


STOP_POLL_SECONDS = 0.25


@contextmanager
def held(session_id: str, *, tenant_id: str, kind: str, cancel: threading.Event,
         heartbeat_seconds: float = 15.0):
    """Own a session's build lease while a build or change runs in this process.

    With the lease, a process that dies mid-build leaves a session that the
    next start marks ``interrupted`` (not ``building`` for ever), and a stop
    asked for elsewhere (``faibric stop SESSION``) reaches this build: the
    stop file it writes sets ``cancel``.
    """
    clear_stop_request(session_id)
    acquire(session_id, tenant_id=tenant_id, kind=kind)
    finished = threading.Event()

    def watch():
        last_beat = time.monotonic()
        while not finished.wait(STOP_POLL_SECONDS):
            try:
                if stop_requested(session_id):
                    cancel.set()
                if time.monotonic() - last_beat >= heartbeat_seconds:
                    last_beat = time.monotonic()
                    heartbeat([session_id])
            except Exception:  # noqa: BLE001 - a missed poll is retried on the next tick
                continue

    watcher = threading.Thread(target=watch, name=f"faibric-lease-{session_id}", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        finished.set()
        watcher.join(5)
        release(session_id)
