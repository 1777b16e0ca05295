"""Import historical events (``faibric events import PATH``) through the spool and ingest.

A file in Parquet, CSV or JSON Lines with the export's columns (``event_id``,
``ts``, ``tenant_id``, ``session_id``, ``actor``, ``event_type``,
``properties``) is validated row by row in DuckDB; good rows keep their ids
and timestamps and are appended to the spool in bulk, then ``ingest()`` loads
them. Ingest skips ids it already stored, so importing the same file twice
adds nothing. Refused rows are counted by reason, a few are shown, and all are
written to a CSV beside the workspace logs so they can be fixed and imported
again. A file missing a required column is refused as a whole.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .. import config
from ..errors import InvalidInputError, NotFoundError, SpoolError

__all__ = ["KNOWN_EVENT_TYPES", "ImportReport", "import_events", "spool_relation"]

REQUIRED_COLUMNS = ("event_id", "ts", "tenant_id", "event_type")
OPTIONAL_COLUMNS = ("session_id", "actor", "properties")
KNOWN_EVENT_TYPES = (
    "request_submitted", "email_provided", "magic_link_sent", "verified", "build_started", "library_reused",
    "generation_completed", "validation_failed", "code_fixed", "preview_ready", "deploy_started", "deployed",
    "deploy_failed", "modification_requested", "modification_applied", "build_stopped", "error",
    "feedback_submitted",
    # live sites (faibric_kernel.livesites): the visitor beacon and the form inbox
    "site_pageview", "site_section_viewed", "site_cta_clicked", "site_form_started", "site_form_submitted",
    "lead_received",
)
FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl",
           ".json": "jsonl"}
EXAMPLES = 10
FUTURE_SLACK_DAYS = 1


@dataclass
class ImportReport:
    """What an import read, accepted, refused (and why) and added."""

    path: str
    format: str
    rows_read: int = 0
    accepted: int = 0
    refused: int = 0
    refused_by_reason: dict = field(default_factory=dict)
    refused_examples: list = field(default_factory=list)
    refused_file: str | None = None
    ignored_columns: list = field(default_factory=list)
    duplicates_in_file: int = 0
    already_stored: int = 0
    added: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict:
        out = asdict(self)
        out["seconds"] = round(self.seconds, 3)
        return out


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def spool_relation(con, relation_sql: str, kind: str) -> int:
    """Append the rows of a spool-shaped query to this process's spool segment, in bulk.

    The query must yield the spool columns of ``kind`` (ids as text, ``ts`` as
    UTC microseconds, ``properties`` as JSON text) and no text with a line
    break (minify JSON with ``json()``). DuckDB writes the lines in the spool's
    CSV format: it quotes a little more often than :func:`.spool.encode_line`
    (a leading ``#``, for one), which reads back the same. They are appended
    in whole-line chunks, as ``record_events`` would.
    """
    from . import spool
    from .schema import SPOOL_SCHEMAS

    schema = SPOOL_SCHEMAS[kind]
    columns = ", ".join(f'"{name}"' for name in schema.names)
    texts = [f.name for f in schema if f.type == "string"]
    broken = " OR ".join(f"regexp_matches(\"{name}\", '[\\r\\n]')" for name in texts)
    found = con.execute(f"SELECT count(*) FROM ({relation_sql}) WHERE {broken}").fetchall()[0][0]
    if found:
        raise SpoolError(
            f"{found} {kind} row(s) hold a line break in one of {', '.join(texts)}; a spool line is one record, "
            "so refuse those rows (or minify JSON with json()) before spooling"
        )
    writer = spool._writer(kind)
    with tempfile.TemporaryDirectory(dir=config.workspace_path("run")) as scratch:
        path = os.path.join(scratch, f"{kind}{spool.SEGMENT_SUFFIX}")
        con.execute(f"COPY (SELECT {columns} FROM ({relation_sql})) TO {_sql_text(path)} (FORMAT csv, HEADER false)")
        n = 0
        with open(path, "rb") as fh:
            rest = b""
            while True:
                data = fh.read(8 * 1024 * 1024)
                if not data:
                    break
                data = rest + data
                cut = data.rfind(b"\n") + 1
                if cut:
                    writer.append_bytes(data[:cut])
                    n += data.count(b"\n", 0, cut)
                rest = data[cut:]
            if rest:
                writer.append_bytes(rest + b"\n")
                n += 1
    return n


def _detect_format(path: Path, fmt: str | None) -> str:
    if fmt:
        fmt = fmt.lower()
        if fmt == "json":
            fmt = "jsonl"
        if fmt not in ("parquet", "csv", "jsonl"):
            raise InvalidInputError(f"--format must be parquet, csv or jsonl, not {fmt!r}")
        return fmt
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        raise InvalidInputError(
            f"cannot tell the format of {path.name} from its extension; use .parquet, .csv or .jsonl, "
            "or pass --format"
        )
    return found


def _source_sql(con, path: Path, fmt: str) -> tuple[str, list[str]]:
    """SQL of the file's rows with every known column as text (NULL when absent), and the file's columns."""
    quoted = _sql_text(str(path))
    wanted = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    if fmt == "jsonl":
        lines = (
            "SELECT row_number, line, coalesce(CASE WHEN json_valid(line) THEN json_type(line) = 'OBJECT' END, false) "
            "AS ok FROM (SELECT row_number() OVER () AS row_number, line FROM ("
            f"SELECT unnest(string_split(rtrim(content, chr(10)), chr(10))) AS line FROM read_text({quoted})))"
        )
        keys = con.execute(f"SELECT DISTINCT unnest(json_keys(CASE WHEN ok THEN line END)) FROM ({lines})").fetchall()
        columns = sorted(k[0] for k in keys)
        projections = []
        for name in wanted:
            path_arg = _sql_text(f'$."{name}"')
            if name == "properties":
                projections.append(
                    f"CASE WHEN NOT ok THEN NULL "
                    f"WHEN json_type(line, {path_arg}) = 'VARCHAR' THEN json_extract_string(line, {path_arg}) "
                    f"WHEN json_type(line, {path_arg}) = 'NULL' THEN NULL "
                    f"ELSE CAST(json_extract(line, {path_arg}) AS VARCHAR) END AS properties"
                )
            else:
                projections.append(f"CASE WHEN ok THEN json_extract_string(line, {path_arg}) END AS {name}")
        sql = (
            f"SELECT row_number, {', '.join(projections)}, "
            f"CASE WHEN NOT ok THEN 'not a JSON object line' END AS line_problem "
            f"FROM ({lines}) WHERE trim(line) <> ''"
        )
        return sql, columns
    reader = f"read_parquet({quoted})" if fmt == "parquet" else (
        f"read_csv({quoted}, header = true, all_varchar = true, auto_detect = true)"
    )
    described = con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()
    types = {row[0]: str(row[1]).upper() for row in described}
    columns = list(types)
    projections = []
    for name in wanted:
        if name not in types:
            projections.append(f"CAST(NULL AS VARCHAR) AS {name}")
        elif name == "properties" and (types[name].startswith("STRUCT") or types[name].startswith("MAP")):
            projections.append(f"CAST(to_json({name}) AS VARCHAR) AS {name}")
        else:
            projections.append(f'CAST("{name}" AS VARCHAR) AS {name}')
    sql = (
        f"SELECT row_number() OVER () AS row_number, {', '.join(projections)}, "
        f"CAST(NULL AS VARCHAR) AS line_problem FROM {reader}"
    )
    return sql, columns


def _already_stored(con) -> int:
    """How many of the accepted (distinct) ids the store already holds."""
    from .db import read_connection

    ids = con.sql("SELECT DISTINCT id_parsed AS event_id, ts_parsed AS ts FROM checked WHERE reason IS NULL").to_arrow_table()
    bounds = con.execute("SELECT min(ts_parsed), max(ts_parsed) FROM checked WHERE reason IS NULL").fetchall()[0]
    with read_connection(include_spool=False) as store:
        store.register("_import_ids", ids)
        try:
            return int(
                store.execute(
                    "SELECT count(DISTINCT e.event_id) FROM events AS e SEMI JOIN _import_ids AS i "
                    "ON e.event_id = i.event_id WHERE e.ts BETWEEN $lo AND $hi",
                    {"lo": bounds[0], "hi": bounds[1]},
                ).fetchall()[0][0]
            )
        finally:
            store.unregister("_import_ids")


def import_events(
    path: str | Path,
    *,
    fmt: str | None = None,
    allow_unknown_types: bool = False,
    refused_out: str | Path | None = None,
) -> ImportReport:
    """Validate and import the events in ``path``; see the module docstring."""
    import duckdb

    from .ingest import ingest
    from .spool import close_writers

    started = time.perf_counter()
    path = Path(path).expanduser()
    if not path.is_file():
        raise NotFoundError(f"no file at {path}; give the path of a .parquet, .csv or .jsonl export")
    fmt = _detect_format(path, fmt)
    report = ImportReport(path=str(path), format=fmt)
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone='UTC'")
        try:
            source, columns = _source_sql(con, path, fmt)
        except duckdb.Error as exc:
            raise InvalidInputError(f"cannot read {path.name} as {fmt}: {str(exc).splitlines()[0]}") from None
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise InvalidInputError(
                f"{path.name} is missing the column(s) {', '.join(missing)}; an events file needs "
                f"{', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)} (as written by `faibric events export`)"
            )
        report.ignored_columns = [c for c in columns if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
        now = datetime.now(UTC).replace(tzinfo=None)
        known = "[" + ", ".join(_sql_text(t) for t in KNOWN_EVENT_TYPES) + "]"
        unknown_check = "" if allow_unknown_types else (
            f"WHEN NOT list_contains({known}, trim(event_type)) THEN 'unknown event_type ' || trim(event_type) "
        )
        try:
            con.execute(
                f"""
                CREATE TEMP TABLE checked AS
                WITH src AS ({source}),
                parsed AS (
                    SELECT *, TRY_CAST(trim(event_id) AS UUID) AS id_parsed,
                           CAST(TRY_CAST(trim(ts) AS TIMESTAMPTZ) AS TIMESTAMP) AS ts_parsed,
                           CASE WHEN properties IS NULL OR trim(properties) IN ('', 'null') THEN NULL
                                ELSE properties END AS props_text
                    FROM src
                )
                SELECT *,
                    CASE
                        WHEN line_problem IS NOT NULL THEN line_problem
                        WHEN event_id IS NULL OR trim(event_id) = '' THEN 'missing event_id'
                        WHEN id_parsed IS NULL THEN 'bad uuid in event_id'
                        WHEN ts IS NULL OR trim(ts) = '' THEN 'missing ts'
                        WHEN ts_parsed IS NULL THEN 'bad ts (not a date and time)'
                        WHEN ts_parsed > $future THEN 'ts in the future'
                        WHEN tenant_id IS NULL OR trim(tenant_id) = '' THEN 'missing tenant_id'
                        WHEN event_type IS NULL OR trim(event_type) = '' THEN 'missing event_type'
                        WHEN regexp_matches(concat_ws('', tenant_id, session_id, actor, event_type), '[\\r\\n]')
                            THEN 'a line break inside tenant_id, session_id, actor or event_type'
                        {unknown_check}
                        WHEN props_text IS NOT NULL AND NOT coalesce(json_valid(props_text), false)
                            THEN 'properties is not valid JSON'
                        WHEN props_text IS NOT NULL AND json_type(props_text) <> 'OBJECT'
                            THEN 'properties is not a JSON object'
                    END AS reason
                FROM parsed
                """,
                {"future": now + timedelta(days=FUTURE_SLACK_DAYS)},
            )
        except duckdb.Error as exc:
            raise InvalidInputError(f"cannot read {path.name} as {fmt}: {str(exc).splitlines()[0]}") from None
        counts = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE reason IS NULL) FROM checked"
        ).fetchall()[0]
        report.rows_read, report.accepted = int(counts[0]), int(counts[1])
        report.refused = report.rows_read - report.accepted
        if report.refused:
            reasons = con.execute(
                "SELECT regexp_replace(reason, '^unknown event_type .*', 'unknown event_type') AS r, count(*) "
                "FROM checked WHERE reason IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1"
            ).fetchall()
            report.refused_by_reason = {r: int(n) for r, n in reasons}
            examples = con.execute(
                f"SELECT row_number, reason, event_id, ts, event_type FROM checked WHERE reason IS NOT NULL "
                f"ORDER BY row_number LIMIT {EXAMPLES}"
            ).fetchall()
            report.refused_examples = [
                {"row": int(r[0]), "reason": r[1], "event_id": r[2], "ts": r[3], "event_type": r[4]}
                for r in examples
            ]
            out = Path(refused_out).expanduser() if refused_out else config.workspace_path(
                "logs", f"import-refused-{datetime.now(UTC):%Y%m%dT%H%M%S}-{path.stem}.csv"
            )
            con.execute(
                "COPY (SELECT row_number, reason, event_id, ts, tenant_id, session_id, actor, event_type, properties "
                f"FROM checked WHERE reason IS NOT NULL ORDER BY row_number) TO {_sql_text(str(out))} (FORMAT csv, HEADER)"
            )
            report.refused_file = str(out)
        if report.accepted:
            distinct = con.execute("SELECT count(DISTINCT id_parsed) FROM checked WHERE reason IS NULL").fetchall()
            report.duplicates_in_file = report.accepted - int(distinct[0][0])
            report.already_stored = _already_stored(con)
            spool_relation(
                con,
                """
                SELECT CAST(id_parsed AS VARCHAR) AS event_id, epoch_us(ts_parsed) AS ts, trim(tenant_id) AS tenant_id,
                       nullif(trim(session_id), '') AS session_id, nullif(trim(actor), '') AS actor,
                       trim(event_type) AS event_type, CAST(json(props_text) AS VARCHAR) AS properties
                FROM checked WHERE reason IS NULL ORDER BY row_number
                """,
                "events",
            )
            close_writers()  # sealed segments are archived by ingest once loaded
            ingest()
            # counted in the store, not worked out: a row ingest refused is not reported as added
            report.added = _already_stored(con) - report.already_stored
    finally:
        con.close()
    report.seconds = time.perf_counter() - started
    return report
