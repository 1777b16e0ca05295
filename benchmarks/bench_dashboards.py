"""Time to first chart per dashboard, in a real browser, with 1 million events in the store.

Run: python benchmarks/bench_dashboards.py [--events 1000000] [--pool-size 3] [--cold]

A temporary workspace gets a synthetic history (the demo generator, loaded into
DuckDB through Arrow), ``faibric dashboards`` serves it with Voila, and Debian's
chromium (driven by Playwright) opens each dashboard with the analyst token in a
fresh browser context (empty cache). The time runs from navigation to the first
plotly chart drawn on the page. Target: <= 5 s per dashboard.

Every dashboard is then browsed a second time, and the server's memory is
read from /proc: the resident set (RSS) of the Voila process and all its
kernels, summed, and their proportional set (PSS, shared pages divided among
the processes that share them). Target: RSS <= 1.5 GB after two passes, with
pre-heating kept.

By default kernels are pre-heated (one pool of three shared by all the
dashboards, each kernel having loaded the package and built the entry
dashboard before its viewer arrives); the next dashboard is measured once the
pool is full again, so that refilling does not compete with the page being
measured. ``--cold`` also
measures with pre-heating off (``--pool-size 0``): a kernel is started, the
package imported and the store queried after the viewer asks, all inside the
measured time.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
STAKEHOLDER_TOKEN = "bench-stakeholder-" + "s" * 16
ANALYST_TOKEN = "bench-analyst-" + "a" * 16
EVENTS_PER_SESSION = 7.9  # what the demo generator produces on average
TARGET_S = 5.0
TARGET_RSS_BYTES = 1.5e9
_READY = re.compile(r"faibric dashboards: (\w+) kernel ready")
SERVER_MEMORY: dict[int, dict] = {}


def fill_store(events: int, seed: int = 42) -> dict:
    """Generate about ``events`` events into the workspace's database, directly through Arrow."""
    from faibric_kernel.demo import build_history
    from faibric_kernel.store import write_connection
    from faibric_kernel.store.schema import select_sql

    sessions = math.ceil(events / EVENTS_PER_SESSION)
    end = datetime.now(UTC).replace(tzinfo=None, minute=0, second=0, microsecond=0)
    started = time.perf_counter()
    with write_connection() as con:
        counts = build_history(con, sessions=sessions, days=180, seed=seed, end=end)
        con.execute(f"INSERT INTO events {select_sql('events', 'demo_events')}")
        con.execute(f"INSERT INTO api_calls {select_sql('api_calls', 'demo_api_calls')}")
        con.execute("INSERT INTO sessions SELECT * FROM demo_sessions")
        con.execute("INSERT OR IGNORE INTO tenants (tenant_id, name) SELECT DISTINCT tenant_id, tenant_id "
                    "FROM demo_sessions")
        con.execute("INSERT OR IGNORE INTO users (tenant_id, email, created_at) SELECT tenant_id, email, "
                    "min(created_at) FROM demo_sessions WHERE email IS NOT NULL GROUP BY ALL")
        con.execute("DROP TABLE demo_events; DROP TABLE demo_api_calls; DROP TABLE demo_sessions")
        con.execute("CHECKPOINT")
    counts["seconds"] = time.perf_counter() - started
    return counts


def in_process_build_times(names) -> dict[str, float]:
    """How long each dashboard's queries and figures take in a warm process (the kernel's share)."""
    from faibric_kernel.ui.dashboards import warm_up

    out = {}
    for name in names:
        warm_up(name)  # first build pays for imports and plotly's validators
        out[name] = warm_up(name)
    return out


def ready_count(text: str) -> int:
    """How many pooled kernels have reported ready so far (the pool is shared by all dashboards)."""
    return len(_READY.findall(text))


def measure(server, names, *, preheated: bool) -> list[tuple[str, float, int, str]]:
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name in names:
                if preheated:
                    before = ready_count(server.log_text())
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                # only what is not on loopback is intercepted (and refused): intercepting loopback too would drop
                # the beacon a page sends as it closes, which frees its kernel
                context.route(re.compile(r"^(?!(?:http|ws)://127\.0\.0\.1[:/]|data:|blob:)"),
                              lambda route: route.abort())
                page = context.new_page()
                started = time.perf_counter()
                page.goto(server.url(name, token=ANALYST_TOKEN), wait_until="commit")
                # a dashboard with no data for this store (Sites, without visitor traffic) says so instead
                page.wait_for_selector(".js-plotly-plot, .faibric-empty", timeout=180_000)
                seconds = time.perf_counter() - started
                charts = page.locator(".js-plotly-plot").count()
                status = page.locator(".faibric-status").first.inner_text(timeout=60_000) if page.locator(
                    ".faibric-status").count() else ""
                results.append((name, seconds, charts, status))
                what = "first chart" if charts else "its no-data notice"
                print(f"  {name:<12} {seconds:6.2f} s to {what}  ({charts} chart(s) now; kernel: {status.strip()})"
                      f"  {'OK' if seconds <= TARGET_S else 'OVER'}", flush=True)
                page.close(run_before_unload=True)  # the viewer leaves, as a person closing the tab does
                # closing with beforeunload does not wait: give the page its unload (and shutdown beacon) first
                deadline = time.monotonic() + 10
                while not page.is_closed() and time.monotonic() < deadline:
                    time.sleep(0.05)
                context.close()
                if preheated:
                    # let the pool refill before the next page, as a later viewer would find it
                    deadline = time.monotonic() + 180
                    while ready_count(server.log_text()) <= before and time.monotonic() < deadline:
                        time.sleep(0.25)
        finally:
            browser.close()
    return results


