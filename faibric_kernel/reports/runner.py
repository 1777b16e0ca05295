"""Running the daily report: papermill, an HTML copy without code, the run record, the email.

:func:`run_daily_report` executes ``notebooks/daily_report.ipynb`` with
papermill (kernel ``python3``) for one day and tenant, keeps the executed
notebook, an HTML export without code cells (nbconvert, ``exclude_input``)
and the notebook's ``report.json`` in ``$FAIBRIC_HOME/reports/<date>/``
(``.../<date>/tenant-<name>/`` for one tenant), and records the run in
``report_runs``: one row per (date, tenant), replaced by each rerun. A cell
that fails raises :class:`ReportError` naming the cell (its index, tag and
first line), after a ``failed`` record; the executed notebook with the
traceback is kept as ``daily_report.failed.ipynb`` and the last good report
is left in place.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from .. import config
from ..errors import ConfigError, FaibricError, ReportError
from ..store import read_connection, state_connection
from .data import parse_report_date
from .notebook import REPORT_JSON

__all__ = [
    "ALL_TENANTS",
    "ReportRun",
    "tenant_key",
    "list_runs",
    "notebook_source",
    "report_dir",
    "run_daily_report",
]

ALL_TENANTS = "*"
NOTEBOOK_NAME = "daily_report.ipynb"
HTML_NAME = "daily_report.html"
FAILED_NAME = "daily_report.failed.ipynb"
TEMPLATES = Path(__file__).resolve().parent / "templates"

# applied by faibric_kernel.store.migrations (version 600)
MIGRATION_SQL = """
    ALTER TABLE report_runs ADD COLUMN IF NOT EXISTS json_path VARCHAR;
    ALTER TABLE report_runs ADD COLUMN IF NOT EXISTS summary VARCHAR;
    ALTER TABLE report_runs ADD COLUMN IF NOT EXISTS summary_source VARCHAR;
    ALTER TABLE report_runs ADD COLUMN IF NOT EXISTS trigger VARCHAR;
    ALTER TABLE report_runs ADD COLUMN IF NOT EXISTS details JSON;
    """


@dataclass
class ReportRun:
    """One run of the daily report, as recorded in ``report_runs``."""

    report_date: date
    tenant_id: str
    status: str
    started_at: datetime
    finished_at: datetime | None = None
    duration_s: float | None = None
    notebook_path: str | None = None
    html_path: str | None = None
    json_path: str | None = None
    error: str | None = None
    summary: str | None = None
    summary_source: str | None = None
    trigger: str | None = None
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["report_date"] = self.report_date.isoformat()
        for key in ("started_at", "finished_at"):
            out[key] = out[key].isoformat() if out[key] else None
        return out


def notebook_source() -> Path:
    """The report notebook: ``FAIBRIC_REPORT_NOTEBOOK``, else ``notebooks/daily_report.ipynb`` beside the package."""
    override = config.get("FAIBRIC_REPORT_NOTEBOOK")
    path = Path(override).expanduser() if override else Path(__file__).resolve().parents[2] / "notebooks" / NOTEBOOK_NAME
    if not path.is_file():
        raise ConfigError(
            f"the report notebook {path} does not exist; set FAIBRIC_REPORT_NOTEBOOK to daily_report.ipynb's path"
        )
    return path


def tenant_key(tenant: str | None) -> str:
    """The key a report run is stored under: the tenant, or ``ALL_TENANTS`` for every tenant."""
    tenant = (tenant or "").strip()
    return ALL_TENANTS if tenant in ("", "*", "all") else tenant


def report_dir(report_date, tenant: str | None = None) -> Path:
    """Where one day's report (for all tenants, or one) is kept."""
    day = parse_report_date(report_date)
    folder = config.workspace_path("reports", day.isoformat())
    key = tenant_key(tenant)
    if key != ALL_TENANTS:
        folder = folder / ("tenant-" + re.sub(r"[^A-Za-z0-9._-]+", "_", key))
    return folder


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _record(run: ReportRun) -> None:
    with state_connection() as con:
        con.execute(
            "INSERT INTO report_runs (report_date, tenant_id, status, started_at, finished_at, duration_s, "
            "notebook_path, html_path, error, json_path, summary, summary_source, trigger, details) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (report_date, tenant_id) DO UPDATE SET "
            "status = excluded.status, started_at = excluded.started_at, finished_at = excluded.finished_at, "
            "duration_s = excluded.duration_s, notebook_path = excluded.notebook_path, html_path = excluded.html_path, "
            "error = excluded.error, json_path = excluded.json_path, summary = excluded.summary, "
            "summary_source = excluded.summary_source, trigger = excluded.trigger, details = excluded.details",
            [run.report_date, run.tenant_id, run.status, run.started_at, run.finished_at, run.duration_s,
             run.notebook_path, run.html_path, run.error, run.json_path, run.summary, run.summary_source,
             run.trigger, json.dumps(run.details, default=str)],
        )


