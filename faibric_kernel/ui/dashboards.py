"""The dashboards' widgets: filters, charts, tables and CSV downloads around :mod:`faibric_kernel.dashboards.views`.

A dashboard notebook is one call, ``show("overview")``. It waits for the
viewer's request when Voila runs it in a pre-heated kernel, reads the role the
server decided (never the URL) and the query string (``?tenant=``,
``?since=``, ``?until=``, ``?customer=``...), draws the filter bar and renders
the view's blocks:

* text, key figures and notices become ``HTML`` widgets (their markup was
  escaped when the blocks were made);
* charts become ``Output`` widgets holding the figure as plotly's own MIME
  type, which Voila's plotly renderer draws (plotly.js is loaded once per
  page, not once per chart);
* tables show their first rows and offer the whole table as CSV: a ``data:``
  link when small, or a button that prepares the link when large.

Changing a filter re-reads the store through a new short-lived connection.
:class:`DashboardApp` is testable without a browser: ``app.refresh()`` and
``Button.click()`` work headless.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from datetime import date

import ipywidgets as widgets
import plotly.io as pio

from ..dashboards import blocks as b
from ..dashboards import data
from ..dashboards.catalog import VIEWS, build
from ..dashboards.notebooks import TITLES
from ..dashboards.pool import requested_dashboard
from ..dashboards.roles import ANALYST, current_role, running_under_voila
from ..dashboards.safety import csv_download_link, esc
from ..dashboards.views import Control, ViewContext, context_from_query

__all__ = ["DashboardApp", "block_widget", "figure_bundle", "show"]

PLOTLY_MIME = "application/vnd.plotly.v1+json"
LIVE_FOR_S = 30 * 60  # how long a live dashboard keeps refreshing itself after it was opened

STYLE = """
<style>
.faibric-dash { font-family: system-ui, -apple-system, Segoe UI, Roboto, sans-serif; max-width: 100%; }
.faibric-dash h2 { margin: 10px 0 2px 0; }
.faibric-role { display: inline-block; padding: 2px 8px; border-radius: 10px; background: #eef; font-size: 12px; }
.faibric-nav { display: flex; flex-wrap: wrap; gap: 6px; padding: 6px 0 10px 0; border-bottom: 1px solid #e3e6ec; }
.faibric-nav a, .faibric-nav span { padding: 5px 12px; border-radius: 6px; text-decoration: none; color: #1f4e8c;
  font-size: 14px; white-space: nowrap; }
.faibric-nav a:hover { background: #eef2f8; }
.faibric-nav .faibric-active { background: #1f4e8c; color: #fff; font-weight: 600; }
.faibric-kpis h4 { margin: 12px 0 6px 0; color: #555; font-weight: 600; }
.faibric-kpi-row { display: flex; flex-wrap: wrap; gap: 10px; }
.faibric-kpi { border: 1px solid #ddd; border-radius: 8px; padding: 8px 12px; min-width: 140px; }
.faibric-kpi-label { font-size: 12px; color: #666; }
.faibric-kpi-value { font-size: 22px; font-weight: 600; }
.faibric-delta { font-size: 11px; color: #666; }
.faibric-good { color: #2a7d2a; } .faibric-bad { color: #b22; } .faibric-neutral { color: #666; }
.faibric-scroll { max-width: 100%; overflow-x: auto; }
.faibric-table { border-collapse: collapse; font-size: 12px; margin: 4px 0; }
.faibric-table th { white-space: nowrap; word-break: keep-all; }
.faibric-table th, .faibric-table td { border-bottom: 1px solid #eee; padding: 3px 8px; text-align: left;
  max-width: 420px; overflow-wrap: break-word; word-break: normal; hyphens: none; vertical-align: top;
  line-height: 1.35; }
.faibric-table td.time { white-space: nowrap; }
.faibric-table td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.faibric-notice { padding: 10px 14px; border-radius: 6px; background: #f4f6fa; margin: 8px 0; }
.faibric-empty { background: #f7f7f7; } .faibric-denied { background: #fff4e5; } .faibric-error { background: #fdecea; }
.faibric-more { font-size: 11px; color: #777; }
.faibric-status { font-size: 11px; color: #888; }
</style>
"""


def figure_bundle(figure) -> dict:
    """A plotly figure as the MIME bundle Voila's plotly renderer draws (plain JSON, no numpy)."""
    return {PLOTLY_MIME: json.loads(pio.to_json(figure, validate=False)), "text/plain": "<plotly figure>"}


def _download_widget(block: b.Table) -> widgets.Widget:
    if block.frame.empty:
        return widgets.HTML("")
    if block.embeds_csv():
        return widgets.HTML(block.csv_link())
    link = widgets.HTML("")
    button = widgets.Button(description=f"Prepare CSV ({len(block.frame):,} rows)", icon="download",
                            layout=widgets.Layout(width="auto"))

    def prepare(_button):
        link.value = csv_download_link(block.frame, block.filename, label=f"Download {block.filename}")
        button.layout.display = "none"

    button.on_click(prepare)
    return widgets.HBox([button, link])


def paged_table_widget(block: b.Table) -> widgets.Widget:
    """A table a page at a time, with previous/next buttons (the page is re-drawn from the kept frame)."""
    page = {"n": 0}
    table = widgets.HTML(f'<div class="faibric-table-block"><h4>{esc(block.title)}</h4>{block.page_html(0)}</div>',
                         layout=widgets.Layout(width="100%"))
    label = widgets.HTML(f'<span class="faibric-more">{esc(block.page_label(0))}</span>')
    previous = widgets.Button(description="Previous", icon="chevron-left", disabled=True,
                              layout=widgets.Layout(width="auto"))
    following = widgets.Button(description="Next", icon="chevron-right", layout=widgets.Layout(width="auto"))

    def show(n: int) -> None:
        page["n"] = min(max(n, 0), block.pages - 1)
        table.value = (f'<div class="faibric-table-block"><h4>{esc(block.title)}</h4>'
                       f"{block.page_html(page['n'])}</div>")
        label.value = f'<span class="faibric-more">{esc(block.page_label(page["n"]))}</span>'
        previous.disabled = page["n"] == 0
        following.disabled = page["n"] >= block.pages - 1

    previous.on_click(lambda _b: show(page["n"] - 1))
    following.on_click(lambda _b: show(page["n"] + 1))
    pager = widgets.HBox([previous, label, following], layout=widgets.Layout(align_items="center"))
    box = widgets.VBox([table, pager, _download_widget(block)], layout=widgets.Layout(width="100%"))
    box.add_class("faibric-paged")
    return box


def _chart_output(figure) -> widgets.Output:
    output = widgets.Output(layout=widgets.Layout(width="100%"))
    output.outputs = ({"output_type": "display_data", "data": figure_bundle(figure), "metadata": {}},)
    output.add_class("faibric-chart")
    return output


def block_widget(block: b.Block) -> widgets.Widget:
    """The widget that shows one block on its own."""
    return widgets.VBox(body_widgets([block]))


def _block_markup(block: b.Block) -> str:
    if isinstance(block, b.Table):
        link = block.csv_link() if block.embeds_csv() and not block.frame.empty else ""
        return f'<div class="faibric-table-block"><h4>{esc(block.title)}</h4>{block.table_html()}{link}</div>'
    return block.html()


def body_widgets(blocks: list[b.Block]) -> list[widgets.Widget]:
    """As few widgets as possible for ``blocks``: runs of text, key figures and tables share one ``HTML``.

    Every widget is several models the browser fetches from the kernel before
    it can draw anything, so fewer widgets mean a faster first chart. Charts
    get an ``Output`` each; a table too big to embed its CSV gets a button.
    """
    out: list[widgets.Widget] = []
    pending: list[str] = []

    def flush():
        if pending:
            out.append(widgets.HTML("".join(pending), layout=widgets.Layout(width="100%")))
            pending.clear()

    for block in blocks:
        try:
            if isinstance(block, b.Chart):
                pending.append(block.html())
                output = _chart_output(block.figure)
                flush()
                out.append(output)
            elif isinstance(block, b.Table) and not block.frame.empty and block.pages > 1:
                flush()
                out.append(paged_table_widget(block))
            elif isinstance(block, b.Table) and not block.frame.empty and not block.embeds_csv():
                pending.append(f'<div class="faibric-table-block"><h4>{esc(block.title)}</h4>{block.table_html()}</div>')
                flush()
                out.append(_download_widget(block))
            else:
                pending.append(_block_markup(block))
        except Exception as exc:  # noqa: BLE001 - one bad block must not blank the dashboard
            print(f"faibric dashboards: cannot draw {type(block).__name__}: {exc!r}", file=sys.__stderr__)
            pending.append(b.Notice(
                f"{getattr(block, 'title', 'a part')} could not be drawn ({type(exc).__name__})", kind="error"
            ).html())
    flush()
    return out


def _close_tree(widget: widgets.Widget) -> None:
    """Close a widget, its children and their layout and style models (a refresh must not leak models)."""
    for child in getattr(widget, "children", ()):
        _close_tree(child)
    for part in ("layout", "style"):
        model = getattr(widget, part, None)
        if isinstance(model, widgets.Widget):
            model.close()
    widget.close()


def warm_up(name: str) -> float:
    """Build dashboard ``name`` once and throw it away; returns the seconds it took.

    The first build in a process pays for plotly's lazily loaded validators,
    DuckDB's first query and the store's migration check (seconds); a
    pre-heated kernel does it before its viewer arrives. Nothing is displayed
    and no widget is created.
    """
    started = time.perf_counter()
    view = VIEWS.get(name)
    if view is None:
        return 0.0
    try:
        for block in build(name, context_from_query("", role=ANALYST, default_days=view.default_days)):
            if isinstance(block, b.Chart):
                figure_bundle(block.figure)
            elif isinstance(block, b.Table):
                block.table_html()
    except Exception as exc:  # noqa: BLE001 - warming up must never stop the dashboard from showing
        print(f"faibric dashboards: warm-up of {name} failed: {exc!r}", file=sys.__stderr__, flush=True)
    return time.perf_counter() - started


def _wait_for_voila_request(name: str, wait_for_request=None) -> None:
    """In a Voila pre-heated kernel, block until a viewer's request arrives (it carries the role and query)."""
    if os.environ.get("VOILA_PREHEAT") == "True":
        if wait_for_request is None:
            from voila.utils import wait_for_request

        warm_up(name)

        # to the server's log (the process's real stderr), which is how the server knows the pool is warm
        print(f"faibric dashboards: {name} kernel ready, waiting for a viewer", file=sys.__stderr__, flush=True)
        delay = 0.5
        while True:
            wait_for_request()
            # Voila sets SERVER_SOFTWARE with the rest of the request; without it the wait broke (a dropped
            # connection to the server), and rendering now would show a viewer-less page: wait again
            if os.environ.get("SERVER_SOFTWARE", "").startswith("voila"):
                return
            print(f"faibric dashboards: {name} kernel lost its link to the server; waiting again",
                  file=sys.__stderr__, flush=True)
            time.sleep(delay)
            delay = min(delay * 2, 30.0)


def _control_widget(control: Control, value, choices: list | None) -> widgets.Widget:
    style = {"description_width": "initial"}
    if control.kind == "choice":
        options = list(choices or [])
        if control.name == "customer" and value and value not in options:
            options.insert(0, value)  # asked for by URL: keep it, the view says if it has no sessions
        if value not in options:
            value = options[0] if options else None
        if control.name == "customer":
            return widgets.Combobox(value=value or "", options=options, description=control.label,
                                    ensure_option=True, placeholder="type an email", style=style,
                                    layout=widgets.Layout(width="360px"))
        return widgets.Dropdown(options=options, value=value, description=control.label, style=style,
                                layout=widgets.Layout(width="auto"))
    if control.kind == "number" and control.default is None:
        # optional (a budget): an empty box, saying what applies when it stays empty, never a misleading 0
        placeholder = control.placeholder() if callable(control.placeholder) else control.placeholder
        return widgets.Text(value="" if value is None else str(value), description=control.label,
                            placeholder=placeholder or "not set", continuous_update=False, style=style,
                            layout=widgets.Layout(width="360px"))
    if control.kind == "number":
        number = float(value if value is not None else control.default or 0)
        return widgets.BoundedFloatText(value=number, min=control.minimum or 0, max=control.maximum or 1e9,
                                        description=control.label, style=style,
                                        layout=widgets.Layout(width="260px"))
    if control.kind == "toggle":
        flag = str(value).lower() in {"1", "true", "yes", "on"} if isinstance(value, str) else bool(value)
        return widgets.Checkbox(value=flag, description=control.label, indent=False,
                                layout=widgets.Layout(width="auto"))
    return widgets.Text(value=str(value or ""), description=control.label, continuous_update=False, style=style,
                        placeholder="search", layout=widgets.Layout(width="260px"))


class DashboardApp:
    """One dashboard on screen: header, filter bar, body, status line."""

    def __init__(self, name: str, ctx: ViewContext):
        if name not in VIEWS:
            raise KeyError(f"no dashboard named {name!r}")
        self.view = VIEWS[name]
        self.ctx = ctx
        self.body = widgets.VBox(layout=widgets.Layout(width="100%"))
        self.status = widgets.HTML("")
        self.controls: dict[str, widgets.Widget] = {}
        self.refresh_count = 0
        self.first_build: threading.Thread | None = None
        self._refresh_lock = threading.Lock()  # the live loop and the viewer's clicks may refresh at once
        parts: list[widgets.Widget] = [widgets.HTML(STYLE + self._header_html())]
        self.denied = self.view.analyst_only and ctx.role != ANALYST
        if not self.denied:
            parts.append(self._filter_bar())
        parts += [self.body, self.status]
        self.widget = widgets.VBox(parts, layout=widgets.Layout(width="100%"))
        self.widget.add_class("faibric-dash")

    # --- construction

    def _header_html(self) -> str:
        nav = '<a href="../../">All dashboards</a>' + "".join(
            f'<a href="{esc(v.name)}.ipynb">{esc(v.title)}</a>' if v.name != self.view.name
            else f'<span class="faibric-active" aria-current="page">{esc(v.title)}</span>'
            for v in VIEWS.values()
        )
        who = ("analyst: individual customers visible" if self.ctx.role == ANALYST
               else "stakeholder: aggregates only, customers appear as pseudonyms")
        return (
            f'<div class="faibric-nav">{nav}</div>'
            f"<h2>{esc(self.view.title)}</h2><div>{esc(self.view.description)} "
            f'<span class="faibric-role">{esc(who)}</span></div>'
        )

    def _lookups(self) -> dict:
        """Tenants and any control options that come from the store, in one short read."""
        out: dict = {"tenants": []}
        try:
            with data.dashboard_connection() as con:
                out["tenants"] = data.tenants(con)
                for control in self.view.controls:
                    if callable(control.options):
                        out[control.name] = control.options(con, self.ctx)
        except Exception as exc:  # noqa: BLE001 - the body will show the real problem; filters stay usable
            print(f"faibric dashboards: could not load filter options: {exc}", file=sys.__stderr__)
        return out

    def _filter_bar(self) -> widgets.Widget:
        lookups = self._lookups()
        f = self.ctx.filters
        tenants = lookups["tenants"]
        tenant_value = f.tenant if f.tenant in tenants else ""
        if f.tenant and f.tenant not in tenants:
            self.ctx.filters = data.Filters(since=f.since, until=f.until, tenant=None)
        self.since = widgets.DatePicker(value=f.since, description="from", layout=widgets.Layout(width="240px"))
        self.until = widgets.DatePicker(value=f.until, description="to", layout=widgets.Layout(width="240px"))
        self.tenant = widgets.Dropdown(options=[("all tenants", "")] + [(t, t) for t in tenants], value=tenant_value,
                                       description="tenant", layout=widgets.Layout(width="220px"))
        self.refresh_button = widgets.Button(description="Refresh", icon="refresh",
                                             layout=widgets.Layout(width="auto"))
        row1 = [self.since, self.until, self.tenant, self.refresh_button]
        if not self.view.uses_dates:
            row1 = [self.tenant, self.refresh_button]
        row2 = []
        for control in self.view.controls:
            if callable(control.options):
                choices = lookups.get(control.name, [])
            else:
                choices = control.options
            value = self.ctx.options.get(control.name, control.default)
            widget = _control_widget(control, value, choices)
            self.controls[control.name] = widget
            if widget.value != value:
                self.ctx.options[control.name] = widget.value
            row2.append(widget)
        for widget in (self.since, self.until, self.tenant, *self.controls.values()):
            widget.observe(self._on_change, names="value")
        self.refresh_button.on_click(lambda _b: self.refresh())
        rows = [widgets.HBox(row1, layout=widgets.Layout(flex_flow="row wrap"))]
        if row2:
            rows.append(widgets.HBox(row2, layout=widgets.Layout(flex_flow="row wrap")))
        return widgets.VBox(rows)

    # --- behaviour

    def _read_filters(self) -> None:
        since: date | None = self.since.value
        until: date | None = self.until.value
        if since and until and since > until:
            since, until = until, since
        self.ctx.filters = data.Filters(since=since, until=until, tenant=self.tenant.value or None)
        for name, widget in self.controls.items():
            self.ctx.options[name] = widget.value

    def _on_change(self, _change) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Read the store again and redraw the body."""
        with self._refresh_lock:
            self._refresh()

    def _refresh(self) -> None:
        started = time.perf_counter()
        if not self.denied:
            self._read_filters()
        blocks = build(self.view.name, self.ctx)
        children = body_widgets(blocks)
        previous = self.body.children
        self.body.children = children
        for widget in previous:
            _close_tree(widget)
        self.refresh_count += 1
        self.status.value = (
            f'<div class="faibric-status">read {esc(data.utc_now().strftime("%Y-%m-%d %H:%M:%S"))} UTC '
            f"in {time.perf_counter() - started:.2f} s</div>"
        )

    def start_auto_refresh(self, every_s: float, for_s: float) -> threading.Thread:
        """Refresh every ``every_s`` seconds for ``for_s`` seconds, then stop and say so.

        Bounded on purpose: a kernel that keeps sending updates never looks
        idle, so the kernel of a tab closed long ago would never be culled.
        """
        self._stop_auto = threading.Event()

        def loop():
            deadline = time.monotonic() + for_s
            while time.monotonic() < deadline and not self._stop_auto.wait(every_s):
                try:
                    self.refresh()
                except Exception as exc:  # noqa: BLE001 - a failed refresh must not kill the loop silently
                    print(f"faibric dashboards: auto-refresh failed: {exc!r}", file=sys.__stderr__, flush=True)
            if not self._stop_auto.is_set():
                self.status.value += ('<div class="faibric-status">live updates paused after '
                                      f"{for_s / 60:.0f} minutes; press Refresh for the latest</div>")

        thread = threading.Thread(target=loop, name=f"faibric-{self.view.name}-live", daemon=True)
        thread.start()
        return thread

    def stop_auto_refresh(self) -> None:
        stop = getattr(self, "_stop_auto", None)
        if stop is not None:
            stop.set()

    def blocks_text(self) -> str:
        """Everything the body shows as HTML text (for tests and logs)."""
        parts = []
        for child in self.body.children:
            stack = [child]
            while stack:
                w = stack.pop(0)
                if isinstance(w, widgets.HTML):
                    parts.append(w.value)
                stack.extend(getattr(w, "children", ()))
        return "\n".join(parts)


def show(name: str, *, query: str | None = None, role: str | None = None,
         background: bool | None = None) -> DashboardApp:
    """Display dashboard ``name`` (overview, users, user_detail, funnel, cohorts, health, costs).

    Under Voila (``background`` None means "when under Voila") the body is
    read and drawn in a thread after the cell has returned: Voila sends the
    page as soon as the cell ends, so the browser loads its scripts while the
    kernel reads the store, instead of one after the other.
    """
    from IPython.display import Javascript, display

    _wait_for_voila_request(name)
    started = time.perf_counter()
    role = role or current_role()
    under_voila = running_under_voila()
    if query is None:
        query = os.environ.get("QUERY_STRING", "") if under_voila else ""
    if under_voila:
        # a pre-heated kernel comes from the pool all dashboards share (dashboards.pool): the page asked for
        # decides what it shows, not the notebook it was warmed on
        name = requested_dashboard(os.environ.get("SCRIPT_NAME", ""), name)
    view = VIEWS.get(name)
    default_days = view.default_days if view is not None else 30
    app = DashboardApp(name, context_from_query(query, role=role, default_days=default_days))

    def first_build():
        app.refresh()
        if view is not None and view.live_every_s and not app.denied:
            app.start_auto_refresh(view.live_every_s, LIVE_FOR_S)
        if under_voila:
            print(f"faibric dashboards: {name} shown to a {role} in {time.perf_counter() - started:.2f} s",
                  file=sys.__stderr__, flush=True)

    if under_voila and name in TITLES:
        # the page's <title> is the pooled notebook's (the entry dashboard's), whichever dashboard is shown
        display(Javascript(f"document.title = {json.dumps('Faibric - ' + TITLES[name])};"))
    if background is None:
        background = under_voila
    if background:
        app.status.value = '<div class="faibric-status">reading the store...</div>'
        display(app.widget)
        app.first_build = threading.Thread(target=first_build, name=f"faibric-{name}-first", daemon=True)
        app.first_build.start()
    else:
        display(app.widget)
        first_build()
    return app
