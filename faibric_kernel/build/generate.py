"""Generate a whole project: plan, ask the model(s) for the files, screen them, assemble the site, check it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..generation.brief import SiteBrief
from ..generation.components import own_component_name, prop_shape
from ..generation.pipeline import generate_files
from ..generation.prompts import components_messages, compose_messages, generate_messages, system_prompt
from ..generation.safety import screen_files
from ..generation.scaffold import ENTRY, scaffold_files
from ..generation.validation import resolve_import
from ..providers import GenerationContext
from ..sitefeedback import site_feedback
from .check import check_and_fix, issues_from_rejections
from .context import BuildRun
from .plan import classify, record_decisions, reuse_plan, theme_css

__all__ = ["generate_project"]


def _imports_of(source: str) -> list[str]:
    return re.findall(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']""", source)


def _prune_unused(files: dict[str, str], removable: set[str]) -> dict[str, str]:
    """Drop library files that nothing imports (a reused component the model chose not to use)."""
    names = set(files)
    reached, queue = set(), [p for p in (ENTRY, "src/main.js", "index.html") if p in files]
    while queue:
        path = queue.pop()
        if path in reached:
            continue
        reached.add(path)
        for spec in _imports_of(files[path]):
            if spec.startswith("."):
                target = resolve_import(path, spec, names)
                if target:
                    queue.append(target)
        if path == "index.html":
            for src in re.findall(r"""src\s*=\s*["']/?([^"']+)""", files[path]):
                if src in files:
                    queue.append(src)
    return {p: c for p, c in files.items() if p not in removable or p in reached}


def _description(brief: SiteBrief) -> str:
    """The page's meta description, from the brief's facts alone (no provider's copy)."""
    where = f" in {brief.location}" if brief.location else ""
    return f"{brief.business_name}: {brief.noun}{where}."[:160]


