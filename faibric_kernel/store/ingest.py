"""Ingest: load spooled records into DuckDB, exactly once.

One ingest runs at a time (an ``flock`` on ``spool/ingest.lock``). It reads
every segment past its recorded offset, loads all new rows of a kind through
Arrow in one transaction that also advances the offsets, skips records already
stored (same id within the batch's time range), and only after the commit
archives segments that are sealed and fully read. Lines the store cannot take
(broken lines, and rows that ``schema.unloadable_reason_sql`` names) are kept
in ``spool/quarantine`` with the reason, and the rest of the segment (and
every other segment) is still ingested.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import os
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from .. import config
from ..errors import StoreError, StoreLockedError
from .db import write_connection
from .schema import ID_COLUMN, KINDS, TS_RANGE, select_sql, spool_table, unloadable_reason_sql, unloadable_sql
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


def _quarantine(directory: Path, read: SegmentRead, what: str, offset: int, reason: str, data: bytes) -> dict:
    folder = directory / "quarantine"
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{read.kind}-{read.path.stem}-{what}-{offset}"
    kept = folder / f"{stem}{read.path.suffix}"
    kept.write_bytes(data)
    (folder / f"{stem}.reason.txt").write_text(reason + "\n", encoding="utf-8")
    first = reason.splitlines()[0]
    return {"segment": read.path.name, "kind": read.kind, "reason": first, "kept_at": str(kept)}


def _quarantine_problems(directory: Path, read: SegmentRead) -> list[dict]:
    """Copy a read's bad lines and a sealed segment's partial last line to the quarantine."""
    kept = []
    if read.bad_lines:
        with open(read.path, "rb") as fh:
            lines = []
            for offset, _ in read.bad_lines:
                fh.seek(offset)
                lines.append(fh.readline())
        first = read.bad_lines[0]
        reason = f"{len(read.bad_lines)} corrupt line(s); first at byte {first[0]}: {first[1]}\n" + "\n".join(
            f"byte {offset}: {why}" for offset, why in read.bad_lines
        )
        kept.append(_quarantine(directory, read, "lines", read.start, reason, b"".join(lines)))
    if read.sealed and read.trailing_bytes:
        with open(read.path, "rb") as fh:
            fh.seek(read.end)
            tail = fh.read()
        reason = f"truncated last record ({read.trailing_bytes} bytes) in a sealed segment"
        kept.append(_quarantine(directory, read, "tail", read.end, reason, tail))
    return kept


def _set_aside_unloadable(con, read: SegmentRead) -> SegmentRead:
    """The read without the rows the store refuses, which join its bad lines with DuckDB's reason.

    A bulk read has no line offsets, so it is read again line by line first. Call it
    outside a transaction that may abort (it registers a table).
    """
    if read.row_offsets is None:
        read = read_segment(read.path, read.kind, read.start, line_by_line=True)
    numbered = read.table.append_column("_row", pa.array(range(read.table.num_rows), pa.int64()))
    con.register("_suspect", numbered)
    try:
        refused = con.execute(
            f"SELECT _row, {unloadable_reason_sql(read.kind)} AS reason FROM _suspect "
            f"WHERE {unloadable_sql(read.kind)} ORDER BY _row"
        ).fetchall()
    finally:
        con.unregister("_suspect")
    if not refused:
        return read
    dropped = {row for row, _ in refused}
    kept = [i for i in range(read.table.num_rows) if i not in dropped]
    return dataclasses.replace(
        read,
        table=read.table.take(pa.array(kept, pa.int64())),
        bad_lines=sorted(read.bad_lines + [(read.row_offsets[row], reason) for row, reason in refused]),
        row_offsets=[read.row_offsets[i] for i in kept],
    )


class _Unloadable(Exception):
    """A batch holds a row the store must refuse (see ``schema.unloadable_reason_sql``)."""


def _insert_new_rows(con, kind: str, reads: list[SegmentRead], *, one_per_id: bool = False) -> tuple[int, bool]:
    """Insert the rows not stored yet; return how many, and whether the batch held an id twice.

    Records are matched by id within the batch's time range (a record sent again keeps its
    ``ts``). The common batch holds each id once, so the plain insert only skips stored ids;
    it then compares the range's row and id counts before and after (0.04 s per million rows).
    When the batch held an id twice, the caller rolls back and inserts again with
    ``one_per_id``, which costs a window over the whole batch (0.15 s per million).
    """
    incoming = spool_table(kind, [r.table for r in reads if r.table.num_rows])
    if not incoming.num_rows:
        return 0, False
    id_col = ID_COLUMN[kind]
    # left registered: unregistering inside an aborted transaction fails; ingest drops it after the commit
    con.register("_incoming", incoming)
    lo, hi = con.execute("SELECT min(ts), max(ts) FROM _incoming").fetchall()[0]
    if lo is None or lo < TS_RANGE[0] or hi > TS_RANGE[1]:
        # the one refusal the insert would not raise by itself (DuckDB holds years Python cannot)
        raise _Unloadable(f"a ts outside the years 1 to 9999 ({lo}..{hi} microseconds)")
    in_range = "ts BETWEEN make_timestamp($lo) AND make_timestamp($hi)"
    counts = f"SELECT count(*), count(DISTINCT {id_col}) FROM {kind} WHERE {in_range}"
    rows_before, ids_before = con.execute(counts, {"lo": lo, "hi": hi}).fetchall()[0]
    con.execute(
        f"INSERT INTO {kind} SELECT * FROM ({select_sql(kind, '_incoming')}) AS i "
        f"WHERE NOT EXISTS (SELECT 1 FROM {kind} AS e WHERE e.{id_col} = i.{id_col} AND e.{in_range})"
        + (f" QUALIFY row_number() OVER (PARTITION BY i.{id_col}) = 1" if one_per_id else ""),
        {"lo": lo, "hi": hi},
    )
    rows_after, ids_after = con.execute(counts, {"lo": lo, "hi": hi}).fetchall()[0]
    added = rows_after - rows_before
    return added, added != ids_after - ids_before


def _load(con, kind: str, reads: list[SegmentRead]) -> tuple[int, list[SegmentRead]]:
    """Insert a kind's reads in a transaction left open for the caller to finish.

    Returns the rows added and the reads as loaded (rows the store refused moved to
    their bad lines).
    """
    import duckdb

    one_per_id = set_aside = False
    while True:
        con.execute("BEGIN TRANSACTION")
        try:
            added, repeated = _insert_new_rows(con, kind, reads, one_per_id=one_per_id)
        except (duckdb.DataError, duckdb.ConstraintException, _Unloadable) as exc:
            con.execute("ROLLBACK")
            if set_aside:
                names = ", ".join(r.path.name for r in reads if r.table.num_rows)
                raise StoreError(
                    f"cannot load the spooled {kind} ({str(exc).splitlines()[0]}); no {kind} were stored and "
                    f"the segments stay in {reads[0].path.parent}: {names}"
                ) from exc
            # a line the bulk reader let through (an id that is no UUID, a missing tenant): find
            # it, keep it aside, load the rest
            reads = [_set_aside_unloadable(con, r) if r.table.num_rows else r for r in reads]
            set_aside = True
            continue
        if repeated and not one_per_id:
            con.execute("ROLLBACK")
            one_per_id = True
            continue
        return added, reads


class _FileOffsets:
    """Offsets kept in the workspace's DuckDB file (``spool_offsets``), beside the rows they count."""

    lake = False

    def read(self, con) -> dict[str, int]:
        return dict(con.execute('SELECT segment, "offset" FROM spool_offsets').fetchall())

    def save(self, con, kind: str, reads: list[SegmentRead], offsets: dict[str, int]) -> None:
        now = datetime.now(UTC).replace(tzinfo=None)
        rows = [(r.path.name, kind, r.end, now) for r in reads if r.end != r.start or r.path.name not in offsets]
        if rows:
            con.executemany(
                'INSERT OR REPLACE INTO spool_offsets (segment, kind, "offset", updated_at) VALUES (?, ?, ?, ?)',
                rows,
            )


