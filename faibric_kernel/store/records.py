"""The two logging calls every part of Faibric uses: events and API calls.

Both validate their input, append one line to this process's spool segment and
return only when the line is durable (see :mod:`.spool`). They never open the
database, so they can be called from any process at any time.
"""

from __future__ import annotations

import json
import math
import time
import uuid
from datetime import UTC, datetime

from ..errors import InvalidInputError
from . import spool

__all__ = ["record_api_call", "record_event", "record_events", "to_micros"]

MAX_PROPERTIES_BYTES = 256 * 1024


def to_micros(ts: datetime | None) -> int:
    """UTC microseconds since the epoch; naive datetimes are taken as UTC."""
    if ts is None:
        return time.time_ns() // 1000
    if not isinstance(ts, datetime):
        raise InvalidInputError(f"ts must be a datetime, not {type(ts).__name__}")
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    delta = ts - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _properties_json(properties) -> str | None:
    if properties is None:
        return None
    if not isinstance(properties, dict):
        raise InvalidInputError(f"properties must be a dict, not {type(properties).__name__}")
    try:
        text = json.dumps(properties, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(
            f"properties must be JSON-serialisable ({exc}); convert values to str, int, float, bool, list or dict"
        ) from None
    size = len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_PROPERTIES_BYTES:
        raise InvalidInputError(
            f"properties are {size} bytes; keep them under {MAX_PROPERTIES_BYTES} (store large data as files)"
        )
    return text


def _require_text(name: str, value, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if optional and not isinstance(value, str):
        raise InvalidInputError(f"{name} must be a string or None, not {type(value).__name__}")
    if not optional and (not isinstance(value, str) or not value.strip()):
        raise InvalidInputError(f"{name} must be a non-empty string, not {value!r}")
    if "\n" in value or "\r" in value:
        # a spool line is a whole record (see store.spool); free text belongs in properties
        raise InvalidInputError(f"{name} must be one line, without line breaks: {value[:60]!r}; put free text in properties")
    return value


def _event_record(event_type, session_id, tenant_id, actor, properties, ts, event_id) -> dict:
    _require_text("event_type", event_type)
    _require_text("tenant_id", tenant_id)
    _require_text("session_id", session_id, optional=True)
    _require_text("actor", actor, optional=True)
    if event_id is None:
        event_id = str(uuid.uuid4())
    else:
        try:
            event_id = str(uuid.UUID(str(event_id)))
        except ValueError:
            raise InvalidInputError(f"event_id must be a UUID, not {event_id!r}") from None
    return {
        "event_id": event_id,
        "ts": to_micros(ts),
        "tenant_id": tenant_id,
        "session_id": session_id,
        "actor": actor,
        "event_type": event_type,
        "properties": _properties_json(properties),
    }


def record_event(
    event_type: str,
    *,
    session_id: str | None,
    tenant_id: str = "default",
    actor: str | None = None,
    properties: dict | None = None,
    ts: datetime | None = None,
    event_id: str | None = None,
) -> str:
    """Record one event durably and return its ``event_id``.

    ``ts`` defaults to now (UTC); pass it only for imported or synthetic history.
    """
    record = _event_record(event_type, session_id, tenant_id, actor, properties, ts, event_id)
    spool.append("events", record)
    return record["event_id"]


def record_events(events) -> int:
    """Record many events (dicts with ``record_event``'s arguments) in one write."""
    return spool.append_many(
        "events",
        (
            _event_record(
                e["event_type"],
                e.get("session_id"),
                e.get("tenant_id", "default"),
                e.get("actor"),
                e.get("properties"),
                e.get("ts"),
                e.get("event_id"),
            )
            for e in events
        ),
    )


def _count(name: str, value) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**63:
        raise InvalidInputError(f"{name} must be a whole number from 0 to 2**63 - 1, not {value!r}")
    return value


def _api_call_record(  # noqa: PLR0913 - one keyword per column of the stored row
    provider, model, purpose, session_id, tenant_id, input_tokens, output_tokens,
    cache_creation_input_tokens, cache_read_input_tokens, cost_usd, price_version,
    latency_ms, status, error_type, properties, ts, call_id,
) -> dict:
    _require_text("provider", provider)
    _require_text("tenant_id", tenant_id)
    _require_text("status", status)
    for name, value in (("session_id", session_id), ("model", model), ("purpose", purpose),
                        ("price_version", price_version), ("error_type", error_type)):
        _require_text(name, value, optional=True)
    if cost_usd is not None and (not isinstance(cost_usd, (int, float)) or math.isnan(cost_usd) or cost_usd < 0):
        raise InvalidInputError(f"cost_usd must be a number >= 0 or None (unpriced), not {cost_usd!r}")
    return {
        "call_id": str(uuid.UUID(str(call_id))) if call_id else str(uuid.uuid4()),
        "ts": to_micros(ts),
        "tenant_id": tenant_id,
        "session_id": session_id,
        "provider": provider,
        "model": model,
        "purpose": purpose,
        "input_tokens": _count("input_tokens", input_tokens),
        "output_tokens": _count("output_tokens", output_tokens),
        "cache_creation_input_tokens": _count("cache_creation_input_tokens", cache_creation_input_tokens),
        "cache_read_input_tokens": _count("cache_read_input_tokens", cache_read_input_tokens),
        "cost_usd": None if cost_usd is None else float(cost_usd),
        "price_version": price_version,
        "latency_ms": None if latency_ms is None else float(latency_ms),
        "status": status,
        "error_type": error_type,
        "properties": _properties_json(properties),
    }


def record_api_call(  # noqa: PLR0913 - one keyword per column of the stored row
    *,
    provider: str,
    model: str | None,
    purpose: str | None,
    session_id: str | None = None,
    tenant_id: str = "default",
    input_tokens: int = 0,
    output_tokens: int = 0,
    cache_creation_input_tokens: int = 0,
    cache_read_input_tokens: int = 0,
    cost_usd: float | None = None,
    price_version: str | None = None,
    latency_ms: float | None = None,
    status: str = "ok",
    error_type: str | None = None,
    properties: dict | None = None,
    ts: datetime | None = None,
    call_id: str | None = None,
) -> str:
    """Record one AI API call durably and return its ``call_id``.

    ``cost_usd=None`` means the model had no price: the call is flagged as
    unpriced, never counted as free. ``properties`` may carry
    ``cache_creation_1h_input_tokens``, ``unpriced`` and the prompt variant.
    """
    record = _api_call_record(
        provider, model, purpose, session_id, tenant_id, input_tokens, output_tokens,
        cache_creation_input_tokens, cache_read_input_tokens, cost_usd, price_version,
        latency_ms, status, error_type, properties, ts, call_id,
    )
    spool.append("api_calls", record)
    return record["call_id"]


def record_api_calls(calls) -> int:
    """Record many API calls (dicts with ``record_api_call``'s arguments) in one write."""
    keys = [
        "provider", "model", "purpose", "session_id", "tenant_id", "input_tokens", "output_tokens",
        "cache_creation_input_tokens", "cache_read_input_tokens", "cost_usd", "price_version",
        "latency_ms", "status", "error_type", "properties", "ts", "call_id",
    ]
    defaults = {"tenant_id": "default", "status": "ok"}
    return spool.append_many(
        "api_calls",
        (_api_call_record(*[c.get(k, defaults.get(k)) for k in keys]) for c in calls),
    )
