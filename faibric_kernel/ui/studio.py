"""The builder studio: one split-screen widget where an operator builds, watches, changes and deploys sites.

Left, the chat: the prompt, an optional customer email, the provider, the
model and the deploy target, the Build/Send and Stop buttons, a progress bar
with the stage names, and the message history with the model's text
streaming in. Right, the site: the live preview (an iframe whose ``srcdoc``
holds a self-contained document), the files with a code view, and the
versions with their diffs and a Restore button each; above them the session's
status, the deploy controls and the live URL. At the top, a list of recent
sessions to resume and the cost meter (this session and today).

Work (build, change, deploy, restore, resume) runs in one background thread at
a time, so the kernel stays responsive; widgets accept updates from that
thread. :meth:`Studio.wait` joins it, which is how tests drive the studio
headless with ``Button.click()``. Everything the studio does goes through a
:class:`~faibric_kernel.ui.backend.StudioBackend`.
"""

from __future__ import annotations

import html
import logging
import threading
import time
from collections.abc import Callable

import ipywidgets as W

from ..errors import BuildStoppedError, FaibricError, InvalidInputError
from .backend import DEPLOY_TARGET_LABELS, ChatMessage, CostSummary, ProjectView, StudioBackend, check_email
from .progressive import placeholder_html, sketch_prompt

__all__ = ["Studio", "iframe_html"]

log = logging.getLogger("faibric.studio")

PREVIEW_HEIGHT = 620
STREAM_TAIL_CHARS = 6000
STREAM_FLUSH_SECONDS = 0.08
EMAIL_HELP = ("Optional. The customer this site is for: the build is recorded under their email (they get the "
              "verification link), so it shows on the Users and User detail dashboards. Leave it empty to build "
              "for yourself.")
CHANGES_THAT_WORK = ("Changes that work: colours ('make it dark green'), the name ('rename to Casa Azul'), a text "
                     "('replace \"Open daily\" with \"Closed Mondays\"'), a price ('price of the croissant to 3.50'), "
                     "a contact detail ('change the phone to +351 21 000 0000'), adding or removing a section ('add an "
                     "opening hours section').")

# statuses in which a session has no finished site yet and "Build again" makes sense
RETRYABLE = {"request_submitted", "email_provided", "verified", "error", "stopped"}

_EMPTY_PREVIEW = """<!doctype html><html><head><meta charset="utf-8"><style>
body{margin:0;height:100vh;display:flex;align-items:center;justify-content:center;font-family:system-ui,sans-serif;
background:#f8fafc;color:#475569;text-align:center}h1{font-size:1.3rem;color:#0f172a}</style></head><body>
<div><h1>%(title)s</h1><p>%(text)s</p></div></body></html>"""


# the preview's widths: (CSS width the site sees, scale it is drawn at). Desktop is a 1280 px page drawn at 60%,
# so a desktop operator sees the desktop layout (a 800 px frame showed the site's mobile menu)
PREVIEW_DEVICES = {"desktop": (1280, 0.6), "tablet": (768, 1.0), "phone": (390, 1.0)}


def iframe_html(document: str, *, height: int = PREVIEW_HEIGHT, title: str = "Site preview",
                device: str | None = None) -> str:
    """An ``<iframe srcdoc>`` holding ``document``, for an ``ipywidgets.HTML``.

    The frame may run the site's scripts and forms but gets an opaque origin
    (no ``allow-same-origin``), so a generated site cannot reach the notebook.
    ``device`` (desktop, tablet, phone) gives the frame that device's width;
    without it the frame fills its column.
    """
    frame_style = "border:1px solid #e2e8f0;border-radius:8px;background:#fff"
    attrs = (f'class="faibric-preview-frame" title="{html.escape(title)}" '
             'sandbox="allow-scripts allow-forms allow-popups allow-modals" '
             f'srcdoc="{html.escape(document, quote=True)}"')
    if device is None:
        return f'<iframe {attrs} style="width:100%;height:{height}px;{frame_style}"></iframe>'
    width, scale = PREVIEW_DEVICES.get(device, PREVIEW_DEVICES["desktop"])
    inner_height = int(height / scale)
    return (
        f'<div class="faibric-preview-box" data-device="{html.escape(device)}" '
        f'style="width:{int(width * scale) + 2}px;max-width:100%;height:{height}px;overflow:hidden">'
        f'<iframe {attrs} style="width:{width}px;height:{inner_height}px;{frame_style};'
        f'transform:scale({scale});transform-origin:0 0"></iframe></div>'
    )


def _message_page(title: str, text: str) -> str:
    return _EMPTY_PREVIEW % {"title": html.escape(title), "text": html.escape(text)}


def _money(value: float | None) -> str:
    if value is None:
        return "not priced yet"
    if value == 0:
        return "$0.00"
    return f"${value:,.4f}" if value < 1 else f"${value:,.2f}"


def _field(value, name, default=None):
    """``value.name`` or ``value[name]``: results from the build modules may be dataclasses or dicts."""
    if value is None:
        return default
    if isinstance(value, dict):
        return value.get(name, default)
    return getattr(value, name, default)


def _diff_html(diff: str) -> str:
    lines = []
    for line in (diff or "").splitlines():
        colour = None
        if line.startswith("+++") or line.startswith("---"):
            colour = "#334155;font-weight:600"
        elif line.startswith("+"):
            colour = "#166534;background:#dcfce7"
        elif line.startswith("-"):
            colour = "#991b1b;background:#fee2e2"
        elif line.startswith("@@"):
            colour = "#6d28d9"
        escaped = html.escape(line) or "&nbsp;"
        lines.append(f'<div style="color:{colour}">{escaped}</div>' if colour else f"<div>{escaped}</div>")
    body = "".join(lines) or "<div>(no changes recorded)</div>"
    return ('<div style="font:12px/1.45 ui-monospace,Menlo,monospace;white-space:pre;overflow:auto;max-height:360px;'
            f'border:1px solid #e2e8f0;border-radius:6px;padding:6px;background:#fff">{body}</div>')


