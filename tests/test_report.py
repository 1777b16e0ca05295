"""The daily report: figures, the summary's citations, papermill runs, the HTML, the run record, nbval."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from faibric_kernel.errors import ReportError

REPO = Path(__file__).resolve().parents[1]
END = datetime(2026, 11, 20, 12)
DAY = date(2026, 11, 19)


def _seed(home: Path) -> None:
    from faibric_kernel.demo import seed_demo
    from faibric_kernel.store import close_writers

    seed_demo(sessions=300, days=21, seed=11, end=END)
    close_writers()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """One seed-demo workspace with the report run once for DAY (papermill runs are slow)."""
    from faibric_kernel.reports import run_daily_report

    home = tmp_path_factory.mktemp("report") / "home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FAIBRIC_HOME", str(home))
        # one workspace for the module, so its state stays in its own DuckDB file in every run
        for name in ("ANTHROPIC_API_KEY", "FAIBRIC_EMAIL_BACKEND", "FAIBRIC_MONTHLY_BUDGET_USD", "FAIBRIC_DATABASE_URL"):
            mp.delenv(name, raising=False)
        _seed(home)
        run = run_daily_report(DAY)
    return home, run


def _use(home: Path, monkeypatch) -> None:
    monkeypatch.setenv("FAIBRIC_HOME", str(home))
    monkeypatch.delenv("FAIBRIC_DATABASE_URL", raising=False)  # the module's workspace keeps its state itself


def _runs(day: date) -> list[tuple]:
    from faibric_kernel.store import read_connection

    with read_connection(include_spool=False) as con:
        return con.execute(
            "SELECT report_date, tenant_id, status, started_at FROM report_runs WHERE report_date = ?", [day]
        ).fetchall()


# -- figures -------------------------------------------------------------------------------------------


def test_kpis_compare_with_previous_day_and_seven_day_average():
    from faibric_kernel.reports.data import compute_kpis, start_report
    from faibric_kernel.store import record_event

    day = date(2026, 3, 10)
    counts = {day: 3, day - timedelta(days=1): 1}
    for k in range(2, 8):
        counts[day - timedelta(days=k)] = 2
    for d, n in counts.items():
        for i in range(n):
            record_event("request_submitted", session_id=f"s-{d}-{i}", ts=datetime(d.year, d.month, d.day, 9, i))
    report = compute_kpis(start_report(day))
    row = report.kpis.set_index("metric").loc["requests"]
    assert (row["value"], row["previous"]) == (3, 1)
    assert row["avg_7d"] == pytest.approx((1 + 2 * 6) / 7)
    assert row["change_vs_previous_pct"] == pytest.approx(200.0)
    assert report.facts["requests_change_vs_avg_pct"] == round((3 - 13 / 7) / (13 / 7) * 100, 1)


def test_tenant_report_counts_only_that_tenant():
    from faibric_kernel.reports.data import compute_kpis, start_report
    from faibric_kernel.store import record_event

    day = date(2026, 3, 10)
    for i, tenant in enumerate(["acme", "acme", "globex"]):
        record_event("request_submitted", session_id=f"s{i}", tenant_id=tenant, ts=datetime(2026, 3, 10, 8, i))
    assert compute_kpis(start_report(day, "acme")).facts["requests"] == 2
    assert compute_kpis(start_report(day)).facts["requests"] == 3


def test_empty_workspace_gives_no_data_notes_and_a_plain_summary():
    from faibric_kernel.reports import build_report, write_offline_summary

    report = build_report(date(2026, 3, 10))
    assert "no events" in report.notes["kpis"]
    assert report.notes["alerts"].startswith("no alerts")
    assert write_offline_summary(report.facts).startswith("Nothing happened on 2026-03-10")


# -- the summary cites only computed figures -----------------------------------------------------------


def _numbers_not_in(text: str, facts: dict, kpis: list[dict]) -> list[str]:
    """Every number in ``text`` that is neither a computed fact nor a KPI table value (text facts removed)."""
    for value in sorted((v for v in facts.values() if isinstance(v, str)), key=len, reverse=True):
        text = text.replace(value, " ")
    figures = [abs(float(v)) for v in facts.values() if isinstance(v, (int, float)) and not isinstance(v, bool)]
    figures += [abs(float(k[c])) for k in kpis for c in ("value", "previous", "avg_7d") if k[c] is not None]
    bad = []
    for token in re.findall(r"\d[\d,]*(?:\.\d+)?", text):
        number = float(token.replace(",", ""))
        places = len(token.partition(".")[2])
        if not any(round(f, places) == pytest.approx(number, abs=10 ** -places / 2) for f in figures):
            bad.append(token)
    return bad


def test_every_number_in_the_summary_is_a_figure_the_report_computed(seeded, monkeypatch):
    home, run = seeded
    report = json.loads(Path(run.json_path).read_text())
    assert report["summary"] == run.summary
    numbers = re.findall(r"\d[\d,]*(?:\.\d+)?", run.summary)
    assert len(numbers) > 10
    assert _numbers_not_in(run.summary, report["facts"], report["kpis"]) == []


def test_summary_check_catches_an_invented_number():
    from faibric_kernel.reports.summary import uncited_numbers

    facts = {"report_date": "2026-11-19", "requests": 12, "cost_usd": 3.07}
    assert uncited_numbers("On 2026-11-19 there were 12 requests costing $3.07.", facts) == []
    assert uncited_numbers("On 2026-11-19 there were 13 requests costing $3.07.", facts) == ["13"]


class ScriptedProvider:
    """A provider that answers with a fixed text (the test fake for the model writer)."""

    name = "scripted"
    needs_key = False
    key_env_var = None

    def __init__(self, text: str):
        self.text = text
        self.requests = []

    def model_for(self, purpose, *, tier=None):
        return "scripted-cheap"

    def complete(self, request, on_text=None, cancel=None):
        from faibric_kernel.providers.base import Completion
        from faibric_kernel.providers.pricing import Usage

        self.requests.append(request)
        return Completion(text=self.text, stop_reason="end_turn", usage=Usage(), model="scripted-cheap",
                          provider=self.name, purpose=request.purpose, cost_usd=0.0, price_version=None,
                          latency_ms=1.0, call_id="c1")


def test_model_summary_is_kept_when_it_cites_only_figures():
    from faibric_kernel.reports.summary import choose_summary

    facts = {"report_date": "2026-11-19", "requests": 12, "requests_change_vs_previous_pct": -7.7}
    provider = ScriptedProvider("Requests fell 7.7% to 12 on 2026-11-19.")
    text, source = choose_summary(facts, provider=provider)
    assert (text, source) == ("Requests fell 7.7% to 12 on 2026-11-19.", "model:scripted")
    assert provider.requests[0].purpose == "report"
    assert provider.requests[0].model == "scripted-cheap"


def test_model_summary_with_an_invented_figure_falls_back_to_the_offline_writer():
    from faibric_kernel.reports.summary import choose_summary, write_offline_summary

    facts = {"report_date": "2026-11-19", "scope": "all tenants", "avg_days": 7, "requests": 12,
             "requests_previous": 13, "requests_change_vs_previous_pct": -7.7, "requests_change_vs_avg_pct": None,
             "deployed": 4, "deployed_previous": 4, "deployed_change_vs_previous_pct": 0.0,
             "deployed_change_vs_avg_pct": None, "active_customers": 9, "api_calls": 30}
    text, source = choose_summary(facts, provider=ScriptedProvider("Requests were 12, a third of 36."))
    assert text == write_offline_summary(facts)
    assert source.startswith("offline (scripted cited figures the report did not compute: 36")


# -- papermill, the HTML, the record --------------------------------------------------------------------


def test_papermill_report_keeps_notebook_and_html_with_the_figures(seeded, monkeypatch):
    home, run = seeded
    assert run.status == "ok"
    folder = home / "reports" / DAY.isoformat()
    assert Path(run.notebook_path) == folder / "daily_report.ipynb"
    assert Path(run.html_path) == folder / "daily_report.html"
    page = Path(run.html_path).read_text(encoding="utf-8")
    for figure in ("kpi-trend", "funnel", "cohorts", "health", "costs", "errors"):
        assert f'id="fig-{figure}"' in page, figure
    # the library once, from a file beside the report (no network needed), so the page stays small
    from faibric_kernel.reports.figures import plotly_js_name

    assert page.count(f'src="{plotly_js_name()}"') == 1 and "plotly.js v" not in page
    assert (folder / plotly_js_name()).stat().st_size > 1_000_000
    assert len(page.encode("utf-8")) <= 1_500_000
    assert "require.min.js" not in page
    assert "daily.kpis(report)" not in page  # no code cells
    assert page.index("Summary") < page.index("KPIs")  # the summary is moved to the top
    assert run.summary in page.replace("&#x27;", "'")


def test_run_is_recorded_with_date_status_duration_and_paths(seeded, monkeypatch):
    home, run = seeded
    _use(home, monkeypatch)
    from faibric_kernel.reports import list_runs

    [recorded] = [r for r in list_runs() if r.report_date == DAY]
    assert (recorded.status, recorded.tenant_id) == ("ok", "*")
    assert recorded.duration_s > 0
    assert recorded.html_path == run.html_path and recorded.notebook_path == run.notebook_path
    assert recorded.summary == run.summary


def test_the_daily_run_keeps_that_day_s_health_snapshot(seeded, monkeypatch):
    home, run = seeded
    _use(home, monkeypatch)
    from faibric_kernel.store import read_connection

    with read_connection(include_spool=False) as con:
        days = [r[0] for r in con.execute("SELECT DISTINCT day FROM health_snapshots").fetchall()]
    assert run.details["upkeep"]["health_snapshots"] > 0
    assert len(days) == 1


def test_rerun_for_the_same_date_replaces_the_record_and_emails_it(seeded, monkeypatch):
    home, first = seeded
    _use(home, monkeypatch)
    from faibric_kernel.cli import main

    result = CliRunner().invoke(main, ["report", "daily", "--date", DAY.isoformat(), "--to", "ops@example.com",
                                       "--json"])
    assert result.exit_code == 0, result.output
    second = json.loads(result.stdout)
    assert second["status"] == "ok" and second["details"]["email"]["ok"] is True
    rows = _runs(DAY)
    assert len(rows) == 1
    assert rows[0][3] > first.started_at
    [mail] = (home / "outbox").glob("*.eml")
    text = mail.read_text()
    assert f"Faibric daily report {DAY.isoformat()}" in text and "ops@example.com" in text


@pytest.mark.browser
def test_exported_html_draws_the_figures_in_chromium(seeded):
    import shutil

    if not shutil.which("chromium"):
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    home, run = seeded
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(Path(run.html_path).as_uri())
            page.wait_for_selector("#fig-costs .main-svg", timeout=15000)
            drawn = page.eval_on_selector_all(".plotly-graph-div", "els => els.filter(e => e.querySelector('svg')).length")
        finally:
            browser.close()
    assert drawn == 6 and errors == []


def test_failing_cell_raises_report_error_naming_the_cell_and_records_the_failure(monkeypatch):
    from faibric_kernel.reports import list_runs, run_daily_report

    with pytest.raises(ReportError) as caught:
        run_daily_report(DAY, parameters={"report_date": "the day before"})
    message = caught.value.message
    assert message.startswith(f"the daily report for {DAY} failed in cell 3 [setup] "
                              "`from faibric_kernel.reports import notebook as daily`: "
                              "InvalidInputError: report_date must be a date like 2026-11-25, not 'the day before'")
    [run] = list_runs()
    assert run.status == "failed" and run.error == message
    assert run.notebook_path.endswith("daily_report.failed.ipynb") and Path(run.notebook_path).exists()
    assert run.details["cell"].startswith(f"cell {caught.value.details['failed_cell']} [setup]")


def test_cli_failure_is_one_line_on_stderr(monkeypatch):
    from faibric_kernel.cli import main

    result = CliRunner().invoke(main, ["report", "daily", "--date", "2026-13-45"])
    assert result.exit_code != 0
    assert result.stderr.strip().splitlines() == [
        "error: --date must be a day like 2026-11-25 (or today, yesterday), not '2026-13-45'"
    ]


def test_email_without_recipients_says_what_to_set():
    from faibric_kernel.errors import ConfigError
    from faibric_kernel.reports import run_daily_report

    with pytest.raises(ConfigError, match="FAIBRIC_REPORT_EMAIL_TO"):
        run_daily_report(DAY, email=True)


# -- nbval ------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_nbval_executes_the_report_notebook_on_an_empty_workspace(workspace):
    env = {**os.environ, "FAIBRIC_HOME": str(workspace)}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-q",
         str(REPO / "notebooks" / "daily_report.ipynb")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert re.search(r"\b1[0-9] passed\b", proc.stdout), proc.stdout[-500:]


def test_budget_and_forecast_reach_the_summary_with_cited_figures_only(seeded, monkeypatch):
    from faibric_kernel.reports import build_report, write_offline_summary

    home, _ = seeded
    _use(home, monkeypatch)
    monkeypatch.setenv("FAIBRIC_MONTHLY_BUDGET_USD", "5")
    report = build_report(DAY)
    assert report.forecast["budget_usd"] == 5.0 and report.forecast["over_budget"] is True
    text = write_offline_summary(report.facts)
    assert "already over the budget of $5.00" in text and f"so far in {DAY:%Y-%m}" in text
    assert _numbers_not_in(text, report.facts, report.to_dict()["kpis"]) == []


def test_anthropic_cheap_model_writes_the_summary_and_the_call_is_recorded():
    from fakes.anthropic_fake import FakeMessagesAPI

    from faibric_kernel.providers.anthropic import AnthropicProvider
    from faibric_kernel.reports.summary import choose_summary
    from faibric_kernel.store import read_connection

    def writer(body):
        facts = json.loads(body["messages"][0]["content"].split("Facts:\n", 1)[1])
        return f"On {facts['report_date']}, {facts['requests']} new requests came in, up {facts['up_pct']}%."

    api = FakeMessagesAPI(responder=writer)
    provider = AnthropicProvider(client=api.client(), sleep=lambda s: None)
    facts = {"report_date": "2026-11-19", "requests": 12, "up_pct": 9.1}
    text, source = choose_summary(facts, provider=provider, tenant_id="acme")
    assert (text, source) == ("On 2026-11-19, 12 new requests came in, up 9.1%.", "model:anthropic")
    assert api.requests[0].body["model"] == "claude-haiku-4-5"
    with read_connection() as con:
        rows = con.execute("SELECT purpose, model, tenant_id, status FROM api_calls").fetchall()
    assert rows == [("report", "claude-haiku-4-5", "acme", "ok")]


def test_a_future_date_is_refused_with_one_line():
    from faibric_kernel.cli import main

    result = CliRunner().invoke(main, ["report", "daily", "--date", "2099-01-01"])
    assert result.exit_code != 0
    assert result.stderr.strip().splitlines() == [
        "error: --date 2099-01-01 is in the future; a report covers a day that has begun (UTC)"
    ]


def test_the_cli_line_about_fired_alerts_agrees_with_the_report_s_sentence():
    from datetime import date as day_type
    from types import SimpleNamespace

    from faibric_kernel.reports.runner import alerts_fired_line

    fired = [SimpleNamespace(message="acme turned red")] * 15
    past = alerts_fired_line(fired, day_type(2026, 12, 4), day_type(2026, 12, 5))
    assert past.startswith("15 new alert(s) fired now, dated 2026-12-05")
    assert "this one for 2026-12-04 does not" in past
    assert "this report lists them" in alerts_fired_line(fired, day_type(2026, 12, 5), day_type(2026, 12, 5))


def test_the_report_kernel_runs_without_the_plain_tcp_warning(capfd):
    from faibric_kernel.reports import run_daily_report

    run = run_daily_report(DAY)
    assert run.status == "ok"
    captured = capfd.readouterr()
    assert "without encryption" not in captured.err + captured.out
