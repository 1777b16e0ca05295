"""The event lake: two workspaces as two hosts sharing one DuckLake catalog (PostgreSQL) and one data folder.

PostgreSQL is started by the ``postgres`` fixture (tests/conftest.py); each test gets a fresh lake.
Hosts run in-process (switching ``FAIBRIC_HOME``) or as subprocesses for real concurrency.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from faibric_kernel.errors import (
    ConfigError,
    LakeExtensionMissingError,
    LakeNotInitialisedError,
    LakeUnreachableError,
)
from faibric_kernel.store import close_writers, ingest, read_connection, record_event, record_events

pytestmark = pytest.mark.slow


class Hosts:
    """Two workspaces on one lake; :meth:`use` makes one of them this process's host."""

    def __init__(self, tmp_path, monkeypatch, lake_env: dict):
        self.homes = {"A": tmp_path / "host-a", "B": tmp_path / "host-b"}
        self.lake_env = lake_env
        self.monkeypatch = monkeypatch
        for name, value in lake_env.items():
            monkeypatch.setenv(name, value)

    def use(self, name: str) -> None:
        close_writers()  # seal this host's segments before acting as the other host
        self.monkeypatch.setenv("FAIBRIC_HOME", str(self.homes[name]))

    def env(self, name: str) -> dict:
        return {**os.environ, **self.lake_env, "FAIBRIC_HOME": str(self.homes[name])}

    def init(self) -> dict:
        from faibric_kernel.store.lake import init_lake

        self.use("A")
        return init_lake()


@pytest.fixture
def hosts(tmp_path, monkeypatch, lake_env) -> Hosts:
    return Hosts(tmp_path, monkeypatch, lake_env)


@pytest.fixture
def lake_hosts(hosts) -> Hosts:
    hosts.init()
    return hosts


def _lake_counts(con=None) -> tuple[int, int]:
    from faibric_kernel.store.lake import ALIAS, open_lake

    own = con is None
    con = con or open_lake(read_only=True)
    try:
        return con.execute(f"SELECT count(*), count(DISTINCT event_id) FROM {ALIAS}.events").fetchall()[0]
    finally:
        if own:
            con.close()


def _lake_ids() -> list[str]:
    from faibric_kernel.store.lake import ALIAS, open_lake

    con = open_lake(read_only=True)
    try:
        return [str(r[0]) for r in con.execute(f"SELECT event_id FROM {ALIAS}.events").fetchall()]
    finally:
        con.close()


# ------------------------------------------------------------------ init and errors


def test_lake_init_twice_is_fine_and_creates_the_store_columns(hosts):
    first = hosts.init()
    second = hosts.init()
    assert first["rows"] == second["rows"] == {"events": 0, "api_calls": 0}
    from faibric_kernel.store.lake import ALIAS, open_lake

    con = open_lake(read_only=True)
    try:
        lake_columns = con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = ? "
            "AND table_name IN ('events', 'api_calls') ORDER BY table_name, column_index", [ALIAS]).fetchall()
    finally:
        con.close()
    with read_connection(include_spool=False) as local:
        local_columns = local.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND table_name IN ('events', 'api_calls') ORDER BY table_name, column_index").fetchall()
    assert lake_columns == local_columns


def test_ingest_before_lake_init_says_to_run_it(hosts):
    hosts.use("A")
    record_event("request_submitted", session_id="s1")
    with pytest.raises(LakeNotInitialisedError, match="faibric lake init"):
        ingest()


