"""Change a built site: classify the request, targeted edits (dry-run, all or nothing, two retries), then rewrite."""

from __future__ import annotations

import json
import re
import threading

from ..errors import (
    BuildError,
    BuildStoppedError,
    InvalidInputError,
    MalformedOutputError,
    UnsafePathError,
)
from ..generation.brief import SiteBrief
from ..generation.edits import Edit, EditFailure, apply_edits, parse_edits
from ..generation.parsing import parse_files
from ..generation.pipeline import call_model
from ..generation.prompts import classify_change_messages, modify_messages, rewrite_messages, system_prompt
from ..generation.safety import check_path, screen_files
from ..projects import create_version, get_version, project_dir, project_for_session
from ..providers import GenerationContext, Provider, get_provider
from ..sessions import get_session, transition, update_session
from ..store import record_event
from . import budgets
from .check import check_and_fix
from .context import (
    BuildRun,
    ModifyResult,
    ProgressFn,
    TextFn,
    apply_budget,
    bundle_dir,
    change_failed,
    finish_failure,
    reraise,
    resolve_provider,
    session_variant,
)
from .generate import generate_project
from .publish import deploy, write_preview

__all__ = ["MAX_EDIT_RETRIES", "modify_site"]

MAX_EDIT_RETRIES = 2


def _classify_change(run: BuildRun, request: str, files: dict[str, str]) -> dict:
    system, messages = classify_change_messages(request, files, run.book)
    req = run.request("classify", "classify_change_task", messages, system=system, system_id="classify_change_system",
                      context=GenerationContext(request=request, files=files), cache=False, max_tokens=512)
    text, _ = call_model(run.provider, req, run.ledger, cancel=run.cancel)
    match = re.search(r"\{.*\}", text, re.S)
    data = {}
    if match:
        try:
            data = json.loads(match[0])
        except ValueError:
            data = {}
    kind = data.get("kind") if data.get("kind") in ("change", "new_project") else "change"
    chosen = [p for p in data.get("files") or [] if isinstance(p, str) and p in files][:6]
    return {"kind": kind, "files": chosen, "summary": str(data.get("summary") or "")[:200]}


_DEFAULT_CHANGE_FILES = ["src/content.js", "src/App.jsx", "src/theme.css"]


def _edit_loop(run: BuildRun, request: str, files: dict[str, str], selected: list[str], brief: dict | None,
               model: str | None):
    """Edits, dry-run, all or nothing, two retries; then whole-file rewrite. Returns (new files, info)."""
    failures: list[EditFailure] | None = None
    system = system_prompt(run.book)
    context = GenerationContext(request=request, files=files, brief=brief)
    site_brief = SiteBrief.from_dict(brief) if brief else None
    for attempt in range(1, MAX_EDIT_RETRIES + 2):
        run.check("before asking for edits")
        run.progress("edit", 30 + attempt * 10, f"asking for edits (attempt {attempt})")
        req = run.request("modify", "modify_task", modify_messages(request, files, selected, failures, run.book,
                                                                 brief=site_brief),
                          system=system, system_id="system", model=model, context=context,
                          properties={"attempt": attempt})
        text, _ = call_model(run.provider, req, run.ledger, on_text=run.on_text, cancel=run.cancel, book=run.book)
        edits = parse_edits(text)
        created = parse_files(text).files
        safe_new, rejections = screen_files({p: c for p, c in created.items() if p not in files},
                                            session_id=run.session_id, tenant_id=run.tenant_id)
        checked_edits = []
        bad = []
        for index, edit in enumerate(edits):
            try:
                checked_edits.append(Edit(check_path(edit.path), edit.search, edit.replace))
            except UnsafePathError as exc:
                bad.append(EditFailure(edit.path[:120], index, exc.message, edit.search))
        if bad or rejections:
            failures = bad + [EditFailure(r.path, -1, r.reason, "") for r in rejections]
            continue
        if not checked_edits and safe_new:
            return {**files, **safe_new}, {"method": "edits", "attempts": attempt, "created": sorted(safe_new)}
        outcome = apply_edits(files, checked_edits)
        if outcome.ok:
            return {**outcome.files, **safe_new}, {"method": "edits", "attempts": attempt, "passes": outcome.passes,
                                                   "created": sorted(safe_new)}
        failures = outcome.failures
        run.event("validation_failed", {"stage": "edits", "attempt": attempt,
                                        "failures": [f.to_dict() for f in failures[:10]]})
    run.check("before rewriting the files")
    touched = sorted({f.path for f in failures or [] if f.path in files} | set(selected)) or selected
    run.progress("rewrite", 65, f"edits did not apply; rewriting {', '.join(touched)}")
    req = run.request("rewrite", "rewrite_task", rewrite_messages(request, files, touched, run.book,
                                                                              brief=site_brief), system=system,
                      system_id="system", model=run.model_for("rewrite"), context=context)
    text, _ = call_model(run.provider, req, run.ledger, on_text=run.on_text, cancel=run.cancel, book=run.book)
    parsed = parse_files(text)
    allowed = {p: c for p, c in parsed.files.items() if p in touched}
    if not allowed:
        raise MalformedOutputError(
            f"the change could not be applied: {MAX_EDIT_RETRIES + 1} rounds of edits did not match and the rewrite "
            "returned none of the files to change; the site is unchanged",
            failures=[f.to_dict() for f in (failures or [])[:5]])
    safe, _ = screen_files(allowed, session_id=run.session_id, tenant_id=run.tenant_id)
    return {**files, **safe}, {"method": "rewrite", "attempts": MAX_EDIT_RETRIES + 2, "rewritten": sorted(safe)}


