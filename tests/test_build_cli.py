"""The generation commands: build, modify, versions, restore, sessions, session, deploy."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from faibric_kernel.cli import main

PROMPT = "A landing page for Doce Vida, a bakery in Lisbon, with a menu and a contact form"


def run(*args):
    result = CliRunner().invoke(main, list(args))
    return result


def built_session() -> str:
    result = run("build", PROMPT, "--deploy", "none", "--no-preview", "--quiet", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["session_id"]


def test_build_streams_to_stderr_and_prints_one_json_document():
    result = run("build", PROMPT, "--deploy", "none", "--no-preview", "--verbose", "--json")
    data = json.loads(result.stdout)
    assert set(data) >= {"session_id", "status", "project_dir", "files", "version", "url", "cost_usd"}
    assert '<file path="src/App.jsx">' in result.stderr and "[100%] done" in result.stderr


def test_build_streams_the_model_text_only_when_asked():
    result = run("build", PROMPT, "--deploy", "none", "--no-preview", "--json")
    assert result.exit_code == 0 and "[100%] done" in result.stderr
    assert '<file path="src/App.jsx">' not in result.stderr


def test_a_failed_build_with_json_still_prints_one_json_document():
    result = run("build", "   ", "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {"status": "error", "error": result.stderr.strip()[len("error: "):],
                                         "session_id": None}


def test_a_failed_change_with_json_names_the_session():
    sid = built_session()
    result = run("modify", sid, "   ", "--json")
    data = json.loads(result.stdout)
    assert result.exit_code == 2 and data["status"] == "error" and data["session_id"] == sid


def test_build_refuses_an_empty_prompt_with_one_line():
    result = run("build", "   ", "--json")
    assert result.exit_code == 2 and result.stderr.startswith("error: the prompt is empty")


def test_modify_versions_restore_and_session():
    sid = built_session()
    changed = run("modify", sid, "change the headline to Pão quente todas as manhãs", "--no-preview", "--quiet",
                  "--json")
    assert changed.exit_code == 0, changed.output
    assert json.loads(changed.stdout)["touched"] == ["src/content.js"]
    restored = run("restore", sid, "1", "--json")
    assert json.loads(restored.stdout)["version"] == 3
    listing = json.loads(run("versions", sid, "--json").stdout)
    assert [v["version"] for v in listing["versions"]] == [1, 2, 3] and listing["current_version"] == 3
    assert listing["versions"][2]["restored_from"] == 1
    session = json.loads(run("session", sid, "--json").stdout)
    assert session["status"] == "ready" and session["project"]["current_version"] == 3
    sessions = json.loads(run("sessions", "--json").stdout)
    assert sid in [s["session_id"] for s in sessions]


def test_versions_of_an_unbuilt_session_is_a_clear_error():
    from faibric_kernel.sessions import create_session

    sid = create_session(PROMPT).session_id
    result = run("versions", sid)
    assert result.exit_code == 2 and "build it first" in result.stderr


def test_restore_of_a_missing_version_is_a_clear_error():
    sid = built_session()
    result = run("restore", sid, "9")
    assert result.exit_code == 2 and "no version 9" in result.stderr


def test_deploy_a_built_session_locally():
    pytest.importorskip("faibric_kernel.deploy")
    sid = built_session()
    result = run("deploy", sid, "--target", "local", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "live" and data["url"]
    session = json.loads(run("session", sid, "--json").stdout)
    assert session["status"] == "deployed" and session["url"] == data["url"]


def test_a_deploy_target_without_its_settings_is_refused_before_anything_is_built():
    from faibric_kernel.sessions import list_sessions

    result = CliRunner().invoke(main, ["build", "A bakery in Lisbon", "--deploy", "github+render", "--json"])
    assert result.exit_code != 0
    line = result.stderr.strip()
    assert "\n" not in line
    for name in ("GITHUB_TOKEN", "GITHUB_APPS_REPO", "RENDER_API_KEY", "RENDER_OWNER_ID"):
        assert name in line
    assert list_sessions() == []


def test_a_good_deploy_mends_a_session_left_in_error():
    from faibric_kernel.sessions import get_session, transition

    built = json.loads(run("build", "A bakery in Lisbon", "--deploy", "none", "--quiet", "--json").stdout)
    transition(built["session_id"], "error", reason="an earlier deploy failed")
    deployed = json.loads(run("deploy", built["session_id"], "--json").stdout)
    assert deployed["url"].startswith("http://127.0.0.1")
    session = get_session(built["session_id"])
    assert (session.status, session.url) == ("deployed", deployed["url"])
