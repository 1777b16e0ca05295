"""Plan a build: classify the prompt into a site brief, then decide per section whether to reuse a library component.
"""

from __future__ import annotations

import dataclasses
import json
import re

from .. import library
from ..errors import FaibricError
from ..generation.brief import SiteBrief, brief_from_classification
from ..generation.components import reuse_refusal
from ..generation.pipeline import call_model
from ..generation.prompts import classify_messages
from ..generation.understanding import kind_action
from ..library.themes import theme_css
from ..providers import GenerationContext
from .context import BuildRun

__all__ = ["classify", "record_decisions", "reuse_plan", "theme_css"]


def classify(run: BuildRun, prompt: str) -> SiteBrief:
    system, messages = classify_messages(prompt, run.book)
    request = run.request("classify", "classify_task", messages, system=system, system_id="classify_system",
                          context=GenerationContext(prompt=prompt), cache=False, max_tokens=1024)
    text, _ = call_model(run.provider, request, run.ledger, cancel=run.cancel)
    data = None
    match = re.search(r"\{.*\}", text, re.S)
    if match:
        try:
            data = json.loads(match[0])
        except ValueError:
            run.notes.append("the classification was not valid JSON; used the rule-based brief")
    return brief_from_classification(prompt, data)


def reuse_plan(run: BuildRun, brief: SiteBrief) -> tuple[list[dict], dict]:
    """Library decisions per section: (reused components, decision objects by section)."""
    if not run.switch("reuse"):
        run.notes.append(f"no reuse: switched off ({_switch_source(run, 'reuse')})")
        return [], {}
    plan, decisions = [], {}
    # a short query: long prompts dilute the match scores below the reuse threshold
    query = f"{brief.noun} {brief.tone}"
    for section in brief.sections:
        if section not in library.KINDS:
            continue
        try:
            decision = library.choose_for_section(section, query)
        except FaibricError as exc:
            run.notes.append(f"library search for {section} failed: {exc.message}")
            continue
        decisions[section] = decision
        item = decision.item
        if decision.decision == "reuse" and item is not None:
            refusal = reuse_refusal(section, item.name, item.files.get(f"src/components/{item.name}.jsx", ""),
                                    brief.language, brief.asks or [], kind_action(brief.subkind))
            if refusal:
                decisions[section] = dataclasses.replace(decision, decision="generate",
                                                         reasons=[refusal, *decision.reasons])
                continue
            plan.append({"section": section, "component": item.name, "item_id": item.id, "files": dict(item.files),
                         "props": item.props or {}, "description": item.description, "score": decision.score})
    return plan, decisions


def _switch_source(run: BuildRun, name: str) -> str:
    if run.variant.switches.get(name) is not None:
        return f"variant {run.variant.name}"
    return "FAIBRIC_REUSE=0"


def record_decisions(run: BuildRun, decisions: dict, used_sections: set[str]) -> None:
    """One ``library_reused`` event per section: what was reused, and what was written instead (and why)."""
    for section, decision in decisions.items():
        if decision.decision == "reuse" and section not in used_sections:
            decision = dataclasses.replace(decision, decision="generate", reasons=[
                "the library component could not carry this site's copy, so the section was written instead",
                *decision.reasons])
        try:
            library.record_reuse(decision, run.session_id, run.tenant_id, section=section, actor=run.session.actor)
        except FaibricError as exc:
            run.notes.append(f"could not record the reuse decision for {section}: {exc.message}")