_CHAT_STYLE = {
    "user": "align-self:flex-end;background:#2563eb;color:#fff",
    "assistant": "align-self:flex-start;background:#f1f5f9;color:#0f172a",
    "system": "align-self:stretch;background:#fff7ed;color:#9a3412;border:1px solid #fed7aa",
}
_ERROR_STYLE = "align-self:stretch;background:#fef2f2;color:#991b1b;border:1px solid #fecaca"


SPAN_COLOURS = {"classify": "#94a3b8", "library": "#a78bfa", "generate": "#2563eb", "parse": "#0ea5e9",
                "validate": "#14b8a6", "fix": "#f59e0b", "bundle": "#22c55e", "deploy": "#ef4444"}


def _trace_row(trace: dict) -> str:
    """One traced build or change: totals, and a bar of its spans, each as wide as its share of the time."""
    spans = trace.get("spans") or []
    total = sum(s.get("seconds") or 0.0 for s in spans) or 1.0
    bar = "".join(
        f'<span title="{html.escape(str(s.get("name")))}: {float(s.get("seconds") or 0):.2f} s" '
        f'style="display:inline-block;height:12px;width:{100 * (s.get("seconds") or 0) / total:.1f}%;'
        f'background:{SPAN_COLOURS.get(s.get("name"), "#64748b")}"></span>'
        for s in spans)
    when = trace.get("ts")
    outcome = str(trace.get("outcome") or "")
    colour = {"error": "#b91c1c", "stopped": "#6b7280"}.get(outcome, "#15803d")
    cell, number = 'style="padding:4px 8px"', 'style="padding:4px 8px;text-align:right"'
    when_cell = 'style="padding:4px 8px;white-space:nowrap"'
    return (f'<tr style="border-top:1px solid #e2e8f0"><td {when_cell}>'
            f'{html.escape(f"{when:%Y-%m-%d %H:%M}") if when else ""}</td>'
            f'<td {cell}>{html.escape(str(trace.get("kind") or ""))}</td>'
            f'<td style="padding:4px 8px;color:{colour}">{html.escape(outcome)}</td>'
            f'<td {number}>{float(trace.get("seconds") or 0):.1f}</td><td {number}>{_money(trace.get("cost_usd"))}</td>'
            f'<td {number}>{int(trace.get("calls") or 0)}</td>'
            f'<td {cell}><div style="display:flex;width:100%;background:#f1f5f9">{bar}</div></td></tr>')