def test_the_lake_command_inits_twice_and_reports(hosts):
    env = hosts.env("A")
    cli = [sys.executable, "-c", "from faibric_kernel.cli import main; main()"]
    before = subprocess.run([*cli, "lake", "status"], env=env, capture_output=True, text=True)
    assert before.returncode != 0 and "faibric lake init" in before.stderr
    for _ in range(2):
        done = subprocess.run([*cli, "lake", "init", "--json"], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    import json

    status = json.loads(done.stdout)
    assert status["rows"] == {"events": 0, "api_calls": 0}
    assert status["data_path"].startswith(hosts.lake_env["FAIBRIC_LAKE_DATA"])


def test_an_unreachable_catalog_is_a_clear_error_without_the_password(hosts, monkeypatch):
    from faibric_kernel.ports import free_port

    port = free_port()  # nothing listens there
    monkeypatch.setenv("FAIBRIC_LAKE", f"postgresql://faibric:s3cret-pw@127.0.0.1:{port}/lake")
    hosts.use("A")
    with pytest.raises(LakeUnreachableError) as caught:
        with read_connection():
            pass
    assert "s3cret-pw" not in str(caught.value)
    assert "FAIBRIC_LAKE" in str(caught.value) and f"port={port}" in str(caught.value)


def test_health_reports_the_lake_and_its_failure(hosts, monkeypatch):
    from faibric_kernel.health import check_health
    from faibric_kernel.ports import free_port

    hosts.init()
    assert check_health()["checks"]["lake"]["ok"]
    monkeypatch.setenv("FAIBRIC_LAKE", f"postgres:dbname=lake host=127.0.0.1 port={free_port()}")
    lake = check_health()["checks"]["lake"]
    assert not lake["ok"] and "LakeUnreachableError" in lake["detail"]


def test_a_lake_without_a_data_folder_is_a_config_error(hosts, monkeypatch):
    monkeypatch.delenv("FAIBRIC_LAKE_DATA")
    hosts.use("A")
    with pytest.raises(ConfigError, match="FAIBRIC_LAKE_DATA"):
        ingest()


def test_the_catalog_may_be_named_as_ducklake_does_or_as_a_postgresql_url():
    from faibric_kernel.store.lake import catalog_connection_string

    assert catalog_connection_string("postgres:dbname=f host=db port=5432") == "dbname=f host=db port=5432"
    assert catalog_connection_string("dbname=f host=db") == "dbname=f host=db"
    assert catalog_connection_string("postgresql://ada:p%20w@db.internal:6432/faibric?sslmode=require") == (
        "dbname=faibric host=db.internal port=6432 user=ada password='p w' sslmode=require")
    with pytest.raises(ConfigError, match="postgresql://"):
        catalog_connection_string("s3://bucket/catalog")


def test_a_missing_extension_file_says_what_to_install():
    from faibric_kernel.store.lake import extension_file

    assert extension_file("ducklake").name == "ducklake.duckdb_extension"
    with pytest.raises(LakeExtensionMissingError, match="pip install 'duckdb-ext-nonesuch"):
        extension_file("nonesuch")


# ------------------------------------------------------------------ exactly once


def test_a_record_sent_to_both_hosts_is_stored_once(lake_hosts):
    # a record sent again is the same record: same id, same ts (ingest matches ids within the batch's times)
    shared, ts = str(uuid.uuid4()), datetime.now(UTC)
    for name in ("A", "B"):
        lake_hosts.use(name)
        record_event("request_submitted", session_id="s1", event_id=shared, ts=ts)
        record_event("verified", session_id=f"own-{name}")
        close_writers()  # sealed: ingest archives the segment once the lake holds its rows
        report = ingest()
        assert report.segments_archived == 1
    assert _lake_counts() == (3, 3)
    assert _lake_ids().count(shared) == 1


def test_ingest_twice_adds_nothing_and_makes_no_snapshot(lake_hosts):
    from faibric_kernel.store.lake import status

    lake_hosts.use("A")
    record_events([{"event_type": "verified", "session_id": f"s{i}"} for i in range(20)])
    close_writers()
    assert ingest().added["events"] == 20
    snapshots = status()["snapshots"]
    again = ingest()
    assert again.added == {"events": 0, "api_calls": 0}
    assert status()["snapshots"] == snapshots
    assert _lake_counts() == (20, 20)


def test_compact_merges_the_files_ingests_add_and_keeps_every_row(lake_hosts):
    from faibric_kernel.store.lake import compact

    lake_hosts.use("A")
    ids = []
    for batch in range(3):
        ids += [record_event("verified", session_id=f"s{batch}") for _ in range(5)]
        close_writers()
        ingest()
    done = compact(keep_days=0)
    assert done["files_before"]["events"] == 3 and done["files_after"]["events"] == 1
    assert done["files_deleted"] >= 3
    record_event("verified", session_id="after")
    close_writers()
    assert ingest().added["events"] == 1
    assert set(ids) < set(_lake_ids())
    assert _lake_counts() == (16, 16)


class _CrashBeforeCommit:
    """Offsets keeper standing for a process that dies after inserting the rows, before the commit."""

    lake = True

    def __init__(self, real):
        self.real = real

    def read(self, con):
        return self.real.read(con)

    def save(self, con, kind, reads, offsets):
        raise RuntimeError("the process died here")


def test_a_crash_between_insert_and_offsets_stores_nothing_and_the_next_ingest_stores_once(lake_hosts):
    from faibric_kernel.store import lake
    from faibric_kernel.store.ingest import IngestReport, _LakeOffsets, _store_spool

    lake_hosts.use("A")
    ids = [record_event("verified", session_id=f"s{i}") for i in range(10)]
    close_writers()
    con = lake.open_lake()
    try:
        con.execute(f"USE {lake.ALIAS}")
        keeper = _CrashBeforeCommit(_LakeOffsets(lake.host_id()))
        with pytest.raises(RuntimeError, match="died"):
            _store_spool(con, lake_hosts.homes["A"] / "spool", keeper, IngestReport())
    finally:
        con.close()
    assert _lake_counts() == (0, 0)
    assert ingest().added["events"] == 10
    assert ingest().added["events"] == 0
    assert sorted(_lake_ids()) == sorted(ids)


SAME_IDS_INGEST = textwrap.dedent(
    """
    import sys, time
    from datetime import UTC, datetime
    from faibric_kernel.store import record_events, ingest, close_writers
    ids = open(sys.argv[1]).read().split()
    ts = float(sys.argv[2])  # the same records on both hosts: same ids, same times
    record_events([{"event_type": "verified", "session_id": "s-" + i[:8], "event_id": i,
                    "ts": datetime.fromtimestamp(ts, UTC)} for i in ids])
    close_writers()
    while time.time() < float(sys.argv[2]):  # start together
        time.sleep(0.005)
    report = ingest()
    print(report.added["events"])
    """
)


def test_two_hosts_ingesting_the_same_ids_at_once_store_each_once(lake_hosts, tmp_path):
    ids_file = tmp_path / "ids.txt"
    for round_ in range(3):
        ids = [str(uuid.uuid4()) for _ in range(300)]
        ids_file.write_text("\n".join(ids))
        start_at = str(time.time() + 4)
        procs = [subprocess.Popen([sys.executable, "-c", SAME_IDS_INGEST, str(ids_file), start_at],
                                  env=lake_hosts.env(name), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for name in ("A", "B")]
        added = []
        for proc in procs:
            out, err = proc.communicate(timeout=180)
            assert proc.returncode == 0, err
            added.append(int(out.split()[-1]))
        assert sum(added) == 300, f"round {round_}: the hosts added {added}"
        assert _lake_counts() == (300 * (round_ + 1),) * 2


WRITER = textwrap.dedent(
    """
    import sys, time, uuid
    from datetime import UTC, datetime
    from faibric_kernel.store import record_events, close_writers
    batches, shared = int(sys.argv[1]), sys.argv[2:]
    for b in range(batches):
        batch = [{"event_type": "verified", "session_id": f"s{b}", "event_id": str(uuid.uuid4())} for _ in range(20)]
        if b < len(shared):  # the same record (id and time), sent by a writer on each host
            batch.append({"event_type": "request_submitted", "session_id": "both", "event_id": shared[b],
                          "ts": datetime.fromtimestamp(1_780_000_000 + b, UTC)})
        record_events(batch)
        print("\\n".join(e["event_id"] for e in batch), flush=True)  # acknowledged: record_events returned
        time.sleep(0.05)  # writing lasts a few seconds: ingests run while writers append
    close_writers()
    """
)

INGEST_LOOP = textwrap.dedent(
    """
    import os, sys
    from faibric_kernel.store import ingest
    runs = 0
    while not os.path.exists(sys.argv[1]):
        ingest()
        runs += 1
        open(sys.argv[2], "w").close()  # running: the writers may start
    ingest()
    print(runs + 1)
    """
)


def test_four_writers_per_host_while_both_ingest_store_every_acknowledged_event_once(lake_hosts, tmp_path):
    shared = [str(uuid.uuid4()) for _ in range(30)]
    stop = tmp_path / "writers-done"
    ready = {name: tmp_path / f"ingesting-{name}" for name in ("A", "B")}
    ingesters = {name: subprocess.Popen([sys.executable, "-c", INGEST_LOOP, str(stop), str(ready[name])],
                                        env=lake_hosts.env(name), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
                 for name in ("A", "B")}
    deadline = time.time() + 120
    while not all(path.exists() for path in ready.values()) and time.time() < deadline:
        time.sleep(0.05)
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, "80", *(shared if k == 0 else [])],
                                env=lake_hosts.env(name), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for name in ("A", "B") for k in range(4)]
    acknowledged: set[str] = set()
    for proc in writers:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        acknowledged.update(out.split())
    stop.touch()
    for name, proc in ingesters.items():
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, f"host {name}: {err}"
        assert int(out.split()[-1]) >= 3, f"host {name} ingested only {out.split()[-1]} time(s) while writers wrote"
    assert len(acknowledged) == 8 * 80 * 20 + 30
    stored = _lake_ids()
    assert len(stored) == len(set(stored)) == len(acknowledged)
    assert set(stored) == acknowledged
    # each host's rollup, folded in step by step while both hosts committed, counts every event once
    for name in ("A", "B"):
        lake_hosts.use(name)
        ingest()  # nothing new to store: brings this host's rollup up to the other host's last commit
        with read_connection(include_spool=False) as con:
            assert con.execute("SELECT sum(events) FROM activity_daily").fetchall()[0][0] == len(acknowledged)


# ------------------------------------------------------------------ reads


def test_read_connection_on_host_a_sees_host_b_events_and_its_own_pending_ones(lake_hosts):
    lake_hosts.use("B")
    record_event("verified", session_id="from-b")
    ingest()
    lake_hosts.use("A")
    record_event("verified", session_id="pending-on-a")  # still in A's spool
    with read_connection() as con:
        seen = sorted(r[0] for r in con.execute("SELECT session_id FROM events").fetchall())
    assert seen == ["from-b", "pending-on-a"]
    lake_hosts.use("B")
    with read_connection() as con:
        assert [r[0] for r in con.execute("SELECT session_id FROM events").fetchall()] == ["from-b"]


def test_a_reader_counts_each_event_once_while_its_host_ingests(lake_hosts):
    """A read connection keeps one snapshot: rows its host ingests meanwhile are not also counted as pending."""
    from faibric_kernel.errors import StoreLockedError

    lake_hosts.use("A")
    for n in range(3):
        record_event("verified", session_id=f"pending-{n}")
    close_writers()
    with read_connection() as con:
        before = con.execute("SELECT count(*) FROM events").fetchone()[0]
        # the rows reach the lake; the hooks then wait for this host's file, which the reader holds
        with pytest.raises(StoreLockedError):
            ingest(timeout=1)
        assert _lake_counts()[0] == 3
        after = con.execute("SELECT count(*) FROM events").fetchone()[0]
    assert before == after == 3
    with read_connection() as con:
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 3


def _journey(session: str, start: datetime) -> list[dict]:
    steps = ("request_submitted", "email_provided", "verified", "build_started", "deployed")
    return [{"event_type": step, "session_id": session, "ts": start + timedelta(minutes=i)}
            for i, step in enumerate(steps)]


def _a_customer_on_each_host(hosts: Hosts, days_ago: int, b_steps: int = 5) -> None:
    """Host A's customer deploys; host B's takes the first ``b_steps`` steps; each host ingests, A first."""
    start = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=days_ago)
    for name, journey in (("A", _journey("sa", start)), ("B", _journey("sb", start)[:b_steps])):
        hosts.use(name)
        record_events(journey)
        ingest()