def list_runs(*, since=None, tenant: str | None = None, status: str | None = None) -> list[ReportRun]:
    """Recorded runs, newest day first."""
    where, params = ["TRUE"], []
    if since is not None:
        where.append("report_date >= ?")
        params.append(parse_report_date(since))
    if tenant is not None:
        where.append("tenant_id = ?")
        params.append(tenant_key(tenant))
    if status is not None:
        where.append("status = ?")
        params.append(status)
    with read_connection(include_spool=False, events=False) as con:
        cur = con.execute(
            "SELECT report_date, tenant_id, status, started_at, finished_at, duration_s, notebook_path, html_path, "
            "json_path, error, summary, summary_source, trigger, CAST(details AS VARCHAR) AS details "
            f"FROM report_runs WHERE {' AND '.join(where)} ORDER BY report_date DESC, tenant_id",
            params,
        )
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    for row in rows:
        row["details"] = json.loads(row["details"]) if row["details"] else {}
    return [ReportRun(**row) for row in rows]


@contextlib.contextmanager
def _day_lock(folder: Path):
    """One run per day and tenant at a time (cron and a person may start the same one)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextlib.contextmanager
def _kernel_imports_this_package():
    """Let the kernel import this very ``faibric_kernel``, wherever it is installed from."""
    root = str(Path(__file__).resolve().parents[2])
    old = os.environ.get("PYTHONPATH")
    parts = [p for p in (old or "").split(os.pathsep) if p]
    os.environ["PYTHONPATH"] = os.pathsep.join([root, *[p for p in parts if p != root]])
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old


def _cell_label(nb, index: int | None, number: int | None = None) -> str:
    """``cell 5 [funnel] `daily.funnel(report)``` for an executed notebook's cell (``number`` as shown)."""
    if index is None or nb is None or not 0 <= index < len(nb.cells):
        return "an unknown cell" if number is None else f"cell {number}"
    cell = nb.cells[index]
    index = index if number is None else number
    tags = [t for t in cell.get("metadata", {}).get("tags", []) if t]
    first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    if len(first) > 80:
        first = first[:77] + "..."
    return f"cell {index}" + (f" [{', '.join(tags)}]" if tags else "") + (f" `{first}`" if first else "")


def _failed_cell_index(nb) -> int | None:
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return index
    return None


