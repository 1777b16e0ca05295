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
# strings and ``properties`` is a JSON text: a flat schema the Arrow JSON
# reader parses in bulk.
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


def unloadable_sql(kind: str) -> str:
    """SQL condition, true for a spooled row that :func:`select_sql` would fail to cast.

    The fast spool readers check shapes and types, not that an id is a UUID or
    that ``properties`` is JSON: a corrupt line that passes them is caught by
    this condition (readers hide the row, ingest quarantines it).
    """
    return (
        f"TRY_CAST({ID_COLUMN[kind]} AS UUID) IS NULL "
        "OR (properties IS NOT NULL AND TRY_CAST(properties AS JSON) IS NULL)"
    )