def test_the_funnel_on_host_a_counts_both_hosts_sessions(lake_hosts):
    from faibric_kernel.analytics.funnel import funnel

    _a_customer_on_each_host(lake_hosts, days_ago=20, b_steps=3)  # B's customer stopped after verifying
    lake_hosts.use("A")
    with read_connection() as con:
        result = funnel(con)
    assert list(result.steps["count"]) == [2, 2, 2, 1, 1]
    assert result.converted == 1


def test_each_host_rolls_up_every_hosts_activity(lake_hosts):
    from faibric_kernel.analytics.retention import retention
    from faibric_kernel.analytics.rollup import rollup_rows_sql

    _a_customer_on_each_host(lake_hosts, days_ago=10)  # B's rollup (in B's DuckDB file) covers both hosts'
    lake_hosts.use("B")
    with read_connection() as con:
        assert rollup_rows_sql(con, datetime.now(UTC).replace(tzinfo=None), None, {}) is not None
        assert int(retention(con, period="day").matrix["size"].sum()) == 2
    lake_hosts.use("A")
    with read_connection() as con:
        # A's rollup lags behind B's ingest: retention computes from the lake's events instead, and agrees
        assert rollup_rows_sql(con, datetime.now(UTC).replace(tzinfo=None), None, {}) is None
        assert int(retention(con, period="day").matrix["size"].sum()) == 2


