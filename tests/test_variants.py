"""Prompt registry and variants: prompts are versioned data, and each session's build and changes follow its variant."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from fakes.anthropic_fake import FakeMessagesAPI

from faibric_kernel import config
from faibric_kernel.analytics.experiments import OUTCOMES, experiments
from faibric_kernel.build import modify_site, run_build
from faibric_kernel.cli import main
from faibric_kernel.errors import ConfigError, InvalidInputError
from faibric_kernel.generation.prompt_registry import PROMPT_IDS, PromptBook, load_prompts
from faibric_kernel.generation.prompts import classify_messages, compose_messages, system_prompt
from faibric_kernel.generation.variants import (
    add_variant,
    assignable,
    choose_variant,
    get_variant,
    list_variants,
    retire_variant,
)
from faibric_kernel.onboarding import submit_request
from faibric_kernel.providers.anthropic import AnthropicProvider
from faibric_kernel.sessions import create_session, get_session
from faibric_kernel.store import read_connection

PROMPT = "A landing page for Doce Vida, a bakery in Lisbon, with a menu and a contact form"


def _write_prompt(prompt_id: str, version: str, text: str, changelog: str = "a test version") -> None:
    folder = config.workspace() / "prompts" / prompt_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{version}.md").write_text(f"changelog: {changelog}\n---\n{text}\n", encoding="utf-8")


def _calls(session_id: str) -> list[tuple[str, str, dict]]:
    with read_connection() as con:
        rows = con.execute("SELECT purpose, model, CAST(properties AS VARCHAR) FROM api_calls WHERE session_id = ? "
                           "ORDER BY ts", [session_id]).fetchall()
    return [(purpose, model, json.loads(props or "{}")) for purpose, model, props in rows]


def _user_text(body: dict) -> str:
    return "\n".join(m["content"] for m in body["messages"] if m["role"] == "user" and isinstance(m["content"], str))


# -- the registry ---------------------------------------------------------------------------------------
def test_every_prompt_id_ships_a_checked_version_1_with_a_changelog():
    registry = load_prompts()
    assert set(registry) == set(PROMPT_IDS)
    for versions in registry.values():
        assert versions["1"].changelog and versions["1"].source == "shipped"


def test_the_default_prompts_are_rendered_from_the_data_files():
    system, messages = classify_messages("a yoga studio in Porto")
    assert system.startswith("You classify website requests") and '"bakery"' in system and "${" not in system
    assert messages == [{"role": "user", "content": "Request:\na yoga studio in Porto"}]
    assert "<constraints file=\"react.md\">" in system_prompt()


def test_a_version_that_drops_a_required_placeholder_is_refused_with_its_file():
    _write_prompt("classify_task", "bad", "Classify this please.")
    with pytest.raises(ConfigError, match=r"classify_task/bad\.md must use the placeholder\(s\) \$\{prompt\}"):
        load_prompts()


def test_a_version_with_an_unknown_placeholder_is_refused():
    _write_prompt("classify_task", "bad", "Request:\n${prompt}\n${secret_sauce}")
    with pytest.raises(ConfigError, match="unknown placeholder"):
        load_prompts()


def test_a_shipped_version_cannot_be_redefined_in_the_workspace():
    _write_prompt("classify_task", "1", "Changed:\n${prompt}")
    with pytest.raises(ConfigError, match="exists twice"):
        load_prompts()


def test_a_workspace_version_is_used_by_a_book_that_names_it():
    _write_prompt("compose_task", "short", "Compose this website from existing components.\n${brief_block}\n"
                  "${provided}\n${reused}\n${new}\nKEEP IT SHORT")
    from faibric_kernel.generation.brief import brief_from_classification

    brief = brief_from_classification(PROMPT, None)
    text = compose_messages(brief, [], [], ["index.html"], PromptBook({"compose_task": "short"}))[0]["content"]
    assert text.endswith("KEEP IT SHORT") and "- index.html" in text
    assert PromptBook({"compose_task": "short"}).label("compose_task") == "compose_task@short"


# -- variants as data ---------------------------------------------------------------------------------
def test_shipped_variants_differ_in_a_prompt_version():
    a, b = get_variant("A"), get_variant("B")
    assert a.book().versions["compose_task"] == "1" and b.book().versions["compose_task"] == "2"


def test_add_refuses_unknown_prompt_versions_and_existing_names():
    with pytest.raises(InvalidInputError, match="no version 'nine'"):
        add_variant("C", prompts={"compose_task": "nine"})
    with pytest.raises(InvalidInputError, match="already exists"):
        add_variant("A")
    with pytest.raises(InvalidInputError, match="unknown switch"):
        add_variant("C", switches={"turbo": True})


def test_weights_decide_assignment_and_retired_variants_take_no_new_sessions():
    add_variant("C", weight=0)
    ids = [f"session-{i}" for i in range(200)]
    assert {choose_variant(i) for i in ids} == {"A", "B"}
    retire_variant("B")
    assert {choose_variant(i) for i in ids} == {"A"}
    assert get_variant("B").status == "retired"  # its sessions keep it
    with pytest.raises(InvalidInputError, match="retired"):
        assignable("B")


def test_onboarding_refuses_an_unknown_variant():
    with pytest.raises(InvalidInputError, match="no prompt variant 'Z'"):
        submit_request("a bakery in Lisbon", variant="Z")


def test_variants_cli_add_show_list_retire_json():
    runner = CliRunner()
    added = runner.invoke(main, ["variants", "add", "tight", "--from", "B", "--model", "strong=claude-opus-4-6",
                                 "--switch", "reuse=off", "--max-tokens", "generate=12000", "--weight", "2",
                                 "--json"])
    assert added.exit_code == 0, added.output
    shown = json.loads(runner.invoke(main, ["variants", "show", "tight", "--json"]).output)
    assert shown["prompt_versions"]["compose_task"] == "2" and shown["models"] == {"strong": "claude-opus-4-6"}
    assert shown["switches"] == {"reuse": False} and shown["max_tokens"] == {"generate": 12000}
    listed = json.loads(runner.invoke(main, ["variants", "list", "--json"]).output)
    assert [v["name"] for v in listed] == ["A", "B", "tight"]
    assert runner.invoke(main, ["variants", "retire", "tight"]).exit_code == 0
    active = json.loads(runner.invoke(main, ["variants", "list", "--active", "--json"]).output)
    assert [v["name"] for v in active] == ["A", "B"]
    bad = runner.invoke(main, ["variants", "add", "x", "--switch", "reuse"])
    assert bad.exit_code != 0 and "KEY=VALUE" in bad.output


# -- generation follows the session's variant -------------------------------------------------------------
def _two_variants():
    _write_prompt("modify_task", "tight", "Change the website as requested.\n\nRequest: ${request}\n\nCurrent files:\n"
                  "${bodies}\n\nOther files in the project: ${others}\n\nAnswer with <edit> blocks (and <file> tags "
                  "only for new files). Change as few lines as you can.${retry}")
    add_variant("ctrl", description="control", models={"strong": "claude-sonnet-4-6", "cheap": "claude-haiku-4-5"})
    add_variant("tight", description="tighter copy, stronger models",
                prompts={"compose_task": "2", "modify_task": "tight"},
                models={"strong": "claude-opus-4-6", "cheap": "claude-sonnet-4-5"})


def test_each_sessions_api_calls_use_its_variants_prompts_and_models():
    _two_variants()
    api = FakeMessagesAPI()
    provider = AnthropicProvider(client=api.client(), sleep=lambda s: None)
    seen = {}
    for name in ("ctrl", "tight"):
        sid = create_session(PROMPT, variant=name).session_id
        before = len(api.requests)
        run_build(sid, provider=provider, deploy_target="none", preview=False)
        modify_site(sid, "change the phone number to +351 912 345 678", provider=provider, preview=False)
        seen[name] = (sid, [r.body for r in api.requests[before:]])

    for name, strong, cheap, compose_v, modify_v in (("ctrl", "claude-sonnet-4-6", "claude-haiku-4-5", "1", "1"),
                                                       ("tight", "claude-opus-4-6", "claude-sonnet-4-5", "2", "tight")):
        sid, bodies = seen[name]
        assert get_session(sid).variant == name
        compose = [b for b in bodies if _user_text(b).startswith("Compose this website")]
        edits = [b for b in bodies if _user_text(b).startswith("Change the website as requested")]
        assert compose and edits
        marker = "every headline has at most eight words"
        assert all((marker in _user_text(b)) == (compose_v == "2") for b in compose)
        assert all(("Change as few lines as you can." in _user_text(b)) == (modify_v == "tight") for b in edits)
        assert {b["model"] for b in compose} == {cheap} and {b["model"] for b in edits} == {strong}
        rows = _calls(sid)
        assert rows and all(props["variant"] == name for _, _, props in rows)
        by_prompt = {props["prompt"]: model for _, model, props in rows}
        assert by_prompt[f"compose_task@{compose_v}"] == cheap
        assert by_prompt[f"modify_task@{modify_v}"] == strong
        assert by_prompt["classify_task@1"] == cheap and by_prompt["classify_change_task@1"] == cheap

    # and the experiment table compares the two arms on the outcomes (one session each: collecting, no verdict)
    with read_connection() as con:
        result = experiments(con)
    assert list(result.variants["variant"]) == ["ctrl", "tight"] and result.control == "ctrl"
    assert set(result.verdicts["outcome"]) == set(OUTCOMES) and result.verdicts["p_value"].isna().all()
    assert list(result.variants["cost_usd"] > 0) == [True, True]


def test_a_variant_switch_turns_off_split_generation_for_its_sessions():
    add_variant("single", switches={"split_generation": False, "reuse": False}, max_tokens={"generate": 9000})
    api = FakeMessagesAPI()
    provider = AnthropicProvider(client=api.client(), sleep=lambda s: None)
    sid = create_session(PROMPT, variant="single").session_id
    result = run_build(sid, provider=provider, deploy_target="none", preview=False)
    generating = [r.body for r in api.requests if _user_text(r.body).startswith(("Build this", "Compose this",
                                                                               "Write new section"))]
    assert [_user_text(b).split("\n", 1)[0] for b in generating] == ["Build this website."]
    assert generating[0]["max_tokens"] == 9000
    assert "no reuse: switched off (variant single)" in result.notes
    assert "generate_task@1" in {props["prompt"] for _, _, props in _calls(sid)}


def test_a_session_without_a_variant_is_assigned_one_for_life():
    sid = create_session(PROMPT).session_id
    run_build(sid, deploy_target="none", preview=False)
    assigned = get_session(sid).variant
    assert assigned == choose_variant(sid)
    with pytest.raises(InvalidInputError, match="for life"):
        run_build(sid, deploy_target="none", preview=False, variant="A" if assigned == "B" else "B")


def test_build_cli_takes_a_variant():
    result = CliRunner().invoke(main, ["build", PROMPT, "--provider", "offline", "--variant", "B", "--deploy", "none",
                                       "--no-preview", "--quiet", "--json"])
    assert result.exit_code == 0, result.output
    sid = json.loads(result.stdout.strip().splitlines()[-1])["session_id"]
    assert get_session(sid).variant == "B"
    assert {props["variant"] for _, _, props in _calls(sid)} == {"B"}
    refused = CliRunner().invoke(main, ["build", PROMPT, "--provider", "offline", "--variant", "nope"])
    assert refused.exit_code != 0 and "no prompt variant 'nope'" in refused.output


def test_list_variants_reads_the_workspace_file_over_the_shipped_one():
    retire_variant("A")
    assert [v.name for v in list_variants(include_retired=False)] == ["B"]


def test_the_api_refuses_an_unknown_variant_with_422(workspace):
    from test_api import start_api

    server, handle = start_api(workspace)
    with server, handle.client:
        refused = handle.post("/api/initial-request", {"prompt": "a bakery in Lisbon", "variant": "nope"})
        chosen = handle.post("/api/initial-request", {"prompt": "a bakery in Lisbon", "variant": "B"})
    assert refused.status_code == 422 and "no prompt variant 'nope'" in refused.json()["message"]
    assert chosen.status_code == 201 and chosen.json()["variant"] == "B"


def test_the_chat_routing_call_uses_the_sessions_variant_prompt():
    from faibric_kernel.onboarding import classify_message

    _write_prompt("route_message_task", "terse", "Site: ${site}\nMessage: ${message}\nCHANGE or NEW?")
    add_variant("terse", prompts={"route_message_task": "terse"})
    api = FakeMessagesAPI()
    api.responder = lambda body: "CHANGE"
    provider = AnthropicProvider(client=api.client(), sleep=lambda s: None)
    sid = create_session(PROMPT, variant="terse").session_id
    verdict = classify_message("make the headline shorter", site_prompt=PROMPT, session_id=sid, provider=provider)
    assert verdict.kind == "change"
    assert _user_text(api.requests[-1].body).startswith(f"Site: {PROMPT}\nMessage: make the headline shorter")
    [(purpose, _, props)] = _calls(sid)
    assert purpose == "classify" and props["variant"] == "terse" and props["prompt"] == "route_message_task@terse"


def test_prompt_add_checks_the_new_version_and_a_variant_can_use_it(tmp_path):
    runner = CliRunner()
    good = tmp_path / "good.md"
    good.write_text("Request:\n${prompt}\nBe brief.\n")
    added = runner.invoke(main, ["variants", "prompt-add", "classify_task", "brief", "--file", str(good),
                                 "--changelog", "asks for brevity", "--json"])
    assert added.exit_code == 0, added.output
    assert runner.invoke(main, ["variants", "add", "brief", "--prompt", "classify_task=brief"]).exit_code == 0
    assert get_variant("brief").book().render("classify_task", prompt="x") == "Request:\nx\nBe brief."
    bad = tmp_path / "bad.md"
    bad.write_text("No placeholder here")
    refused = runner.invoke(main, ["variants", "prompt-add", "classify_task", "bad", "--file", str(bad),
                                   "--changelog", "oops"])
    assert refused.exit_code != 0 and "must use the placeholder(s) ${prompt}" in refused.output
    assert not (config.workspace() / "prompts" / "classify_task" / "bad.md").exists()