class Studio:
    """The builder studio widget. ``Studio().show()`` in a notebook; ``Studio().widget`` to embed."""

    def __init__(self, *, backend: StudioBackend | None = None, tenant_id: str = "default",
                 session_id: str | None = None):
        self.backend = backend or StudioBackend(tenant_id=tenant_id)
        self.session = None
        self.project = ProjectView(None, None, {}, [])
        self.url: str | None = None
        self.messages: list[ChatMessage] = []
        self.streamed_text = ""
        self.stream_updates = 0
        self.stages: list[str] = []
        self.last_error: str | None = None
        self.last_step_cost: float | None = None
        self.preview_document: str | None = None
        self.costs = CostSummary()
        self.live_site: dict | None = None
        self.traces: list[dict] = []
        self.restore_buttons: dict[int, W.Button] = {}
        self._job: threading.Thread | None = None
        self._job_name: str | None = None
        self._cancel = threading.Event()
        self._lock = threading.RLock()
        self._stream_pending = False
        self._stream_last_flush = 0.0
        self._placeholder_prompt: str | None = None
        self._placeholder_key: tuple | None = None
        self._loading_sessions = False
        self._build_widgets()
        try:
            self.backend.recover_interrupted()
        except FaibricError as exc:
            log.warning("could not recover interrupted builds: %s", exc.message)
        self.refresh_sessions()
        self.refresh_costs()
        self.refresh_outcomes()
        self._render_all()
        if session_id:
            self.resume(session_id)

    # ================================================================ widgets
    def _build_widgets(self) -> None:
        b = self.backend
        self.title = W.HTML('<div style="font:700 18px system-ui,sans-serif;color:#0f172a">Faibric studio</div>')
        self.sessions = W.Dropdown(description="Resume", options=[("New site", "")], value="",
                                   layout=W.Layout(width="420px"))
        self.refresh_button = W.Button(description="Refresh", icon="refresh", tooltip="Reload the session list",
                                       layout=W.Layout(width="95px"))
        self.new_button = W.Button(description="New site", icon="plus", tooltip="Start a new site",
                                   layout=W.Layout(width="105px"))
        self.cost_view = W.HTML()
        self.cost_view.add_class("faibric-costs")

        # -- left: the chat
        self.chat_view = W.HTML()
        self.chat_view.add_class("faibric-chat")
        self.stream_view = W.HTML()
        self.stream_view.add_class("faibric-stream")
        self.prompt = W.Textarea(placeholder="Describe the site: who it is for, its name, the sections you want...",
                                 layout=W.Layout(width="100%", height="96px"))
        self.prompt.add_class("faibric-prompt")
        self.email = W.Text(placeholder="optional: who the site is for, e.g. ana@bakery.pt", description="Email",
                            tooltip=EMAIL_HELP, layout=W.Layout(width="100%"))
        self.email_help = W.HTML(f'<div class="faibric-help" style="font:12px system-ui,sans-serif;color:#64748b;'
                                 f'margin:-2px 0 4px 0">{html.escape(EMAIL_HELP)}</div>')
        provider_options = b.provider_choices()
        self.provider = W.Dropdown(description="Provider", options=provider_options,
                                   value=provider_options[0][1], layout=W.Layout(width="100%"))
        self.model = W.Dropdown(description="Model", options=b.model_choices(self.provider.value), value="",
                                layout=W.Layout(width="100%"))
        self.send_button = W.Button(description="Build", button_style="primary", icon="play",
                                    layout=W.Layout(width="130px"))
        self.send_button.add_class("faibric-send")
        self.stop_button = W.Button(description="Stop", button_style="danger", icon="stop", disabled=True,
                                    layout=W.Layout(width="95px"))
        self.stop_button.add_class("faibric-stop")
        self.retry_button = W.Button(description="Build again", icon="repeat", layout=W.Layout(width="130px",
                                                                                               display="none"))
        self.progress = W.IntProgress(value=0, min=0, max=100, bar_style="info", layout=W.Layout(width="100%"))
        self.stage_view = W.HTML()
        self.stage_view.add_class("faibric-stage")
        self.notice = W.HTML()
        self.notice.add_class("faibric-notice")

        # -- right: the site
        self.status_view = W.HTML()
        self.status_view.add_class("faibric-status")
        # the one deploy target control: the Deploy button uses it, and so does a build when "deploy after
        # each build" is ticked (off by default: building never deploys unless the operator chose it)
        targets = b.deploy_targets()
        self.deploy_to = W.Dropdown(description="Deploy to", options=[(DEPLOY_TARGET_LABELS.get(t, t), t) for t in targets],
                                    value="local" if "local" in targets else (targets[0] if targets else None),
                                    style={"description_width": "initial"}, layout=W.Layout(width="230px"))
        self.deploy_to.add_class("faibric-deploy-target")
        self.auto_deploy = W.Checkbox(value=False, description="deploy after each build", indent=False,
                                      layout=W.Layout(width="auto"))
        self.auto_deploy.add_class("faibric-auto-deploy")
        self.device = W.ToggleButtons(options=[("Desktop", "desktop"), ("Tablet", "tablet"), ("Phone", "phone")],
                                      value="desktop", tooltips=["1280 px wide, drawn at 60%", "768 px", "390 px"],
                                      style={"button_width": "80px"})
        self.device.add_class("faibric-device")
        self.deploy_button = W.Button(description="Deploy", icon="cloud-upload", button_style="success",
                                      disabled=True, layout=W.Layout(width="110px"))
        self.deploy_button.add_class("faibric-deploy")
        self.url_view = W.HTML()
        self.url_view.add_class("faibric-url")
        self.site_view = W.HTML()
        self.site_view.add_class("faibric-live-site")
        self.traces_view = W.HTML()
        self.traces_view.add_class("faibric-traces")
        self.preview = W.HTML(layout=W.Layout(width="100%"))
        self.preview.add_class("faibric-preview")
        self.file_picker = W.Dropdown(description="File", options=[], layout=W.Layout(width="100%"))
        self.code_view = W.HTML()
        self.versions_box = W.VBox()
        self.tabs = W.Tab(children=[self.preview, W.VBox([self.file_picker, self.code_view]), self.versions_box,
                                    self.traces_view])
        for i, name in enumerate(("Preview", "Files", "Versions", "Builds")):
            self.tabs.set_title(i, name)

        self.sessions.observe(self._on_session_picked, names="value")
        self.refresh_button.on_click(lambda _: self.refresh_sessions())
        self.new_button.on_click(lambda _: self.new_site())
        self.provider.observe(self._on_provider_changed, names="value")
        self.send_button.on_click(lambda _: self.send())
        self.stop_button.on_click(lambda _: self.stop())
        self.retry_button.on_click(lambda _: self.build_again())
        self.deploy_button.on_click(lambda _: self.deploy())
        self.file_picker.observe(lambda _: self._render_code(), names="value")
        self.device.observe(self._on_device_changed, names="value")

        top = W.HBox([self.title, self.sessions, self.refresh_button, self.new_button],
                     layout=W.Layout(align_items="center", flex_flow="row wrap"))
        left = W.VBox(
            [self.chat_view, self.stream_view, self.prompt, self.email, self.email_help, self.provider, self.model,
             W.HBox([self.send_button, self.stop_button, self.retry_button]),
             self.progress, self.stage_view, self.notice],
            layout=W.Layout(width="38%", min_width="320px", padding="0 12px 0 0"),
        )
        right = W.VBox(
            [W.HBox([self.status_view, self.deploy_to, self.deploy_button, self.auto_deploy],
                    layout=W.Layout(align_items="center", flex_flow="row wrap")),
             self.url_view, self.site_view, self.device, self.tabs],
            layout=W.Layout(width="62%"),
        )
        self.widget = W.VBox([top, self.cost_view, W.HBox([left, right], layout=W.Layout(width="100%"))],
                             layout=W.Layout(width="100%"))
        self.widget.add_class("faibric-studio")

    def show(self) -> None:
        """Display the studio in the notebook."""
        from IPython.display import display

        display(self.widget)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # ================================================================ state shown
    @property
    def busy(self) -> bool:
        return self._job is not None and self._job.is_alive()

    @property
    def files(self) -> dict[str, str]:
        return self.project.files

    def _render_all(self) -> None:
        self._render_chat()
        self._render_status()
        self._render_files()
        self._render_versions()
        self._render_costs()
        self._render_controls()
        if self.preview_document is None:
            self._set_preview(_message_page("No site yet", "Describe a site on the left and press Build. "
                                            "Its preview appears here while it is being made."), store=False)

    def _render_chat(self) -> None:
        bubbles = []
        for m in self.messages:
            style = _ERROR_STYLE if m.kind == "error" else _CHAT_STYLE.get(m.role, _CHAT_STYLE["assistant"])
            text = html.escape(m.text)
            if m.url:
                url = html.escape(m.url, quote=True)
                link = (f'<a href="{url}" target="_blank" rel="noopener" style="color:inherit;'
                        f'text-decoration:underline">{html.escape(m.url)}</a>')
                text = text.replace(html.escape(m.url), link)
            bubbles.append(f'<div class="faibric-msg faibric-msg-{m.role}" style="{style};max-width:92%;'
                           f'padding:6px 10px;border-radius:10px;white-space:pre-wrap;overflow-wrap:anywhere">'
                           f"{text}</div>")
        if not bubbles:
            bubbles.append('<div style="color:#64748b">Describe the site you want: who it is for, its name and the '
                           "sections it needs. When it is built, type changes here.</div>")
        # the outer column-reverse keeps the newest message in view when the history overflows
        self.chat_view.value = (
            '<div style="display:flex;flex-direction:column-reverse;max-height:320px;overflow:auto">'
            '<div style="display:flex;flex-direction:column;gap:6px;font:14px/1.4 system-ui,sans-serif;padding:4px">'
            + "".join(bubbles) + "</div></div>"
        )

    def _render_stream(self, *, live: bool = True) -> None:
        if not self.streamed_text:
            self.stream_view.value = ""
            return
        tail = self.streamed_text[-STREAM_TAIL_CHARS:]
        cut = len(self.streamed_text) - len(tail)
        head = f"... {cut:,} characters above ...\n" if cut else ""
        box = (
            '<div style="font:11.5px/1.4 ui-monospace,Menlo,monospace;white-space:pre-wrap;max-height:180px;'
            'overflow:auto;display:flex;flex-direction:column-reverse;background:#0f172a;color:#e2e8f0;'
            f'padding:6px 8px;border-radius:8px"><div>{html.escape(head + tail)}</div></div>'
        )
        if not live:
            box = (f'<details><summary style="color:#475569;font:12px system-ui,sans-serif;cursor:pointer">'
                   f"The model's text ({len(self.streamed_text):,} characters)</summary>{box}</details>")
        self.stream_view.value = box
        self.stream_updates += 1

    def _render_status(self) -> None:
        s = self.session
        if s is None:
            self.status_view.value = '<span style="color:#64748b">New site: nothing built yet</span>'
        else:
            # the stored status lags while this studio works on the session; show what is happening
            status = {"build": "building", "change": "changing", "deploy": "deploying",
                      "restore": "restoring"}.get(self._job_name or "", s.status)
            colour = {"deployed": "#15803d", "ready": "#1d4ed8", "building": "#b45309", "error": "#b91c1c",
                      "stopped": "#6b7280"}.get(status, "#b45309" if status != s.status else "#334155")
            version = f" &middot; version {self.project.current_version}" if self.project.current_version else ""
            reason = f" ({html.escape(s.status_reason)})" if s.status_reason and s.status in ("error", "stopped") \
                else ""
            self.status_view.value = (
                f'<span>Session <code>{html.escape(s.session_id)}</code> &middot; '
                f'<b style="color:{colour}">{html.escape(status)}</b>{reason}{version}</span>'
            )
        if self.url:
            url = html.escape(self.url, quote=True)
            self.url_view.value = (
                '<span style="font:14px system-ui,sans-serif">Live at <a class="faibric-live-url" '
                f'href="{url}" target="_blank" rel="noopener" style="color:#1d4ed8;text-decoration:underline">'
                f"{html.escape(self.url)}</a></span>"
            )
        else:
            self.url_view.value = ""

    def _render_files(self) -> None:
        paths = sorted(self.project.files)
        current = self.file_picker.value
        preferred = next((p for p in ("src/App.jsx", "src/App.js") if p in paths), paths[0] if paths else None)
        self.file_picker.options = paths
        self.file_picker.value = current if current in paths else preferred
        self._render_code()

    def _render_code(self) -> None:
        path = self.file_picker.value
        if not path:
            self.code_view.value = '<div style="color:#64748b;padding:8px">No files yet.</div>'
            return
        text = self.project.files.get(path, "")
        self.code_view.value = (
            '<pre style="font:12px/1.45 ui-monospace,Menlo,monospace;max-height:560px;overflow:auto;'
            f'background:#0f172a;color:#e2e8f0;padding:10px;border-radius:8px;margin:0">{html.escape(text)}</pre>'
        )

    def _render_versions(self) -> None:
        rows = []
        self.restore_buttons = {}
        current = self.project.current_version
        for v in self.project.versions:
            when = v.created_at.strftime("%Y-%m-%d %H:%M UTC") if v.created_at else ""
            what = html.escape((v.prompt or "").strip()[:160])
            mark = " &middot; <b>current</b>" if v.version == current else ""
            header = W.HTML(
                f'<div style="font:13px system-ui,sans-serif"><b>Version {v.version}</b> &middot; '
                f"{html.escape(v.kind or 'build')} &middot; {_money(v.cost_usd)} &middot; {when}{mark}"
                f'<div style="color:#475569">{what}</div></div>'
            )
            button = W.Button(description=f"Restore v{v.version}", icon="undo", disabled=v.version == current,
                              layout=W.Layout(width="130px"))
            button.on_click(lambda _, n=v.version: self.restore(n))
            self.restore_buttons[v.version] = button
            diff = W.HTML("<details><summary>Diff</summary>" + _diff_html(v.diff) + "</details>")
            rows.append(W.VBox([W.HBox([header, button], layout=W.Layout(justify_content="space-between")), diff],
                               layout=W.Layout(border="1px solid #e2e8f0", padding="6px", margin="0 0 6px 0")))
        if not rows:
            rows.append(W.HTML('<div style="color:#64748b;padding:8px">No versions yet.</div>'))
        self.versions_box.children = rows

    def _render_costs(self) -> None:
        c = self.costs
        session_part = (f"this session: <b>{c.session_tokens:,}</b> tokens, <b>{_money(c.session_cost_usd)}</b>"
                        + (f" ({c.session_unpriced} unpriced call(s))" if c.session_unpriced else "")
                        if self.session else "this session: nothing yet")
        step = f" &middot; last step: <b>{_money(self.last_step_cost)}</b>" if self.last_step_cost is not None else ""
        self.cost_view.value = (
            '<div style="font:13px system-ui,sans-serif;color:#334155;padding:2px 0">Cost: '
            f"{session_part}{step} &middot; today (UTC, all sessions): <b>{c.today_tokens:,}</b> tokens, "
            f"<b>{_money(c.today_cost_usd)}</b> in {c.today_calls} call(s)"
            + (f", {c.today_unpriced} unpriced" if c.today_unpriced else "") + "</div>"
        )

    def _render_controls(self) -> None:
        busy = self.busy
        built = bool(self.project.files)
        self.send_button.disabled = busy
        self.send_button.description = "Send change" if built and self.session is not None else "Build"
        self.prompt.placeholder = (
            "Ask for a change, e.g. 'make the header dark green' or 'add an opening hours section'"
            if built else "Describe the site: who it is for, its name, the sections you want..."
        )
        self.stop_button.disabled = not busy or self._cancel.is_set()
        self.deploy_button.disabled = busy or not built
        self.sessions.disabled = busy
        self.new_button.disabled = busy
        self.refresh_button.disabled = busy
        can_retry = self.session is not None and not built and self.session.status in RETRYABLE
        self.retry_button.layout.display = None if can_retry and not busy else "none"

    def _set_preview(self, document: str, *, store: bool = True) -> None:
        if store:
            self.preview_document = document
        self._shown_document = document
        self.preview.value = iframe_html(document, device=self.device.value)

    def _on_device_changed(self, _change) -> None:
        document = getattr(self, "_shown_document", None)
        if document is not None:
            self.preview.value = iframe_html(document, device=self.device.value)

    def _say(self, role: str, text: str, *, kind: str = "text", url: str | None = None) -> None:
        with self._lock:
            self.messages.append(ChatMessage(role, text, kind, url))
        self._render_chat()

    def _show_error(self, message: str) -> None:
        """Show an error in plain words: in the notice line and in the chat."""
        # errors are written for the command line too; say the studio's words for the studio's controls
        message = message.replace("use --provider offline", "choose the offline provider")
        self.last_error = message
        self.notice.value = (f'<div class="faibric-error" style="color:#991b1b;background:#fef2f2;padding:6px 10px;'
                             f'border:1px solid #fecaca;border-radius:6px">{html.escape(message)}</div>')
        self._say("system", message, kind="error")

    def _show_info(self, message: str) -> None:
        self.notice.value = f'<div style="color:#334155;padding:4px 2px">{html.escape(message)}</div>'

    def _clear_notice(self) -> None:
        self.last_error = None
        self.notice.value = ""

    # ================================================================ background jobs
    def _start(self, name: str, work: Callable[[threading.Event], None]) -> bool:
        """Run ``work(cancel)`` in the background; only one job at a time."""
        with self._lock:
            if self.busy:
                self._show_error(f"The studio is busy ({self._job_name}). Wait for it to finish, or press Stop.")
                return False
            self._cancel = threading.Event()
            self._job_name = name
            self._job = threading.Thread(target=self._run_job, args=(name, work, self._cancel),
                                         name=f"faibric-studio-{name}", daemon=True)
            self._clear_notice()
            self._job.start()
        self._render_controls()
        return True

    def _run_job(self, name: str, work: Callable[[threading.Event], None], cancel: threading.Event) -> None:
        try:
            work(cancel)
        except BuildStoppedError:
            self._on_stopped()
        except InvalidInputError as exc:
            if name == "change":
                self._on_refused(exc.message)
            else:
                self._on_failed(exc.message)
        except FaibricError as exc:
            self._on_failed(exc.message)
        except Exception as exc:  # noqa: BLE001 - the operator must see every failure, not a dead thread
            log.exception("studio %s failed", name)
            self._on_failed(f"Something unexpected went wrong during the {name} ({type(exc).__name__}: {exc}). "
                            "Try again; if it keeps failing, choose the offline provider and report the problem.")
        finally:
            self._flush_stream(force=True)
            self._render_stream(live=False)
            with self._lock:
                self._job_name = None
            self._reload_session_quietly()
            self.refresh_costs()
            self.refresh_outcomes()
            # the thread is still alive while this runs, so compute the controls as if it were done
            self._job = None
            self._render_controls()
            self._render_status()

    def wait(self, timeout: float | None = 300) -> bool:
        """Wait for the current background job; True when none is left running."""
        job = self._job
        if job is not None:
            job.join(timeout)
        return not self.busy

    def stop(self) -> None:
        """Stop the running job: the build stops at its next check and the session is left ``stopped``."""
        if not self.busy:
            self._show_info("Nothing is running.")
            return
        self._cancel.set()
        self.stop_button.disabled = True
        self.stage_view.value = '<span style="color:#b45309">Stopping...</span>'

    def _on_stopped(self) -> None:
        self.progress.bar_style = "warning"
        self.stage_view.value = '<span style="color:#6b7280">Stopped.</span>'
        if self.project.files:
            self._say("system", "Stopped. The site is unchanged; type the change again to retry it.", kind="notice")
        else:
            self._say("system", "Stopped. Nothing more will be generated for this request. Press 'Build again' to "
                      "retry it, or describe a different site.", kind="notice")
        if not self.project.files:
            self._set_preview(_message_page("Build stopped", "Press 'Build again' to retry, or describe another site."))

    def _on_refused(self, message: str) -> None:
        """A change that could not be made: a notice (what was understood, what works), not a failure."""
        self.progress.value = 0
        self.progress.bar_style = "warning"
        version = self.project.current_version
        self.stage_view.value = ('<span style="color:#92400e">Not changed'
                                 + (f" - the site is still version {version}" if version else "") + ".</span>")
        self.last_error = None
        self.notice.value = ""
        self._say("system", f"I could not make that change: {message}. The site is unchanged. {CHANGES_THAT_WORK}",
                  kind="notice")
        if self.preview_document is not None:
            self._set_preview(self.preview_document)

    def _on_failed(self, message: str) -> None:
        self.progress.bar_style = "danger"
        self.stage_view.value = '<span style="color:#b91c1c">Failed.</span>'
        self._show_error(message)
        if not self.project.files:
            self._set_preview(_message_page("The build did not finish", message))
        elif self.preview_document is not None:
            self._set_preview(self.preview_document)

    # ================================================================ streaming and progress
    def _begin_stream(self) -> None:
        self.streamed_text = ""
        self._stream_pending = False
        self._stream_last_flush = 0.0
        self.stages = []
        self.progress.value = 0
        self.progress.bar_style = "info"
        self._render_stream()

    def _on_text(self, chunk: str) -> None:
        if not chunk:
            return
        with self._lock:
            self.streamed_text += chunk
            self._stream_pending = True
        self._flush_stream()

    def _flush_stream(self, force: bool = False) -> None:
        # a model streams many small pieces; redrawing on each would flood the frontend
        now = time.monotonic()
        if not self._stream_pending or (not force and now - self._stream_last_flush < STREAM_FLUSH_SECONDS):
            return
        self._stream_pending = False
        self._stream_last_flush = now
        self._render_stream()

    def _on_progress(self, stage: str, percent: float, message: str = "") -> None:
        try:
            value = int(max(0, min(100, float(percent))))
        except (TypeError, ValueError):
            value = self.progress.value
        self.progress.value = value
        stage = str(stage or "")
        if stage and (not self.stages or self.stages[-1] != stage):
            self.stages.append(stage)
        done = " &rarr; ".join(html.escape(s.replace("_", " ")) for s in self.stages[:-1])
        current = html.escape(stage.replace("_", " "))
        self.stage_view.value = (
            f'<span style="font:13px system-ui,sans-serif">{done + " &rarr; " if done else ""}<b>{current}</b> '
            f"({value}%){': ' + html.escape(str(message)) if message else ''}</span>"
        )
        if self._placeholder_prompt is not None:
            key = (stage, value // 5)
            if key != self._placeholder_key:
                self._placeholder_key = key
                self._set_preview(placeholder_html(self._placeholder_prompt, value, stage, str(message or "")),
                                  store=False)

    # ================================================================ actions
    def send(self) -> None:
        """The Send/Build button: build a new site, or apply a change to the one that is built."""
        text = (self.prompt.value or "").strip()
        if self.busy:
            self._show_error(f"The studio is busy ({self._job_name}). Wait for it to finish, or press Stop.")
            return
        if not text:
            if self.project.files:
                self._show_error("Type the change you want first (for example 'make the buttons green'), "
                                 "then press Send change.")
            else:
                self._show_error("The prompt is empty. Describe the site you want first, for example "
                                 "'A landing page for Doce Vida, a bakery in Lisbon, with a menu and a contact form', "
                                 "then press Build.")
            return
        if self.session is not None and self.project.files:
            self._start_change(text)
        else:
            self._start_new_build(text)

    def _session_spend(self, session_id: str) -> float | None:
        try:
            return self.backend.costs(session_id).session_cost_usd
        except FaibricError:
            return None

    def _step_cost(self, reported: float | None, session_id: str, spent_before: float | None) -> float | None:
        """The step's cost as the build reported it, else what the session's recorded calls added during it."""
        if reported is not None:
            return reported
        after = self._session_spend(session_id)
        if after is None or spent_before is None:
            return None
        return max(0.0, after - spent_before)

    def _build_target(self) -> str:
        """Where a build deploys: nowhere, unless "deploy after each build" is ticked."""
        return (self.deploy_to.value or "none") if self.auto_deploy.value else "none"

    def _selected_provider(self) -> str | None:
        return None if self.provider.value in ("", "auto") else self.provider.value

    def _start_new_build(self, prompt: str) -> None:
        try:
            email = check_email(self.email.value)
        except FaibricError as exc:
            self._show_error(exc.message)
            return
        provider, model, target = self._selected_provider(), self.model.value or None, self._build_target()
        self.session = None
        self.project = ProjectView(None, None, {}, [])
        self.url = None
        self.messages = []
        self.last_step_cost = None
        self._say("user", prompt)
        self.prompt.value = ""

        def work(cancel):
            self.session = self.backend.create_session(prompt, email=email, provider=provider, deploy_target=target)
            self._render_status()
            self._run_build(prompt, provider, model, target, cancel)
            self.refresh_sessions(select=self.session.session_id)

        self._start("build", work)

    def build_again(self) -> None:
        """Retry the open session's build (after a stop or an error), with its own prompt."""
        if self.session is None:
            self._show_error("There is no session to build again. Describe a site and press Build.")
            return
        session = self.session
        provider, model, target = self._selected_provider(), self.model.value or None, self._build_target()
        self._say("user", f"Build again: {session.prompt}")

        def work(cancel):
            self._run_build(session.prompt or "", provider, model, target, cancel)

        self._start("build", work)

    def _run_build(self, prompt: str, provider, model, target, cancel: threading.Event) -> None:
        session_id = self.session.session_id
        spent_before = self._session_spend(session_id)
        sketch = sketch_prompt(prompt)
        self._begin_stream()
        self._placeholder_prompt = prompt
        self._placeholder_key = None
        self._on_progress("starting", 0, f"building {sketch.name}")
        try:
            result = self.backend.build(session_id, provider=provider, model=model, deploy_target=target,
                                        on_progress=self._on_progress, on_text=self._on_text, cancel=cancel)
        finally:
            self._placeholder_prompt = None
        self._flush_stream(force=True)
        self.url = _field(result, "url") or None
        self._load_project(session_id, preview_path=_field(result, "preview_path"))
        cost = self._step_cost(_field(result, "cost_usd"), session_id, spent_before)
        self.last_step_cost = cost
        files = _field(result, "files") or self.project.files
        count = len(files) if hasattr(files, "__len__") else files
        version = _field(result, "version") or self.project.current_version
        summary = f"Built {sketch.name}: {count} files, version {version}, cost {_money(cost)}."
        if self.url:
            summary += f" Live at {self.url}"
        self._say("assistant", summary, kind="link" if self.url else "text", url=self.url)
        self.progress.value = 100
        self.progress.bar_style = "success"

    def _start_change(self, request: str) -> None:
        session_id = self.session.session_id
        provider, model = self._selected_provider(), self.model.value or None
        self._say("user", request)
        self.prompt.value = ""

        def work(cancel):
            spent_before = self._session_spend(session_id)
            self._begin_stream()
            self._on_progress("change", 0, "reading the request")
            result = self.backend.modify(session_id, request, provider=provider, model=model,
                                         on_progress=self._on_progress, on_text=self._on_text, cancel=cancel)
            self._flush_stream(force=True)
            new_session = _field(result, "session_id")
            if new_session and new_session != session_id:
                # the request was a new project: the studio follows the new session
                self.session = self.backend.get_session(new_session)
            self.url = _field(result, "url") or self.url
            self._load_project(self.session.session_id)
            cost = self._step_cost(_field(result, "cost_usd"), session_id, spent_before)
            self.last_step_cost = cost
            changed = _field(result, "touched") or []
            changed_text = ", ".join(changed[:6]) + (" ..." if len(changed) > 6 else "")
            version = _field(result, "version") or self.project.current_version
            if _field(result, "kind") == "new_project":
                text = f"That asked for a different site, so it was made anew: version {version}, " \
                       f"this step cost {_money(cost)}."
            else:
                text = f"Changed {changed_text or 'the site'}: version {version}, this step cost {_money(cost)}."
            if self.url:
                text += f" Live at {self.url}"
            self._say("assistant", text, kind="link" if self.url else "text", url=self.url)
            self.progress.value = 100
            self.progress.bar_style = "success"

        self._start("change", work)

    def deploy(self) -> None:
        """Deploy the current version to the target chosen beside the Deploy button."""
        if self.session is None or not self.project.files:
            self._show_error("There is nothing to deploy yet. Build a site first, then press Deploy.")
            return
        session_id, target = self.session.session_id, self.deploy_to.value
        label = DEPLOY_TARGET_LABELS.get(target, target)

        def progress_line(message: str) -> None:
            self.stage_view.value = f'<span style="font:13px system-ui,sans-serif">{html.escape(str(message))}</span>'

        def work(cancel):
            self.progress.value = 0
            self.progress.bar_style = "info"
            progress_line(f"Deploying to {label}...")
            url = self.backend.deploy(session_id, target, on_progress=progress_line, cancel=cancel)
            self.url = url or self.url
            self.progress.value = 100
            self.progress.bar_style = "success"
            progress_line(f"Deployed to {label}.")
            if url:
                self._say("assistant", f"Deployed to {label}. Live at {url}", kind="link", url=url)
            else:
                self._say("assistant", f"Deployed to {label}.")

        self._start("deploy", work)

    def restore(self, version: int) -> None:
        """Make an earlier version the current one (a new version with its files); the preview follows."""
        if self.session is None:
            return
        session_id = self.session.session_id

        def work(cancel):
            self.backend.restore(session_id, version)
            self._load_project(session_id)
            self._say("assistant", f"Restored version {version} (now version {self.project.current_version}). "
                      "Press Deploy to put it live.")

        self._start("restore", work)

    def new_site(self) -> None:
        """Forget the open session (it stays in the store) and start from an empty chat."""
        if self.busy:
            self._show_error("Wait for the running job to finish, or press Stop, before starting a new site.")
            return
        self.session = None
        self.project = ProjectView(None, None, {}, [])
        self.url = None
        self.messages = []
        self.streamed_text = ""
        self.last_step_cost = None
        self.preview_document = None
        self.progress.value = 0
        self.stage_view.value = ""
        self._clear_notice()
        self._set_sessions_value("")
        self._render_stream()
        self.refresh_costs()
        self.refresh_outcomes()
        self._render_all()

    # ================================================================ sessions and resume
    def refresh_sessions(self, select: str | None = None) -> None:
        """Reload the list of recent sessions from the store."""
        try:
            sessions = self.backend.recent_sessions()
        except FaibricError as exc:
            self._show_error(f"Could not read the recent sessions: {exc.message}")
            return
        options = [("New site", "")]
        for s in sessions:
            when = s.updated_at.strftime("%m-%d %H:%M") if s.updated_at else ""
            prompt = " ".join((s.prompt or "").split())
            prompt = prompt[:48] + ("..." if len(prompt) > 48 else "")
            options.append((f"{when} · {s.status} · {prompt} ({s.session_id})", s.session_id))
        wanted = select if select is not None else (self.session.session_id if self.session else "")
        self._loading_sessions = True
        try:
            self.sessions.options = options
            self.sessions.value = wanted if any(v == wanted for _, v in options) else ""
        finally:
            self._loading_sessions = False

    def _set_sessions_value(self, value: str) -> None:
        self._loading_sessions = True
        try:
            if any(v == value for _, v in self.sessions.options):
                self.sessions.value = value
        finally:
            self._loading_sessions = False

    def _on_session_picked(self, change) -> None:
        if self._loading_sessions:
            return
        session_id = change["new"]
        if self.busy:
            self._set_sessions_value(change["old"])
            self._show_error("Wait for the running job to finish, or press Stop, before opening another session.")
            return
        if not session_id:
            self.new_site()
        elif self.session is None or self.session.session_id != session_id:
            self.resume(session_id)

    def resume(self, session_id: str) -> None:
        """Open a stored session where it was: chat, files, versions, preview, URL, status and costs."""

        def work(cancel):
            session = self.backend.get_session(session_id)
            self.session = session
            self.messages = []
            self.streamed_text = ""
            self.last_step_cost = None
            self._render_stream()
            self.url = self.backend.live_url(session)
            self.project = ProjectView(None, None, {}, [])
            self.preview_document = None
            self._render_chat()
            self._load_project(session_id)
            self.messages = self.backend.history(session, self.project)
            if session.status == "building":
                self.messages.append(ChatMessage(
                    "system", "This session is being built by another process; press Refresh in a moment to see "
                    "where it is.", kind="notice"))
            self._render_chat()
            self._render_status()
            self._set_sessions_value(session_id)
            self.progress.value = 100 if self.project.files else 0
            self.progress.bar_style = "success" if self.project.files else "info"
            self.stage_view.value = ""

        self._start("resume", work)

    def _reload_session_quietly(self) -> None:
        if self.session is None:
            return
        try:
            self.session = self.backend.get_session(self.session.session_id)
            if self.session.url and not self.url:
                self.url = self.session.url
        except FaibricError as exc:
            log.warning("could not reload session: %s", exc.message)

    def _load_project(self, session_id: str, preview_path: str | None = None) -> None:
        """Files, versions and the preview of the session's current version."""
        self.project = self.backend.project(session_id)
        self._render_files()
        self._render_versions()
        self._render_status()
        self._render_controls()
        if self.project.files:
            try:
                document = self.backend.preview(self.project.files, preview_path)
            except FaibricError as exc:
                self._set_preview(_message_page("The preview could not be made", exc.message))
                raise
            self._set_preview(document)
        elif self.session is not None:
            self._set_preview(_message_page(
                f"Session {self.session.status}",
                "This session has no site yet. Press 'Build again' to build it."
                if self.session.status in RETRYABLE else "No site yet."))

    def refresh_costs(self) -> None:
        """Tokens and dollars for the open session and for today, from the store."""
        try:
            self.costs = self.backend.costs(self.session.session_id if self.session else None)
        except FaibricError as exc:
            log.warning("could not read costs: %s", exc.message)
        self._render_costs()

    def refresh_outcomes(self) -> None:
        """The open session's live site figures and build traces, from the store."""
        session_id = self.session.session_id if self.session else None
        try:
            self.live_site = self.backend.live_site(session_id)
            self.traces = self.backend.build_traces(session_id)
        except FaibricError as exc:
            log.warning("could not read the live site or traces: %s", exc.message)
        self._render_live_site()
        self._render_traces()

    def _render_live_site(self) -> None:
        site = self.live_site if self.session and self.url else None  # built but never deployed: not live
        if site is None:
            self.site_view.value = ""
            return
        last = site.get("last_lead_at")
        last_text = f" &middot; last lead {html.escape(f'{last:%Y-%m-%d %H:%M}')} UTC" if last else ""
        if not site["visitors_all_time"] and not site["leads_all_time"]:
            text = ("Live site: no visitors yet. Visits, clicks and form submissions show here as they "
                    "come (<code>faibric leads</code> lists the enquiries).")
        else:
            text = (f"Live site, last {site['days']} days: <b>{site['visitors']:,}</b> visitors, "
                    f"<b>{site['leads']:,}</b> leads &middot; all time: {site['visitors_all_time']:,} visitors, "
                    f"{site['leads_all_time']:,} leads{last_text}")
        self.site_view.value = f'<div style="font:13px system-ui,sans-serif;color:#334155;padding:2px 0">{text}</div>'

    def _render_traces(self) -> None:
        if not self.traces:
            self.traces_view.value = ('<div style="color:#64748b;padding:8px">No traced builds yet: each build and '
                                      "change records where its time and money went.</div>")
            return
        rows = "".join(_trace_row(t) for t in self.traces)
        legend = "".join(f'<span style="margin-right:10px"><span style="display:inline-block;width:10px;height:10px;'
                         f'background:{colour};margin-right:3px"></span>{name}</span>'
                         for name, colour in SPAN_COLOURS.items())
        self.traces_view.value = (
            '<div style="font:12px system-ui,sans-serif;color:#334155">'
            f'<div style="margin:6px 0">{legend}</div>'
            '<table style="border-collapse:collapse;width:100%"><thead><tr style="text-align:left;color:#64748b">'
            '<th style="padding:4px 8px">when (UTC)</th><th style="padding:4px 8px">what</th>'
            '<th style="padding:4px 8px">outcome</th><th style="padding:4px 8px;text-align:right">seconds</th>'
            '<th style="padding:4px 8px;text-align:right">cost</th><th style="padding:4px 8px;text-align:right">calls</th>'
            f'<th style="padding:4px 8px;width:40%">where the time went</th></tr></thead><tbody>{rows}</tbody></table></div>'
        )

    def _on_provider_changed(self, change) -> None:
        try:
            options = self.backend.model_choices(change["new"])
        except FaibricError as exc:
            self._show_error(exc.message)
            return
        self.model.options = options
        self.model.value = ""
