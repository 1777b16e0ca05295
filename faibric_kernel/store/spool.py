"""The spool: per-process append-only segment files that make logging durable.

A writer owns one segment per record kind (``events``, ``api_calls``) and
holds an exclusive ``flock`` on it while it is open, so ingest can tell a live
segment from a sealed one. Each record is one line written with a single
``os.write`` on an ``O_APPEND`` descriptor: when :meth:`SpoolWriter.append`
returns, the line is in the operating system (and on disk with
``FAIBRIC_SPOOL_FSYNC=1``). A process killed mid-write leaves at most one
partial last line, which ingest never loads as a record.

A line is CSV with no header, its columns in the order of
:data:`.schema.SPOOL_SCHEMAS`: an empty field is null, text is quoted (quotes
doubled) when it is empty or holds a comma or a quote, ``ts`` is integer
microseconds and ``properties`` is JSON text. Text never holds a line break
(the record functions refuse one), so a line is always a whole record. CSV
rather than JSON lines because ingest is bound by parsing, and Arrow's CSV
reader parses these lines about three times faster than its JSON reader
(``benchmarks/bench_events.py``). Segments written as JSON lines (``.jsonl``,
the first format) are still read.

Layout inside ``$FAIBRIC_HOME/spool``::

    events/<segment>.csv         live and sealed segments
    api_calls/<segment>.csv
    archive/<kind>/<day>/...     segments fully ingested
    quarantine/                  corrupt bytes, with a .reason.txt beside them
    ingest.lock
"""

from __future__ import annotations

import fcntl
import mmap
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json

from .. import config
from ..errors import InvalidInputError, SpoolError
from .schema import KINDS, SPOOL_SCHEMAS, select_sql, spool_table, unloadable_sql

__all__ = [
    "SpoolWriter", "append", "append_many", "attach_pending", "encode_line", "process_writer", "read_segment",
    "segments", "spool_dir",
]

SEGMENT_MAX_BYTES = 64 * 1024 * 1024
SEGMENT_SUFFIX = ".csv"
LEGACY_SUFFIX = ".jsonl"  # segments written before the CSV format; read, never written


def spool_dir() -> Path:
    return config.workspace() / "spool"


class SpoolWriter:
    """Appends whole lines to this process's own segment of one kind."""

    def __init__(self, directory: Path, kind: str, *, fsync: bool = False, max_bytes: int = SEGMENT_MAX_BYTES):
        if kind not in KINDS:
            raise SpoolError(f"unknown spool kind {kind!r}; expected one of {', '.join(KINDS)}")
        self.directory = directory / kind
        self.kind = kind
        self.fsync = fsync
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._pid: int | None = None
        self._size = 0
        self.path: Path | None = None

    def _open(self) -> None:
        name = f"{time.time_ns():020d}-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}{SEGMENT_SUFFIX}"
        path = self.directory / name
        # created under a name ingest does not list and locked before it gets its real name: ingest
        # never sees it unlocked, so never takes a new segment for a sealed, empty one and archives it
        hidden = self.directory / f".{name}.new"
        fd = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd = os.open(hidden, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_CLOEXEC, 0o644)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.rename(hidden, path)
        except OSError as exc:
            if fd is not None:
                os.close(fd)
            raise SpoolError(
                f"cannot write the spool in {self.directory}: {exc.strerror or exc}; "
                "check that FAIBRIC_HOME is writable"
            ) from None
        self._fd, self._pid, self._size, self.path = fd, os.getpid(), 0, path

    def append_bytes(self, data: bytes) -> None:
        """Write complete lines (ending in ``\\n``) with one system call."""
        with self._lock:
            if self._fd is None or self._pid != os.getpid():
                # after a fork the child must not share the parent's segment
                self._open()
            elif self._size >= self.max_bytes:
                self._close_locked()
                self._open()
            view = memoryview(data)
            while view:
                try:
                    written = os.write(self._fd, view)
                except OSError as exc:
                    # the segment may now end in part of a line: seal it (ingest quarantines that tail)
                    # so the next record starts a fresh segment instead of being glued onto the part
                    failed = self.path
                    self._close_locked()
                    raise SpoolError(f"cannot append to {failed}: {exc.strerror or exc}") from None
                view = view[written:]
            if self.fsync:
                os.fsync(self._fd)
            self._size += len(data)

    def _close_locked(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)  # closing releases the flock: the segment is sealed
        self._fd = None

    def close(self) -> None:
        with self._lock:
            self._close_locked()


