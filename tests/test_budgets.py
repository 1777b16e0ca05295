"""Budgets that hold: a tenant over its soft budget gets the cheap model, then offline; over the hard one, refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from fakes.anthropic_fake import FakeMessagesAPI

from faibric_kernel.build import run_build
from faibric_kernel.build.budgets import budget_decision, set_budget
from faibric_kernel.cli import main
from faibric_kernel.errors import BudgetExceededError, InvalidInputError
from faibric_kernel.generation.variants import add_variant, list_variants
from faibric_kernel.providers.anthropic import AnthropicProvider
from faibric_kernel.sessions import create_session, get_session
from faibric_kernel.store import read_connection, record_api_calls

PROMPT = "A landing page for Doce Vida, a bakery in Lisbon, with a menu and a contact form"


def spend(tenant: str, usd: float) -> None:
    record_api_calls([{"provider": "anthropic", "model": "claude-sonnet-4-6", "purpose": "generate",
                       "tenant_id": tenant, "session_id": None, "cost_usd": usd,
                       "ts": datetime.now(UTC).replace(tzinfo=None)}])


def anthropic_build(tenant: str):
    # one call writes the whole site (split generation off), so the strong model always has work
    if "single" not in {v.name for v in list_variants()}:
        add_variant("single", switches={"split_generation": False})
    api = FakeMessagesAPI()
    sid = create_session(PROMPT, tenant_id=tenant, variant="single").session_id
    result = run_build(sid, provider=AnthropicProvider(client=api.client(), sleep=lambda s: None),
                       deploy_target="none", preview=False)
    return sid, result, {r.body["model"] for r in api.requests}


def events(session_id: str, event_type: str) -> list[dict]:
    with read_connection() as con:
        rows = con.execute("SELECT CAST(properties AS VARCHAR) FROM events WHERE session_id = ? AND event_type = ?",
                           [session_id, event_type]).fetchall()
    return [json.loads(r[0]) for r in rows]


def alerts(tenant: str) -> list[str]:
    with read_connection() as con:
        return [r[0] for r in con.execute("SELECT rule FROM alerts WHERE tenant_id = ? ORDER BY rule",
                                          [tenant]).fetchall()]


def test_under_the_soft_budget_the_strong_model_writes_code():
    set_budget("acme", soft_usd=5, hard_usd=10)
    _, result, models = anthropic_build("acme")
    assert "claude-sonnet-4-6" in models and not any(n.startswith("budget") for n in result.notes)


def test_over_the_soft_budget_every_call_uses_the_cheap_model_and_it_is_recorded():
    set_budget("acme", soft_usd=1, hard_usd=10)
    spend("acme", 1.5)
    sid, result, models = anthropic_build("acme")
    assert models == {"claude-haiku-4-5"} and result.provider == "anthropic"
    assert any("over its soft budget of $1.00" in n for n in result.notes)
    [applied] = events(sid, "budget_applied")
    assert applied["step"] == "cheap" and applied["spent_usd"] == pytest.approx(1.5)


def test_further_over_the_soft_budget_builds_use_the_offline_composer():
    set_budget("acme", soft_usd=1, hard_usd=10)  # offline from halfway: $5.50
    spend("acme", 6)
    sid, result, models = anthropic_build("acme")
    assert models == set() and result.provider == "offline" and result.cost_usd == 0
    assert any("uses the offline composer" in n for n in result.notes)
    assert events(sid, "budget_applied")[0]["step"] == "offline"


def test_over_the_hard_budget_a_build_is_refused_and_the_session_left_as_it_was():
    set_budget("acme", soft_usd=1, hard_usd=2)
    spend("acme", 2.5)
    sid = create_session(PROMPT, tenant_id="acme").session_id
    with pytest.raises(BudgetExceededError, match=r"payment required: tenant acme has spent \$2\.50 .* hard budget"):
        run_build(sid, deploy_target="none", preview=False)
    assert get_session(sid).status == "request_submitted"
    assert budget_decision("default").step == "none"  # other tenants are not affected


def test_alerts_fire_once_per_threshold_and_month():
    set_budget("acme", soft_usd=1, hard_usd=2)
    spend("acme", 1.2)
    anthropic_build("acme")
    anthropic_build("acme")
    assert alerts("acme") == ["tenant_budget_soft"]
    spend("acme", 1.0)
    for _ in range(2):
        with pytest.raises(BudgetExceededError):
            anthropic_build("acme")
    assert alerts("acme") == ["tenant_budget_hard", "tenant_budget_soft"]


def test_cli_refuses_with_one_clear_line_and_budgets_show_says_why():
    runner = CliRunner()
    assert runner.invoke(main, ["budgets", "set", "acme", "--soft", "1", "--hard", "2"]).exit_code == 0
    spend("acme", 3)
    refused = runner.invoke(main, ["build", PROMPT, "--tenant", "acme", "--provider", "offline", "--deploy", "none"])
    assert refused.exit_code != 0
    assert "error: payment required: tenant acme has spent $3.00" in refused.output
    assert "faibric budgets set acme --hard" in refused.output
    shown = json.loads(runner.invoke(main, ["budgets", "show", "acme", "--json"]).output)
    assert shown[0]["step"] == "refuse" and shown[0]["budget"]["hard_usd"] == 2


def test_budgets_must_be_ordered():
    with pytest.raises(InvalidInputError, match="soft <= offline <= hard"):
        set_budget("acme", soft_usd=5, hard_usd=2)


def test_the_api_answers_402_over_the_hard_budget(workspace):
    from test_api import start_api, verified

    set_budget("acme", hard_usd=1)
    spend("acme", 1)
    from faibric_kernel.tenant_keys import tenant_keys

    server, handle = start_api(workspace)
    headers = {"X-Faibric-Key": tenant_keys().add("acme")["api_key"]}  # a request's tenant comes from its key
    with server, handle.client:
        session_id = verified(handle, headers=headers)
        response = handle.post("/api/trigger-build", {"session_id": session_id}, headers=headers)
    assert response.status_code == 402
    body = response.json()
    assert body["message"].startswith("payment required: tenant acme has spent $1.00")
    assert "faibric" not in body["message"]  # operator hints are not for customers
