"""The synchronous build pipeline: a session's prompt to a validated, versioned (and deployed) site.

:func:`run_build` moves a session to ``building`` and then, stage by stage:
classify (cheap model; rules offline) -> library search and reuse decisions ->
model choice -> streamed generation (continued after ``max_tokens``, one repair)
-> file safety -> cheap fixes and validation (tree-sitter, imports, security) and
a bundle check -> at most one AI fix -> a project version -> preview -> deploy.
It ends ``ready`` or ``deployed``; any failure ends ``error`` with the reason,
and a cancel (the ``threading.Event`` is checked between stages and while the
model streams) ends ``stopped`` with :class:`BuildStoppedError`. A session is
never left ``building``.

:func:`modify_site` changes a built site: classify the request (cheap model),
pick the files, ask for search/replace edits, dry-run them all, apply all or
nothing, retry at most twice, then fall back to rewriting only the touched
files; a new version, and a redeploy when the site was deployed.

Both are synchronous, cancellable and thread-safe (one build per session at a
time; different sessions in parallel), so a worker or an HTTP API can run them
in threads.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import config
from .errors import (
    BuildError,
    BuildStoppedError,
    FaibricError,
    InvalidInputError,
    MalformedOutputError,
    UnsafePathError,
    ValidationFailedError,
)
from .generation.brief import SiteBrief, brief_from_classification
from .generation.components import own_component_name
from .generation.copydeck import section_content
from .generation.edits import Edit, EditFailure, apply_edits, parse_edits
from .generation.parsing import parse_files
from .generation.pipeline import Ledger, call_model, check_project, fix_once, generate_files
from .generation.prompts import (
    classify_change_messages,
    classify_messages,
    components_messages,
    compose_messages,
    generate_messages,
    modify_messages,
    rewrite_messages,
    system_prompt,
)
from .generation.safety import screen_files
from .generation.scaffold import ENTRY, scaffold_files
from .generation.validation import Issue, ValidationReport
from .projects import create_version, get_or_create_project, get_version, project_dir, project_for_session
from .providers import CompletionRequest, Provider, get_provider
from .sessions import get_session, transition, update_session
from .store import record_event

__all__ = ["BuildResult", "ModifyResult", "ProgressFn", "build_prompt", "modify_site", "run_build"]

ProgressFn = Callable[[str, int, str], None]
DEPLOY_TARGETS = ("local", "github", "render", "github+render", "none")
MAX_EDIT_RETRIES = 2

_active: set[str] = set()
_active_lock = threading.Lock()


@dataclass
class BuildResult:
    """How a build ended, and where its site is."""

    session_id: str
    status: str
    project_id: str | None = None
    project_dir: str | None = None
    files: list[str] = field(default_factory=list)
    version: int | None = None
    url: str | None = None
    cost_usd: float = 0.0
    provider: str | None = None
    model: str | None = None
    brief: dict | None = None
    reused: list[dict] = field(default_factory=list)
    validation: dict | None = None
    preview_path: str | None = None
    deploy: dict | None = None
    usage: dict | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class ModifyResult:
    """How a change ended: which files it touched, and the new version."""

    session_id: str
    status: str
    kind: str = "change"
    method: str | None = None
    attempts: int = 0
    touched: list[str] = field(default_factory=list)
    version: int | None = None
    previous_version: int | None = None
    project_dir: str | None = None
    files: list[str] = field(default_factory=list)
    diff: str | None = None
    url: str | None = None
    cost_usd: float = 0.0
    validation: dict | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


# -- small helpers ---------------------------------------------------------------------------------
class _Run:
    """The shared state of one build or change: who, which provider, progress, cancel, costs."""

    def __init__(self, session, provider: Provider, model: str | None, on_progress, on_text, cancel):
        self.session = session
        self.session_id = session.session_id
        self.tenant_id = session.tenant_id
        self.provider = provider
        self.model = model
        self.on_progress = on_progress
        self.on_text = on_text
        self.cancel = cancel
        self.ledger = Ledger()
        self.notes: list[str] = []
        self.started = time.perf_counter()
        self.bundle = True
        self.bundle_dir: Path | None = None

    def progress(self, stage: str, percent: int, message: str) -> None:
        if self.on_progress is not None:
            try:
                self.on_progress(stage, percent, message)
            except Exception:  # noqa: BLE001 - a broken progress display must not break the build
                pass

    def check(self, where: str) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise BuildStoppedError(f"stopped {where}")

    def event(self, event_type: str, properties: dict) -> None:
        record_event(event_type, session_id=self.session_id, tenant_id=self.tenant_id, actor=self.session.actor,
                     properties=properties)


def _resolve_provider(provider, session) -> Provider:
    if isinstance(provider, Provider):
        return provider
    return get_provider(provider or session.provider or None)


def _library():
    try:
        from . import library
    except ImportError:
        return None
    return library if hasattr(library, "choose_for_section") else None


def _theme_css(theme) -> str:
    try:
        from .library.themes import theme_css
    except ImportError:
        raise BuildError("the component library (faibric_kernel.library) is not installed; it supplies the themes") \
            from None
    return theme_css(theme)


def _claim(session_id: str) -> None:
    with _active_lock:
        if session_id in _active:
            raise BuildError(f"session {session_id} is already building in this process; wait for it or stop it")
        _active.add(session_id)


def _release(session_id: str) -> None:
    with _active_lock:
        _active.discard(session_id)


def _imports_of(source: str) -> list[str]:
    return re.findall(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']""", source)


