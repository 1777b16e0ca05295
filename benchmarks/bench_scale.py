"""Faibric beyond one machine: lake ingest from one and two hosts, and the funnel read from the lake.

Starts a throwaway PostgreSQL (Debian's, as the tests do: tests/pg.py) for the
lake's catalog, with the lake's Parquet files in a temporary folder, and prints:

* ingest rows/s of the spooled events of one host into the single-file DuckDB
  store (the default), into the lake from one host, and into the lake from two
  hosts (two workspaces, two processes) at once;
* the funnel (``faibric_kernel.analytics.funnel``) over N events read from the
  lake against the same events in a DuckDB file;
* builds per minute with 1 and 2 workers: not measured, the task-queue workers
  are not built yet.

    python benchmarks/bench_scale.py [--ingest-events 500000] [--events 2000000] [--runs 3]
    python benchmarks/bench_scale.py --events 10000000     # the issue's 10 million

Figures are printed, never asserted. Run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from datetime import datetime
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import pg  # noqa: E402

from faibric_kernel.analytics import funnel  # noqa: E402
from faibric_kernel.demo import build_history  # noqa: E402
from faibric_kernel.store import close_writers, migrations  # noqa: E402
from faibric_kernel.store.importer import spool_relation  # noqa: E402
from faibric_kernel.store.schema import select_sql  # noqa: E402

END = datetime(2026, 11, 20, 12, 0, 0)
NOW = END
EVENTS_PER_SESSION = 7.97  # what the seed-demo generator produces on average

# one ingest in its own process, started at a given time so that two hosts start together
INGEST = textwrap.dedent(
    """
    import json, sys, time
    from faibric_kernel.store import ingest
    while time.time() < float(sys.argv[1]):
        time.sleep(0.001)
    started = time.time()
    report = ingest(timeout=600)
    print(json.dumps({"started": started, "ended": time.time(), "added": report.added["events"],
                      "duplicates": report.duplicates["events"]}))
    """
)


def history(con, events: int, seed: int) -> dict:
    """The seed-demo generator's history (spool-shaped temp tables demo_events, demo_api_calls, demo_sessions)."""
    return build_history(con, sessions=max(1, int(events / EVENTS_PER_SESSION)), days=365, seed=seed, end=END)


def spool_history(home: Path, events: int, seed: int) -> int:
    """Append a generated history's events to the spool of the workspace ``home``; returns how many."""
    os.environ["FAIBRIC_HOME"] = str(home)
    scratch = duckdb.connect()
    try:
        scratch.execute("SET enable_progress_bar = false")
        history(scratch, events, seed)
        n = spool_relation(scratch, "SELECT * FROM demo_events", "events")
    finally:
        scratch.close()
        close_writers()  # sealed: ingest loads and archives them
    return n


