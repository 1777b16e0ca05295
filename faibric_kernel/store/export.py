"""What ``faibric events export`` writes: the documented columns, and CSV cells a spreadsheet cannot run."""

from __future__ import annotations

__all__ = ["FORMULA_START", "export_columns_sql"]

# a cell starting with one of these runs as a formula in a spreadsheet (as dashboards.safety.csv_safe says)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_TEXT_COLUMNS = ("tenant_id", "session_id", "actor", "event_type", "properties")


def _formula_safe(expression: str, name: str) -> str:
    starts = ", ".join("'" + c.replace("'", "''") + "'" for c in FORMULA_START)
    return (f"CASE WHEN list_contains([{starts}], left({expression}, 1)) THEN '''' || {expression} "
            f"ELSE {expression} END AS {name}")


def export_columns_sql(fmt: str) -> str:
    """The SELECT list of an export; for CSV, text cells that start like a formula get a leading quote."""
    columns = {"event_id": "CAST(event_id AS VARCHAR)", "ts": "ts", "tenant_id": "tenant_id",
               "session_id": "session_id", "actor": "actor", "event_type": "event_type",
               "properties": "CAST(properties AS VARCHAR)"}
    parts = []
    for name, expression in columns.items():
        if fmt == "csv" and name in _TEXT_COLUMNS:
            parts.append(_formula_safe(expression, name))
        else:
            parts.append(f"{expression} AS {name}")
    return ", ".join(parts)
