"""Daily report speed with a million events: the figures alone, and the whole papermill run.

Run: python benchmarks/bench_report.py [--events 1000000] [--days 90]
Target on a 2-core machine: the whole report (papermill, HTML export, record) <= 30 s.

The history comes from the demo generator (realistic funnel, cohorts, costs),
loaded straight into a fresh workspace's database, so the figure measures the
report and not the ingest.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

EVENTS_PER_SESSION = 7.7  # what the demo generator produces on average


def fill(events: int, days: int, end: datetime) -> dict:
    """A workspace database holding about ``events`` demo events (and their API calls and sessions)."""
    from faibric_kernel.demo import build_history
    from faibric_kernel.store import write_connection

    sessions = max(1, int(events / EVENTS_PER_SESSION))
    with write_connection() as con:
        counts = build_history(con, sessions=sessions, days=days, seed=1, end=end)
        con.execute(
            "INSERT INTO events SELECT CAST(event_id AS UUID), make_timestamp(ts), tenant_id, session_id, actor, "
            "event_type, CAST(properties AS JSON) FROM demo_events"
        )
        con.execute(
            "INSERT INTO api_calls SELECT CAST(call_id AS UUID), make_timestamp(ts), tenant_id, session_id, provider, "
            "model, purpose, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, "
            "cost_usd, price_version, latency_ms, status, error_type, CAST(properties AS JSON) FROM demo_api_calls"
        )
        con.execute("INSERT OR REPLACE INTO sessions SELECT * FROM demo_sessions")
        con.execute("CHECKPOINT")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--home", default=None, help="workspace to fill (default: a temporary folder)")
    args = parser.parse_args()

    scratch = tempfile.TemporaryDirectory(prefix="bench-report-")
    home = Path(args.home or scratch.name) / "home"
    os.environ["FAIBRIC_HOME"] = str(home)
    for name in ("ANTHROPIC_API_KEY", "FAIBRIC_MONTHLY_BUDGET_USD"):
        os.environ.pop(name, None)

    from faibric_kernel.reports import build_report, run_daily_report

    end = datetime.now(UTC).replace(tzinfo=None, minute=0, second=0, microsecond=0)
    started = time.perf_counter()
    counts = fill(args.events, args.days, end)
    print(f"history: {counts['events']:,} events, {counts['api_calls']:,} API calls, {counts['sessions']:,} sessions "
          f"over {args.days} days (loaded in {time.perf_counter() - started:.1f} s)")

    day = (end - timedelta(days=1)).date()
    started = time.perf_counter()
    report = build_report(day)
    figures_s = time.perf_counter() - started
    print(f"figures only (build_report): {figures_s:.1f} s "
          f"({report.facts.get('requests')} requests, {report.facts.get('funnel_entered')} in the funnel)")

    started = time.perf_counter()
    run = run_daily_report(day, progress=lambda m: print("  " + m, file=sys.stderr))
    total_s = time.perf_counter() - started
    html_mb = Path(run.html_path).stat().st_size / 1e6
    print(f"whole report (papermill + HTML + record): {total_s:.1f} s (target <= 30 s) -> "
          f"{'OK' if total_s <= 30 else 'SLOWER THAN TARGET'}; HTML {html_mb:.1f} MB")
    scratch.cleanup()


if __name__ == "__main__":
    main()