def timed_ingests(env_per_host: list[dict]) -> tuple[int, float]:
    """Ingest on each host at once (one process each); returns rows added and wall seconds."""
    start_at = time.time() + 3  # after every interpreter has started
    procs = [subprocess.Popen([sys.executable, "-c", INGEST, str(start_at)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for env in env_per_host]
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=3600)
        if proc.returncode:
            raise SystemExit(f"ingest failed: {err.strip().splitlines()[-1] if err.strip() else proc.returncode}")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    wall = max(r["ended"] for r in reports) - min(r["started"] for r in reports)
    return sum(r["added"] for r in reports), wall


def line(label: str, rows: int, seconds: float) -> None:
    print(f"  {label:<52} {rows:>12,} rows in {seconds:7.2f} s = {rows / seconds:>12,.0f} rows/s", flush=True)


def bench_ingest(tmp: Path, lake_env: dict, rows: int) -> None:
    print(f"\ningest of {rows:,} spooled events per host (duckdb {duckdb.__version__}, load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)", flush=True)
    plain = {k: v for k, v in os.environ.items() if k not in ("FAIBRIC_LAKE", "FAIBRIC_LAKE_DATA")}
    single = tmp / "single-file"
    spool_history(single, rows, seed=1)
    added, wall = timed_ingests([{**plain, "FAIBRIC_HOME": str(single)}])
    line("single-file DuckDB store (FAIBRIC_LAKE unset)", added, wall)

    one = tmp / "lake-host-1"
    spool_history(one, rows, seed=2)
    added, wall = timed_ingests([{**plain, **lake_env, "FAIBRIC_HOME": str(one)}])
    line("lake, 1 host", added, wall)

    homes = [tmp / "lake-host-2a", tmp / "lake-host-2b"]
    for k, home in enumerate(homes):
        spool_history(home, rows, seed=3 + k)
    added, wall = timed_ingests([{**plain, **lake_env, "FAIBRIC_HOME": str(home)} for home in homes])
    line("lake, 2 hosts at once (both hosts' rows)", added, wall)


def best(fn, runs: int):
    timings, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        timings.append(time.perf_counter() - started)
    return min(timings), result


def bench_funnel(tmp: Path, lake_env: dict, events: int, runs: int) -> None:
    from faibric_kernel.store import lake

    print(f"\nfunnel over {events:,} generated events (best of {runs})", flush=True)
    path = tmp / "funnel.duckdb"
    con = duckdb.connect(str(path))
    con.execute("SET TimeZone='UTC'")
    con.execute("SET enable_progress_bar = false")
    started = time.perf_counter()
    migrations.apply(con)
    counts = history(con, events, seed=7)
    con.execute(f"INSERT INTO events {select_sql('events', 'demo_events')}")
    con.execute("CHECKPOINT")
    print(f"  generated and stored {counts['events']:,} events in the DuckDB file in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    os.environ.update(lake_env)
    lake.attach(con, lake.settings())
    # straight into the lake in one commit (ingest's speed is measured above)
    con.execute(f"INSERT INTO {lake.ALIAS}.events SELECT * FROM main.events")
    print(f"  copied them into the lake in {time.perf_counter() - started:.1f} s", flush=True)
    con.close()

    con = duckdb.connect(str(path), read_only=True)
    con.execute("SET TimeZone='UTC'")
    con.execute("SET enable_progress_bar = false")
    t_file, f_file = best(lambda: funnel(con, now=NOW), runs)
    con.close()

    started = time.perf_counter()
    reader = duckdb.connect(str(path), read_only=True)
    reader.execute("SET TimeZone='UTC'")
    reader.execute("SET enable_progress_bar = false")
    lake.attach(reader, lake.settings(), read_only=True)
    reader.execute(f"CREATE OR REPLACE TEMP VIEW events AS SELECT * FROM {lake.ALIAS}.main.events")
    t_attach = time.perf_counter() - started
    t_lake, f_lake = best(lambda: funnel(reader, now=NOW), runs)
    reader.close()
    same = list(f_file.steps["count"]) == list(f_lake.steps["count"])
    print(f"  funnel, DuckDB file:                {t_file:7.2f} s")
    print(f"  funnel, lake (PostgreSQL + Parquet): {t_lake:7.2f} s   ({t_lake / t_file:.1f}x the file; "
          f"attaching the lake {t_attach:.2f} s; same counts: {same})", flush=True)


def new_lake(server, tmp: Path, name: str) -> dict:
    """A new, initialised lake (its own catalog database and data folder); returns its settings."""
    from faibric_kernel.store.lake import init_lake

    lake_env = {"FAIBRIC_LAKE": "postgres:" + server.create_database(f"lake_{name}_{uuid.uuid4().hex[:8]}"),
                "FAIBRIC_LAKE_DATA": str(tmp / f"lake-data-{name}")}
    os.environ.update(lake_env)
    os.environ["FAIBRIC_HOME"] = str(tmp / f"init-{name}")
    try:
        init_lake()
    finally:
        for variable in lake_env:
            os.environ.pop(variable)
    return lake_env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ingest-events", type=int, default=500_000, help="spooled events per host to ingest")
    parser.add_argument("--events", type=int, default=2_000_000, help="events the funnel reads (10000000: the issue's)")
    parser.add_argument("--runs", type=int, default=3, help="timed funnel runs (the best is printed)")
    args = parser.parse_args()

    print("builds per minute: not measured (workers not built)")
    reason = pg.unavailable_reason()
    if reason:
        raise SystemExit(f"cannot run the lake benchmark: {reason}")
    server = pg.start()
    try:
        with tempfile.TemporaryDirectory(prefix="faibric-bench-scale-") as tmp_name:
            tmp = Path(tmp_name)
            bench_ingest(tmp, new_lake(server, tmp, "ingest"), args.ingest_events)
            bench_funnel(tmp, new_lake(server, tmp, "funnel"), args.events, args.runs)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
