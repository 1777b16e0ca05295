"""Build traces: spans with timings, tokens, cost and outcome; texts only with FAIBRIC_TRACE_TEXT=1, redacted."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from fakes.anthropic_fake import FakeMessagesAPI, default_answer

from faibric_kernel import config
from faibric_kernel.build import modify_site, run_build
from faibric_kernel.build.traces import redact, traces
from faibric_kernel.cli import main
from faibric_kernel.errors import MalformedOutputError
from faibric_kernel.providers.anthropic import AnthropicProvider
from faibric_kernel.sessions import create_session
from faibric_kernel.store import read_connection

PROMPT = "A landing page for Doce Vida, a bakery in Lisbon, with a menu and a contact form"
FAKE_KEY = "sk-ant-api03-FAKEfakeFAKE0123456789abcdefXYZ"
SECRET_PROMPT = (f"{PROMPT}. My Anthropic key is {FAKE_KEY}, the GitHub token ghp_0123456789abcdefghijABCDEFGHIJ "
                 "and write to owner.person@example.com")


def anthropic(api):
    return AnthropicProvider(client=api.client(), sleep=lambda s: None)


def recorded(session_id: str) -> list[dict]:
    with read_connection() as con:
        return traces(con, session_id=session_id, order="ts")


def raw_events(session_id: str) -> str:
    with read_connection() as con:
        return json.dumps([r[0] for r in con.execute("SELECT CAST(properties AS VARCHAR) FROM events "
                                                     "WHERE session_id = ?", [session_id]).fetchall()])


def test_a_build_is_a_trace_of_spans_with_tokens_cost_and_outcome():
    api = FakeMessagesAPI()
    sid = create_session(PROMPT).session_id
    result = run_build(sid, provider=anthropic(api), deploy_target="none", preview=False)
    [trace] = recorded(sid)
    assert trace["trace_id"] == result.trace_id and trace["kind"] == "build" and trace["outcome"] == "ready"
    names = [s["name"] for s in trace["spans"]]
    assert names == ["classify", "library", "generate", "parse", "validate", "deploy"]
    spans = {s["name"]: s for s in trace["spans"]}
    assert [c["purpose"] for c in spans["classify"]["calls"]] == ["classify"]
    assert {c["purpose"] for c in spans["generate"]["calls"]} <= {"generate", "adapt"}
    assert spans["generate"]["output_tokens"] > 0 and spans["generate"]["cost_usd"] > 0
    assert trace["cost_usd"] == pytest.approx(result.cost_usd)
    assert all(s["seconds"] >= 0 and s["outcome"] == "ok" for s in trace["spans"])
    assert trace["calls"] == result.usage["calls"]


def test_a_change_is_traced_too():
    sid = create_session(PROMPT).session_id
    run_build(sid, deploy_target="none", preview=False)
    change = modify_site(sid, "change the phone number to +351 912 345 678", preview=False)
    traced = recorded(sid)  # newest first
    assert [t["kind"] for t in traced] == ["change", "build"] and traced[0]["trace_id"] == change.trace_id
    assert [s["name"] for s in traced[0]["spans"]][:2] == ["classify", "generate"]


def test_a_failed_build_records_the_span_that_failed():
    api = FakeMessagesAPI()
    api.responder = lambda body: ("No code today." if "You classify" not in json.dumps(body.get("system"))
                                  else default_answer(body))
    sid = create_session(PROMPT).session_id
    with pytest.raises(MalformedOutputError):
        run_build(sid, provider=anthropic(api), deploy_target="none", preview=False)
    [trace] = recorded(sid)
    assert trace["outcome"] == "error" and trace["error"] == "MalformedOutputError"
    failed = trace["spans"][-1]
    assert failed["name"] == "generate" and failed["outcome"] == "error"
    assert [c["purpose"] for c in failed["calls"]][-1] == "repair"


def test_trace_text_is_not_stored_without_the_switch():
    api = FakeMessagesAPI()
    sid = create_session(SECRET_PROMPT).session_id
    run_build(sid, provider=anthropic(api), deploy_target="none", preview=False)
    [trace] = recorded(sid)
    assert trace["text_stored"] is False
    assert not (config.workspace() / "traces").exists()
    assert "Doce Vida" not in json.dumps(trace, default=str) and FAKE_KEY not in raw_events(sid)


def test_trace_text_with_the_switch_is_redacted(monkeypatch):
    monkeypatch.setenv("FAIBRIC_TRACE_TEXT", "1")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-THIS-IS-THE-CONFIGURED-KEY-123")
    api = FakeMessagesAPI()
    sid = create_session(SECRET_PROMPT + " and sk-test-THIS-IS-THE-CONFIGURED-KEY-123").session_id
    result = run_build(sid, provider=anthropic(api), deploy_target="none", preview=False)
    assert FAKE_KEY in json.dumps([r.body for r in api.requests])  # the model did see the prompt as written
    stored = (config.workspace() / "traces" / sid / f"{result.trace_id}.json").read_text()
    texts = json.loads(stored)["texts"]
    assert len(texts) == result.usage["calls"] and "Doce Vida" in stored
    for leaked in (FAKE_KEY, "ghp_0123456789abcdefghijABCDEFGHIJ", "owner.person@example.com",
                   "THIS-IS-THE-CONFIGURED-KEY"):
        assert leaked not in stored
    assert "[secret]" in stored and "[email]" in stored and "[ANTHROPIC_API_KEY]" in stored
    shown = CliRunner().invoke(main, ["traces", "show", result.trace_id, "--text", "--json"])
    assert shown.exit_code == 0 and FAKE_KEY not in shown.output and "[secret]" in shown.output


def test_redact_keeps_ordinary_text():
    text = "Call 555-0100; token: abcdef123456; password=hunter2hunter; Bearer abcdefghijklmnopqrstuv"
    assert redact(text) == "Call 555-0100; token: [secret]; password=[secret]; Bearer [secret]"
    assert redact("A warm bakery in Lisbon") == "A warm bakery in Lisbon"


def test_traces_list_orders_by_cost_and_time():
    api = FakeMessagesAPI()
    cheap = create_session(PROMPT).session_id
    run_build(cheap, deploy_target="none", preview=False)  # offline: free
    dear = create_session(PROMPT).session_id
    run_build(dear, provider=anthropic(api), deploy_target="none", preview=False)
    doc = json.loads(CliRunner().invoke(main, ["traces", "list", "--by", "cost", "--json"]).output)
    assert [t["session_id"] for t in doc] == [dear, cheap]
    text = CliRunner().invoke(main, ["traces", "list"]).output
    assert "classify:" in text and "generate:" in text


def test_a_previewed_build_has_a_bundle_span():
    from faibric_kernel.generation.pipeline import preview_available

    if not preview_available():
        pytest.skip("no preview toolchain")
    sid = create_session(PROMPT).session_id
    run_build(sid, deploy_target="local", preview=True)
    [trace] = recorded(sid)
    spans = {s["name"]: s for s in trace["spans"]}
    assert {"validate", "bundle", "deploy"} <= set(spans) and spans["bundle"]["outcome"] == "ok"
    assert spans["bundle"]["seconds"] > 0
