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
import json
import mmap
import os
import re
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
    "SpoolWriter", "append", "append_many", "attach_pending", "encode_line", "read_segment", "segments", "spool_dir",
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


def _writer(kind: str) -> SpoolWriter:
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
    _writer(kind).append_bytes(encode_line(kind, record))


def append_many(kind: str, records) -> int:
    """Durably append many records; large batches go out in chunks of whole lines."""
    writer = _writer(kind)
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


def _split_csv_line(text: str) -> list[str | None]:
    """The fields of one spool CSV line; an unquoted empty field is None (null)."""
    fields: list[str | None] = []
    i, n = 0, len(text)
    while True:
        if i < n and text[i] == '"':
            parts, j = [], i + 1
            while True:
                k = text.find('"', j)
                if k < 0:
                    raise ValueError("a quoted field is never closed")
                parts.append(text[j:k])
                if text.startswith('"', k + 1):
                    parts.append('"')
                    j = k + 2
                    continue
                i = k + 1
                break
            if i < n and text[i] != ",":
                raise ValueError(f"text after a closing quote at column {i}")
            fields.append("".join(parts))
        else:
            k = text.find(",", i)
            k = n if k < 0 else k
            value = text[i:k]
            if '"' in value:
                raise ValueError(f"a quote inside an unquoted field at column {i}")
            fields.append(value or None)
            i = k
        if i >= n:
            return fields
        i += 1
        if i == n:
            fields.append(None)
            return fields


_INTEGER = re.compile(r"-?[0-9]+")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?(?:inf|nan)", re.IGNORECASE)


def _csv_record(line: bytes, schema: pa.Schema) -> dict:
    # numbers as strictly as Arrow's CSV reader takes them (int() would also take "1_000" and " 5")
    fields = _split_csv_line(line.decode("utf-8"))
    if len(fields) != len(schema):
        raise ValueError(f"expected {len(schema)} fields, found {len(fields)}")
    record = {}
    for f, value in zip(schema, fields, strict=True):
        if value is not None and pa.types.is_integer(f.type):
            if not _INTEGER.fullmatch(value):
                raise ValueError(f"{f.name} is not a whole number: {value[:40]!r}")
            value = int(value)
        elif value is not None and pa.types.is_floating(f.type):
            if not _FLOAT.fullmatch(value):
                raise ValueError(f"{f.name} is not a number: {value[:40]!r}")
            value = float(value)
        record[f.name] = value
    return record


def _json_record(line: bytes, schema: pa.Schema) -> dict:
    record = json.loads(line)
    if not isinstance(record, dict):
        raise ValueError("a JSON line that is not an object")
    return {f.name: record.get(f.name) for f in schema}


def _parse_lines_slowly(data: bytes, kind: str, base: int, decode) -> tuple[pa.Table, list[tuple[int, str]], list[int]]:
    """Line-by-line parse: the rows that have the spool's shape and types, with their byte offsets,
    and the lines that do not (byte offset, reason). Whether a row's values can be stored (a UUID,
    a time, JSON) is left to DuckDB: see :func:`.schema.unloadable_reason_sql`."""
    schema = SPOOL_SCHEMAS[kind]
    rows: dict[str, list] = {f.name: [] for f in schema}
    bad: list[tuple[int, str]] = []
    offsets: list[int] = []
    pos = 0
    for line in data.split(b"\n")[:-1]:
        offset = base + pos
        pos += len(line) + 1
        if not line.strip():
            continue
        try:
            values = decode(line, schema)
            pa.Table.from_pylist([values], schema=schema)  # type check the row
        except Exception as exc:  # noqa: BLE001 - any failure means a bad line
            bad.append((offset, f"{type(exc).__name__}: {exc}"[:200]))
            continue
        for name, value in values.items():
            rows[name].append(value)
        offsets.append(offset)
    return pa.table(rows, schema=schema), bad, offsets


def read_segment(path: Path, kind: str, start: int = 0, *, line_by_line: bool = False) -> SegmentRead:
    """Read the complete lines of a segment from ``start`` on.

    ``line_by_line`` skips the bulk reader and reads each line on its own,
    keeping each row's byte offset (``row_offsets``): slow, for a segment
    holding a line the store refused, so that this line alone is set aside.
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
                raise ValueError("asked to read every line on its own")
            table = (_read_json if legacy else _read_csv)(complete, schema)
        except (pa.ArrowInvalid, ValueError):
            decode = _json_record if legacy else _csv_record
            table, bad, offsets = _parse_lines_slowly(bytes(complete), kind, start, decode)
    return SegmentRead(path, kind, start, start + cut, table, bad, sealed, trailing, offsets)


def attach_pending(con, directory: Path) -> None:
    """Shadow ``events`` and ``api_calls`` on ``con`` with views that add spooled rows."""
    offsets = {}
    try:
        offsets = dict(con.execute('SELECT segment, "offset" FROM spool_offsets').fetchall())
    except Exception:  # noqa: BLE001 - an old database without the table
        offsets = {}
    db = con.execute("SELECT current_database()").fetchall()[0][0]
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
            f'CREATE OR REPLACE TEMP VIEW {kind} AS SELECT * FROM "{db}".main.{kind} '
            f"UNION ALL {select_sql(kind, f'_pending_{kind}')}"
        )
