"""Small helpers that put hand-made rows into a store connection (tests, notebooks, examples).

They insert straight into the tables of the given connection (an in-memory
database with the schema, for instance); production code records through the
spool instead.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import pandas as pd

from ._common import utc_naive

__all__ = ["event", "insert_calls", "insert_events"]


def event(ts, session_id, event_type, actor=None, tenant_id="default", properties=None, event_id=None) -> dict:
    """One event row as a dict (``ts`` may be a datetime or an ISO text)."""
    return {
        "event_id": event_id or str(uuid.uuid4()),
        "ts": utc_naive(ts, "ts"),
        "tenant_id": tenant_id,
        "session_id": session_id,
        "actor": actor,
        "event_type": event_type,
        "properties": None if properties is None else json.dumps(properties),
    }


def insert_events(con, rows) -> int:
    """Insert events: dicts with :func:`event`'s keys, or ``(ts, session_id, event_type[, actor[, tenant]])``."""
    records = []
    for row in rows:
        if isinstance(row, dict):
            records.append(event(**row))
        else:
            records.append(event(*row))
    if not records:
        return 0
    df = pd.DataFrame(records, columns=["event_id", "ts", "tenant_id", "session_id", "actor", "event_type",
                                        "properties"])
    con.register("_hand_events", df)
    try:
        con.execute(
            "INSERT INTO events SELECT CAST(event_id AS UUID), CAST(ts AS TIMESTAMP), tenant_id, session_id, actor, "
            "event_type, CAST(properties AS JSON) FROM _hand_events"
        )
    finally:
        con.unregister("_hand_events")
    return len(df)


def insert_calls(con, rows) -> int:
    """Insert API calls: dicts with ``ts`` and any ``api_calls`` columns (sensible defaults for the rest)."""
    records = []
    for row in rows:
        r = {
            "call_id": str(uuid.uuid4()),
            "tenant_id": "default",
            "session_id": None,
            "provider": "anthropic",
            "model": "claude-sonnet-4-6",
            "purpose": "generate",
            "input_tokens": 0,
            "output_tokens": 0,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "cost_usd": None,
            "price_version": None,
            "latency_ms": None,
            "status": "ok",
            "error_type": None,
            "properties": None,
            **row,
        }
        r["ts"] = utc_naive(r["ts"], "ts") if not isinstance(r["ts"], datetime) else r["ts"]
        if r["properties"] is not None and not isinstance(r["properties"], str):
            r["properties"] = json.dumps(r["properties"])
        records.append(r)
    if not records:
        return 0
    columns = ["call_id", "ts", "tenant_id", "session_id", "provider", "model", "purpose", "input_tokens",
               "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "cost_usd",
               "price_version", "latency_ms", "status", "error_type", "properties"]
    df = pd.DataFrame(records, columns=columns)
    df["cost_usd"] = df["cost_usd"].astype("float64")
    df["latency_ms"] = df["latency_ms"].astype("float64")
    con.register("_hand_calls", df)
    try:
        con.execute(
            "INSERT INTO api_calls SELECT CAST(call_id AS UUID), CAST(ts AS TIMESTAMP), tenant_id, session_id, "
            "provider, model, purpose, input_tokens, output_tokens, cache_creation_input_tokens, "
            "cache_read_input_tokens, cost_usd, price_version, latency_ms, status, error_type, "
            "CAST(properties AS JSON) FROM _hand_calls"
        )
    finally:
        con.unregister("_hand_calls")
    return len(df)
