"""Onboarding: magic links, the journey's steps, the background worker, modification chat, feedback, recovery."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest
from fakes.builds import FakeBuilds

from faibric_kernel import email as mail
from faibric_kernel.build import JobRunner, leases
from faibric_kernel.build.leases import recover_interrupted
from faibric_kernel.errors import (
    AuthError,
    BuildError,
    ConfigError,
    IllegalTransitionError,
    InvalidInputError,
    NotFoundError,
)
from faibric_kernel.onboarding import (
    Onboarding,
    assign_variant,
    classify_by_rules,
    consume_token,
    issue_link,
    public_url,
)
from faibric_kernel.sessions import create_session, get_session, transition
from faibric_kernel.store import read_connection, state_connection

TESTS = Path(__file__).resolve().parent


def session_events(session_id: str) -> list[dict]:
    with read_connection() as con:
        rows = con.execute(
            "SELECT event_type, CAST(properties AS VARCHAR), actor, tenant_id FROM events WHERE session_id = ? "
            "ORDER BY ts", [session_id]
        ).fetchall()
    return [{"type": t, **(json.loads(p) if p else {}), "actor": a, "tenant": ten} for t, p, a, ten in rows]


def types(session_id: str) -> list[str]:
    return [e["type"] for e in session_events(session_id)]


def latest_token(workspace: Path, email: str | None = None) -> str:
    files = sorted((workspace / "outbox").glob("*.eml"))
    for path in reversed(files):
        message = message_from_bytes(path.read_bytes(), policy=default_policy)
        if email is None or message["To"] == email:
            return re.search(r"/api/verify/([A-Za-z0-9_-]+)", message.get_body(("plain",)).get_content()).group(1)
    raise AssertionError("no magic link in the outbox")


@pytest.fixture
def fake():
    return FakeBuilds()


@pytest.fixture
def onboarding(fake):
    worker = JobRunner(build_fn=fake.run_build, modify_fn=fake.modify_site, poll_interval=0.02)
    journey = Onboarding(worker=worker, status_cache_seconds=0)
    yield journey
    worker.shutdown(timeout=5)


def verified_session(onboarding, workspace, email="ada@example.com", tenant="default", prompt="a bakery site"):
    session = onboarding.submit_request(prompt, tenant)
    onboarding.provide_email(session.session_id, email)
    onboarding.verify(latest_token(workspace, email))
    return session.session_id


def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError("condition not reached in time")


# -- magic links ----------------------------------------------------------------------------------

def test_magic_link_token_is_long_random_and_stored_only_as_hash():
    session = create_session("a bakery site")
    link = issue_link(session.session_id, "ada@example.com")
    assert len(link.token) >= 43  # 32 bytes of randomness in URL-safe base64
    assert link.url.endswith(f"/api/verify/{link.token}")
    with read_connection(include_spool=False) as con:
        rows = con.execute("SELECT * FROM magic_links").fetchall()
    assert link.token not in repr(rows)
    assert len(rows) == 1


def test_magic_link_works_once():
    session = create_session("a bakery site")
    link = issue_link(session.session_id, "ada@example.com")
    assert consume_token(link.token).session_id == session.session_id
    with pytest.raises(AuthError, match="already used") as info:
        consume_token(link.token)
    assert info.value.details["reason"] == "used"


def test_forged_token_is_refused():
    with pytest.raises(AuthError, match="not valid") as info:
        consume_token("A" * 43)
    assert info.value.details["reason"] == "invalid"


@pytest.mark.parametrize("garbage", ["", "short", "../../etc/passwd" + "x" * 40, "a" * 500])
def test_malformed_token_is_refused(garbage):
    with pytest.raises(AuthError, match="not valid"):
        consume_token(garbage)


def test_expired_token_is_refused():
    session = create_session("a bakery site")
    link = issue_link(session.session_id, "ada@example.com", ttl=timedelta(milliseconds=1))
    time.sleep(0.01)
    with pytest.raises(AuthError, match="expired") as info:
        consume_token(link.token)
    assert info.value.details["reason"] == "expired"


def test_newer_link_replaces_older():
    session = create_session("a bakery site")
    old = issue_link(session.session_id, "ada@example.com")
    new = issue_link(session.session_id, "ada@example.com")
    with pytest.raises(AuthError, match="newer sign-in link"):
        consume_token(old.token)
    assert consume_token(new.token).session_id == session.session_id


def test_ttl_is_configurable(monkeypatch):
    monkeypatch.setenv("FAIBRIC_MAGIC_LINK_TTL_HOURS", "2")
    session = create_session("a bakery site")
    link = issue_link(session.session_id, "ada@example.com")
    with read_connection(include_spool=False) as con:
        [(created, expires)] = con.execute("SELECT created_at, expires_at FROM magic_links").fetchall()
    assert expires - created == timedelta(hours=2)
    assert link.expires_at == expires


def test_bad_ttl_names_the_setting(monkeypatch):
    monkeypatch.setenv("FAIBRIC_MAGIC_LINK_TTL_HOURS", "soon")
    with pytest.raises(ConfigError, match="FAIBRIC_MAGIC_LINK_TTL_HOURS"):
        issue_link(create_session("x").session_id, "ada@example.com")


def test_public_url_is_configurable(monkeypatch):
    from faibric_kernel.onboarding.magic_links import set_api_url

    set_api_url(None)  # an API server started by an earlier test may have announced its address
    assert public_url() == "http://127.0.0.1:8321"
    monkeypatch.setenv("FAIBRIC_PUBLIC_URL", "https://build.example.com/")
    assert public_url() == "https://build.example.com"


# -- the steps ------------------------------------------------------------------------------------

def test_submit_request_starts_a_session_with_a_variant(onboarding):
    session = onboarding.submit_request("a landing page for a bakery", "acme", ip="10.0.0.7")
    stored = get_session(session.session_id)
    assert stored.status == "request_submitted" and stored.tenant_id == "acme"
    assert stored.variant == assign_variant(session.session_id) in ("A", "B")
    assert stored.properties["ip"] == "10.0.0.7"
    assert types(session.session_id) == ["request_submitted"]


def test_variants_are_deterministic_and_both_used():
    ids = [f"session-{i}" for i in range(40)]
    assert [assign_variant(i) for i in ids] == [assign_variant(i) for i in ids]
    assert {assign_variant(i) for i in ids} == {"A", "B"}


def test_explicit_variant_is_kept(onboarding):
    session = onboarding.submit_request("a bakery", variant="B")
    assert get_session(session.session_id).variant == "B"


def test_empty_prompt_is_refused(onboarding):
    with pytest.raises(InvalidInputError, match="prompt is empty"):
        onboarding.submit_request("   ")


def test_bad_tenant_is_refused(onboarding):
    with pytest.raises(InvalidInputError, match="tenant"):
        onboarding.submit_request("a bakery", "../other")


def test_provide_email_sends_the_magic_link(onboarding, workspace):
    session = onboarding.submit_request("a bakery")
    answer = onboarding.provide_email(session.session_id, "Ada@Example.com")
    assert answer["magic_link_sent"] is True and answer["email"] == "Ada@example.com"
    assert get_session(session.session_id).status == "email_provided"
    assert latest_token(workspace)
    assert types(session.session_id) == ["request_submitted", "email_provided", "email_sent", "magic_link_sent"]


def test_provide_email_refuses_bad_address(onboarding):
    session = onboarding.submit_request("a bakery")
    with pytest.raises(InvalidInputError, match="not a valid email"):
        onboarding.provide_email(session.session_id, "not-an-email")


def test_provide_email_for_unknown_session(onboarding):
    with pytest.raises(NotFoundError):
        onboarding.provide_email("nope", "ada@example.com")


def test_failed_magic_link_email_keeps_the_session_and_is_retried(onboarding, workspace, monkeypatch):
    monkeypatch.setenv("FAIBRIC_EMAIL_BACKEND", "smtp")  # no SMTP_HOST: sending fails
    session = onboarding.submit_request("a bakery")
    answer = onboarding.provide_email(session.session_id, "ada@example.com")
    assert answer["magic_link_sent"] is False and answer["email_queued"] is True
    assert get_session(session.session_id).status == "email_provided"
    with read_connection(include_spool=False) as con:
        [(message, builder)] = con.execute("SELECT message, builder FROM email_queue").fetchall()
    assert message is None and builder.endswith("rebuild_magic_link_email")

    [result] = mail.retry_failed_emails(backend="outbox")
    assert result.ok
    onboarding.verify(latest_token(workspace))
    assert get_session(session.session_id).status == "verified"
    sent = [e for e in session_events(session.session_id) if e["type"] == "magic_link_sent"]
    assert sent and sent[0]["retried"] is True


def test_verify_marks_verified_and_records_the_customer(onboarding, workspace):
    session_id = verified_session(onboarding, workspace)
    assert get_session(session_id).status == "verified"
    with read_connection(include_spool=False) as con:
        assert con.execute("SELECT tenant_id, email FROM users").fetchall() == [("default", "ada@example.com")]
    assert types(session_id)[-1] == "verified"


def test_verify_twice_is_refused(onboarding, workspace):
    session = onboarding.submit_request("a bakery")
    onboarding.provide_email(session.session_id, "ada@example.com")
    token = latest_token(workspace)
    onboarding.verify(token)
    with pytest.raises(AuthError, match="already used"):
        onboarding.verify(token)


def test_email_cannot_change_after_verification(onboarding, workspace):
    session_id = verified_session(onboarding, workspace)
    with pytest.raises(IllegalTransitionError, match="already confirmed"):
        onboarding.provide_email(session_id, "eve@example.com")


# -- builds ---------------------------------------------------------------------------------------

def test_build_before_verification_is_refused(onboarding):
    session = onboarding.submit_request("a bakery")
    with pytest.raises(AuthError, match="no email yet") as info:
        onboarding.trigger_build(session.session_id)
    assert info.value.details["reason"] == "not_verified"
    onboarding.provide_email(session.session_id, "ada@example.com")
    with pytest.raises(AuthError, match="not verified yet; open the sign-in link sent to ada@example.com"):
        onboarding.trigger_build(session.session_id)


def test_build_runs_in_the_background_to_deployed(onboarding, workspace, fake):
    session_id = verified_session(onboarding, workspace)
    started = onboarding.trigger_build(session_id)
    assert started["status"] == "building"
    onboarding.worker.wait(session_id, timeout=10)
    state = onboarding.status(session_id)
    assert state["status"] == "deployed" and state["url"].endswith(f"/sites/{session_id}/")
    assert state["percent"] == 100.0 and state["error"] is None
    assert fake.calls == [("build", session_id, None, "local")]
    assert types(session_id)[-2:] == ["build_started", "deployed"]
    assert leases.get_lease(session_id) is None


def test_progress_can_be_polled_and_subscribed(workspace):
    gate = threading.Event()
    fake = FakeBuilds(gate=gate)
    worker = JobRunner(build_fn=fake.run_build)
    journey = Onboarding(worker=worker, status_cache_seconds=0)
    session_id = verified_session(journey, workspace)
    seen = []
    worker.subscribe(session_id, lambda stage, percent, message: seen.append((stage, percent)))
    journey.trigger_build(session_id)
    fake.started.wait(5)
    polled = journey.status(session_id)
    assert polled["status"] == "building" and polled["activity"] == "build" and polled["stage"] == "starting"
    gate.set()
    worker.wait(session_id, 10)
    assert seen == [("generate", 25.0), ("validate", 50.0), ("preview", 75.0), ("deploy", 90.0), ("finished", 100.0)]
    worker.shutdown()


def test_second_trigger_while_building_is_refused(workspace):
    gate = threading.Event()
    fake = FakeBuilds(gate=gate)
    journey = Onboarding(worker=JobRunner(build_fn=fake.run_build), status_cache_seconds=0)
    session_id = verified_session(journey, workspace)
    journey.trigger_build(session_id)
    with pytest.raises(BuildError, match="already building") as info:
        journey.trigger_build(session_id)
    assert info.value.details["reason"] == "already_building"
    gate.set()
    journey.worker.wait(session_id, 10)
    assert len(fake.calls) == 1


def test_stop_cancels_promptly_and_leaves_stopped(workspace):
    fake = FakeBuilds(step_seconds=30)
    journey = Onboarding(worker=JobRunner(build_fn=fake.run_build), status_cache_seconds=0)
    session_id = verified_session(journey, workspace)
    journey.trigger_build(session_id)
    fake.started.wait(5)
    began = time.monotonic()
    answer = journey.stop(session_id)
    assert time.monotonic() - began < 2.0
    assert answer["status"] == "stopped" and answer["stop_pending"] is False
    assert journey.status(session_id)["status"] == "stopped"
    assert types(session_id)[-1] == "build_stopped"


def test_stop_requested_by_another_process_reaches_the_build(workspace):
    fake = FakeBuilds(step_seconds=30)
    worker = JobRunner(build_fn=fake.run_build, poll_interval=0.02)
    journey = Onboarding(worker=worker, status_cache_seconds=0)
    session_id = verified_session(journey, workspace)
    journey.trigger_build(session_id)
    fake.started.wait(5)
    leases.request_stop(session_id)  # what `faibric stop` in another process writes
    worker.wait(session_id, 5)
    assert get_session(session_id).status == "stopped"
    assert not leases.stop_requested(session_id)


def test_builds_for_different_sessions_run_at_the_same_time(workspace):
    gate = threading.Event()
    fake = FakeBuilds(gate=gate)
    journey = Onboarding(worker=JobRunner(build_fn=fake.run_build), status_cache_seconds=0)
    first = verified_session(journey, workspace, "a@example.com")
    second = verified_session(journey, workspace, "b@example.com")
    journey.trigger_build(first)
    journey.trigger_build(second)
    wait_for(lambda: fake.concurrent == 2)
    gate.set()
    for sid in (first, second):
        journey.worker.wait(sid, 10)
        assert get_session(sid).status == "deployed"
    assert fake.max_concurrent == 2


def test_failed_build_ends_in_error_with_the_reason(workspace):
    fake = FakeBuilds(fail="the model refused")
    journey = Onboarding(worker=JobRunner(build_fn=fake.run_build), status_cache_seconds=0)
    session_id = verified_session(journey, workspace)
    journey.trigger_build(session_id)
    journey.worker.wait(session_id, 10)
    state = journey.status(session_id)
    assert state["status"] == "error" and state["error"] == "the model refused"


def test_crashing_build_never_leaves_the_session_building(workspace):
    fake = FakeBuilds(fail="boom", leave_building=True)
    journey = Onboarding(worker=JobRunner(build_fn=fake.run_build), status_cache_seconds=0)
    session_id = verified_session(journey, workspace)
    journey.trigger_build(session_id)
    journey.worker.wait(session_id, 10)
    session = get_session(session_id)
    assert session.status == "error" and "RuntimeError: boom" in session.status_reason
    assert "RuntimeError" in (workspace / "logs" / "worker.log").read_text()


def test_build_that_returns_while_building_is_settled_as_error(workspace):
    fake = FakeBuilds(leave_building=True)
    journey = Onboarding(worker=JobRunner(build_fn=fake.run_build), status_cache_seconds=0)
    session_id = verified_session(journey, workspace)
    journey.trigger_build(session_id)
    journey.worker.wait(session_id, 10)
    assert get_session(session_id).status == "error"


def test_rebuild_after_stop_is_allowed(onboarding, workspace):
    session_id = verified_session(onboarding, workspace)
    onboarding.stop(session_id)
    onboarding.trigger_build(session_id)
    onboarding.worker.wait(session_id, 10)
    assert get_session(session_id).status == "deployed"


def test_shutdown_stops_running_builds(workspace):
    fake = FakeBuilds(step_seconds=30)
    worker = JobRunner(build_fn=fake.run_build)
    journey = Onboarding(worker=worker, status_cache_seconds=0)
    session_id = verified_session(journey, workspace)
    journey.trigger_build(session_id)
    fake.started.wait(5)
    worker.shutdown(timeout=5)
    assert get_session(session_id).status == "stopped"
    with pytest.raises(BuildError, match="shutting down"):
        worker.start_build(session_id)


# -- modification chat ----------------------------------------------------------------------------

@pytest.mark.parametrize("message", [
    "make the header dark blue",
    "change the title to Sunrise Bakery",
    "add a contact form to my site",
    "build a new section for my site about our team",
    "the buttons are too small",
])
def test_rules_classify_changes(message):
    assert classify_by_rules(message).kind == "change"


@pytest.mark.parametrize("message", [
    "now build me a new website for my gym",
    "I want another site, a portfolio for my photography",
    "start over with a different project",
    "create a landing page for my consulting business from scratch",
    "make me an online store for handmade soap",
])
def test_rules_classify_new_projects(message):
    assert classify_by_rules(message).kind == "new_project"


def test_modify_change_applies_edits_and_redeploys(onboarding, workspace, fake):
    session_id = verified_session(onboarding, workspace)
    onboarding.trigger_build(session_id)
    onboarding.worker.wait(session_id, 10)
    answer = onboarding.modify(session_id, "make the header dark blue")
    assert answer["kind"] == "change" and answer["status"] == "modifying"
    onboarding.worker.wait(session_id, 10)
    assert fake.calls[-1] == ("modify", session_id, "make the header dark blue")
    assert get_session(session_id).status == "deployed"
    tail = types(session_id)[-4:]
    assert tail == ["modification_requested", "build_started", "modification_applied", "deployed"]
    assert answer["classification"]["method"] == "rules"


def test_modify_new_project_starts_a_linked_verified_session(onboarding, workspace, fake):
    session_id = verified_session(onboarding, workspace)
    onboarding.trigger_build(session_id)
    onboarding.worker.wait(session_id, 10)
    answer = onboarding.modify(session_id, "now build me a new website for my gym")
    child_id = answer["new_session_id"]
    assert answer["kind"] == "new_project" and child_id != session_id
    onboarding.worker.wait(child_id, 10)
    child = get_session(child_id)
    assert child.parent_session_id == session_id and child.email == "ada@example.com"
    assert child.status == "deployed" and child.prompt == "now build me a new website for my gym"
    assert types(child_id)[:4] == ["request_submitted", "email_provided", "verified", "build_started"]
    assert get_session(session_id).status == "deployed"
    requested = [e for e in session_events(session_id) if e["type"] == "modification_requested"]
    assert [(e["kind"], e["new_session_id"]) for e in requested] == [("new_project", child_id)]


def test_modify_before_any_build_is_refused(onboarding, workspace):
    session_id = verified_session(onboarding, workspace)
    with pytest.raises(BuildError, match="no built site to change"):
        onboarding.modify(session_id, "make it blue")


def test_modify_unverified_is_refused(onboarding):
    session = onboarding.submit_request("a bakery")
    with pytest.raises(AuthError, match="no email yet"):
        onboarding.modify(session.session_id, "make it blue")


def test_modify_with_injected_classifier(workspace, fake):
    from faibric_kernel.onboarding import Classification

    def always_new(message, **_):
        return Classification("new_project", "model:fake/cheap", "the model answered NEW")

    journey = Onboarding(worker=JobRunner(build_fn=fake.run_build, modify_fn=fake.modify_site),
                         classifier=always_new, status_cache_seconds=0)
    session_id = verified_session(journey, workspace)
    journey.trigger_build(session_id)
    journey.worker.wait(session_id, 10)
    answer = journey.modify(session_id, "make it blue")
    assert answer["kind"] == "new_project" and answer["classification"]["method"] == "model:fake/cheap"
    journey.worker.wait(answer["new_session_id"], 10)


# -- stop, feedback, tenants ----------------------------------------------------------------------

def test_stop_a_deployed_session(onboarding, workspace):
    session_id = verified_session(onboarding, workspace)
    onboarding.trigger_build(session_id)
    onboarding.worker.wait(session_id, 10)
    assert onboarding.stop(session_id)["status"] == "stopped"
    assert onboarding.stop(session_id)["status"] == "stopped"  # idempotent


def test_stop_building_session_whose_process_is_gone(onboarding, workspace):
    session_id = verified_session(onboarding, workspace)
    transition(session_id, "building")  # a build with no live owner
    assert onboarding.stop(session_id)["status"] == "stopped"


def test_feedback_is_recorded(onboarding, workspace):
    session_id = verified_session(onboarding, workspace)
    answer = onboarding.submit_feedback(session_id, 5, "  Lovely!  ")
    assert answer["rating"] == 5 and answer["comment"] == "Lovely!"
    [event] = [e for e in session_events(session_id) if e["type"] == "feedback_submitted"]
    assert event["rating"] == 5 and event["comment"] == "Lovely!" and event["actor"] == "ada@example.com"


@pytest.mark.parametrize("rating", [0, 6, 3.5, "5", True, None])
def test_feedback_rating_must_be_1_to_5(onboarding, rating):
    session = onboarding.submit_request("a bakery")
    with pytest.raises(InvalidInputError, match="1 to 5"):
        onboarding.submit_feedback(session.session_id, rating)


def test_sessions_of_another_tenant_are_not_found(onboarding, workspace):
    session = onboarding.submit_request("a bakery", "acme")
    assert onboarding.status(session.session_id, tenant_id="acme")["tenant_id"] == "acme"
    for call in (
        lambda: onboarding.status(session.session_id, tenant_id="globex"),
        lambda: onboarding.provide_email(session.session_id, "a@example.com", tenant_id="globex"),
        lambda: onboarding.trigger_build(session.session_id, tenant_id="globex"),
        lambda: onboarding.stop(session.session_id, tenant_id="globex"),
        lambda: onboarding.submit_feedback(session.session_id, 4, tenant_id="globex"),
    ):
        with pytest.raises(NotFoundError):
            call()


def test_events_of_a_session_carry_its_tenant(onboarding, workspace):
    session_id = verified_session(onboarding, workspace, tenant="acme")
    assert {e["tenant"] for e in session_events(session_id)} == {"acme"}


@pytest.mark.duckdb_state
def test_status_cache_serves_repeated_polls_from_memory(workspace, fake):
    journey = Onboarding(worker=JobRunner(build_fn=fake.run_build), status_cache_seconds=60)
    session = journey.submit_request("a bakery")
    journey.status(session.session_id)
    os.chmod(workspace / "faibric.duckdb", 0)  # any database read would now fail
    try:
        assert journey.status(session.session_id)["status"] == "request_submitted"
    finally:
        os.chmod(workspace / "faibric.duckdb", 0o644)


# -- recovery -------------------------------------------------------------------------------------

def _lease_for_dead_process(session_id: str) -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    with state_connection() as con:
        con.execute(
            "INSERT INTO build_leases (session_id, tenant_id, kind, pid, host, boot_id, proc_start, "
            "started_at, heartbeat_at) VALUES (?, 'default', 'build', ?, ?, NULL, NULL, now(), now())",
            [session_id, proc.pid, leases.process_identity()["host"]],
        )


def test_recovery_marks_builds_of_dead_processes_interrupted():
    session = create_session("a bakery")
    transition(session.session_id, "building")
    _lease_for_dead_process(session.session_id)
    assert recover_interrupted() == [session.session_id]
    stored = get_session(session.session_id)
    assert stored.status == "error" and stored.status_reason == "interrupted"
    error = [e for e in session_events(session.session_id) if e["type"] == "error"][-1]
    assert error["reason"] == "interrupted"
    assert leases.get_lease(session.session_id) is None


def test_recovery_leaves_live_builds_alone():
    session = create_session("a bakery")
    transition(session.session_id, "building")
    leases.acquire(session.session_id, tenant_id="default", kind="build")
    assert recover_interrupted() == []
    assert get_session(session.session_id).status == "building"


def test_recovery_detects_a_reused_pid():
    session = create_session("a bakery")
    transition(session.session_id, "building")
    me = leases.process_identity()
    with state_connection() as con:
        con.execute("INSERT INTO build_leases (session_id, tenant_id, kind, pid, host, boot_id, proc_start, "
            "started_at, heartbeat_at) VALUES (?, 'default', 'build', ?, ?, ?, ?, now(), now())",
                    [session.session_id, me["pid"], me["host"], me["boot_id"], (me["proc_start"] or 0) + 1])
    assert recover_interrupted() == [session.session_id]


def test_recovery_without_lease_waits_until_stale(monkeypatch):
    session = create_session("a bakery")
    transition(session.session_id, "building")
    assert recover_interrupted() == []
    monkeypatch.setenv("FAIBRIC_BUILD_STALE_MINUTES", "0")
    assert recover_interrupted() == [session.session_id]


_KILL_SCRIPT = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {tests!r})
    from fakes.builds import FakeBuilds
    from faibric_kernel.build import JobRunner
    from faibric_kernel.onboarding import Onboarding
    fake = FakeBuilds(step_seconds=600)
    journey = Onboarding(worker=JobRunner(build_fn=fake.run_build))
    journey.trigger_build({session_id!r})
    fake.started.wait(30)
    print("building", flush=True)
    time.sleep(600)
""")


