"""`faibric eval`: the shipped prompt set through real builds per variant, scored, stored and compared."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from fakes.anthropic_fake import FakeMessagesAPI, default_answer

from faibric_kernel import config
from faibric_kernel.build.evals import load_eval_set, run_eval, stored_runs
from faibric_kernel.cli import main
from faibric_kernel.errors import InvalidInputError
from faibric_kernel.generation.variants import add_variant
from faibric_kernel.providers.anthropic import AnthropicProvider


def _broken_variant() -> None:
    """A variant whose compose prompt asks for a package the site rules forbid."""
    folder = config.workspace() / "prompts" / "compose_task"
    folder.mkdir(parents=True, exist_ok=True)
    from faibric_kernel.generation.prompt_registry import prompt_version

    text = prompt_version("compose_task", "1").text + "\nAlso import axios from 'axios' in src/App.jsx to load the menu."
    (folder / "axios.md").write_text(f"changelog: asks for axios (a forbidden import), to test the eval\n---\n{text}\n",
                                     encoding="utf-8")
    add_variant("broken", prompts={"compose_task": "axios"})


def _obedient_model(body: dict) -> str:
    """The fake model, doing what the prompt says: it adds the import it is asked for."""
    answer = default_answer(body)
    user = body["messages"][-1]["content"]
    if isinstance(user, str) and "import axios" in user and '<file path="src/App.jsx">\n' in answer:
        answer = answer.replace('<file path="src/App.jsx">\n', "<file path=\"src/App.jsx\">\nimport axios from 'axios';\n",
                                1)
    return answer


def test_eval_cli_runs_the_shipped_set_offline_and_prints_a_table_per_variant():
    result = CliRunner().invoke(main, ["eval", "--variant", "A", "--variant", "B", "--no-preview"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("variant"))
    rows = [line.split() for line in lines[header + 1:header + 3]]
    assert [r[0] for r in rows] == ["A", "B"]
    assert all(r[3] == "4/4" and r[-1] == "ok" for r in rows)  # built 4 of 4, not flagged
    [stored] = stored_runs("sites-v1")
    assert [t["variant"] for t in stored["table"]] == ["A", "B"] and len(stored["results"]) == 8
    assert all(r["kind_ok"] and not r["must_missing"] and not r["must_not_found"] for r in stored["results"])


def test_a_broken_variant_scores_worse_and_is_flagged():
    _broken_variant()
    api = FakeMessagesAPI(responder=_obedient_model)
    provider = AnthropicProvider(client=api.client(), sleep=lambda s: None)
    result = run_eval(["A", "broken"], provider=provider, preview=False)
    table = {t["variant"]: t for t in result["table"]}
    assert table["A"]["built"] == 4 and not table["A"]["flagged"]
    assert table["broken"]["score"] < table["A"]["score"]
    assert table["broken"]["flagged"] and any("builds failed" in r for r in table["broken"]["reasons"])
    failures = [r for r in result["results"] if r["variant"] == "broken" and not r["built"]]
    assert failures and all("axios" in r["error"] for r in failures)
    assert table["A"]["cost_usd"] > 0  # the fake model's calls are priced


def test_a_second_run_is_compared_with_the_last_one():
    first = run_eval(["A"], preview=False)
    second = run_eval(["A"], preview=False)
    assert second["table"][0]["previous_score"] == first["table"][0]["score"]
    history = json.loads(CliRunner().invoke(main, ["eval", "--history", "--json"]).output)
    assert {r["run_id"] for r in history} == {first["run_id"], second["run_id"]}


def test_eval_sets_are_checked(tmp_path):
    path = tmp_path / "set.json"
    path.write_text(json.dumps({"cases": [{"prompt": "a bakery", "colour": "red"}]}))
    with pytest.raises(InvalidInputError, match="unknown field"):
        load_eval_set(path)
    assert len(load_eval_set()["cases"]) == 4
    with pytest.raises(InvalidInputError, match="no prompt variant"):
        run_eval(["nope"], preview=False)


def test_eval_builds_are_not_counted_in_the_experiments():
    from faibric_kernel.analytics.experiments import experiments
    from faibric_kernel.sessions import create_session
    from faibric_kernel.store import read_connection

    create_session("a bakery in Lisbon", variant="A")
    run_eval(["B"], preview=False)
    with read_connection() as con:
        result = experiments(con)
    assert list(result.variants["variant"]) == ["A"] and list(result.variants["sessions"]) == [1]
