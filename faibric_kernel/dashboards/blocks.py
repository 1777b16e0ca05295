"""The pieces a dashboard is made of, as plain data.

A dashboard view (:mod:`.views`) returns a list of blocks; the widget layer
(:mod:`faibric_kernel.ui.dashboards`) turns each into ipywidgets. Keeping the
blocks free of widgets lets plain pytest check what a viewer would see
(numbers, escaping, what a role hides) without a kernel or a browser.

Text in blocks is plain text; :meth:`Block.html` is the only place it becomes
markup, and it escapes every value (see :mod:`.safety`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .safety import csv_download_link, esc, format_value, html_table

__all__ = ["Block", "Chart", "Heading", "Kpi", "Kpis", "Notice", "Table"]

# CSVs up to this size are embedded in the page as a data: link right away;
# bigger ones are built when the viewer asks, so a page never carries megabytes it may not need
EMBED_CSV_LIMIT = 256_000


class Block:
    """One piece of a dashboard."""

    def html(self) -> str:  # pragma: no cover - each block says how it reads
        raise NotImplementedError


@dataclass
class Heading(Block):
    text: str
    level: int = 3

    def html(self) -> str:
        level = min(max(self.level, 2), 4)
        return f"<h{level}>{esc(self.text)}</h{level}>"


@dataclass
class Notice(Block):
    """A plain message: no data yet, access needs another token, a part that could not load."""

    text: str
    kind: str = "info"  # info | empty | denied | error

    def html(self) -> str:
        return f'<div class="faibric-notice faibric-{esc(self.kind)}">{esc(self.text)}</div>'


@dataclass
class Kpi:
    label: str
    value: float | int | None
    previous: float | int | None = None
    unit: str = ""  # "", "$", "%"
    # whether a rise is good news: False for spend and error rates (a rise is drawn red), None for neither
    higher_is_better: bool | None = True

    @property
    def change(self) -> float | None:
        """Relative change against the previous period, ``None`` when there is nothing to compare with."""
        if self.value is None or self.previous in (None, 0):
            return None
        return (self.value - self.previous) / abs(self.previous)

    def mood(self, change: float) -> str:
        """``good``, ``bad`` or ``neutral``: how a change reads, given which way is better for this figure."""
        if not change or self.higher_is_better is None:
            return "neutral"
        return "good" if (change > 0) == self.higher_is_better else "bad"

    def formatted(self) -> str:
        if self.value is None:
            return "-"
        if self.unit == "$":
            return f"${self.value:,.2f}"
        if self.unit == "%":
            return f"{self.value * 100:.1f}%"
        return format_value(self.value)


@dataclass
class Kpis(Block):
    """A row of key figures for one window (today, 7 days, 30 days), each with its change."""

    title: str
    items: list[Kpi]
    compare: bool = True

    def html(self) -> str:
        cards = []
        for kpi in self.items:
            change = kpi.change
            if not self.compare:
                delta = ""
            elif change is None:
                delta = '<span class="faibric-delta">no earlier data</span>'
            else:
                arrow = "up" if change > 0 else ("down" if change < 0 else "flat")
                delta = (f'<span class="faibric-delta faibric-{arrow} faibric-{kpi.mood(change)}">'
                         f'{change * 100:+.1f}% vs previous</span>')
            cards.append(
                f'<div class="faibric-kpi"><div class="faibric-kpi-label">{esc(kpi.label)}</div>'
                f'<div class="faibric-kpi-value">{esc(kpi.formatted())}</div>{delta}</div>'
            )
        return f'<div class="faibric-kpis"><h4>{esc(self.title)}</h4><div class="faibric-kpi-row">{"".join(cards)}</div></div>'


@dataclass
class Chart(Block):
    """A plotly figure; every string from data in it was escaped by the figure builder."""

    title: str
    figure: object  # plotly.graph_objects.Figure

    def html(self) -> str:
        return f"<h4>{esc(self.title)}</h4>"


PAGE_ROWS = 25  # rows per page of a table: a page stays well under 2,500 px tall


@dataclass
class Table(Block):
    """A table shown a page at a time and downloadable as CSV (all rows).

    ``max_rows`` caps the rows a viewer can page through (the CSV has them
    all); ``formats`` names how a column's cells read (see
    :func:`.safety.format_as`) where its name does not say.
    """

    title: str
    frame: pd.DataFrame
    filename: str
    max_rows: int = 10_000
    empty_text: str = "nothing to show for these filters"
    extra: dict = field(default_factory=dict)
    formats: dict = field(default_factory=dict)
    page_rows: int = PAGE_ROWS

    @property
    def pages(self) -> int:
        """How many pages the viewer can page through."""
        shown = min(len(self.frame), self.max_rows)
        return max(1, -(-shown // self.page_rows))

    def page_html(self, page: int) -> str:
        """Page ``page`` (0-based, clamped) of the table."""
        page = min(max(page, 0), self.pages - 1)
        rows = min(self.page_rows, self.max_rows - page * self.page_rows)
        return html_table(self.frame, max_rows=rows, offset=page * self.page_rows, formats=self.formats,
                          note_more=False)

    def page_label(self, page: int) -> str:
        shown = min(len(self.frame), self.max_rows)
        first = page * self.page_rows + 1
        last = min(shown, first + self.page_rows - 1)
        capped = f" (the first {shown:,} of {len(self.frame):,}; the CSV has them all)" if shown < len(self.frame) \
            else ""
        return f"rows {first:,}-{last:,} of {shown:,}{capped}"

    def csv_link(self) -> str:
        return csv_download_link(self.frame, self.filename)

    def embeds_csv(self) -> bool:
        # a cheap estimate: text width of the shown part scaled to all rows
        if self.frame.empty:
            return True
        sample = self.frame.head(50)
        per_row = max(1, len(sample.to_csv(index=False)) / max(1, len(sample)))
        return per_row * len(self.frame) * 4 / 3 <= EMBED_CSV_LIMIT

    def table_html(self) -> str:
        if self.frame.empty:
            return f'<div class="faibric-notice faibric-empty">{esc(self.empty_text)}</div>'
        if self.pages > 1:
            return self.page_html(0) + f'<p class="faibric-more">{esc(self.page_label(0))}</p>'
        return html_table(self.frame, max_rows=self.max_rows, formats=self.formats)

    def html(self) -> str:
        link = self.csv_link() if self.embeds_csv() and not self.frame.empty else ""
        return f"<h4>{esc(self.title)}</h4>{self.table_html()}{link}"
