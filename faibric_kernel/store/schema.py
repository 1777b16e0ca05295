"""The column layout of spooled records, shared by writers, ingest and readers."""

from __future__ import annotations

import pyarrow as pa

EVENT_COLUMNS = ["event_id", "ts", "tenant_id", "session_id", "actor", "event_type", "properties"]

API_CALL_COLUMNS = [
    "call_id",
    "ts",
    "tenant_id",
    "session_id",
    "provider",
    "model",
    "purpose",
    "input_tokens",
    "output_tokens",
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
    "cost_usd",
    "price_version",
    "latency_ms",
    "status",
    "error_type",
    "properties",
]

# In the spool, ``ts`` is integer microseconds since the epoch (UTC), ids are
# strings and ``properties`` is a JSON text: a flat schema Arrow's CSV reader
# parses in bulk (see store.spool for the line format).
SPOOL_SCHEMAS: dict[str, pa.Schema] = {
    "events": pa.schema(
        [
            ("event_id", pa.string()),
            ("ts", pa.int64()),
            ("tenant_id", pa.string()),
            ("session_id", pa.string()),
            ("actor", pa.string()),
            ("event_type", pa.string()),
            ("properties", pa.string()),
        ]
    ),
    "api_calls": pa.schema(
        [
            ("call_id", pa.string()),
            ("ts", pa.int64()),
            ("tenant_id", pa.string()),
            ("session_id", pa.string()),
            ("provider", pa.string()),
            ("model", pa.string()),
            ("purpose", pa.string()),
            ("input_tokens", pa.int64()),
            ("output_tokens", pa.int64()),
            ("cache_creation_input_tokens", pa.int64()),
            ("cache_read_input_tokens", pa.int64()),
            ("cost_usd", pa.float64()),
            ("price_version", pa.string()),
            ("latency_ms", pa.float64()),
            ("status", pa.string()),
            ("error_type", pa.string()),
            ("properties", pa.string()),
        ]
    ),
}

ID_COLUMN = {"events": "event_id", "api_calls": "call_id"}
KINDS = tuple(SPOOL_SCHEMAS)


def spool_table(kind: str, tables: list[pa.Table]) -> pa.Table:
    """The spooled rows of ``kind`` as one table (no copy), empty when there are none."""
    if tables:
        return pa.concat_tables(tables)
    # not Schema.empty_table(): it imports pandas, 0.25 s of a short ingest
    return pa.Table.from_batches([], schema=SPOOL_SCHEMAS[kind])


def select_sql(kind: str, source: str) -> str:
    """SQL that turns a spool-shaped relation ``source`` into table-shaped rows."""
    cols = []
    for field in SPOOL_SCHEMAS[kind]:
        name = field.name
        if name == ID_COLUMN[kind]:
            cols.append(f"CAST({name} AS UUID) AS {name}")
        elif name == "ts":
            cols.append("make_timestamp(ts) AS ts")
        elif name == "properties":
            cols.append("CAST(properties AS JSON) AS properties")
        else:
            cols.append(f'"{name}"')
    return f"SELECT {', '.join(cols)} FROM {source}"


# Columns the tables declare NOT NULL (tests/test_store.py checks this against the migrations).
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "events": ("event_id", "ts", "tenant_id", "event_type"),
    "api_calls": (
        "call_id", "ts", "tenant_id", "provider", "input_tokens", "output_tokens",
        "cache_creation_input_tokens", "cache_read_input_tokens", "status",
    ),
}
TS_RANGE = (-62_135_596_800_000_000, 253_402_300_799_999_999)  # microseconds: the years 1 to 9999, as Python's


def unloadable_reason_sql(kind: str) -> str:
    """SQL of why a spooled row cannot be stored (NULL when it can): the one rule for every reader.

    The spool readers check a line's shape and types, not that an id is a UUID,
    that ``ts`` is a time Python can hold, that ``properties`` is JSON or that a
    required column is set. Readers hide the rows this names; ingest keeps them
    in the quarantine with the reason.
    """
    id_col = ID_COLUMN[kind]
    whens = [f"WHEN {name} IS NULL THEN 'no {name}'" for name in REQUIRED_COLUMNS[kind]]
    whens += [
        f"WHEN TRY_CAST({id_col} AS UUID) IS NULL THEN '{id_col} is not a UUID'",
        f"WHEN ts NOT BETWEEN {TS_RANGE[0]} AND {TS_RANGE[1]} THEN 'ts is not a time between the years 1 and 9999'",
        "WHEN properties IS NOT NULL AND TRY_CAST(properties AS JSON) IS NULL THEN 'properties is not JSON'",
    ]
    return f"CASE {' '.join(whens)} END"


def unloadable_sql(kind: str) -> str:
    """SQL condition, true for a spooled row that cannot be stored (see :func:`unloadable_reason_sql`)."""
    return f"({unloadable_reason_sql(kind)}) IS NOT NULL"


# tables that stay in each host's DuckDB file (or the lake) whatever FAIBRIC_DATABASE_URL says:
# the events and what ingest derives from them, and the library, whose vector search is DuckDB's
HOST_TABLES = frozenset({
    "events", "api_calls", "spool_offsets", "activity_daily", "activity_daily_state", "health_snapshots",
    "library_items",
})