def _import_papermill():
    """papermill, without the optional ``rfc3987_syntax`` that jsonschema would load on the way.

    That package builds about forty grammars when imported (4 s of every
    report run here) and nbformat's validation never uses it.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)
    import papermill

    return papermill


def _ipc_kernel_manager(folder: str):
    """A kernel manager class talking to its kernel over Unix sockets in ``folder``, not TCP.

    Over TCP without CurveZMQ keys ipykernel warns that everything is sent in
    plain text (and it is, to anyone on the machine); IPC sockets in a 0700
    folder are private to this user, and the warning is gone from the run's
    output.
    """
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.transport = "ipc"
            self.ip = os.path.join(folder, "kernel")

    return IPCKernelManager


def _execute(source: Path, output: Path, parameters: dict, kernel_name: str, timeout: float | None) -> None:
    import shutil
    import tempfile

    papermill = _import_papermill()
    sockets = tempfile.mkdtemp(prefix="faibric-kernel-")
    try:
        with _kernel_imports_this_package():
            papermill.execute_notebook(
                str(source),
                str(output),
                parameters=parameters,
                kernel_name=kernel_name,
                cwd=str(output.parent),
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                execution_timeout=timeout,
                kernel_manager_class=_ipc_kernel_manager(sockets),
            )
    finally:
        shutil.rmtree(sockets, ignore_errors=True)


def export_html(executed: Path, target: Path) -> Path:
    """The executed notebook as HTML without code (the summary moved up front), written atomically."""
    _import_papermill()
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.read(str(executed), as_version=4)
    summary = [c for c in nb.cells if {"summary", "summary-heading"} & set(c.get("metadata", {}).get("tags", []))]
    if summary:
        rest = [c for c in nb.cells if c not in summary]
        at = next((i + 1 for i, c in enumerate(rest) if "setup" in c.get("metadata", {}).get("tags", [])), 0)
        nb.cells = rest[:at] + summary + rest[at:]
    exporter = HTMLExporter(
        template_name="faibric_report",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags={"parameters", "injected-parameters"}, enabled=True), enabled=True
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": nb.metadata.get("title", target.stem)}})
    # the figures load plotly.js from a file beside the report, not inline: the HTML stays small
    from .figures import write_plotlyjs

    write_plotlyjs(target.parent)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    tmp.write_text(body, encoding="utf-8")
    os.replace(tmp, target)
    return target


def _recipients(to) -> list[str]:
    if to:
        return [to] if isinstance(to, str) else list(to)
    raw = config.get("FAIBRIC_REPORT_EMAIL_TO")
    if not raw:
        raise ConfigError(
            "no one to send the report to: set FAIBRIC_REPORT_EMAIL_TO (comma-separated addresses) or pass --to"
        )
    return [a.strip() for a in raw.split(",") if a.strip()]


def _email(run: ReportRun, report: dict, recipients: list[str]) -> dict:
    """Send the summary and the KPIs; the full report stays on disk (plotly.js makes it megabytes)."""
    import html as html_lib

    from ..email import send_email
    from .summary import fmt_count, fmt_usd

    scope = f"tenant {run.tenant_id}" if run.tenant_id != ALL_TENANTS else "all tenants"
    subject = f"Faibric daily report {run.report_date.isoformat()} ({scope})"
    lines, rows = [], []
    for k in report.get("kpis", []):
        fmt = fmt_usd if k["unit"] == "usd" else fmt_count
        lines.append(f"  {k['label']:<22} {fmt(k['value']):>12}   previous day {fmt(k['previous'])}")
        rows.append(f"<tr><td>{html_lib.escape(k['label'])}</td><td>{fmt(k['value'])}</td>"
                    f"<td>{fmt(k['previous'])}</td></tr>")
    text = f"{run.summary}\n\n" + "\n".join(lines) + f"\n\nFull report: {run.html_path}\n"
    body = (
        f"<p>{html_lib.escape(run.summary or '')}</p>"
        + ("<table><tr><th>KPI</th><th>on the day</th><th>previous day</th></tr>" + "".join(rows) + "</table>"
           if rows else "")
        + f"<p>Full report: {html_lib.escape(run.html_path or '')}</p>"
    )
    tenant = run.tenant_id if run.tenant_id != ALL_TENANTS else "default"
    result = send_email(recipients, subject, text, body, tenant_id=tenant, kind="report")
    return {"ok": result.ok, "to": result.to, "backend": result.backend, "receipt": result.receipt,
            "error": result.error, "queued_id": result.queued_id}


def alerts_fired_line(fired, report_day, today) -> str:
    """What the CLI says about alerts the run fired, in the same terms as the report's alerts sentence.

    Alerts are dated when they fire (now) and a report lists the alerts of its
    own day, so alerts fired while reporting on an earlier day are not in this
    report: the line says so, and which report does list them.
    """
    examples = "; ".join(a.message for a in fired[:3])
    if report_day == today:
        return f"{len(fired)} new alert(s) fired now; this report lists them: {examples}"
    return (f"{len(fired)} new alert(s) fired now, dated {today:%Y-%m-%d}: the {today:%Y-%m-%d} report lists them, "
            f"this one for {report_day:%Y-%m-%d} does not: {examples}")


def _daily_upkeep(day, say) -> dict:
    """The once-a-day jobs the report reads: today's health snapshot, live reach in library quality, the alerts.

    Both are idempotent (snapshots are keyed by day, an alert fires once per
    period), so reruns and catch-up runs are safe. A failure is noted in the
    run's details; it never stops the report.
    """
    from datetime import timedelta

    from ..analytics import snapshot_health
    from ..analytics.alerts import run_alerts
    from ..library.live import refresh_live_quality

    as_of = min(datetime.combine(day + timedelta(days=1), datetime.min.time()), _now())
    done: dict = {"as_of": as_of.isoformat()}
    try:
        done["health_snapshots"] = snapshot_health(as_of)
    except Exception as exc:  # noqa: BLE001 - recorded, the report still runs
        done["health_error"] = f"{type(exc).__name__}: {exc}"
    try:
        done["library_items_rescored"] = refresh_live_quality(now=as_of)
    except Exception as exc:  # noqa: BLE001 - recorded, the report still runs
        done["library_error"] = f"{type(exc).__name__}: {exc}"
    try:
        fired = run_alerts(_now())
        done["alerts_fired"] = len(fired)
        if fired:
            say(alerts_fired_line(fired, day, _now().date()))
    except Exception as exc:  # noqa: BLE001 - recorded, the report still runs
        done["alerts_error"] = f"{type(exc).__name__}: {exc}"
    return done


def run_daily_report(  # noqa: PLR0913 - the report run's options, keyword-only
    report_date=None,
    tenant: str | None = None,
    *,
    email: bool = False,
    to=None,
    trigger: str = "cli",
    kernel_name: str = "python3",
    cell_timeout: float | None = 600,
    parameters: dict | None = None,
    progress=None,
) -> ReportRun:
    """Run the report notebook for one day and tenant; record, keep and optionally email the result.

    ``parameters`` adds to or overrides the notebook's parameters (tests use
    it to inject a bad one). Raises :class:`ReportError` naming the failing
    cell; the failed run is recorded first.
    """
    say = progress or (lambda _msg: None)
    day = parse_report_date(report_date)
    key = tenant_key(tenant)
    recipients = _recipients(to) if email else []
    source = notebook_source()
    folder = report_dir(day, key)
    with _day_lock(folder):
        started = _now()
        clock = time.perf_counter()
        run = ReportRun(report_date=day, tenant_id=key, status="running", started_at=started, trigger=trigger)
        _record(run)
        partial = folder / f".daily_report.partial-{os.getpid()}.ipynb"
        params = {"report_date": day.isoformat(), "tenant": None if key == ALL_TENANTS else key,
                  "output_dir": str(folder), **(parameters or {})}
        upkeep = _daily_upkeep(day, say)
        say(f"running {source.name} for {day} ({'all tenants' if key == ALL_TENANTS else 'tenant ' + key})")
        try:
            _execute(source, partial, params, kernel_name, cell_timeout)
        except Exception as exc:  # noqa: BLE001 - every failure becomes one recorded ReportError
            error = _fail(run, exc, partial, folder, clock)
            partial.unlink(missing_ok=True)
            raise error from None
        notebook = folder / NOTEBOOK_NAME
        html = folder / HTML_NAME
        try:
            os.replace(partial, notebook)
            say("exporting HTML without code cells")
            export_html(notebook, html)
            report = json.loads((folder / REPORT_JSON).read_text(encoding="utf-8"))
        except Exception as exc:  # noqa: BLE001
            partial.unlink(missing_ok=True)
            raise _fail(run, exc, None, folder, clock, stage="export") from None
        (folder / FAILED_NAME).unlink(missing_ok=True)
        run.status = "ok"
        run.notebook_path, run.html_path, run.json_path = str(notebook), str(html), str(folder / REPORT_JSON)
        run.summary, run.summary_source = report.get("summary"), report.get("summary_source")
        run.details = {"kernel": kernel_name, "notes": report.get("notes", {}),
                       "python": sys.executable, "upkeep": upkeep}
        if recipients:
            say(f"emailing {', '.join(recipients)}")
            run.details["email"] = _email(run, report, recipients)
        run.finished_at = _now()
        run.duration_s = round(time.perf_counter() - clock, 3)
        _record(run)
        say(f"report ready: {html} ({run.duration_s:.1f} s)")
        return run


def _fail(run: ReportRun, exc: Exception, partial: Path | None, folder: Path, clock: float,
          stage: str = "run") -> ReportError:
    """Record a failed run, keep the failed notebook, and build the error that names the cell."""
    import nbformat

    failed_nb = None
    failed_path = folder / FAILED_NAME
    if partial is not None and partial.exists():
        os.replace(partial, failed_path)
        with contextlib.suppress(Exception):
            failed_nb = nbformat.read(str(failed_path), as_version=4)
    # papermill puts an error banner cell on top of the saved notebook, so find the cell by its error output
    index = getattr(exc, "cell_index", None)
    at = _failed_cell_index(failed_nb) if failed_nb is not None else None
    if index is None:
        index = at
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:
        cause = f"{ename}: {evalue}"
    elif isinstance(exc, FaibricError):
        cause = exc.message
    else:
        cause = f"{type(exc).__name__}: {exc}"
    cause = cause.strip().splitlines()[0] if cause.strip() else type(exc).__name__
    if stage == "run" and (ename or index is not None):
        where = _cell_label(failed_nb, at, index)
        message = f"the daily report for {run.report_date} failed in {where}: {cause}"
    elif stage == "run":
        message = f"the daily report for {run.report_date} could not run: {cause}"
    else:
        message = f"the daily report for {run.report_date} ran but could not be exported: {cause}"
    if failed_nb is not None:
        message += f" (executed notebook kept at {failed_path})"
    run.status = "failed"
    run.error = message
    run.notebook_path = str(failed_path) if failed_nb is not None else None
    run.finished_at = _now()
    run.duration_s = round(time.perf_counter() - clock, 3)
    run.details = {"failed_cell": index, "cell": _cell_label(failed_nb, at, index) if failed_nb else None,
                   "exception": ename or type(exc).__name__, "stage": stage}
    _record(run)
    return ReportError(message, report_date=run.report_date.isoformat(), tenant_id=run.tenant_id,
                       failed_cell=index, notebook_path=run.notebook_path)
