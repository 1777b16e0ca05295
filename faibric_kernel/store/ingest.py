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
from .schema import ID_COLUMN, KINDS, SPOOL_SCHEMAS, select_sql
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
    (folder / f"{stem}.jsonl").write_bytes(data)
    (folder / f"{stem}.reason.txt").write_text(reason + "\n", encoding="utf-8")
    return {"segment": read.path.name, "kind": read.kind, "reason": reason, "kept_at": str(folder / f"{stem}.jsonl")}


def _bad_line_bytes(read: SegmentRead) -> bytes:
    with open(read.path, "rb") as fh:
        out = []
        for offset, _ in read.bad_lines:
            fh.seek(offset)
            out.append(fh.readline())
        return b"".join(out)


def ingest(*, timeout: float = 60.0) -> IngestReport:
    """Load all spooled records into the store; safe to run at any time, from any process."""
    started = time.perf_counter()
    directory = config.workspace() / "spool"
    report = IngestReport()
    with _ingest_lock(directory, timeout), write_connection(timeout=timeout) as con:
        offsets = dict(con.execute('SELECT segment, "offset" FROM spool_offsets').fetchall())
        finished: list[SegmentRead] = []
        for kind in KINDS:
            reads = []
            for path in segments(directory, kind):
                read = read_segment(path, kind, offsets.get(path.name, 0))
                reads.append(read)
                if read.bad_lines:
                    first = read.bad_lines[0]
                    report.quarantined.append(
                        _quarantine(
                            directory,
                            read,
                            f"{len(read.bad_lines)} corrupt line(s); first at byte {first[0]}: {first[1]}",
                            _bad_line_bytes(read),
                        )
                    )
                if read.sealed and read.trailing_bytes:
                    with open(path, "rb") as fh:
                        fh.seek(read.end)
                        tail = fh.read()
                    report.quarantined.append(
                        _quarantine(
                            directory,
                            read,
                            f"truncated last record ({read.trailing_bytes} bytes) in a sealed segment",
                            tail,
                        )
                    )
            report.segments_read += len(reads)
            tables = [r.table for r in reads if r.table.num_rows]
            incoming = pa.concat_tables(tables) if tables else SPOOL_SCHEMAS[kind].empty_table()
            id_col = ID_COLUMN[kind]
            con.execute("BEGIN TRANSACTION")
            try:
                added = 0
                if incoming.num_rows:
                    con.register("_incoming", incoming)
                    bounds = con.execute("SELECT min(ts), max(ts) FROM _incoming").fetchall()[0]
                    before = con.execute(f"SELECT count(*) FROM {kind}").fetchall()[0][0]
                    # the same id twice in one batch (a file imported twice): keep one. Measured cheaper
                    # inside DuckDB's insert than a separate distinct count in Arrow
                    qualify = f"QUALIFY row_number() OVER (PARTITION BY i.{id_col}) = 1"
                    con.execute(
                        f"INSERT INTO {kind} "
                        f"SELECT * FROM ({select_sql(kind, '_incoming')}) AS i "
                        f"WHERE NOT EXISTS (SELECT 1 FROM {kind} AS e WHERE e.{id_col} = i.{id_col} "
                        f"AND e.ts BETWEEN make_timestamp(?) AND make_timestamp(?)) {qualify}",
                        list(bounds),
                    )
                    added = con.execute(f"SELECT count(*) FROM {kind}").fetchall()[0][0] - before
                    con.unregister("_incoming")
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
            report.added[kind] = added
            report.duplicates[kind] = incoming.num_rows - added
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