class _LakeOffsets:
    """Offsets kept in the lake (``spool_offsets``, keyed by host and segment), in the rows' own commit.

    Each commit rewrites this host's offsets of one kind: the segments still in the spool, so those
    archived since drop out by themselves. It also takes the lake's ingest turn (``lake.TURN_SQL``),
    so two hosts' commits conflict, and the loser retries on a snapshot that holds the winner's rows.
    """

    lake = True

    def __init__(self, host: str):
        self.host = host

    def read(self, con) -> dict[str, int]:
        from .lake import host_offsets

        return host_offsets(con, self.host)

    def save(self, con, kind: str, reads: list[SegmentRead], offsets: dict[str, int]) -> None:
        from .lake import TURN_SQL

        con.execute("DELETE FROM spool_offsets WHERE host = $host AND kind = $kind", {"host": self.host, "kind": kind})
        # one INSERT for all rows: each statement writes its own Parquet file in the lake
        con.execute(
            'INSERT INTO spool_offsets (host, segment, kind, "offset", updated_at) '
            "SELECT $host, unnest($segments), $kind, unnest($ends), now()::TIMESTAMP",
            {"host": self.host, "kind": kind, "segments": [r.path.name for r in reads], "ends": [r.end for r in reads]},
        )
        con.execute(TURN_SQL, {"host": self.host})


LAKE_COMMIT_ATTEMPTS = 50