def _prune_unused(files: dict[str, str], removable: set[str]) -> dict[str, str]:
    """Drop library files that nothing imports (a reused component the model chose not to use)."""
    from .generation.validation import resolve_import

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


def _issues_from_rejections(rejections) -> list[Issue]:
    # refused files are never written; what depended on them fails its import check instead
    return [Issue(r.path, None, None, "unsafe-path", f"refused: {r.reason}", "warning") for r in rejections]


def _record_validation_failed(run: _Run, report: ValidationReport, stage: str) -> None:
    run.event("validation_failed", {"stage": stage, "errors": len(report.errors),
                                    "issues": [i.to_dict() for i in report.errors[:20]]})


# -- classify and plan -------------------------------------------------------------------------------
def _classify(run: _Run, prompt: str) -> SiteBrief:
    system, messages = classify_messages(prompt)
    request = CompletionRequest(purpose="classify", system=system, messages=messages, cache=False,
                                session_id=run.session_id, tenant_id=run.tenant_id, context={"prompt": prompt},
                                max_tokens=1024)
    text, _ = call_model(run.provider, request, run.ledger, cancel=run.cancel)
    data = None
    match = re.search(r"\{.*\}", text, re.S)
    if match:
        try:
            data = json.loads(match[0])
        except ValueError:
            run.notes.append("the classification was not valid JSON; used the rule-based brief")
    return brief_from_classification(prompt, data)


def _reuse_plan(run: _Run, brief: SiteBrief) -> tuple[list[dict], dict]:
    """Library decisions per section: (reused components, decision objects by section)."""
    library = _library()
    if library is None:
        run.notes.append("no reuse: the component library (faibric_kernel.library) is not available")
        return [], {}
    if not config.get_bool("FAIBRIC_REUSE", True):
        run.notes.append("no reuse: FAIBRIC_REUSE=0")
        return [], {}
    plan, decisions = [], {}
    # a short query: long prompts dilute the match scores below the reuse threshold
    query = f"{brief.noun} {brief.tone}"
    known = set(getattr(library, "KINDS", ()) or ())
    for section in brief.sections:
        if known and section not in known:
            continue
        try:
            decision = library.choose_for_section(section, query)
        except FaibricError as exc:
            run.notes.append(f"library search for {section} failed: {exc.message}")
            continue
        decisions[section] = decision
        item = getattr(decision, "item", None)
        if getattr(decision, "decision", None) == "reuse" and item is not None:
            plan.append({"section": section, "component": item.name, "item_id": item.id, "files": dict(item.files),
                         "props": getattr(item, "props", None) or {}, "description": getattr(item, "description", ""),
                         "score": getattr(decision, "score", None)})
    return plan, decisions