@pytest.mark.duckdb_state
def test_state_readers_work_without_the_lake_and_cannot_read_events_by_mistake(hosts, monkeypatch):
    import duckdb

    from faibric_kernel.ports import free_port
    from faibric_kernel.sessions import create_session, get_session

    hosts.use("A")
    session = create_session("A bakery in Lisbon")
    monkeypatch.setenv("FAIBRIC_LAKE", f"postgres:dbname=lake host=127.0.0.1 port={free_port()}")  # nothing there
    assert get_session(session.session_id).prompt == "A bakery in Lisbon"
    with read_connection(events=False) as con:
        assert "faibric_lake" not in [r[0] for r in con.execute("SELECT database_name FROM duckdb_databases()").fetchall()]
        with pytest.raises(duckdb.Error, match="events live in the lake"):
            con.execute("SELECT count(*) FROM events").fetchall()


def test_without_a_lake_the_duckdb_file_is_the_event_store(workspace):
    record_event("verified", session_id="s1")
    assert ingest().added["events"] == 1
    with read_connection(include_spool=False) as con:
        assert con.execute("SELECT count(*) FROM events").fetchall()[0][0] == 1
        databases = [r[0] for r in con.execute("SELECT database_name FROM duckdb_databases()").fetchall()]
    assert "faibric_lake" not in databases
    assert not (workspace / "lake-host").exists()