def test_kill_test_sigkilled_build_is_marked_interrupted_on_next_start(onboarding, workspace):
    session_id = verified_session(onboarding, workspace)
    script = _KILL_SCRIPT.format(tests=str(TESTS), session_id=session_id)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "FAIBRIC_HOME": str(workspace)})
    try:
        assert proc.stdout.readline().strip() == "building"
        assert get_session(session_id).status == "building"
        assert recover_interrupted() == []  # its owner is alive
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert get_session(session_id).status == "building"
    JobRunner()  # a new start of the worker process...
    from faibric_kernel.build import jobs as worker_module

    worker_module.set_runner(None)
    worker_module.get_runner()  # ...recovers on its first use
    stored = get_session(session_id)
    assert stored.status == "error" and stored.status_reason == "interrupted"
    assert types(session_id)[-1] == "error"
    worker_module.set_runner(None)


def test_status_cache_serves_a_stale_row_while_it_rereads_it(workspace, fake):
    journey = Onboarding(worker=JobRunner(build_fn=fake.run_build), status_cache_seconds=0.05)
    journey.cache.max_stale = 600
    session = journey.submit_request("a bakery")  # cached as it was created
    transition(session.session_id, "stopped")  # changed behind the cache's back, as another process would
    time.sleep(0.06)
    assert journey.status(session.session_id)["status"] == "request_submitted"  # stale, answered at once
    wait_for(lambda: journey.status(session.session_id)["status"] == "stopped", timeout=5)