def generate_project(run: BuildRun, prompt: str, kind: str = "generate") -> tuple[dict, dict]:
    """Generate, check and fix a whole site; returns (files, info for the version and result)."""
    run.progress("classify", 5, "working out what the site needs")
    with run.trace.span("classify"):
        brief = classify(run, prompt)
    run.check("after classifying the request")
    run.progress("library", 12, f"{brief.kind} site for {brief.business_name}: {len(brief.sections)} sections")
    with run.trace.span("library") as span:
        reuse, decisions = reuse_plan(run, brief)
        span.attributes["reused"] = len(reuse)
    run.check("after searching the component library")
    provided = sorted(scaffold_files(brief.business_name)) + ["src/theme.css"] + sorted(
        p for r in reuse for p in r["files"])
    write_sections = [s for s in brief.sections if s not in {r["section"] for r in reuse}]
    specs = [{"section": s, "component": own_component_name(s), "props": prop_shape(s)}
             for s in write_sections]
    # the live site reports back: its forms post to the inbox (or FAIBRIC_FORM_ENDPOINT), its pages carry the beacon
    feedback = site_feedback(run.session_id, run.tenant_id)
    form_action = feedback.form_action
    context = GenerationContext(brief=brief.to_dict(), reuse=reuse, prompt=prompt, form_action=form_action,
                                write_sections=write_sections)
    system = system_prompt(run.book)
    strong = run.model_for("generate")
    cheap = run.model_for("adapt")
    streamed = {"chars": 0}

    def on_text(piece: str) -> None:
        streamed["chars"] += len(piece)
        if run.on_text is not None:
            run.on_text(piece)
        run.progress("generate", min(68, 20 + streamed["chars"] * 48 // 30000), f"{streamed['chars']:,} characters")

    steps = []
    if not run.switch("split_generation"):
        # single-call mode: the strong model writes the new components, the copy and the page at once
        steps.append(("generate", strong, generate_messages(brief, reuse, specs, provided, run.book,
                                                                      form_action=form_action),
                      {"part": "site", "prompt_id": "generate_task"}))
    else:
        if specs:
            # new code: the strong model writes only the components the library could not supply
            steps.append(("generate", strong, components_messages(brief, specs, run.book, form_action=form_action),
                          {"part": "components", "prompt_id": "components_task"}))
        # the copy and the page: the cheap model adapts the reused (and the new) components to this business
        steps.append(("adapt", cheap, None, {"part": "compose", "prompt_id": "compose_task"}))
    # "offered": the page may still decline one (the final count is in the result's `reused`)
    run.progress("generate", 20, f"writing the site with {run.provider.name}: {len(reuse)} library component(s) "
                                 f"offered for reuse, {len(specs)} to write ({strong if specs else cheap})")
    with run.trace.span("generate", steps=len(steps)):
        answers, incomplete, gen_info = _run_steps(run, steps, _Plan(system, brief, reuse, specs, provided, context),
                                                   on_text)
    purpose, model = steps[0][0], steps[0][1]
    with run.trace.span("parse") as span:
        files, safe, rejections, incomplete = _assemble(run, answers, incomplete, brief, reuse)
        if "index.html" in files:
            files["index.html"] = feedback.add_beacon(files["index.html"])
        span.attributes.update(files=len(files), rejected=len(rejections))
    run.event("generation_completed", {
        "provider": run.provider.name, "model": model, "purpose": purpose, "files": len(safe),
        "rejected": len(rejections), "incomplete": incomplete, "continuations": gen_info["continuations"],
        "repaired": gen_info["repaired"], "format": gen_info["format"], "reused": len(reuse),
        "variant": run.variant.name,
        "cost_usd": run.ledger.cost_usd, "seconds": run.seconds,
    })
    files, report, checked = check_and_fix(run, files, issues_from_rejections(rejections), context, model)
    used = [r for r in reuse if any(p in files for p in r["files"])]
    record_decisions(run, decisions, {r["section"] for r in used})
    info = {
        "brief": brief, "reused": [{k: r[k] for k in ("section", "component", "item_id", "score")} for r in used],
        "declined": [r["section"] for r in reuse if r not in used], "report": report, "checked": checked,
        "model": model, "purpose": purpose, "generation": gen_info, "kind": kind, "prompt": prompt,
    }
    return files, info


@dataclass(frozen=True)
class _Plan:
    """What every model call of one generation shares."""

    system: str
    brief: SiteBrief
    reuse: list[dict]
    specs: list[dict]
    provided: list[str]
    context: GenerationContext


def _run_steps(run: BuildRun, steps: list, plan: _Plan, on_text) -> tuple[dict[str, str], list[str], dict]:
    """The model calls of a generation, in order; the compose step sees the files the steps before it wrote.

    Returns the files answered, those cut off mid-file, and what the calls did (continuations, repairs, format).
    """
    answers: dict[str, str] = {}
    incomplete: list[str] = []
    gen_info = {"continuations": 0, "repaired": False, "format": None, "calls": []}
    for purpose, model, messages, extra in steps:
        provided = plan.provided + sorted(answers)
        if messages is None:
            messages = compose_messages(plan.brief, plan.reuse, plan.specs, provided, run.book,
                                        form_action=plan.context.form_action)
        request = run.request(purpose, extra["prompt_id"], messages, system=plan.system, system_id="system",
                              model=model, context=plan.context.with_(part=extra["part"], provided=provided))
        parsed, info = generate_files(run.provider, request, run.ledger, on_text=on_text, cancel=run.cancel,
                                      book=run.book)
        answers.update(parsed.files)
        incomplete += parsed.incomplete
        gen_info["continuations"] += info["continuations"]
        gen_info["repaired"] = gen_info["repaired"] or info["repaired"]
        gen_info["format"] = info["format"]
        gen_info["calls"].append({"purpose": purpose, "model": model, "files": sorted(parsed.files),
                                  "prompt": run.book.label(extra["prompt_id"])})
        run.check("after generation")
    return answers, incomplete, gen_info


def _assemble(run: BuildRun, answers: dict, incomplete: list, brief: SiteBrief, reuse: list[dict]):
    """The answers screened for safety and laid over the scaffold, theme and library files."""
    run.progress("parse", 70, f"{len(answers)} files in the answers")
    safe, rejections = screen_files(answers, session_id=run.session_id, tenant_id=run.tenant_id)
    library_paths = {p for r in reuse for p in r["files"]}
    files = {**scaffold_files(brief.business_name, _description(brief)), "src/theme.css": theme_css(brief.theme)}
    for entry in reuse:
        files.update(entry["files"])
    files.update(safe)
    files = _prune_unused(files, library_paths - set(safe))
    incomplete = [p for p in incomplete if p in safe]
    return files, safe, rejections, incomplete
