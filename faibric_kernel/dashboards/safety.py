"""Escaping: customer text reaches a stakeholder's browser only as text.

Everything a customer typed (prompts, names, emails, comments, modification
requests) is untrusted. The dashboards put text into three places, each with
its own rule:

* HTML (ipywidgets ``HTML`` values, which the browser parses with
  ``innerHTML``): every value goes through :func:`esc` (``html.escape`` with
  quotes), and markup is only ever assembled by this package around escaped
  values, never taken from data.
* plotly figures: plotly.js reads a subset of HTML inside labels, hover text
  and titles (``<b>``, ``<a href>``...), so strings from data are escaped with
  :func:`plot_text` too; plotly shows the entities as the characters they stand
  for, so the viewer sees exactly what the customer typed.
* CSV downloads: a cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR is
  a formula to a spreadsheet; :func:`csv_safe` prefixes it with an apostrophe.
"""

from __future__ import annotations

import base64
import html
import math
from datetime import date, datetime

import pandas as pd

__all__ = [
    "csv_bytes",
    "csv_download_link",
    "csv_safe",
    "esc",
    "column_kind",
    "column_label",
    "format_as",
    "format_value",
    "html_table",
    "plot_text",
    "plot_texts",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def esc(value) -> str:
    """``value`` as text safe to put between HTML tags or inside a quoted attribute."""
    if value is None:
        return ""
    return html.escape(str(value), quote=True)


def plot_text(value) -> str:
    """A string from data made safe for plotly labels, hover text and titles."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def plot_texts(values) -> list[str]:
    """:func:`plot_text` over a sequence (a Series, a list...)."""
    return [plot_text(v) for v in values]


def format_value(value) -> str:  # noqa: C901 - one branch per kind of value shown
    """How one table cell reads: numbers with separators, times to the second, empty for missing."""
    if value is None or value is pd.NaT or value is pd.NA:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        # one rule for every plain number: at most 2 decimals (3 below 1), no trailing zeros
        text = f"{value:,.3f}" if abs(value) < 1 else f"{value:,.2f}"
        return text.rstrip("0").rstrip(".")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M:%S") if (value.hour or value.minute or value.second) else value.strftime(
            "%Y-%m-%d"
        )
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(v) for v in value)
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return format_value(value.tolist())
    return str(value)


# how a column's values read, from the end of its name (a table may say otherwise per column)
_KIND_SUFFIXES = (
    ("_usd", "money"),
    ("_rate", "percent"),
    ("_share", "percent"),
    ("_ms", "latency"),
    ("_minutes", "minutes"),
    ("_seconds", "seconds"),
    ("_p_value", "p"),
)
# column names that read better as other words; the CSV keeps the names as they are
_LABELS = {
    "tenant_id": "tenant",
    "session_id": "session",
    "call_id": "call",
    "avg_latency_ms": "average latency",
    "latency_ms": "latency",
    "cache_creation_input_tokens": "cache write tokens",
    "cache_read_input_tokens": "cache read tokens",
    "ts": "time",
    "health_score": "score",
    "health_band": "band",
}


def column_kind(name) -> str | None:
    """``money``, ``percent``, ``latency``, ``minutes``, ``seconds``, ``p`` or ``None`` (as it comes)."""
    text = str(name).lower()
    for suffix, kind in _KIND_SUFFIXES:
        if text.endswith(suffix):
            return kind
    return None


def column_label(name) -> str:
    """A column's header as words: ``avg_latency_ms`` reads "average latency", ``cost_usd`` "cost"."""
    text = str(name)
    if text in _LABELS:
        return _LABELS[text]
    for suffix, _kind in _KIND_SUFFIXES:
        if text.lower().endswith(suffix) and suffix in ("_usd", "_ms", "_minutes", "_seconds"):
            text = text[: -len(suffix)]
            break
    return text.replace("_", " ")


def format_as(value, kind: str | None) -> str:
    """One cell in the format of its column: $ with cents, %, latency in ms or s, durations, p-values."""
    if kind is None or isinstance(value, bool) or not isinstance(value, (int, float)) or (
            isinstance(value, float) and math.isnan(value)):
        return format_value(value)
    if kind == "money":
        return f"-${abs(value):,.2f}" if value < 0 else f"${value:,.2f}"
    if kind == "percent":
        return f"{value * 100:.1f}%"
    if kind == "latency":
        return f"{value:,.0f} ms" if abs(value) < 1000 else f"{value / 1000:,.1f} s"
    if kind in ("minutes", "seconds"):
        seconds = value * 60 if kind == "minutes" else value
        if abs(seconds) < 120:
            return f"{seconds:.0f} s"
        if abs(seconds) < 7200:
            return f"{seconds / 60:.1f} min"
        if abs(seconds) < 172_800:
            return f"{seconds / 3600:.1f} h"
        return f"{seconds / 86_400:.1f} days"
    if kind == "p":
        return f"{value:.3g}"
    return format_value(value)


def html_table(df: pd.DataFrame, *, max_rows: int = 200, css_class: str = "faibric-table", offset: int = 0,
               formats: dict | None = None, note_more: bool = True) -> str:
    """An HTML table of rows ``offset`` to ``offset + max_rows`` of ``df``, every header and cell escaped.

    Headers read as words (:func:`column_label`) and cells in their column's
    format (:func:`column_kind`, or ``formats``: column -> kind).
    """
    shown = df.iloc[offset:offset + max_rows]
    kinds = [(formats or {}).get(col, column_kind(col)) for col in shown.columns]
    head = "".join(f"<th>{esc(column_label(col))}</th>" for col in shown.columns)
    rows = []
    for record in shown.itertuples(index=False, name=None):
        cells = "".join(
            f'<td class="num">{esc(format_as(v, kind))}</td>'
            if isinstance(v, (int, float)) and not isinstance(v, bool)
            else f'<td class="time">{esc(format_as(v, kind))}</td>' if isinstance(v, (datetime, date))
            else f"<td>{esc(format_as(v, kind))}</td>"
            for v, kind in zip(record, kinds, strict=True)
        )
        rows.append(f"<tr>{cells}</tr>")
    more = ""
    if note_more and offset == 0 and len(df) > max_rows:
        more = f'<p class="faibric-more">showing {max_rows:,} of {len(df):,} rows; the CSV has them all</p>'
    return (f'<div class="faibric-scroll"><table class="{esc(css_class)}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>{more}')


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` where text cells that a spreadsheet would run as formulas are quoted."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v
            )
    return out


def csv_bytes(df: pd.DataFrame) -> bytes:
    """``df`` as UTF-8 CSV (formula-safe), the bytes a download carries."""
    return csv_safe(df).to_csv(index=False).encode("utf-8")


def csv_download_link(df: pd.DataFrame, filename: str, label: str | None = None) -> str:
    """An ``<a download>`` link whose ``data:`` URI holds ``df`` as CSV."""
    payload = base64.b64encode(csv_bytes(df)).decode("ascii")
    text = label or f"Download CSV ({len(df):,} rows)"
    return (
        f'<a class="faibric-download" download="{esc(filename)}" '
        f'href="data:text/csv;charset=utf-8;base64,{payload}">{esc(text)}</a>'
    )