def test_demo_history_is_not_recovered(monkeypatch):
    monkeypatch.setenv("FAIBRIC_BUILD_STALE_MINUTES", "0")
    session = create_session("a bakery", properties={"demo": True})
    transition(session.session_id, "building")
    assert recover_interrupted() == []
    assert get_session(session.session_id).status == "building"


def test_trigger_rebuilds_a_session_whose_build_process_died(onboarding, workspace):
    session_id = verified_session(onboarding, workspace)
    transition(session_id, "building")
    _lease_for_dead_process(session_id)
    onboarding.trigger_build(session_id)
    onboarding.worker.wait(session_id, 10)
    assert get_session(session_id).status == "deployed"
    assert "error" in types(session_id)


def test_status_cache_rereads_many_stale_sessions(workspace, fake):
    journey = Onboarding(worker=JobRunner(build_fn=fake.run_build), status_cache_seconds=0.05)
    journey.cache.max_stale = 600  # this test's setup may take seconds on a busy machine
    ids = [journey.submit_request(f"site {i}").session_id for i in range(20)]
    for session_id in ids:  # submit_request cached each row; nothing polls while they change
        transition(session_id, "stopped")
    time.sleep(0.06)
    assert {journey.status(sid)["status"] for sid in ids} == {"request_submitted"}
    wait_for(lambda: {journey.status(sid)["status"] for sid in ids} == {"stopped"}, timeout=10)
