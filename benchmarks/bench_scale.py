"""Faibric beyond one machine: lake ingest from one and two hosts, and the funnel read from the lake.

Starts a throwaway PostgreSQL (Debian's, as the tests do: tests/pg.py) for the
lake's catalog, with the lake's Parquet files in a temporary folder, and prints:

* ingest rows/s of the spooled events of one host into the single-file DuckDB
  store (the default), into the lake from one host, and into the lake from two
  hosts (two workspaces, two processes) at once;
* the funnel (``faibric_kernel.analytics.funnel``) over N events read from the
  lake against the same events in a DuckDB file;
* builds per minute with 1 and 2 ``faibric worker`` processes (offline provider,
  local deploys), each worker a workspace of its own on the same PostgreSQL, the
  builds queued by this process as an API host does.

    python benchmarks/bench_scale.py [--builds 30] [--ingest-events 500000] [--events 2000000] [--runs 3]
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


def _queue_builds(count: int) -> tuple[list[str], float]:
    """``count`` verified sessions, each with a build queued (as the API's trigger-build does)."""
    from faibric_kernel.build.queue import QueueRunner
    from faibric_kernel.sessions import create_session, transition

    runner, ids = QueueRunner(), []
    prompts = ["a bakery in Porto", "a yoga studio in Lisbon", "a law firm in Madrid", "a bike shop in Lyon",
               "a dentist in Berlin", "a photographer in Rome"]
    sessions = []
    for n in range(count):
        session = create_session(f"{prompts[n % len(prompts)]} number {n}", email=f"bench{n}@example.com")
        transition(session.session_id, "email_provided")
        transition(session.session_id, "verified", properties={"method": "magic_link"})
        sessions.append(session)
    started = time.perf_counter()
    for session in sessions:
        runner.start_build(session.session_id)
        ids.append(session.session_id)
    return ids, started


def bench_builds(server, tmp: Path, builds: int) -> None:
    """Builds per minute with 1 and 2 workers: from the first build queued to the last one settled."""
    import psycopg

    from faibric_kernel.store import state

    print(f"builds through the queue (offline provider, local deploys, {builds} builds):", flush=True)
    results = {}
    for workers in (1, 2):
        name = f"builds_{workers}_{uuid.uuid4().hex[:8]}"
        server.create_database(name)
        url = f"postgresql://{server.user}@127.0.0.1:{server.port}/{name}"
        base = {**os.environ, "FAIBRIC_DATABASE_URL": url, "FAIBRIC_SITES_SERVER": "thread", "FAIBRIC_SITES_PORT": "0",
                "FAIBRIC_INGEST_INTERVAL_SECONDS": "0"}
        base.pop("ANTHROPIC_API_KEY", None)
        os.environ.update({"FAIBRIC_DATABASE_URL": url, "FAIBRIC_HOME": str(tmp / f"api-{name}")})
        procs = []
        try:
            for n in range(workers):
                procs.append(subprocess.Popen(
                    [sys.executable, "-c", "from faibric_kernel.cli import main; main()", "worker"],
                    env={**base, "FAIBRIC_HOME": str(tmp / f"worker-{name}-{n}")},
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            time.sleep(3)  # the workers start and warm up (imports) before the clock runs
            ids, started = _queue_builds(builds)
            with psycopg.connect(url, autocommit=True) as con:
                while True:
                    settled = con.execute("SELECT count(*) FILTER (WHERE status IN ('deployed', 'ready', 'error')), "
                                          "count(*) FILTER (WHERE status = 'error') FROM sessions").fetchone()
                    if settled[0] >= len(ids):
                        break
                    time.sleep(0.05)
            elapsed = time.perf_counter() - started
            results[workers] = builds / elapsed * 60
            print(f"  {workers} worker(s): {results[workers]:6.1f} builds/min   ({builds} in {elapsed:.1f} s, "
                  f"{settled[1]} failed)", flush=True)
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(60)
            state.close_pools()
            os.environ.pop("FAIBRIC_DATABASE_URL", None)
    print(f"  2 workers / 1 worker: {results[2] / results[1]:.2f}x (this machine has {os.cpu_count()} cores)",
          flush=True)


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
    parser.add_argument("--builds", type=int, default=30, help="builds queued per worker count (0: skip)")
    args = parser.parse_args()

    reason = pg.unavailable_reason()
    if reason:
        raise SystemExit(f"cannot run the lake benchmark: {reason}")
    server = pg.start()
    try:
        with tempfile.TemporaryDirectory(prefix="faibric-bench-scale-") as tmp_name:
            tmp = Path(tmp_name)
            if args.builds:
                bench_builds(server, tmp, args.builds)
            bench_ingest(tmp, new_lake(server, tmp, "ingest"), args.ingest_events)
            bench_funnel(tmp, new_lake(server, tmp, "funnel"), args.events, args.runs)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
