"""The build pipeline: statuses, events, costs, cancel, and the anthropic path against the fake Messages API."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from fakes.anthropic_fake import FakeMessagesAPI, Reply, default_answer, serve

from faibric_kernel.build import run_build
from faibric_kernel.errors import (
    BuildError,
    BuildStoppedError,
    IllegalTransitionError,
    MalformedOutputError,
    RateLimitedError,
)
from faibric_kernel.projects import get_version, list_versions, project_for_session, restore
from faibric_kernel.providers.anthropic import AnthropicProvider
from faibric_kernel.providers.offline import OfflineProvider
from faibric_kernel.sessions import create_session, get_session
from faibric_kernel.store import read_connection

PROMPT = "A landing page for Doce Vida, a bakery in Lisbon, with a menu and a contact form"


def new_session(prompt=PROMPT):
    return create_session(prompt).session_id


def anthropic(api):
    return AnthropicProvider(client=api.client(), sleep=lambda s: None)


def events(session_id):
    with read_connection() as con:
        return [r[0] for r in con.execute(
            "SELECT event_type FROM events WHERE session_id = ? ORDER BY ts", [session_id]).fetchall()]


def calls(session_id):
    with read_connection() as con:
        return con.execute(
            "SELECT purpose, model, status, cost_usd, input_tokens, output_tokens, cache_creation_input_tokens, "
            "cache_read_input_tokens FROM api_calls WHERE session_id = ? ORDER BY ts", [session_id]).fetchall()


def build(session_id, **kw):
    kw.setdefault("deploy_target", "none")
    kw.setdefault("preview", False)
    return run_build(session_id, **kw)


# -- offline --------------------------------------------------------------------------------------
def test_offline_build_ends_ready_with_a_version_and_the_events():
    sid = new_session()
    stages = []
    result = build(sid, on_progress=lambda stage, percent, message: stages.append((stage, percent)))
    assert result.status == "ready" and get_session(sid).status == "ready" and result.version == 1
    kinds = events(sid)
    for expected in ("request_submitted", "build_started", "library_reused", "generation_completed", "preview_ready"):
        assert expected in kinds
    purposes = [c[0] for c in calls(sid)]
    assert purposes[0] == "classify" and purposes[-1] == "adapt" and set(purposes) <= {"classify", "generate", "adapt"}
    assert stages[0][0] == "classify" and stages[-1] == ("done", 100)
    assert all(b[1] >= a[1] for a, b in zip(stages, stages[1:], strict=False))


def test_streamed_text_reaches_on_text():
    pieces = []
    build(new_session(), on_text=pieces.append)
    assert len(pieces) > 10 and '<file path="src/App.jsx">' in "".join(pieces)


def test_cancel_before_start_leaves_the_session_stopped():
    sid = new_session()
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(BuildStoppedError):
        build(sid, cancel=cancel)
    assert get_session(sid).status == "stopped" and "build_stopped" in events(sid)


def test_cancel_while_streaming_stops_the_build():
    sid = new_session()
    cancel = threading.Event()
    seen = []

    def on_text(piece):
        seen.append(piece)
        if len(seen) == 4:
            cancel.set()

    with pytest.raises(BuildStoppedError):
        build(sid, provider=OfflineProvider(), on_text=on_text, cancel=cancel)
    assert get_session(sid).status == "stopped" and len(seen) == 4
    with pytest.raises(Exception, match="no project"):
        project_for_session(sid)


def test_a_session_cannot_build_twice_at_once():
    sid = new_session()
    started, release = threading.Event(), threading.Event()

    class SlowOffline(OfflineProvider):
        def complete(self, request, on_text=None, cancel=None):
            if request.purpose in ("generate", "adapt"):
                started.set()
                release.wait(10)
            return super().complete(request, on_text, cancel)

    worker = threading.Thread(target=lambda: build(sid, provider=SlowOffline()))
    worker.start()
    started.wait(10)
    try:
        with pytest.raises((BuildError, IllegalTransitionError)):
            build(sid)
    finally:
        release.set()
        worker.join(30)
    assert get_session(sid).status == "ready"


def test_two_sessions_build_in_parallel_threads():
    ids = [new_session(PROMPT), new_session("A SaaS landing page for Flowbase with pricing")]
    results, errors = {}, []

    def run(sid):
        try:
            results[sid] = build(sid)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(sid,)) for sid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors and {r.status for r in results.values()} == {"ready"}


def test_versions_and_restore():
    sid = new_session()
    result = build(sid)
    from faibric_kernel.build import modify_site

    modify_site(sid, "change the headline to Pão quente todas as manhãs", preview=False)
    restored = restore(sid, 1)
    versions = list_versions(result.project_id)
    assert [v.version for v in versions] == [1, 2, 3] and versions[2].kind == "restore"
    assert restored.files == versions[0].files and restored.properties["changed_files"] == ["src/content.js"]
    assert "Pão quente" in versions[1].diff and versions[1].cost_usd == 0.0
    on_disk = (Path(result.project_dir) / "src" / "content.js").read_text()
    assert "Pão quente" not in on_disk


# -- anthropic through the fake ----------------------------------------------------------------------
def test_anthropic_build_records_usage_and_cost_and_uses_the_cheap_model_to_classify():
    api = FakeMessagesAPI()
    sid = new_session()
    result = build(sid, provider=anthropic(api))
    rows = calls(sid)
    assert result.status == "ready" and result.provider == "anthropic"
    assert rows[0][0] == "classify" and rows[0][1] == "claude-haiku-4-5"
    assert rows[1][0] in ("generate", "adapt") and all(r[2] == "ok" for r in rows)
    assert result.cost_usd == pytest.approx(sum(r[3] for r in rows)) and result.cost_usd > 0
    generation = api.requests[1].body
    assert generation["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert "Doce Vida" in generation["messages"][0]["content"]


def test_second_build_reads_the_constraints_from_the_cache():
    api = FakeMessagesAPI()
    provider = anthropic(api)
    first = new_session()
    build(first, provider=provider)
    sid = new_session()
    build(sid, provider=provider)
    written = [r for r in calls(first) if r[0] in ("generate", "adapt")][0]
    read = [r for r in calls(sid) if r[0] in ("generate", "adapt")][0]
    assert written[6] > 4000 and written[7] == 0
    assert read[7] == written[6] and read[6] == 0 and read[3] < written[3] + written[6]


def test_continuation_after_max_tokens():
    state = {}

    def responder(body):
        user = body["messages"][-1]["content"]
        if user.startswith("Compose this website"):
            full = default_answer(body)
            cut = len(full) // 2
            state["rest"] = full[cut:]
            return full[:cut], "max_tokens"
        if user.startswith("Your answer was cut off"):
            return state["rest"], "end_turn"
        return default_answer(body)

    api = FakeMessagesAPI(responder=responder)
    sid = new_session()
    result = build(sid, provider=anthropic(api))
    assert result.status == "ready"
    purposes = [c[0] for c in calls(sid)]
    assert purposes.count("adapt") == 2
    assert api.requests[-1].body["messages"][-2]["role"] == "assistant"


def test_continuation_is_bounded_to_two():
    def responder(body):
        user = body["messages"][-1]["content"]
        if user.startswith("Compose this website") or user.startswith("Your answer was cut off"):
            return '<file path="src/App.jsx">\nexport default function App() {', "max_tokens"
        return default_answer(body)

    api = FakeMessagesAPI(responder=responder)
    sid = new_session()
    with pytest.raises(Exception):  # noqa: B017 - the truncated site cannot validate
        build(sid, provider=anthropic(api))
    assert [c[0] for c in calls(sid)].count("adapt") == 3 and get_session(sid).status == "error"


def test_malformed_output_is_recovered_with_one_repair_request():
    api = FakeMessagesAPI()
    api.responder = lambda body: ("I would love to help! A bakery site should feel warm."
                                  if body["messages"][-1]["content"].startswith("Compose this website")
                                  else default_answer(body))
    sid = new_session()
    result = build(sid, provider=anthropic(api))
    assert result.status == "ready" and "repair" in [c[0] for c in calls(sid)]


def test_malformed_output_twice_is_refused_clearly():
    api = FakeMessagesAPI()
    api.responder = lambda body: ("No code today." if "You classify" not in json.dumps(body.get("system"))
                                  else default_answer(body))
    sid = new_session()
    with pytest.raises(MalformedOutputError, match="no files, even after one repair"):
        build(sid, provider=anthropic(api))
    session = get_session(sid)
    assert session.status == "error" and "repair" in session.status_reason


def test_repeated_529_ends_in_error_not_building():
    api = FakeMessagesAPI().then(Reply()).fail(529, times=4)
    sid = new_session()
    with pytest.raises(RateLimitedError):
        build(sid, provider=anthropic(api))
    session = get_session(sid)
    assert session.status == "error" and "overloaded" in session.status_reason and "error" in events(sid)


def test_hostile_paths_are_refused_and_nothing_is_written_outside(workspace):
    def responder(body):
        answer = default_answer(body)
        if body["messages"][-1]["content"].startswith("Compose this website"):
            answer += ('\n<file path="../../escape.js">\nalert(1)\n</file>\n<file path="/tmp/abs.js">\nx\n</file>\n'
                       '<file path="src\\\\win.js">\nx\n</file>\n')
        return answer

    api = FakeMessagesAPI(responder=responder)
    sid = new_session()
    result = build(sid, provider=anthropic(api))
    assert result.status == "ready"
    assert not (workspace / "escape.js").exists() and not (workspace.parent / "escape.js").exists()
    assert all(not p.endswith(("escape.js", "abs.js", "win.js")) for p in result.files)
    assert events(sid).count("file_rejected") == 3
    assert {w["rule"] for w in result.validation["warnings"]} == {"unsafe-path"}


def test_anthropic_build_through_a_loopback_server(monkeypatch):
    api = FakeMessagesAPI()
    base_url, stop = serve(api)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-loopback")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", base_url)
    try:
        sid = new_session()
        result = build(sid)
    finally:
        stop()
    assert result.status == "ready" and result.provider == "anthropic" and len(api.requests) in (2, 3)
    assert api.requests[-1].body["messages"][0]["content"].startswith("Compose this website")


def test_validation_failure_gets_one_fix_then_a_clear_error():
    def responder(body):
        user = body["messages"][-1]["content"]
        if user.startswith("Compose this website"):
            return default_answer(body).replace("export default function App() {",
                                                "export default function App() {\n  eval('1');", 1)
        return default_answer(body)

    api = FakeMessagesAPI(responder=responder)
    sid = new_session()
    with pytest.raises(Exception, match="after the one allowed fix"):
        build(sid, provider=anthropic(api))
    assert [c[0] for c in calls(sid)].count("fix") == 1
    kinds = events(sid)
    assert kinds.count("validation_failed") == 2 and get_session(sid).status == "error"


def test_the_one_fix_can_repair_the_site():
    state = {}

    def responder(body):
        user = body["messages"][-1]["content"]
        if user.startswith("Compose this website"):
            good = default_answer(body)
            state["app"] = good.split('<file path="src/App.jsx">\n', 1)[1].split("</file>", 1)[0]
            return good.replace(state["app"], state["app"].replace("</main>", "</main"))
        if user.startswith("Validation found these problems"):
            return f'<file path="src/App.jsx">\n{state["app"]}</file>'
        return default_answer(body)

    api = FakeMessagesAPI(responder=responder)
    sid = new_session()
    result = build(sid, provider=anthropic(api))
    assert result.status == "ready" and "code_fixed" in events(sid)
    assert get_version(result.project_id).validation["ok"] is True


def test_the_strong_model_writes_only_new_components_and_the_cheap_model_the_page():
    api = FakeMessagesAPI()
    sid = new_session("Website for my yoga studio in Brighton with class schedule and pricing")
    result = build(sid, provider=anthropic(api))
    rows = calls(sid)
    assert [(r[0], r[1]) for r in rows] == [("classify", "claude-haiku-4-5"), ("generate", "claude-sonnet-4-6"),
                                            ("adapt", "claude-haiku-4-5")]
    written = get_version(result.project_id).properties["generation"]["calls"]
    assert all(p.startswith("src/components/") for p in written[0]["files"]) and "ScheduleList" in str(written[0])
    assert {"src/content.js", "src/App.jsx"} <= set(written[1]["files"])


def test_a_bundle_error_is_a_validation_failure_that_gets_the_one_fix():
    pytest.importorskip("faibric_kernel.preview")
    state = {}

    def responder(body):
        user = body["messages"][-1]["content"]
        if user.startswith("Compose this website"):
            good = default_answer(body)
            state["app"] = good.split('<file path="src/App.jsx">\n', 1)[1].split("</file>", 1)[0]
            # parses and resolves, but esbuild refuses it: content.js has no named export "missing"
            broken = state["app"].replace("import content from './content.js';",
                                          "import content, { missing } from './content.js';\nconsole.log(missing);")
            return good.replace(state["app"], broken)
        if user.startswith("Validation found these problems"):
            state["fix_request"] = user
            return f'<file path="src/App.jsx">\n{state["app"]}</file>'
        return default_answer(body)

    api = FakeMessagesAPI(responder=responder)
    sid = new_session()
    result = run_build(sid, provider=anthropic(api), deploy_target="none", preview=True)
    assert result.status == "ready" and result.preview_path and Path(result.preview_path).exists()
    assert "[bundle]" in state["fix_request"] and "src/App.jsx" in state["fix_request"]
    assert events(sid).count("validation_failed") == 1 and "code_fixed" in events(sid)