# -- generation of a whole project ----------------------------------------------------------------
def _generate_project(run: _Run, prompt: str, kind: str = "generate") -> tuple[dict, dict]:
    """Generate, check and fix a whole site; returns (files, info for the version and result)."""
    run.progress("classify", 5, "working out what the site needs")
    brief = _classify(run, prompt)
    run.check("after classifying the request")
    run.progress("library", 12, f"{brief.kind} site for {brief.business_name}: {len(brief.sections)} sections")
    reuse, decisions = _reuse_plan(run, brief)
    run.check("after searching the component library")
    provided = sorted(scaffold_files(brief.business_name)) + ["src/theme.css"] + sorted(
        p for r in reuse for p in r["files"])
    write_sections = [s for s in brief.sections if s not in {r["section"] for r in reuse}]
    specs = [{"section": s, "component": own_component_name(s), "props": section_content(s, brief)}
             for s in write_sections]
    form_action = config.get("FAIBRIC_FORM_ENDPOINT") or ""
    context = {"brief": brief.to_dict(), "reuse": reuse, "prompt": prompt, "form_action": form_action,
               "write_sections": write_sections}
    system = system_prompt()
    strong = run.model or run.provider.model_for("generate")
    cheap = run.provider.model_for("adapt")
    streamed = {"chars": 0}

    def on_text(piece: str) -> None:
        streamed["chars"] += len(piece)
        if run.on_text is not None:
            run.on_text(piece)
        run.progress("generate", min(68, 20 + streamed["chars"] * 48 // 30000), f"{streamed['chars']:,} characters")

    answers: dict[str, str] = {}
    incomplete: list[str] = []
    gen_info = {"continuations": 0, "repaired": False, "format": None, "calls": []}
    steps = []
    if not config.get_bool("FAIBRIC_SPLIT_GENERATION", True):
        # single-call mode: the strong model writes the new components, the copy and the page at once
        steps.append(("generate", strong, generate_messages(brief, reuse, specs, provided), {"part": "site"}))
    else:
        if specs:
            # new code: the strong model writes only the components the library could not supply
            steps.append(("generate", strong, components_messages(brief, specs), {"part": "components"}))
        # the copy and the page: the cheap model adapts the reused (and the new) components to this business
        steps.append(("adapt", cheap, None, {"part": "compose"}))
    # "offered": the page may still decline one (the final count is in the result's `reused`)
    run.progress("generate", 20, f"writing the site with {run.provider.name}: {len(reuse)} library component(s) "
                                 f"offered for reuse, {len(specs)} to write ({strong if specs else cheap})")
    for purpose, model, messages, extra in steps:
        if messages is None:
            messages = compose_messages(brief, reuse, specs, provided + sorted(answers))
        request = CompletionRequest(
            purpose=purpose, system=system, model=model, messages=messages, session_id=run.session_id,
            tenant_id=run.tenant_id, context={**context, **extra, "provided": provided + sorted(answers)},
        )
        parsed, info = generate_files(run.provider, request, run.ledger, on_text=on_text, cancel=run.cancel)
        answers.update(parsed.files)
        incomplete += parsed.incomplete
        gen_info["continuations"] += info["continuations"]
        gen_info["repaired"] = gen_info["repaired"] or info["repaired"]
        gen_info["format"] = info["format"]
        gen_info["calls"].append({"purpose": purpose, "model": model, "files": sorted(parsed.files)})
        run.check("after generation")
    purpose, model = steps[0][0], steps[0][1]
    run.progress("parse", 70, f"{len(answers)} files in the answers ({gen_info['format']})")
    safe, rejections = screen_files(answers, session_id=run.session_id, tenant_id=run.tenant_id)
    library_paths = {p for r in reuse for p in r["files"]}
    files = {**scaffold_files(brief.business_name, _description(brief)), "src/theme.css": _theme_css(brief.theme)}
    for entry in reuse:
        files.update(entry["files"])
    files.update(safe)
    files = _prune_unused(files, library_paths - set(safe))
    incomplete = [p for p in incomplete if p in safe]
    run.event("generation_completed", {
        "provider": run.provider.name, "model": model, "purpose": purpose, "files": len(safe),
        "rejected": len(rejections), "incomplete": incomplete, "continuations": gen_info["continuations"],
        "repaired": gen_info["repaired"], "format": gen_info["format"], "reused": len(reuse),
        "cost_usd": run.ledger.cost_usd, "seconds": round(time.perf_counter() - run.started, 3),
    })
    files, report, checked = _check_and_fix(run, files, _issues_from_rejections(rejections), context, model)
    used = [r for r in reuse if any(p in files for p in r["files"])]
    _record_decisions(run, decisions, {r["section"] for r in used})
    info = {
        "brief": brief, "reused": [{k: r[k] for k in ("section", "component", "item_id", "score")} for r in used],
        "declined": [r["section"] for r in reuse if r not in used], "report": report, "checked": checked,
        "model": model, "purpose": purpose, "generation": gen_info, "kind": kind, "prompt": prompt,
    }
    return files, info


def _record_decisions(run: _Run, decisions: dict, used_sections: set[str]) -> None:
    """One ``library_reused`` event per section: what was reused, and what was written instead (and why)."""
    import dataclasses

    library = _library()
    for section, decision in decisions.items():
        if getattr(decision, "decision", None) == "reuse" and section not in used_sections:
            decision = dataclasses.replace(decision, decision="generate", reasons=[
                "the library component could not carry this site's copy, so the section was written instead",
                *decision.reasons])
        try:
            library.record_reuse(decision, run.session_id, run.tenant_id, section=section, actor=run.session.actor)
        except FaibricError as exc:
            run.notes.append(f"could not record the reuse decision for {section}: {exc.message}")


def _learn(run: _Run, version: int, files: dict[str, str]) -> None:
    """Let the library learn from a site that went live (its new components may be reused later)."""
    library = _library()
    if library is None or not hasattr(library, "learn_from_version"):
        return
    try:
        library.learn_from_version(run.session_id, version, files, "deployed", tenant_id=run.tenant_id)
    except Exception as exc:  # noqa: BLE001 - learning is a bonus; it must never fail a live site
        run.notes.append(f"the library did not learn from this site: {getattr(exc, 'message', exc)}")


def _description(brief: SiteBrief) -> str:
    from .generation.copydeck import site_meta

    try:
        return site_meta(brief)["description"]
    except (KeyError, TypeError):
        return brief.prompt[:160]


def _check_and_fix(run: _Run, files: dict[str, str], extra_issues: list[Issue], context: dict, model: str | None):
    """Validate (and bundle); with errors, the one AI fix; still errors -> ValidationFailedError."""
    run.progress("validate", 76, "checking every file (syntax, imports, security rules)")
    checked = check_project(files, bundle=run.bundle, out_dir=run.bundle_dir)
    checked.report.issues[:0] = extra_issues
    report = checked.report
    if checked.bundle_note:
        run.notes.append(checked.bundle_note)
    if report.fixes:
        run.event("code_fixed", {"kind": "cheap", "fixes": [f.to_dict() for f in report.fixes]})
    if report.ok:
        return checked.files, report, checked
    _record_validation_failed(run, report, "initial")
    run.check("before fixing the code")
    run.progress("fix", 80, f"{len(report.errors)} problem(s) found; one fix attempt")
    fixed_files, parsed = fix_once(
        run.provider, checked.files, report.errors, run.ledger, system=system_prompt(), model=model,
        session_id=run.session_id, tenant_id=run.tenant_id, context=context, on_text=run.on_text, cancel=run.cancel)
    safe, rejections = screen_files(parsed.files, session_id=run.session_id, tenant_id=run.tenant_id)
    fixed_files = {**checked.files, **safe}
    rechecked = check_project(fixed_files, bundle=run.bundle, out_dir=run.bundle_dir)
    rechecked.report.issues[:0] = _issues_from_rejections(rejections)
    final = rechecked.report
    final.fixes[:0] = report.fixes
    run.event("code_fixed", {"kind": "ai", "files": sorted(safe), "errors_before": len(report.errors),
                             "errors_after": len(final.errors)})
    if not final.ok:
        _record_validation_failed(run, final, "after_fix")
        raise ValidationFailedError(
            f"the generated code still has {len(final.errors)} problem(s) after the one allowed fix: "
            + "; ".join(i.describe() for i in final.errors[:3]),
            issues=[i.to_dict() for i in final.errors[:20]])
    return rechecked.files, final, rechecked


# -- preview and deploy ------------------------------------------------------------------------------
def _write_preview(run: _Run, project_id: str, files: dict[str, str], checked) -> str | None:
    bundle = getattr(checked, "bundle", None) if checked is not None else None
    if bundle is None or not getattr(bundle, "ok", False):
        return None
    try:
        from .preview import inline_html
    except ImportError:
        return None
    html = inline_html(files.get("index.html", ""), bundle.js, bundle.css)
    path = project_dir(project_id).parent / "preview.html"
    path.write_text(html, encoding="utf-8")
    return str(path)


def _deploy(run: _Run, target: str, project_id: str, version: int, files: dict[str, str], checked) -> dict | None:
    if target in (None, "none"):
        return None
    try:
        from .deploy import SiteToDeploy, deploy_site, prepare_site
    except ImportError:
        run.notes.append(f"not deployed to {target}: faibric_kernel.deploy is not available yet")
        return None
    run.check("before deploying")
    run.progress("deploy", 92, f"deploying to {target}")
    dist = getattr(getattr(checked, "bundle", None), "dist_dir", None)
    if dist is not None:
        site = SiteToDeploy(site_id=run.session_id, session_id=run.session_id, tenant_id=run.tenant_id,
                            project_id=project_id, version=version, files=dict(files), dist_dir=dist)
    else:
        site = prepare_site(files, site_id=run.session_id, session_id=run.session_id, tenant_id=run.tenant_id,
                            project_id=project_id, version=version)
    result = deploy_site(site, target, on_progress=lambda message: run.progress("deploy", 95, message),
                         cancel=run.cancel, actor=run.session.actor)
    return result.to_dict()


def _bundle_dir(session_id: str) -> Path:
    path = config.workspace() / "builds" / session_id / "staging"
    shutil.rmtree(path, ignore_errors=True)
    return path


def _finish_failure(session_id: str, exc: BaseException) -> str:
    """Move a failed or stopped session out of ``building``; returns the status it got."""
    if isinstance(exc, BuildStoppedError):
        status, reason = "stopped", exc.message
    elif isinstance(exc, FaibricError):
        status, reason = "error", exc.message
    else:
        status, reason = "error", f"internal error: {type(exc).__name__}: {exc}"
    try:
        current = get_session(session_id).status
        if current == "building":
            transition(session_id, status, reason=reason[:500], expected="building",
                       properties={"error_type": type(exc).__name__} if status == "error" else None)
            return status
        return current
    except FaibricError:
        return status


def _change_failed(session_id: str, previous_status: str, exc: BaseException, run: _Run) -> None:
    """A failed change leaves the site as it was: the session goes back to its status, and an error is recorded."""
    reason = exc.message if isinstance(exc, FaibricError) else f"internal error: {type(exc).__name__}: {exc}"
    try:
        if get_session(session_id).status == "building":
            transition(session_id, previous_status, reason=f"change failed: {reason}"[:500], expected="building",
                       emit=False)
        run.event("error", {"stage": "modify", "reason": reason[:500], "error_type": type(exc).__name__,
                            "cost_usd": run.ledger.cost_usd})
    except FaibricError:
        _finish_failure(session_id, exc)


# -- the public entry points ----------------------------------------------------------------------------
def run_build(
    session_id: str,
    *,
    provider: str | Provider | None = None,
    model: str | None = None,
    deploy_target: str | None = "local",
    on_progress: ProgressFn | None = None,
    on_text: Callable[[str], None] | None = None,
    cancel: threading.Event | None = None,
    preview: bool = True,
) -> BuildResult:
    """Build a session's site from its prompt (see the module docstring for the stages).

    Raises the :class:`FaibricError` that ended the build (after setting the
    session to ``error``), or :class:`BuildStoppedError` on cancel (session
    ``stopped``).
    """
    if deploy_target not in DEPLOY_TARGETS and deploy_target is not None:
        raise InvalidInputError(f"unknown deploy target {deploy_target!r}; choose one of: {', '.join(DEPLOY_TARGETS)}")
    from .deploy import preflight

    preflight(deploy_target)  # before the build spends anything
    session = get_session(session_id)
    prov = _resolve_provider(provider, session)
    _claim(session_id)
    try:
        transition(session_id, "building", expected={"request_submitted", "verified", "ready", "deployed", "error",
                                                     "stopped"},
                   properties={"provider": prov.name, "deploy_target": deploy_target})
        run = _Run(session, prov, model, on_progress, on_text, cancel)
        run.bundle = preview
        if preview and deploy_target not in (None, "none"):
            run.bundle_dir = _bundle_dir(session_id)
        try:
            update_session(session_id, provider=prov.name, deploy_target=deploy_target)
            files, info = _generate_project(run, session.prompt or "")
            run.check("before saving the version")
            run.progress("version", 88, "saving the project version")
            project = get_or_create_project(session_id, tenant_id=session.tenant_id, name=info["brief"].business_name)
            version = create_version(
                project.project_id, files, kind="generate", prompt=session.prompt, cost_usd=run.ledger.cost_usd,
                validation=info["report"].to_dict(),
                properties={"brief": info["brief"].to_dict(), "reused": info["reused"], "provider": prov.name,
                            "model": info["model"], "purpose": info["purpose"], "generation": info["generation"],
                            "usage": run.ledger.to_dict(), "notes": run.notes},
            )
            preview_path = _write_preview(run, project.project_id, files, info["checked"]) if preview else None
            deploy = _deploy(run, deploy_target, project.project_id, version.version, files, info["checked"])
            url = deploy.get("url") if deploy else None
            if url:
                update_session(session_id, url=url)
                status = transition(session_id, "deployed", expected="building",
                                    properties={"url": url, "version": version.version}).status
                _learn(run, version.version, files)
            else:
                status = transition(session_id, "ready", expected="building",
                                    properties={"version": version.version, "preview": bool(preview_path)}).status
            run.progress("done", 100, f"{status}: version {version.version}, {len(files)} files")
            return BuildResult(
                session_id=session_id, status=status, project_id=project.project_id,
                project_dir=str(project_dir(project.project_id)), files=sorted(files), version=version.version,
                url=url, cost_usd=run.ledger.cost_usd, provider=prov.name, model=info["model"],
                brief=info["brief"].to_dict(), reused=info["reused"], validation=info["report"].to_dict(),
                preview_path=preview_path, deploy=deploy, usage=run.ledger.to_dict(), notes=run.notes,
                seconds=round(time.perf_counter() - run.started, 3),
            )
        except BaseException as exc:
            _finish_failure(session_id, exc)
            if isinstance(exc, FaibricError):
                exc.details.setdefault("session_id", session_id)
                exc.details.setdefault("cost_usd", run.ledger.cost_usd)
                raise
            if isinstance(exc, Exception):
                raise BuildError(f"the build of {session_id} failed unexpectedly: {type(exc).__name__}: {exc}",
                                 session_id=session_id) from exc
            raise
    finally:
        _release(session_id)


def _classify_change(run: _Run, request: str, files: dict[str, str]) -> dict:
    system, messages = classify_change_messages(request, files)
    req = CompletionRequest(purpose="classify", system=system, messages=messages, cache=False,
                            session_id=run.session_id, tenant_id=run.tenant_id,
                            context={"request": request, "files": files}, max_tokens=512)
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


def _edit_loop(run: _Run, request: str, files: dict[str, str], selected: list[str], brief: dict | None,
               model: str | None):
    """Edits, dry-run, all or nothing, two retries; then whole-file rewrite. Returns (new files, info)."""
    failures: list[EditFailure] | None = None
    system = system_prompt()
    context = {"request": request, "files": files, "brief": brief}
    for attempt in range(1, MAX_EDIT_RETRIES + 2):
        run.check("before asking for edits")
        run.progress("edit", 30 + attempt * 10, f"asking for edits (attempt {attempt})")
        req = CompletionRequest(purpose="modify", system=system, model=model,
                                messages=modify_messages(request, files, selected, failures),
                                session_id=run.session_id, tenant_id=run.tenant_id, context=context,
                                properties={"attempt": attempt})
        text, _ = call_model(run.provider, req, run.ledger, on_text=run.on_text, cancel=run.cancel)
        edits = parse_edits(text)
        created = parse_files(text).files
        safe_new, rejections = screen_files({p: c for p, c in created.items() if p not in files},
                                            session_id=run.session_id, tenant_id=run.tenant_id)
        checked_edits = []
        bad = []
        for index, edit in enumerate(edits):
            try:
                from .generation.safety import check_path

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
    req = CompletionRequest(purpose="rewrite", system=system, model=model,
                            messages=rewrite_messages(request, files, touched), session_id=run.session_id,
                            tenant_id=run.tenant_id, context=context)
    text, _ = call_model(run.provider, req, run.ledger, on_text=run.on_text, cancel=run.cancel)
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
    on_text: Callable[[str], None] | None = None,
    cancel: threading.Event | None = None,
    preview: bool = True,
) -> ModifyResult:
    """Change a built site as ``request`` asks, touching only the files it must (see the module docstring)."""
    if not isinstance(request, str) or not request.strip():
        raise InvalidInputError("the change request is empty; say what to change, e.g. 'make the headline shorter'")
    session = get_session(session_id)
    project = project_for_session(session_id)
    current = get_version(project.project_id)
    prov = _resolve_provider(provider, session)
    was_deployed = session.status == "deployed" or bool(session.url)
    previous_status = session.status
    _claim(session_id)
    try:
        record_event("modification_requested", session_id=session_id, tenant_id=session.tenant_id,
                     actor=session.actor, properties={"request_chars": len(request), "version": current.version,
                                                      "provider": prov.name})
        transition(session_id, "building", expected={"ready", "deployed", "error", "stopped"},
                   properties={"reason": "modification", "provider": prov.name})
        run = _Run(session, prov, model, on_progress, on_text, cancel)
        run.bundle = preview
        if preview and was_deployed:
            run.bundle_dir = _bundle_dir(session_id)
        try:
            run.progress("classify", 10, "understanding the change")
            plan = _classify_change(run, request, current.files)
            run.check("after classifying the change")
            if plan["kind"] == "new_project":
                files, info = _generate_project(run, request, kind="generate")
                method, attempts, kind = "regenerate", 1, "generate"
                report, checked, brief = info["report"], info["checked"], info["brief"].to_dict()
            else:
                selected = plan["files"] or [p for p in _DEFAULT_CHANGE_FILES if p in current.files]
                brief = current.properties.get("brief")
                edit_model = run.model or prov.model_for("modify")
                changed, edit_info = _edit_loop(run, request, current.files, selected, brief, edit_model)
                method, attempts, kind = edit_info["method"], edit_info["attempts"], "modify"
                if changed == current.files:
                    raise BuildError("the change produced no difference in any file; rephrase the request")
                files, report, checked = _check_and_fix(
                    run, changed, [], {"request": request, "brief": brief}, edit_model)
            run.check("before saving the version")
            run.progress("version", 88, "saving the new version")
            version = create_version(
                project.project_id, files, kind=kind, prompt=request, cost_usd=run.ledger.cost_usd,
                validation=report.to_dict(),
                properties={"brief": brief, "method": method, "attempts": attempts, "provider": prov.name,
                            "usage": run.ledger.to_dict(), "classification": plan, "notes": run.notes},
            )
            touched = version.properties["changed_files"]
            if preview:
                _write_preview(run, project.project_id, files, checked)
            run.event("modification_applied", {"version": version.version, "previous_version": current.version,
                                               "touched": touched, "method": method, "attempts": attempts,
                                               "cost_usd": run.ledger.cost_usd})
            deploy = None
            if was_deployed:
                deploy = _deploy(run, session.deploy_target or "local", project.project_id, version.version, files,
                                 checked)
            url = (deploy or {}).get("url") or (session.url if not was_deployed else None)
            if url:
                update_session(session_id, url=url)
                status = transition(session_id, "deployed", expected="building",
                                    properties={"url": url, "version": version.version}).status
            else:
                status = transition(session_id, "ready", expected="building",
                                    properties={"version": version.version}).status
            run.progress("done", 100, f"{status}: version {version.version}, changed {', '.join(touched)}")
            return ModifyResult(
                session_id=session_id, status=status, kind=plan["kind"], method=method, attempts=attempts,
                touched=touched, version=version.version, previous_version=current.version,
                project_dir=str(project_dir(project.project_id)), files=sorted(files), diff=version.diff, url=url,
                cost_usd=run.ledger.cost_usd, validation=report.to_dict(), notes=run.notes,
                seconds=round(time.perf_counter() - run.started, 3),
            )
        except BaseException as exc:
            if isinstance(exc, BuildStoppedError) or previous_status not in ("ready", "deployed"):
                _finish_failure(session_id, exc)
            else:
                _change_failed(session_id, previous_status, exc, run)
            if isinstance(exc, FaibricError):
                exc.details.setdefault("session_id", session_id)
                raise
            if isinstance(exc, Exception):
                raise BuildError(f"the change to {session_id} failed unexpectedly: {type(exc).__name__}: {exc}",
                                 session_id=session_id) from exc
            raise
    finally:
        _release(session_id)


def build_prompt(prompt: str, **kwargs) -> BuildResult:
    """Create a session for ``prompt`` (operator) and build it: the CLI's ``faibric build``."""
    from .sessions import create_session

    session = create_session(prompt, tenant_id=kwargs.pop("tenant_id", "default"), email=kwargs.pop("email", None),
                             provider=kwargs.get("provider") if isinstance(kwargs.get("provider"), str) else None,
                             deploy_target=kwargs.get("deploy_target"))
    return run_build(session.session_id, **kwargs)



def deploy_session(
    session_id: str,
    target: str = "local",
    version: int | None = None,
    *,
    on_progress=None,
    cancel: threading.Event | None = None,
):
    """Deploy a stored version of a session's site (the current one by default; an older one rolls back).

    On success the session becomes ``deployed`` with the URL (also from
    ``error``: its site is live again). A failed deploy leaves the session's
    status as it was, since its site and versions are unchanged.
    """
    from .deploy import deploy_version, preflight

    preflight(target)
    current = get_session(session_id)
    if current.status == "building":
        raise InvalidInputError(f"session {session_id} is building; wait for it or `faibric stop {session_id}`")
    result = deploy_version(session_id, version, target, on_progress=on_progress, cancel=cancel,
                            actor=current.actor)
    url = result.url
    update_session(session_id, deploy_target=target, **({"url": url} if url else {}))
    if url and current.status in ("ready", "deployed", "error"):
        transition(session_id, "deployed", expected={"ready", "deployed", "error"},
                   properties={"url": url, "target": target, "version": result.to_dict().get("version")})
    return result