def _descendants(root: int) -> list[int]:
    """``root`` and every process below it (from /proc's parent ids)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _kb(path: Path, field: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def server_memory(root: int) -> dict:
    """Processes, summed RSS and PSS (bytes) of the server and its kernels."""
    pids = _descendants(root)
    rss = sum(_kb(Path(f"/proc/{pid}/status"), "VmRSS") for pid in pids) * 1024
    pss = sum(_kb(Path(f"/proc/{pid}/smaps_rollup"), "Pss") for pid in pids) * 1024
    return {"processes": len(pids), "kernels": len(pids) - 1, "rss": rss, "pss": pss}


def _print_memory(label: str, memory: dict) -> None:
    print(f"  server memory {label}: {memory['processes']} processes ({memory['kernels']} kernels), "
          f"RSS {memory['rss'] / 1e9:.2f} GB, PSS {memory['pss'] / 1e9:.2f} GB "
          f"(target RSS <= {TARGET_RSS_BYTES / 1e9:g} GB: {'OK' if memory['rss'] <= TARGET_RSS_BYTES else 'OVER'})",
          flush=True)


def serve_and_measure(home: Path, pool_size: int, names) -> list[tuple[str, float, int, str]]:
    from faibric_kernel.dashboards.server import DashboardServer, free_port, resolve_settings

    settings = resolve_settings(port=free_port(), token=STAKEHOLDER_TOKEN, analyst_token=ANALYST_TOKEN,
                                pool_size=pool_size)
    server = DashboardServer(settings, log_path=home / "logs" / f"bench-voila-{pool_size}.log")
    started = time.perf_counter()
    server.start()
    try:
        server.wait_ready(timeout=600, pools=pool_size > 0)
        print(f"Voila ready in {time.perf_counter() - started:.1f} s "
              f"({'pre-heated pool of ' + str(pool_size) if pool_size else 'no pre-heated kernels'})", flush=True)
        _print_memory("when ready", server_memory(server.process.pid))
        results = measure(server, names, preheated=pool_size > 0)
        _print_memory("after one pass", server_memory(server.process.pid))
        print("  second pass:", flush=True)
        measure(server, names, preheated=pool_size > 0)
        # every page was closed: wait until their kernels are gone (beacons are near instant; a kernel whose
        # beacon was lost is culled after a minute idle), then read the memory the server keeps
        waited = time.perf_counter()
        deadline = time.monotonic() + 90
        while server_memory(server.process.pid)["kernels"] > pool_size and time.monotonic() < deadline:
            time.sleep(0.5)
        print(f"  kernels of closed pages gone after {time.perf_counter() - waited:.1f} s", flush=True)
        memory = server_memory(server.process.pid)
        _print_memory("after browsing every dashboard twice", memory)
        SERVER_MEMORY[pool_size] = memory
        return results
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--pool-size", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="also measure without pre-heated kernels")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 2

    from faibric_kernel.dashboards.notebooks import DASHBOARD_NAMES

    with tempfile.TemporaryDirectory(prefix="bench-dashboards-") as tmp:
        home = Path(tmp) / "home"
        os.environ["FAIBRIC_HOME"] = str(home)
        for name in ("FAIBRIC_DASHBOARD_TOKEN", "FAIBRIC_ANALYST_TOKEN"):
            os.environ.pop(name, None)
        counts = fill_store(args.events)
        print(f"store: {counts['events']:,} events, {counts['api_calls']:,} API calls, {counts['sessions']:,} "
              f"sessions, {counts['customers']:,} customers (loaded in {counts['seconds']:.1f} s)", flush=True)
        print("kernel-side build per dashboard (queries + figures, warm process):", flush=True)
        for name, seconds in in_process_build_times(DASHBOARD_NAMES).items():
            print(f"  {name:<12} {seconds:6.2f} s", flush=True)
        runs = [("pre-heated kernels", args.pool_size)] if args.pool_size > 0 else []
        if args.cold or args.pool_size == 0:
            runs.append(("no pre-heating (kernel start included)", 0))
        summary = []
        for label, pool in runs:
            print(f"time to first chart in chromium, {label}, target <= {TARGET_S:g} s:", flush=True)
            results = serve_and_measure(home, pool, DASHBOARD_NAMES)
            summary.append((label, results))
        print("summary:")
        for label, results in summary:
            worst = max(r[1] for r in results)
            over = [r[0] for r in results if r[1] > TARGET_S]
            print(f"  {label}: worst {worst:.2f} s; " + ("all within target" if not over else f"over: {', '.join(over)}"))
        for pool, memory in SERVER_MEMORY.items():
            print(f"  server RSS after two passes (pool {pool}): {memory['rss'] / 1e9:.2f} GB in {memory['kernels']} "
                  f"kernels + Voila (PSS {memory['pss'] / 1e9:.2f} GB); target <= {TARGET_RSS_BYTES / 1e9:g} GB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