def modify_site(
    session_id: str,
    request: str,
    *,
    provider: str | Provider | None = None,
    model: str | None = None,
    on_progress: ProgressFn | None = None,
    on_text: TextFn | None = None,
    cancel: threading.Event | None = None,
    preview: bool = True,
) -> ModifyResult:
    """Change a built site as ``request`` asks, touching only the files it must (see the module docstring)."""
    if not isinstance(request, str) or not request.strip():
        raise InvalidInputError("the change request is empty; say what to change, e.g. 'make the headline shorter'")
    session = get_session(session_id)
    project = project_for_session(session_id)
    current = get_version(project.project_id)
    decision = budgets.enforce(session.tenant_id, "change")  # over the hard budget: refused, the site unchanged
    prov = get_provider("offline") if decision.step == "offline" else resolve_provider(provider, session)
    was_deployed = session.status == "deployed" or bool(session.url)
    record_event("modification_requested", session_id=session_id, tenant_id=session.tenant_id,
                 actor=session.actor, properties={"request_chars": len(request), "version": current.version,
                                                  "provider": prov.name})
    chosen = session_variant(session)  # the variant it was built with: a session keeps it for life
    transition(session_id, "building", expected={"ready", "deployed", "error", "stopped"},
               properties={"reason": "modification", "provider": prov.name, "variant": chosen.name})
    run = BuildRun(session, prov, model, on_progress, on_text, cancel, variant=chosen, kind="change")
    apply_budget(run, decision)
    run.bundle = preview
    if preview and was_deployed:
        run.bundle_dir = bundle_dir(session_id)
    try:
        change = _make_change(run, request, current)
        result = _save_change(run, project, current, change, request, was_deployed=was_deployed, preview=preview)
        run.trace.finish(result.status)
        return result
    except BaseException as exc:  # noqa: BLE001 - settled, then re-raised by reraise()
        if isinstance(exc, BuildStoppedError) or session.status not in ("ready", "deployed"):
            finish_failure(session_id, exc)
        else:
            change_failed(session_id, session.status, exc, run)
        run.trace.finish("stopped" if isinstance(exc, BuildStoppedError) else "error", exc)
        reraise(run, exc, "change")


def _make_change(run: BuildRun, request: str, current) -> dict:
    """The changed files, checked: by targeted edits, or a new site when the request asks for one."""
    run.progress("classify", 10, "understanding the change")
    with run.trace.span("classify"):
        plan = _classify_change(run, request, current.files)
    run.check("after classifying the change")
    if plan["kind"] == "new_project":
        files, info = generate_project(run, request, kind="generate")
        return {"plan": plan, "files": files, "method": "regenerate", "attempts": 1, "kind": "generate",
                "report": info["report"], "checked": info["checked"], "brief": info["brief"].to_dict()}
    selected = plan["files"] or [p for p in _DEFAULT_CHANGE_FILES if p in current.files]
    brief = current.properties.get("brief")
    edit_model = run.model_for("modify")
    with run.trace.span("generate", method="edits") as span:
        changed, edit_info = _edit_loop(run, request, current.files, selected, brief, edit_model)
        span.attributes.update(method=edit_info["method"], attempts=edit_info["attempts"])
    if changed == current.files:
        raise BuildError("the change produced no difference in any file; rephrase the request")
    files, report, checked = check_and_fix(run, changed, [], GenerationContext(request=request, brief=brief),
                                           edit_model)
    return {"plan": plan, "files": files, "method": edit_info["method"], "attempts": edit_info["attempts"],
            "kind": "modify", "report": report, "checked": checked, "brief": brief}


def _save_change(run: BuildRun, project, current, change: dict, request: str, *, was_deployed: bool,
                 preview: bool) -> ModifyResult:
    """A new version for the change, its preview, a redeploy when the site was live, and the session settled."""
    session, files = run.session, change["files"]
    run.check("before saving the version")
    run.progress("version", 88, "saving the new version")
    version = create_version(
        project.project_id, files, kind=change["kind"], prompt=request, cost_usd=run.ledger.cost_usd,
        validation=change["report"].to_dict(),
        properties={"brief": change["brief"], "method": change["method"], "attempts": change["attempts"],
                    "provider": run.provider.name, "usage": run.ledger.to_dict(), "classification": change["plan"],
                    "notes": run.notes, "variant": run.variant.name, "prompts": run.book.versions},
    )
    touched = version.properties["changed_files"]
    if preview:
        write_preview(run, project.project_id, files, change["checked"])
    run.event("modification_applied", {"version": version.version, "previous_version": current.version,
                                       "touched": touched, "method": change["method"],
                                       "attempts": change["attempts"], "cost_usd": run.ledger.cost_usd})
    deployed = None
    if was_deployed:
        with run.trace.span("deploy", target=session.deploy_target or "local"):
            deployed = deploy(run, session.deploy_target or "local", project.project_id, version.version, files,
                              change["checked"])
    url = (deployed or {}).get("url") or (session.url if not was_deployed else None)
    if url:
        update_session(run.session_id, url=url)
        status = transition(run.session_id, "deployed", expected="building",
                            properties={"url": url, "version": version.version}).status
    else:
        status = transition(run.session_id, "ready", expected="building",
                            properties={"version": version.version}).status
    run.progress("done", 100, f"{status}: version {version.version}, changed {', '.join(touched)}")
    return ModifyResult(
        session_id=run.session_id, status=status, kind=change["plan"]["kind"], method=change["method"],
        attempts=change["attempts"], touched=touched, version=version.version, previous_version=current.version,
        project_dir=str(project_dir(project.project_id)), files=sorted(files), diff=version.diff, url=url,
        cost_usd=run.ledger.cost_usd, validation=change["report"].to_dict(), notes=run.notes, seconds=run.seconds,
        trace_id=run.trace.trace_id,
    )
