"""The event store: durable spool writes, idempotent ingest, live reads."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import datetime
from pathlib import Path

import pytest

from faibric_kernel import config
from faibric_kernel.errors import InvalidInputError, SpoolError, WorkspaceError
from faibric_kernel.store import (
    close_writers,
    ingest,
    read_connection,
    record_api_call,
    record_event,
    record_events,
    write_connection,
)
from faibric_kernel.store.schema import SPOOL_SCHEMAS
from faibric_kernel.store.spool import _read_csv, encode_line, segments, spool_dir


def _count(table: str = "events", include_spool: bool = True) -> int:
    with read_connection(include_spool=include_spool) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def test_record_event_returns_a_uuid_and_is_visible_before_ingest():
    event_id = record_event("request_submitted", session_id="s1", properties={"a": 1})
    assert len(event_id) == 36
    assert _count() == 1
    assert _count(include_spool=False) == 0


def test_ingest_moves_spooled_events_into_the_table():
    for i in range(10):
        record_event("build_started", session_id=f"s{i}", tenant_id="t1", actor="a@b.c")
    report = ingest()
    assert report.added["events"] == 10
    assert _count(include_spool=False) == 10
    assert _count() == 10  # nothing counted twice after ingest


def test_ingested_rows_keep_their_columns():
    when = datetime(2026, 3, 29, 1, 30, 0, 123456)
    record_event("deployed", session_id="s1", tenant_id="t9", actor="x@y.z", properties={"url": "http://a"}, ts=when)
    ingest()
    with read_connection() as con:
        row = con.execute(
            "SELECT ts, tenant_id, session_id, actor, event_type, properties->>'url' FROM events"
        ).fetchall()[0]
    assert row == (when, "t9", "s1", "x@y.z", "deployed", "http://a")


AWKWARD_TEXT = ['say "hi", then leave', "", "ünïcödé ✓", ",", '"', "trailing,"]


@pytest.mark.parametrize("text", AWKWARD_TEXT)
def test_awkward_text_survives_the_spool_both_before_and_after_ingest(text):
    props = {"note": f"two\nlines, {text}", "n": 1.5}
    record_event(text or "x", session_id=text, tenant_id="t", actor=text, properties=props)
    for _ in range(2):  # first read from the spool, then from the table
        with read_connection() as con:
            row = con.execute("SELECT event_type, session_id, actor, properties FROM events").fetchall()[0]
        assert row[:3] == (text or "x", text, text)
        assert json.loads(row[3]) == props
        ingest()


def test_null_and_empty_text_stay_different():
    record_event("x", session_id="", actor=None)
    ingest()
    with read_connection() as con:
        assert con.execute("SELECT session_id, actor FROM events").fetchall() == [("", None)]


def test_a_spool_line_is_csv_in_schema_order():
    line = encode_line("events", {"event_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "ts": 5, "tenant_id": "t",
                                  "session_id": "", "actor": None, "event_type": "a,b", "properties": '{"k":"v"}'})
    assert line == b'7c9e6679-7425-40de-944b-e07fc1f90ae7,5,t,"",,"a,b","{""k"":""v""}"\n'
    assert list(_read_csv(line, SPOOL_SCHEMAS["events"]).to_pylist()[0].values()) == [
        "7c9e6679-7425-40de-944b-e07fc1f90ae7", 5, "t", "", None, "a,b", '{"k":"v"}'
    ]


def test_a_line_break_in_a_text_field_is_refused_with_what_to_do():
    with pytest.raises(InvalidInputError, match="without line breaks.*properties"):
        record_event("x", session_id="s1", actor="two\nlines")
    with pytest.raises(InvalidInputError, match="error_type"):
        record_api_call(provider="anthropic", model="m", purpose="p", status="error", error_type="a\rb")
    assert _count() == 0


def test_a_text_field_that_is_not_a_string_is_refused():
    with pytest.raises(InvalidInputError, match="actor must be a string"):
        record_event("x", session_id="s1", actor=42)


def test_api_call_numbers_survive_the_spool_exactly():
    record_api_call(provider="anthropic", model="m", purpose="p", cost_usd=1e-7, latency_ms=0.1 + 0.2,
                    input_tokens=2**40)
    for _ in range(2):
        with read_connection() as con:
            assert con.execute("SELECT cost_usd, latency_ms, input_tokens FROM api_calls").fetchall() == [
                (1e-7, 0.1 + 0.2, 2**40)
            ]
        ingest()


def test_ingesting_twice_adds_nothing():
    record_event("verified", session_id="s1")
    ingest()
    second = ingest()
    assert second.added["events"] == 0
    assert _count() == 1


def test_the_same_segment_loaded_twice_adds_nothing():
    record_event("verified", session_id="s1")
    close_writers()
    seg = segments(spool_dir(), "events")[0]
    copy = seg.with_name("copy-" + seg.name)
    copy.write_bytes(seg.read_bytes())
    report = ingest()
    assert report.added["events"] == 1
    assert report.duplicates["events"] == 1
    assert _count() == 1


def test_one_event_id_recorded_twice_is_stored_once():
    for _ in range(2):
        record_event("verified", session_id="s1", event_id="7c9e6679-7425-40de-944b-e07fc1f90ae7")
    record_event("verified", session_id="s2")
    report = ingest()
    assert (report.added["events"], report.duplicates["events"]) == (2, 1)
    assert _count() == 2


def test_sealed_segments_are_archived_after_ingest():
    record_event("verified", session_id="s1")
    close_writers()
    report = ingest()
    assert report.segments_archived == 1
    assert segments(spool_dir(), "events") == []


def test_live_segments_stay_until_their_writer_closes():
    record_event("verified", session_id="s1")
    assert ingest().segments_archived == 0
    record_event("verified", session_id="s2")
    assert ingest().added["events"] == 1
    assert _count() == 2


def test_api_calls_are_recorded_with_usage_and_cost():
    record_api_call(
        provider="anthropic", model="claude-sonnet-4-6", purpose="generate", session_id="s1",
        input_tokens=1000, output_tokens=200, cache_creation_input_tokens=50, cache_read_input_tokens=900,
        cost_usd=0.00627, price_version="2026-11", latency_ms=812.5,
    )
    ingest()
    with read_connection() as con:
        row = con.execute(
            "SELECT input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, cost_usd, status "
            "FROM api_calls"
        ).fetchall()[0]
    assert row == (1000, 200, 50, 900, 0.00627, "ok")


def test_an_unpriced_call_keeps_a_null_cost():
    record_api_call(provider="anthropic", model="mystery-9", purpose="generate", cost_usd=None)
    with read_connection() as con:
        assert con.execute("SELECT cost_usd FROM api_calls").fetchall() == [(None,)]


def test_properties_that_are_not_json_give_a_clear_error():
    with pytest.raises(InvalidInputError, match="JSON-serialisable"):
        record_event("error", session_id="s1", properties={"when": datetime.now()})
    assert _count() == 0


def test_an_empty_event_type_is_refused():
    with pytest.raises(InvalidInputError, match="event_type"):
        record_event("", session_id="s1")


def test_negative_token_counts_are_refused():
    with pytest.raises(InvalidInputError, match="input_tokens"):
        record_api_call(provider="anthropic", model="m", purpose="x", input_tokens=-1)


def test_an_unwritable_workspace_names_the_path(tmp_path, monkeypatch):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be")
    monkeypatch.setenv("FAIBRIC_HOME", str(blocked / "home"))
    with pytest.raises(WorkspaceError, match=str(blocked / "home")):
        config.workspace()


def test_an_unwritable_spool_names_the_folder(monkeypatch):
    home = config.workspace()
    (home / "spool" / "events").rmdir() if (home / "spool" / "events").exists() else None
    (home / "spool" / "events").write_text("not a folder")
    with pytest.raises(SpoolError, match="spool"):
        record_event("x", session_id=None)


GOOD_EVENT = {"event_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "ts": 1_700_000_000_000_000,
              "tenant_id": "default", "session_id": "s2", "actor": None, "event_type": "good2", "properties": None}


def test_a_corrupt_segment_is_quarantined_and_the_rest_still_ingested():
    record_event("good", session_id="s1")
    close_writers()
    folder = spool_dir() / "events"
    bad = b'not,a "record\n' + b"0000,not-a-number,t,s,a,e,\n"
    (folder / "0000-corrupt.csv").write_bytes(bad + encode_line("events", GOOD_EVENT))
    report = ingest()
    assert report.added["events"] == 2
    assert len(report.quarantined) == 1
    assert "2 corrupt line(s)" in report.quarantined[0]["reason"]
    kept = Path(report.quarantined[0]["kept_at"])
    assert kept.read_bytes() == bad


@pytest.mark.parametrize("broken", [
    {"event_id": "x" * 36},
    {"properties": "{not json"},
    {"properties": '{"a":"\\ud800"}'},  # Python's json takes a lone surrogate; DuckDB's does not
    {"ts": 2**63 - 1},
    {"ts": 253_402_300_800_000_000},  # the year 10000: DuckDB holds it, Python's datetime does not
    {"tenant_id": None},
])
def test_a_line_that_would_not_cast_is_hidden_from_readers_and_quarantined_by_ingest(broken):
    folder = spool_dir() / "events"
    folder.mkdir(parents=True, exist_ok=True)
    bad = encode_line("events", {**GOOD_EVENT, "event_id": "0e4a9a4c-66a3-4bd6-9df4-5a0a3c1a0c11", **broken})
    (folder / "0000-bad.csv").write_bytes(bad + encode_line("events", GOOD_EVENT))
    assert _count() == 1
    report = ingest()
    assert report.added["events"] == 1
    assert Path(report.quarantined[0]["kept_at"]).read_bytes() == bad
    assert ingest().added["events"] == 0


def test_a_refused_line_is_refused_whichever_reader_met_it():
    folder = spool_dir() / "events"
    folder.mkdir(parents=True, exist_ok=True)
    upper = encode_line("events", {**GOOD_EVENT, "event_id": GOOD_EVENT["event_id"].upper()})
    year_10000 = encode_line("events", {**GOOD_EVENT, "event_id": "0e4a9a4c-66a3-4bd6-9df4-5a0a3c1a0c11",
                                        "ts": 253_402_300_800_000_000})
    (folder / "0001-bulk.csv").write_bytes(upper + year_10000)
    (folder / "0002-line-by-line.csv").write_bytes(b"not a record\n" + upper + year_10000)
    report = ingest()
    assert report.added["events"] == 1  # the upper-case UUID is the same id in both segments
    reasons = sorted(q["reason"] for q in report.quarantined)
    assert len(reasons) == 2 and all("corrupt line" in r for r in reasons)


def test_a_segment_with_corrupt_lines_and_a_partial_tail_keeps_both_in_quarantine():
    folder = spool_dir() / "events"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "0000-both.csv").write_bytes(b"garbage line\n" + encode_line("events", GOOD_EVENT) + b"7c9e6679-74")
    report = ingest()
    kept = sorted(Path(q["kept_at"]).read_bytes() for q in report.quarantined)
    assert kept == [b"7c9e6679-74", b"garbage line\n"]


def test_an_id_stored_earlier_at_another_time_does_not_slow_or_skew_a_later_batch():
    record_event("x", session_id="s", event_id=GOOD_EVENT["event_id"], ts=datetime(2026, 1, 1))
    ingest()
    record_event("x", session_id="s", event_id=GOOD_EVENT["event_id"], ts=datetime(2026, 1, 3))
    ingest()  # a record is matched by id within its batch's time range: another time is another record
    record_event("x", session_id="a", ts=datetime(2026, 1, 2))
    record_event("x", session_id="b", ts=datetime(2026, 1, 2))
    report = ingest()
    assert (report.added["events"], report.duplicates["events"]) == (2, 0)


def test_a_failed_append_seals_the_segment_and_the_next_record_starts_a_new_one():
    from faibric_kernel.store.spool import process_writer

    record_event("x", session_id="s1")
    writer = process_writer("events")
    first, segment_fd = writer.path, writer._fd
    writer._fd = os.open("/dev/full", os.O_WRONLY)  # every write now fails as on a full disk (ENOSPC)
    with pytest.raises(SpoolError, match="cannot append.*No space"):
        record_event("x", session_id="s2")
    os.close(segment_fd)
    record_event("x", session_id="s3")
    assert writer.path != first
    assert ingest().added["events"] == 2


def test_huge_token_counts_and_lone_surrogates_are_refused_when_recorded():
    with pytest.raises(InvalidInputError, match="2\\*\\*63"):
        record_api_call(provider="anthropic", model="m", purpose="p", input_tokens=2**63)
    with pytest.raises(InvalidInputError, match="lone surrogate"):
        record_event("x", session_id="s1", properties={"text": "bad \udc80 byte"})
    assert _count("api_calls") == 0 and _count() == 0


def test_required_columns_are_the_tables_not_null_columns():
    from faibric_kernel.store.schema import REQUIRED_COLUMNS

    with read_connection(include_spool=False) as con:
        for kind, required in REQUIRED_COLUMNS.items():
            declared = con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND NOT is_nullable "
                "AND schema_name = 'main'", [kind]
            ).fetchall()
            assert sorted(c for (c,) in declared) == sorted(required)


def test_a_json_lines_segment_from_the_first_format_is_still_read():
    folder = spool_dir() / "events"
    folder.mkdir(parents=True, exist_ok=True)
    lines = b"{not json at all\n" + json.dumps(GOOD_EVENT).encode() + b"\n"
    (folder / "0000-legacy.jsonl").write_bytes(lines)
    assert _count() == 1
    report = ingest()
    assert report.added["events"] == 1
    assert Path(report.quarantined[0]["kept_at"]).read_bytes().startswith(b"{not json")


def test_a_truncated_last_line_in_a_sealed_segment_is_quarantined():
    record_event("good", session_id="s1")
    close_writers()
    seg = segments(spool_dir(), "events")[0]
    with open(seg, "ab") as fh:
        fh.write(b'{"event_id": "half-writ')
    report = ingest()
    assert report.added["events"] == 1
    assert any("truncated" in q["reason"] for q in report.quarantined)
    assert ingest().added["events"] == 0


def test_record_events_writes_a_batch():
    n = record_events({"event_type": "x", "session_id": f"s{i}", "ts": datetime(2026, 1, 1)} for i in range(500))
    assert n == 500
    assert ingest().added["events"] == 500


def test_the_schema_is_migrated_once_and_recorded():
    with write_connection() as con:
        versions = [r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()]
    assert 1 in versions


WRITER = textwrap.dedent(
    """
    import sys
    from faibric_kernel.store import record_event, close_writers
    n = int(sys.argv[1])
    for i in range(n):
        record_event("load", session_id=f"w{sys.argv[2]}-{i}", properties={"i": i})
        if len(sys.argv) > 3:
            print(i, flush=True)
    close_writers()
    """
)

READER = textwrap.dedent(
    """
    import sys, time
    from faibric_kernel.store import read_connection
    deadline = time.time() + float(sys.argv[1])
    seen = 0
    while time.time() < deadline:
        with read_connection() as con:
            seen = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
    print(seen)
    """
)


def _env(home) -> dict:
    return {**os.environ, "FAIBRIC_HOME": str(home)}


def test_six_writers_and_a_reader_lose_nothing(workspace):
    from faibric_kernel.store import ensure_database

    ensure_database()
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, "2000", str(k)], env=_env(workspace),
                         stderr=subprocess.PIPE, text=True)
        for k in range(6)
    ]
    reader = subprocess.Popen([sys.executable, "-c", READER, "3"], env=_env(workspace),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for w in writers:
        _, err = w.communicate(timeout=120)
        assert w.returncode == 0, err
    out, err = reader.communicate(timeout=120)
    assert reader.returncode == 0, err
    assert int(out.strip()) <= 12_000
    ingest()
    assert _count(include_spool=False) == 12_000
    with read_connection() as con:
        assert con.execute("SELECT count(DISTINCT event_id) FROM events").fetchall()[0][0] == 12_000


def test_a_writer_killed_mid_stream_keeps_every_returned_record(workspace):
    proc = subprocess.Popen([sys.executable, "-c", WRITER, "1000000", "k", "echo"], env=_env(workspace),
                            stdout=subprocess.PIPE, text=True)
    acknowledged = -1
    while acknowledged < 3000:
        acknowledged = int(proc.stdout.readline())
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    ingest()
    with read_connection() as con:
        ids = {r[0] for r in con.execute("SELECT session_id FROM events").fetchall()}
    assert all(f"wk-{i}" in ids for i in range(acknowledged + 1))
    time.sleep(0.01)
    assert ingest().added["events"] == 0  # the store still opens and has nothing left to add


def test_periodic_ingest_keeps_the_table_current():
    from faibric_kernel.store import PeriodicIngest

    record_event("verified", session_id="s1")
    runner = PeriodicIngest(interval=0.05).start()
    deadline = time.time() + 10
    while _count(include_spool=False) == 0 and time.time() < deadline:
        time.sleep(0.05)
    runner.stop()
    assert _count(include_spool=False) == 1
    assert runner.last_error is None


def test_a_fresh_process_creates_every_table_without_importing_their_modules(workspace):
    script = (
        "from faibric_kernel.store import ensure_database, read_connection\n"
        "ensure_database()\n"
        "with read_connection(include_spool=False) as con:\n"
        "    print(sorted(r[0] for r in con.execute("
        "\"SELECT table_name FROM information_schema.tables WHERE table_schema='main'\").fetchall()))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], env=_env(workspace), capture_output=True, text=True, check=True)
    for table in ("activity_daily", "magic_links", "build_leases", "email_queue", "events", "library_items"):
        assert f"'{table}'" in out.stdout