def _store_kind(con, kind: str, reads: list[SegmentRead], offsets: dict[str, int], keeper, directory: Path,
                report: IngestReport) -> list[SegmentRead]:
    """Store one kind's reads and their offsets in one transaction; returns the reads as loaded.

    In the lake, a commit that lost the race to another host's ingest is retried from the start:
    the new transaction sees the rows that host stored, so none is stored twice.
    """
    import duckdb

    for attempt in range(1, LAKE_COMMIT_ATTEMPTS + 1):
        try:
            added, loaded = _load(con, kind, reads)
            quarantined = [q for read in loaded for q in _quarantine_problems(directory, read)]
            if keeper.lake and not any(r.end != r.start for r in loaded):
                con.execute("ROLLBACK")  # nothing new: no empty snapshot in the lake
            else:
                keeper.save(con, kind, loaded, offsets)
                con.execute("COMMIT")
            break
        except duckdb.Error as exc:
            with contextlib.suppress(duckdb.Error):  # no transaction left when COMMIT itself failed
                con.execute("ROLLBACK")
            from .lake import is_conflict, translate

            if keeper.lake and not is_conflict(exc):
                raise translate(exc) from None
            if not keeper.lake:
                raise
            if attempt == LAKE_COMMIT_ATTEMPTS:
                from ..errors import LakeConflictError

                raise LakeConflictError(
                    f"other hosts' ingests kept committing to the lake first ({attempt} tries); the {kind} "
                    "stay in the spool for the next ingest"
                ) from exc
            time.sleep(min(0.05 * attempt, 1.0) * (0.5 + random.random()))
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise
        finally:
            with contextlib.suppress(duckdb.Error):
                con.unregister("_incoming")
    report.quarantined.extend(quarantined)
    report.added[kind] = added
    report.duplicates[kind] = sum(r.table.num_rows for r in loaded) - added
    return loaded


def _store_spool(con, directory: Path, keeper, report: IngestReport) -> list[SegmentRead]:
    """Store every kind's new spooled rows; returns the sealed reads, ready to archive."""
    # stored order means nothing (ts orders records) and dropping it lets DuckDB insert on every
    # core: measured 0.50 -> 0.40 s per million events
    con.execute("SET preserve_insertion_order = false")
    offsets = keeper.read(con)
    finished: list[SegmentRead] = []
    for kind in KINDS:
        reads = [read_segment(path, kind, offsets.get(path.name, 0)) for path in segments(directory, kind)]
        # rows read line by line (a segment with a corrupt line) are checked before the insert
        reads = [_set_aside_unloadable(con, r) if r.row_offsets else r for r in reads]
        report.segments_read += len(reads)
        reads = _store_kind(con, kind, reads, offsets, keeper, directory, report)
        finished.extend(r for r in reads if r.sealed)
    return finished


def _archive(directory: Path, finished: list[SegmentRead]) -> list[str]:
    """Move fully stored, sealed segments to ``archive/<kind>/<day>/``; returns their names."""
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
    return archived


def _hooks_timed(con, report: IngestReport) -> None:
    started = time.perf_counter()
    _run_hooks(con, report)
    report.hook_seconds = time.perf_counter() - started


def ingest(*, timeout: float = 60.0) -> IngestReport:
    """Load all spooled records into the store; safe to run at any time, from any process.

    With a lake configured (``FAIBRIC_LAKE``) the records go to the lake, which every host shares,
    and the derived tables (``POST_INGEST_HOOKS``) are refreshed in this workspace's DuckDB file from
    the lake's rows (see :func:`_ingest_to_lake`).
    """
    from . import lake

    started = time.perf_counter()
    directory = config.workspace() / "spool"
    report = IngestReport()
    lake_settings = lake.settings()
    with _ingest_lock(directory, timeout):
        if lake_settings is not None:
            _ingest_to_lake(lake_settings, directory, report, timeout, started)
        else:
            with write_connection(timeout=timeout) as con:
                finished = _store_spool(con, directory, _FileOffsets(), report)
                report.load_seconds = time.perf_counter() - started
                _hooks_timed(con, report)
                archived = _archive(directory, finished)
                if archived:
                    con.execute("DELETE FROM spool_offsets WHERE segment IN (SELECT unnest(?))", [archived])
                report.segments_archived = len(archived)
    report.seconds = time.perf_counter() - started
    return report


def _ingest_to_lake(lake_settings, directory: Path, report: IngestReport, timeout: float, started: float) -> None:
    """Append this host's spool to the lake, then refresh this host's derived tables from the lake.

    The derived tables (the activity rollup) stay in each host's DuckDB file: they are caches that any
    host rebuilds from the lake's events, readers on a host find them beside that host's state tables,
    and keeping them out of the lake spares hosts from conflicting upserts (DuckLake has no keys).
    The workspace's file is opened only for the hooks, so local readers wait for the short part only.
    """
    from . import lake

    con = lake.open_lake(lake_settings)
    try:
        con.execute(f"USE {lake.ALIAS}")
        finished = _store_spool(con, directory, _LakeOffsets(lake.host_id()), report)
    finally:
        con.close()
    report.load_seconds = time.perf_counter() - started
    with write_connection(timeout=timeout) as con:
        lake.attach(con, lake_settings, read_only=True)
        _hooks_timed(con, report)
    # archived only now that the lake holds the rows; their offsets drop out at the next commit
    report.segments_archived = len(_archive(directory, finished))


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
            from .lake import redact

            self.last_error = f"{type(exc).__name__}: {redact(str(exc))}"

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.interval + 5)
