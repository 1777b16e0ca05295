"""Ingest: load spooled records into DuckDB, exactly once.

One ingest runs at a time (an ``flock`` on ``spool/ingest.lock``). It reads
every segment past its recorded offset, loads all new rows of a kind through
Arrow in one transaction that also advances the offsets, skips ids already
stored, and only after the commit archives segments that are sealed and fully
read. Corrupt lines are kept in ``spool/quarantine`` with the reason, and the
rest of the segment (and every other segment) is still ingested.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from .. import config
from ..errors import StoreLockedError
from .db import write_connection
from .schema import ID_COLUMN, KINDS, select_sql, spool_table, unloadable_sql
from .spool import SegmentRead, read_segment, segments

__all__ = ["POST_INGEST_HOOKS", "IngestReport", "ingest"]

# Run after each ingest's loads commit, with the write connection and the report ("module:function",
# imported when needed so that every process runs them). A failing hook is recorded in the report and
# never stops records from being stored.
POST_INGEST_HOOKS: list[str] = ["faibric_kernel.analytics.rollup:after_ingest"]


@dataclass
class IngestReport:
    """What one ingest did: rows added per kind, duplicates skipped, problems."""

    added: dict[str, int] = field(default_factory=dict)
    duplicates: dict[str, int] = field(default_factory=dict)
    segments_read: int = 0
    segments_archived: int = 0
    quarantined: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    load_seconds: float = 0.0  # reading the spool and committing the rows
    hook_seconds: float = 0.0  # derived tables refreshed after the load (POST_INGEST_HOOKS)
    hook_errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "added": self.added,
            "duplicates": self.duplicates,
            "segments_read": self.segments_read,
            "segments_archived": self.segments_archived,
            "quarantined": self.quarantined,
            "seconds": round(self.seconds, 4),
            "load_seconds": round(self.load_seconds, 4),
            "hook_seconds": round(self.hook_seconds, 4),
            **({"hook_errors": self.hook_errors} if self.hook_errors else {}),
        }


@contextmanager
def _ingest_lock(directory: Path, timeout: float):
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory / "ingest.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreLockedError(
                        "another ingest is running and did not finish in time; try again"
                    ) from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)


def _quarantine(directory: Path, read: SegmentRead, reason: str, data: bytes) -> dict:
    folder = directory / "quarantine"
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{read.kind}-{read.path.stem}-{read.start}"
    (folder / f"{stem}{read.path.suffix}").write_bytes(data)
    (folder / f"{stem}.reason.txt").write_text(reason + "\n", encoding="utf-8")
    return {"segment": read.path.name, "kind": read.kind, "reason": reason, "kept_at": str(folder / f"{stem}{read.path.suffix}")}


def _bad_line_bytes(read: SegmentRead) -> bytes:
    with open(read.path, "rb") as fh:
        out = []
        for offset, _ in read.bad_lines:
            fh.seek(offset)
            out.append(fh.readline())
        return b"".join(out)


def _quarantine_problems(directory: Path, read: SegmentRead) -> list[dict]:
    kept = []
    if read.bad_lines:
        first = read.bad_lines[0]
        reason = f"{len(read.bad_lines)} corrupt line(s); first at byte {first[0]}: {first[1]}"
        kept.append(_quarantine(directory, read, reason, _bad_line_bytes(read)))
    if read.sealed and read.trailing_bytes:
        with open(read.path, "rb") as fh:
            fh.seek(read.end)
            tail = fh.read()
        reason = f"truncated last record ({read.trailing_bytes} bytes) in a sealed segment"
        kept.append(_quarantine(directory, read, reason, tail))
    return kept


def _insert_new_rows(con, kind: str, incoming: pa.Table) -> int:
    """Insert the rows of ``incoming`` whose ids are not stored yet (one of each); return how many.

    Runs inside the caller's transaction. The common batch holds each id once, so the
    insert only skips ids already stored, then checks the batch's time range for an id
    stored twice (about 0.04 s for a million rows); only then is the batch inserted
    again keeping one row per id, which costs a window over the whole batch (0.15 s).
    """
    if not incoming.num_rows:
        return 0
    id_col = ID_COLUMN[kind]
    # left registered: unregistering inside an aborted transaction fails; ingest drops it after the commit
    con.register("_incoming", incoming)
    lo, hi = con.execute("SELECT make_timestamp(min(ts)), make_timestamp(max(ts)) FROM _incoming").fetchall()[0]
    before = con.execute(f"SELECT count(*) FROM {kind}").fetchall()[0][0]
    insert = (
        f"INSERT INTO {kind} SELECT * FROM ({select_sql(kind, '_incoming')}) AS i "
        f"WHERE NOT EXISTS (SELECT 1 FROM {kind} AS e WHERE e.{id_col} = i.{id_col} AND e.ts BETWEEN $lo AND $hi)"
    )
    con.execute(insert, {"lo": lo, "hi": hi})
    repeated = con.execute(
        f"SELECT count(*) - count(DISTINCT {id_col}) FROM {kind} WHERE ts BETWEEN $lo AND $hi", {"lo": lo, "hi": hi}
    ).fetchall()[0][0]
    if repeated:  # the same id twice in the batch (a segment copied, a file imported twice)
        con.execute("ROLLBACK")
        con.execute("BEGIN TRANSACTION")
        con.register("_incoming", incoming)  # a registration is rolled back with the transaction
        con.execute(f"{insert} QUALIFY row_number() OVER (PARTITION BY i.{id_col}) = 1", {"lo": lo, "hi": hi})
    return con.execute(f"SELECT count(*) FROM {kind}").fetchall()[0][0] - before


def _reread_unloadable(con, reads: list[SegmentRead]) -> list[SegmentRead]:
    """Read again, line by line, the segments holding rows the insert could not cast."""
    checked = []
    for read in reads:
        con.register("_suspect", read.table)
        try:
            found = con.execute(f"SELECT count(*) FROM _suspect WHERE {unloadable_sql(read.kind)}").fetchall()
        finally:
            con.unregister("_suspect")
        checked.append(read_segment(read.path, read.kind, read.start, line_by_line=True) if found[0][0] else read)
    return checked


def ingest(*, timeout: float = 60.0) -> IngestReport:
    """Load all spooled records into the store; safe to run at any time, from any process."""
    import duckdb

    started = time.perf_counter()
    directory = config.workspace() / "spool"
    report = IngestReport()
    with _ingest_lock(directory, timeout), write_connection(timeout=timeout) as con:
        # stored order means nothing (ts orders records) and dropping it lets DuckDB insert on every
        # core: measured 0.50 -> 0.40 s per million events
        con.execute("SET preserve_insertion_order = false")
        offsets = dict(con.execute('SELECT segment, "offset" FROM spool_offsets').fetchall())
        finished: list[SegmentRead] = []
        for kind in KINDS:
            reads = [read_segment(path, kind, offsets.get(path.name, 0)) for path in segments(directory, kind)]
            report.segments_read += len(reads)
            con.execute("BEGIN TRANSACTION")
            try:
                try:
                    added = _insert_new_rows(con, kind, spool_table(kind, [r.table for r in reads if r.table.num_rows]))
                except duckdb.DataError:
                    # a corrupt line the bulk reader let through (an id that is no UUID, properties that
                    # are no JSON): find it, keep it aside, load the rest
                    con.execute("ROLLBACK")
                    con.execute("BEGIN TRANSACTION")
                    reads = _reread_unloadable(con, reads)
                    added = _insert_new_rows(con, kind, spool_table(kind, [r.table for r in reads if r.table.num_rows]))
                for read in reads:
                    report.quarantined.extend(_quarantine_problems(directory, read))
                now = datetime.now(UTC).replace(tzinfo=None)
                rows = [(r.path.name, kind, r.end, now) for r in reads if r.end != r.start or r.path.name not in offsets]
                if rows:
                    con.executemany(
                        'INSERT OR REPLACE INTO spool_offsets (segment, kind, "offset", updated_at) VALUES (?, ?, ?, ?)',
                        rows,
                    )
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
            finally:
                con.unregister("_incoming")
            report.added[kind] = added
            report.duplicates[kind] = sum(r.table.num_rows for r in reads) - added
            finished.extend(r for r in reads if r.sealed)
        report.load_seconds = time.perf_counter() - started
        hooks_started = time.perf_counter()
        _run_hooks(con, report)
        report.hook_seconds = time.perf_counter() - hooks_started
        archived = []
        for read in finished:
            day = datetime.now(UTC).strftime("%Y-%m-%d")
            dest = directory / "archive" / read.kind / day
            dest.mkdir(parents=True, exist_ok=True)
            try:
                read.path.rename(dest / read.path.name)
            except FileNotFoundError:
                continue
            archived.append(read.path.name)
        if archived:
            con.execute(
                "DELETE FROM spool_offsets WHERE segment IN (SELECT unnest(?))", [archived]
            )
        report.segments_archived = len(archived)
    report.seconds = time.perf_counter() - started
    return report


def _run_hooks(con, report: IngestReport) -> None:
    import importlib

    for path in POST_INGEST_HOOKS:
        try:
            module, _, name = path.partition(":")
            getattr(importlib.import_module(module), name)(con, report)
        except Exception as exc:  # noqa: BLE001 - a derived table must never block storing records
            report.hook_errors.append(f"{path}: {type(exc).__name__}: {exc}")


class PeriodicIngest:
    """Runs :func:`ingest` every ``interval`` seconds in a daemon thread.

    Long-running processes (the API server, the monitor, the studio) start
    one so the database keeps up with the spool; a failed ingest is kept in
    ``last_error`` and retried on the next tick, never raised into the host.
    """

    def __init__(self, interval: float = 30.0):
        import threading

        self.interval = interval
        self.last_report: IngestReport | None = None
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="faibric-ingest", daemon=True)

    def start(self) -> PeriodicIngest:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.tick()

    def tick(self) -> None:
        try:
            self.last_report = ingest(timeout=min(self.interval, 30.0))
            self.last_error = None
        except Exception as exc:  # noqa: BLE001 - keep the host process alive; report instead
            self.last_error = f"{type(exc).__name__}: {exc}"

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.interval + 5)