_writers: dict[tuple[str, str], SpoolWriter] = {}
_writers_lock = threading.Lock()


def process_writer(kind: str) -> SpoolWriter:
    """This process's writer of ``kind`` records in the current workspace's spool (one per process and kind)."""
    directory = spool_dir()
    key = (str(directory), kind)
    writer = _writers.get(key)
    if writer is None:
        with _writers_lock:
            writer = _writers.get(key)
            if writer is None:
                writer = SpoolWriter(directory, kind, fsync=config.get_bool("FAIBRIC_SPOOL_FSYNC"))
                _writers[key] = writer
    return writer


def close_writers() -> None:
    """Seal this process's segments (tests and clean shutdown use it)."""
    with _writers_lock:
        for writer in _writers.values():
            writer.close()
        _writers.clear()


def _csv_field(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        if "\n" in value or "\r" in value:
            raise SpoolError(f"spooled text must not hold a line break: {value[:40]!r}")
        if not value or '"' in value or "," in value:
            return '"' + value.replace('"', '""') + '"'
        return value
    if isinstance(value, float):
        return repr(value)
    return str(value)


def encode_line(kind: str, record: dict) -> bytes:
    """One spool line for a record already in spool shape (see the module docstring)."""
    try:
        return (",".join([_csv_field(record[name]) for name in SPOOL_SCHEMAS[kind].names]) + "\n").encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start:exc.end]
        raise InvalidInputError(
            f"the record holds text that is not valid Unicode ({bad!r}, a lone surrogate); "
            "decode bytes with errors='replace' before logging them"
        ) from None


def append(kind: str, record: dict) -> None:
    """Durably append one record (already in spool shape)."""
    process_writer(kind).append_bytes(encode_line(kind, record))


def append_many(kind: str, records) -> int:
    """Durably append many records; large batches go out in chunks of whole lines."""
    writer = process_writer(kind)
    chunk: list[bytes] = []
    size = n = 0
    for record in records:
        line = encode_line(kind, record)
        chunk.append(line)
        size += len(line)
        n += 1
        if size >= 4 * 1024 * 1024:
            writer.append_bytes(b"".join(chunk))
            chunk, size = [], 0
    if chunk:
        writer.append_bytes(b"".join(chunk))
    return n


# ---------------------------------------------------------------- reading


@dataclass
class SegmentRead:
    """What was read from one segment past its ingested offset."""

    path: Path
    kind: str
    start: int
    end: int  # offset after the last complete line read
    table: pa.Table
    bad_lines: list[tuple[int, str]]  # (byte offset, reason)
    sealed: bool
    trailing_bytes: int  # bytes after the last newline
    row_offsets: list[int] | None = None  # byte offset of each table row, when read line by line


def segments(directory: Path, kind: str) -> list[Path]:
    folder = directory / kind
    if not folder.is_dir():
        return []
    return sorted(
        (p for p in folder.iterdir() if p.suffix in (SEGMENT_SUFFIX, LEGACY_SUFFIX) and p.is_file()),
        key=lambda p: p.name,
    )


