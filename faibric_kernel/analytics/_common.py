"""Shared pieces of the analytics queries: time arguments, filters, periods, customers."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pandas as pd

from ..errors import InvalidInputError

PERIODS = ("day", "week", "month")

# DuckDB's week truncation starts weeks on Monday; 1970-01-05 was a Monday.
_EPOCH_MONDAY = "DATE '1970-01-05'"


def utc_naive(value: datetime | date | str | None, name: str = "time") -> datetime | None:
    """A naive UTC datetime from a datetime (aware ones are converted), a date or an ISO text."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInputError(
                f"{name} must be a date or time like 2026-11-01 or 2026-11-01T12:00, not {text!r}"
            ) from None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, pd.Timestamp):
        return utc_naive(value.to_pydatetime(), name)
    raise InvalidInputError(f"{name} must be a date or datetime, not {type(value).__name__}")


def has_table(con, name: str) -> bool:
    """Whether the connection's database has the (non-temporary) table ``name``; some are created on first use."""
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary",
                            [name]).fetchall()[0][0])


def resolve_now(now) -> datetime:
    """``now`` as naive UTC; the current time when not given."""
    return utc_naive(now, "now") if now is not None else datetime.now(UTC).replace(tzinfo=None)


def check_period(period: str) -> str:
    if period not in PERIODS:
        raise InvalidInputError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    return period


def period_index_sql(period: str, expr: str) -> str:
    """SQL for the integer index of the period containing timestamp/date ``expr``."""
    if period == "day":
        return f"datediff('day', DATE '1970-01-01', CAST({expr} AS DATE))"
    if period == "week":
        return f"floor(datediff('day', {_EPOCH_MONDAY}, CAST({expr} AS DATE)) / 7)::BIGINT"
    return f"(year({expr}) * 12 + month({expr}) - 1)::BIGINT"


def period_start(period: str, index: int) -> datetime:
    """The UTC start of period number ``index`` (the inverse of :func:`period_index_sql`)."""
    if period == "day":
        return datetime(1970, 1, 1) + timedelta(days=int(index))
    if period == "week":
        return datetime(1970, 1, 5) + timedelta(days=7 * int(index))
    year, month0 = divmod(int(index), 12)
    return datetime(year, month0 + 1, 1)


def period_index(period: str, ts: datetime) -> int:
    """The index of the period containing ``ts``."""
    if period == "day":
        return (ts.date() - date(1970, 1, 1)).days
    if period == "week":
        return math.floor((ts.date() - date(1970, 1, 5)).days / 7)
    return ts.year * 12 + ts.month - 1


def filters(
    *,
    now: datetime | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    tenant: str | None = None,
    ts: str = "ts",
    tenant_col: str = "tenant_id",
) -> tuple[str, dict]:
    """A ``WHERE``-ready conjunction (``TRUE`` when empty) and its named parameters."""
    parts, params = [], {}
    if now is not None:
        parts.append(f"{ts} <= $now")
        params["now"] = now
    if since is not None:
        parts.append(f"{ts} >= $since")
        params["since"] = since
    if until is not None:
        parts.append(f"{ts} < $until")
        params["until"] = until
    if tenant is not None:
        parts.append(f"{tenant_col} = $tenant")
        params["tenant"] = tenant
    return (" AND ".join(parts) or "TRUE"), params


def keyed_events_sql(columns: str, where: str, extra: str = "TRUE", source: str = "events") -> str:
    """SQL of ``(skey, <columns>)`` for events matching ``where`` and ``extra`` that belong to a customer.

    ``skey`` is the 64-bit hash of the session id; events without a session
    count for their actor's email (``hash('actor:' || email)``) and are left
    out when the actor is not an email. Keys are hashes because joins and
    distinct counts on integers are several times faster than on text ids (a
    collision among a few million keys is vanishingly rare). The two cases
    are separate scans: a per-row ``CASE`` on the key costs twice as much.
    """
    return f"""
        SELECT hash(session_id) AS skey, {columns} FROM {source}
        WHERE session_id IS NOT NULL AND {where} AND {extra}
        UNION ALL
        SELECT hash('actor:' || lower(trim(actor))) AS skey, {columns} FROM {source}
        WHERE session_id IS NULL AND contains(actor, '@') AND {where} AND {extra}
    """


def email_candidates_sql(where: str) -> str:
    """SQL of ``(skey, ts, em)``: every event matching ``where`` that carries an email, with that email.

    The actor when it is an email, else an ``email_provided`` event's
    ``email`` property (which may still not be an email: filter on ``@``).
    """
    with_actor = keyed_events_sql("ts, actor AS em", where, "contains(actor, '@')")
    from_property = keyed_events_sql(
        "ts, json_extract_string(properties, '$.email') AS em",
        where,
        "event_type = 'email_provided' AND NOT coalesce(contains(actor, '@'), false)",
    )
    return f"{with_actor} UNION ALL {from_property}"


def session_emails_sql(where: str) -> str:
    """SQL of ``(skey, email)``: the email each session belongs to, for sessions with events matching ``where``.

    A session belongs to the first email it received (the earliest event whose
    actor is an email, or an ``email_provided`` event's ``email`` property),
    stitched back to its start; a session that never got one is a customer of
    its own (no row here). Events without a session count for their actor's
    email. See :func:`keyed_events_sql` for the keys.
    """
    return f"""
        SELECT skey, lower(trim(arg_min(em, ts))) AS email
        FROM ({email_candidates_sql(where)})
        WHERE contains(em, '@')
        GROUP BY skey
    """


def customer_key_sql(email: str = "i.email", skey: str = "a.skey") -> str:
    """SQL of a customer's 64-bit key: the hash of their email, or their session's key."""
    return f"CASE WHEN {email} IS NOT NULL THEN hash({email}) ELSE {skey} END"


def none_if_nan(value):
    """``None`` for NaN/NA/NaT (JSON null), the plain Python value otherwise."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return value
    if hasattr(value, "item"):
        return value.item()
    return value


def records(df: pd.DataFrame) -> list[dict]:
    """DataFrame rows as JSON-ready dicts (NaN as None, timestamps as ISO text)."""
    out = []
    for row in df.to_dict(orient="records"):
        clean = {}
        for key, value in row.items():
            if isinstance(value, (pd.Timestamp, datetime)):
                clean[key] = None if pd.isna(value) else value.isoformat()
            elif isinstance(value, date):
                clean[key] = value.isoformat()
            elif isinstance(value, (list, tuple)):
                clean[key] = [none_if_nan(v) for v in value]
            elif isinstance(value, dict):
                clean[key] = value
            else:
                clean[key] = none_if_nan(value)
        out.append(clean)
    return out
