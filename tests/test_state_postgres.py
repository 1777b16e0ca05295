"""The state in PostgreSQL (``FAIBRIC_DATABASE_URL``): the dialect layer, the split schema, sharing between
hosts, leases across machines, the build queue seen from an API, and ``faibric migrate-to``."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from faibric_kernel.errors import BuildError, ConfigError, InvalidInputError, StateUnreachableError
from faibric_kernel.store import migrations, read_connection, record_event, state_connection
from faibric_kernel.store.state import translate


@pytest.fixture
def pg_state(state_databases, monkeypatch):
    """A fresh state database as FAIBRIC_DATABASE_URL; returns its URL."""
    name = state_databases.create()
    url = state_databases.url(name)
    monkeypatch.setenv("FAIBRIC_DATABASE_URL", url)
    yield url
    from faibric_kernel.store import state

    state.close_pools()
    state_databases.drop(name)


def _race(attempt, times: int) -> list[str]:
    """Run ``attempt()`` on ``times`` threads released together; returns what each one returned."""
    outcomes, start = [], threading.Barrier(times)

    def run():
        start.wait()
        outcomes.append(attempt())

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _use_host(monkeypatch, tmp_path, name: str) -> None:
    from faibric_kernel.store import close_writers

    close_writers()
    monkeypatch.setenv("FAIBRIC_HOME", str(tmp_path / f"host-{name}"))


# -- the dialect layer and the split schema (no PostgreSQL needed) ----------------------------------------

def test_placeholders_become_psycopg_ones_outside_quotes_and_percent_signs_are_doubled():
    sql = "SELECT '?%' AS mark, name FROM t WHERE a = ? AND b LIKE 'x%' AND c = ?"
    assert translate(sql, with_params=True) == \
        "SELECT '?%%' AS mark, name FROM t WHERE a = %s AND b LIKE 'x%%' AND c = %s"


def test_without_parameters_the_text_is_left_for_postgresql_as_it_is():
    assert translate("SELECT 'a%' LIKE 'a%'", with_params=False) == "SELECT 'a%' LIKE 'a%'"


def test_double_and_json_extract_are_written_as_postgresql_has_them():
    sql = "CREATE TABLE t (x DOUBLE, y DOUBLE PRECISION); SELECT json_extract(s.properties, '$.demo')"
    assert translate(sql, with_params=False) == \
        "CREATE TABLE t (x DOUBLE PRECISION, y DOUBLE PRECISION); SELECT (s.properties::json ->> 'demo')"


def test_comments_are_left_alone_and_duckdb_named_parameters_are_refused():
    assert translate("SELECT 1 -- what's this? 5%\nWHERE a = ?", with_params=True) == \
        "SELECT 1 -- what's this? 5%%\nWHERE a = %s"
    with pytest.raises(ValueError, match="named parameters"):
        translate("SELECT * FROM alerts WHERE alert_id IN (SELECT unnest($ids))", with_params=True)


def test_a_file_migrated_beside_postgresql_gets_its_state_tables_when_used_alone_again(tmp_path):
    import duckdb

    con = duckdb.connect(str(tmp_path / "host.duckdb"))
    migrations.apply(con, scope="host")
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert "events" in tables and "sessions" not in tables
    migrations.apply(con)
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert {"sessions", "build_leases", "state_documents"} <= tables
    assert migrations.apply(con) == []
    con.close()


def test_the_first_migration_splits_into_host_tables_and_state_tables():
    sql = migrations.MIGRATIONS[0][2]
    host, shared = migrations.statements_for(sql, "host"), migrations.statements_for(sql, "state")
    assert "CREATE TABLE IF NOT EXISTS events" in host and "sessions" not in host
    assert "CREATE TABLE IF NOT EXISTS sessions" in shared and "TABLE IF NOT EXISTS events" not in shared
    assert migrations.statements_for(sql, None) == sql


def test_every_state_table_is_outside_the_host_tables():
    from faibric_kernel.store.state import HOST_TABLES

    tables = migrations.state_tables()
    assert {"sessions", "build_leases", "projects", "state_documents", "leads"} <= set(tables)
    assert not HOST_TABLES & set(tables)


def test_a_malformed_database_url_is_refused_with_what_to_set(monkeypatch):
    monkeypatch.setenv("FAIBRIC_DATABASE_URL", "mysql://db/faibric")
    with pytest.raises(ConfigError, match="postgresql://"):
        with state_connection():
            pass


def test_an_unreachable_database_is_one_error_without_the_password(monkeypatch):
    from faibric_kernel.ports import free_port

    monkeypatch.setenv("FAIBRIC_DATABASE_URL", f"postgresql://faibric:hunter2@127.0.0.1:{free_port()}/faibric")
    with pytest.raises(StateUnreachableError) as caught:
        with state_connection(timeout=2):
            pass
    assert "hunter2" not in caught.value.message and "FAIBRIC_DATABASE_URL" in caught.value.message


# -- one PostgreSQL ---------------------------------------------------------------------------------------

def test_the_state_goes_to_postgresql_and_the_workspace_file_keeps_only_host_tables(pg_state, workspace):
    from faibric_kernel.sessions import create_session

    session = create_session("a bakery in Porto")
    with psycopg.connect(pg_state) as con:
        assert con.execute("SELECT prompt FROM sessions").fetchall() == [("a bakery in Porto",)]
    with read_connection(include_spool=False) as con:
        assert con.execute("SELECT session_id FROM sessions").fetchall() == [(session.session_id,)]
        own = {row[0] for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'faibric'").fetchall()}
    assert "events" in own and "sessions" not in own


def test_analytics_join_the_shared_sessions_with_the_events_in_one_query(pg_state):
    from faibric_kernel.sessions import create_session

    session = create_session("a yoga studio")
    record_event("feedback_submitted", session_id=session.session_id, properties={"rating": 5})
    with read_connection() as con:
        rows = con.execute("SELECT s.prompt, e.event_type FROM events e JOIN sessions s USING (session_id) "
                           "WHERE e.event_type = 'feedback_submitted'").fetchall()
    assert rows == [("a yoga studio", "feedback_submitted")]


def test_a_session_started_on_one_host_is_read_and_moved_on_another(pg_state, monkeypatch, tmp_path):
    from faibric_kernel.sessions import create_session, get_session, transition

    _use_host(monkeypatch, tmp_path, "a")
    session = create_session("a bakery")
    _use_host(monkeypatch, tmp_path, "b")
    transition(session.session_id, "email_provided")
    _use_host(monkeypatch, tmp_path, "a")
    assert get_session(session.session_id).status == "email_provided"


def test_a_tenant_key_made_on_one_host_works_on_another_and_its_removal_too(pg_state, monkeypatch, tmp_path):
    from faibric_kernel.tenant_keys import tenant_keys

    _use_host(monkeypatch, tmp_path, "a")
    key = tenant_keys().add("acme")["api_key"]
    _use_host(monkeypatch, tmp_path, "b")
    keys_b = tenant_keys()
    assert keys_b.tenant_for_key(key) == "acme"
    _use_host(monkeypatch, tmp_path, "a")
    tenant_keys().remove("acme")
    _use_host(monkeypatch, tmp_path, "b")
    assert keys_b.tenant_for_key(key) is None
    assert not (tmp_path / "host-a" / "tenants.json").exists()


def test_budgets_and_variants_set_on_one_host_hold_on_another(pg_state, monkeypatch, tmp_path):
    from faibric_kernel.build.budgets import get_budget, set_budget
    from faibric_kernel.generation.variants import add_variant, get_variant

    _use_host(monkeypatch, tmp_path, "a")
    set_budget("acme", soft_usd=5, hard_usd=20)
    add_variant("warm-copy", description="warmer words")
    _use_host(monkeypatch, tmp_path, "b")
    assert get_budget("acme").hard_usd == 20
    assert get_variant("warm-copy").description == "warmer words"


def test_a_magic_link_used_on_two_hosts_at_once_works_once(pg_state):
    from faibric_kernel.errors import AuthError
    from faibric_kernel.onboarding.magic_links import consume_token, issue_link
    from faibric_kernel.sessions import create_session, transition

    session = create_session("a bakery", email="ada@example.com")
    transition(session.session_id, "email_provided")
    token = issue_link(session.session_id, "ada@example.com").token

    def use():
        try:
            consume_token(token)
            return "ok"
        except AuthError as exc:
            return exc.details.get("reason")

    outcomes = _race(use, 4)
    assert sorted(outcomes) == ["ok", "used", "used", "used"], outcomes


def test_two_hosts_moving_one_session_at_once_move_it_once(pg_state):
    from faibric_kernel.errors import IllegalTransitionError
    from faibric_kernel.sessions import create_session, transition

    session = create_session("a bakery")

    def move():
        try:
            transition(session.session_id, "email_provided", expected="request_submitted")
            return "moved"
        except IllegalTransitionError:
            return "refused"

    outcomes = _race(move, 4)
    assert outcomes.count("moved") == 1 and outcomes.count("refused") == 3


def test_a_public_site_is_looked_up_from_postgresql(pg_state):
    from faibric_kernel.livesites.registry import lookup_site, public_site_id
    from faibric_kernel.sessions import create_session

    session = create_session("a bakery")
    site_id = public_site_id(session.session_id)
    found = lookup_site(site_id)
    assert found.session_id == session.session_id and found.live_version is None


# -- leases across machines ---------------------------------------------------------------------------------

def _lease_from_another_machine(session_id: str, heartbeat_age: timedelta) -> None:
    beat = datetime.now(UTC).replace(tzinfo=None) - heartbeat_age
    with state_connection() as con:
        con.execute("INSERT INTO build_leases (session_id, tenant_id, kind, pid, host, boot_id, proc_start, "
                    "started_at, heartbeat_at) VALUES (?, 'default', 'build', 4242, 'worker-7', NULL, NULL, ?, ?)",
                    [session_id, beat, beat])


def test_a_build_on_another_machine_silent_past_the_lease_time_is_interrupted(pg_state, monkeypatch):
    from faibric_kernel.build.leases import recover_interrupted
    from faibric_kernel.sessions import create_session, get_session, transition

    monkeypatch.setenv("FAIBRIC_BUILD_LEASE_SECONDS", "60")
    silent, beating = create_session("a bakery"), create_session("a florist")
    for session, age in ((silent, timedelta(seconds=90)), (beating, timedelta(seconds=5))):
        transition(session.session_id, "building")
        _lease_from_another_machine(session.session_id, age)
    assert recover_interrupted() == [silent.session_id]
    assert get_session(silent.session_id).status_reason == "interrupted"
    assert get_session(beating.session_id).status == "building"


def test_two_racing_takers_of_one_lease_get_it_once(pg_state):
    from faibric_kernel.build import leases

    def take():
        try:
            leases.acquire("s-race", tenant_id="default", kind="build")
            return "took"
        except BuildError as exc:
            return exc.details.get("reason")

    outcomes = _race(take, 6)
    assert outcomes.count("took") == 1 and outcomes.count("already_building") == 5


def test_a_stop_request_travels_on_the_lease_not_in_a_local_file(pg_state, workspace):
    from faibric_kernel.build import leases

    leases.acquire("s-stop", tenant_id="default", kind="build")
    assert not leases.stop_requested("s-stop")
    leases.request_stop("s-stop")
    assert leases.stop_requested("s-stop")
    assert not (workspace / "run" / "stop-s-stop").exists()


def test_published_progress_is_what_another_host_reads(pg_state):
    from faibric_kernel.build import leases

    leases.acquire("s-prog", tenant_id="default", kind="build")
    leases.publish_progress("s-prog", "validate", 76.0, "checking every file")
    seen = leases.lease_progress("s-prog")
    assert (seen["stage"], seen["percent"], seen["message"]) == ("validate", 76.0, "checking every file")


# -- the queue, seen from an API with no worker running ---------------------------------------------------

def test_a_queued_build_says_no_worker_is_running_and_a_second_one_is_refused(pg_state, monkeypatch):
    monkeypatch.delenv("FAIBRIC_BUILDS_IN_PROCESS", raising=False)  # FAIBRIC_TEST_STATE=postgres runs set it
    from faibric_kernel.build.queue import QueueRunner, default_runner

    runner = default_runner()
    assert isinstance(runner, QueueRunner)
    job = runner.start_build("s-queued")
    assert job.progress.stage == "queued" and "none is running" in job.progress.message
    assert runner.is_running("s-queued") and runner.job("s-queued").kind == "build"
    with pytest.raises(BuildError) as refused:
        runner.start_build("s-queued")
    assert refused.value.details["reason"] == "already_building"


def test_stopping_a_build_still_in_the_queue_takes_it_off(pg_state):
    from faibric_kernel.build.queue import QueueRunner

    runner = QueueRunner()
    runner.start_modify("s-change", "make it blue")
    runner.cancel("s-change", timeout=1)
    assert not runner.is_running("s-change")


def test_builds_in_process_can_be_kept_with_the_state_in_postgresql(pg_state, monkeypatch):
    from faibric_kernel.build.jobs import JobRunner
    from faibric_kernel.build.queue import default_runner

    monkeypatch.setenv("FAIBRIC_BUILDS_IN_PROCESS", "1")
    assert isinstance(default_runner(), JobRunner)


def test_without_a_database_url_builds_run_in_process(workspace):
    from faibric_kernel.build.jobs import JobRunner
    from faibric_kernel.build.queue import default_runner

    assert isinstance(default_runner(), JobRunner)


# -- migrate-to ---------------------------------------------------------------------------------------------

def test_migrate_to_moves_state_documents_and_events_once_and_reports_counts(
        state_databases, lake_env, monkeypatch, workspace):
    monkeypatch.delenv("FAIBRIC_DATABASE_URL", raising=False)  # a single-machine workspace, in any test run
    from faibric_kernel.build.budgets import set_budget
    from faibric_kernel.sessions import create_session
    from faibric_kernel.store.migrate import migrate_to

    sessions = [create_session(f"a shop number {n}") for n in range(3)]
    for session in sessions:
        record_event("feedback_submitted", session_id=session.session_id, properties={"rating": 4})
    set_budget("acme", soft_usd=1, hard_usd=2)
    name = state_databases.create()
    url = state_databases.url(name)
    lake = {"database_url": url, "lake_catalog": lake_env["FAIBRIC_LAKE"], "lake_data": lake_env["FAIBRIC_LAKE_DATA"]}

    first = migrate_to(**lake)
    again = migrate_to(**lake)

    assert first["state"]["sessions"] == {"source": 3, "before": 0, "after": 3, "added": 3}
    assert again["state"]["sessions"] == {"source": 3, "before": 3, "after": 3, "added": 0}
    assert first["documents"] == {"budgets.json": "moved"} and again["documents"] == {"budgets.json": "already there"}
    events = first["events"]["events"]["source"]
    assert events >= 6 and first["events"]["events"]["added"] == events
    assert again["events"]["events"]["added"] == 0
    # the moved workspace, switched over, reads the same
    monkeypatch.setenv("FAIBRIC_DATABASE_URL", url)
    for key, value in lake_env.items():
        monkeypatch.setenv(key, value)
    with read_connection() as con:
        assert con.execute("SELECT count(*) FROM events e JOIN sessions s USING (session_id) "
                           "WHERE e.event_type = 'feedback_submitted'").fetchone()[0] == 3
    from faibric_kernel.build.budgets import get_budget

    assert get_budget("acme").hard_usd == 2
    from faibric_kernel.store import state

    state.close_pools()
    state_databases.drop(name)


def test_migrate_to_needs_a_destination(workspace):
    from faibric_kernel.store.migrate import migrate_to

    with pytest.raises(InvalidInputError, match="--database-url"):
        migrate_to()