def is_sealed(path: Path) -> bool:
    """True when no writer holds the segment open (its lock is free)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def _parse_by_halves(data: bytes, kind: str, base: int, read) -> tuple[pa.Table, list[tuple[int, str]], list[int]]:
    """Parse whole lines with the bulk reader, halving around the lines it refuses.

    Returns the rows, the refused lines (byte offset, reason) and each row's byte offset.
    Every line is judged by the same reader as a bulk read, in about (refused lines x
    log2(lines)) reads; a chunk counts only when it gives one row per line.
    """
    schema = SPOOL_SCHEMAS[kind]
    view = memoryview(data)
    starts = [0]
    newline = data.find(b"\n")
    while newline >= 0:
        starts.append(newline + 1)
        newline = data.find(b"\n", newline + 1)
    tables: list[pa.Table] = []
    offsets: list[int] = []
    bad: list[tuple[int, str]] = []
    pending = [(0, len(starts) - 1)]  # line ranges [first, end), left halves popped first
    while pending:
        first, end = pending.pop()
        chunk = view[starts[first]:starts[end]]
        if end - first == 1 and not bytes(chunk).strip():
            continue
        try:
            table = read(pa.py_buffer(chunk), schema)
            if table.num_rows != end - first:
                raise ValueError(f"{table.num_rows} records in {end - first} lines")
        except (pa.ArrowInvalid, ValueError) as exc:
            if end - first == 1:
                bad.append((base + starts[first], f"{type(exc).__name__}: {exc}"[:200]))
            else:
                middle = (first + end) // 2
                pending += [(middle, end), (first, middle)]
            continue
        tables.append(table)
        offsets.extend(base + start for start in starts[first:end])
    return spool_table(kind, tables), bad, offsets


def read_segment(path: Path, kind: str, start: int = 0, *, line_by_line: bool = False) -> SegmentRead:
    """Read the complete lines of a segment from ``start`` on.

    ``line_by_line`` also gives each row's byte offset (``row_offsets``), as
    a read that met a corrupt line does: for a segment holding a line the
    store refused, so that this line alone is set aside.
    """
    sealed = is_sealed(path)
    size = path.stat().st_size
    if size <= start:
        data = b""
    else:
        # memory maps find the last complete line and hand the bytes to Arrow without copies
        with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            end = mapped.rfind(b"\n", start) + 1
        if end <= start:
            return _parse_segment(path, kind, start, b"", sealed, size - start)
        with pa.memory_map(str(path), "r") as mapped_file:
            mapped_file.seek(start)
            data = mapped_file.read_buffer(end - start)
            return _parse_segment(path, kind, start, data, sealed, size - end, line_by_line)
    return _parse_segment(path, kind, start, data, sealed, 0)


def _read_csv(data, schema: pa.Schema) -> pa.Table:
    return pa_csv.read_csv(
        pa.BufferReader(data),
        # small blocks parse in parallel on every core
        read_options=pa_csv.ReadOptions(column_names=schema.names, block_size=1 << 20),
        convert_options=pa_csv.ConvertOptions(
            column_types=schema, null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=False
        ),
    )


def _read_json(data, schema: pa.Schema) -> pa.Table:
    table = pa_json.read_json(
        pa.BufferReader(data),
        read_options=pa_json.ReadOptions(block_size=1 << 20),
        parse_options=pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore"),
    )
    return table.select(schema.names)


def _parse_segment(
    path: Path, kind: str, start: int, complete, sealed: bool, trailing: int, line_by_line: bool = False
) -> SegmentRead:
    cut = len(complete)
    schema = SPOOL_SCHEMAS[kind]
    bad: list[tuple[int, str]] = []
    legacy = path.suffix == LEGACY_SUFFIX
    offsets = None
    if not complete:
        table = spool_table(kind, [])
    else:
        try:
            if line_by_line:
                raise ValueError("asked for each row's line offset")
            table = (_read_json if legacy else _read_csv)(complete, schema)
        except (pa.ArrowInvalid, ValueError):
            table, bad, offsets = _parse_by_halves(bytes(complete), kind, start, _read_json if legacy else _read_csv)
    return SegmentRead(path, kind, start, start + cut, table, bad, sealed, trailing, offsets)


def attach_pending(con, directory: Path, *, offsets: dict[str, int] | None = None) -> None:
    """Shadow ``events`` and ``api_calls`` on ``con`` with views that add spooled rows.

    ``offsets`` (segment -> bytes already stored) defaults to the DuckDB file's ``spool_offsets``;
    with a lake, the caller passes this host's offsets kept in the lake.
    """
    from .lake import stored_table

    if offsets is None:
        try:
            offsets = dict(con.execute('SELECT segment, "offset" FROM spool_offsets').fetchall())
        except Exception:  # noqa: BLE001 - an old database without the table
            offsets = {}
    for kind in KINDS:
        tables = []
        for path in segments(directory, kind):
            try:
                read = read_segment(path, kind, offsets.get(path.name, 0))
            except FileNotFoundError:
                continue  # archived between listing and reading: it is in the table now
            if read.table.num_rows:
                tables.append(read.table)
        pending = spool_table(kind, tables)
        con.register(f"_spooled_{kind}", pending)
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW _pending_{kind} AS "
            f"SELECT * FROM _spooled_{kind} WHERE NOT ({unloadable_sql(kind)})"
        )
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {kind} AS SELECT * FROM {stored_table(con, kind)} "
            f"UNION ALL {select_sql(kind, f'_pending_{kind}')}"
        )
