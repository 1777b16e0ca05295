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
