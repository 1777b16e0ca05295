"""The build of a session: its prompt to a validated, versioned (and deployed) site.

:func:`run_build` moves a session to ``building`` and then, stage by stage
(each stage is a module of this package):
plan (classify with the cheap model, rules offline; library search and reuse
decisions) -> generate (model choice, streamed generation continued after
``max_tokens``, one repair, file safety) -> check (cheap fixes, validation with
tree-sitter, imports and security rules, a bundle check, at most one AI fix)
-> publish (a project version, the preview, the deploy).
It ends ``ready`` or ``deployed``; any failure ends ``error`` with the reason,
and a cancel (the ``threading.Event`` is checked between stages and while the
model streams) ends ``stopped`` with :class:`BuildStoppedError`. A session is
never left ``building``.

These functions run in the caller's thread and take no lease: the CLI, the
studio and the API run them through :mod:`.jobs`, which owns the lease that
keeps one build per session at a time across processes.
"""

from __future__ import annotations

import threading

from ..deploy import preflight
from ..errors import InvalidInputError
from ..projects import create_version, get_or_create_project, project_dir
from ..providers import Provider, get_provider
from ..sessions import get_session, transition, update_session
from . import budgets
from .context import (
    DEPLOY_TARGETS,
    BuildResult,
    BuildRun,
    ProgressFn,
    TextFn,
    apply_budget,
    bundle_dir,
    finish_failure,
    reraise,
    resolve_provider,
    session_variant,
)
from .generate import generate_project
from .publish import deploy, learn, write_preview

__all__ = ["BUILDABLE", "run_build"]


def run_build(  # noqa: PLR0913 - the build's options, keyword-only
    session_id: str,
    *,
    provider: str | Provider | None = None,
    model: str | None = None,
    deploy_target: str | None = "local",
    on_progress: ProgressFn | None = None,
    on_text: TextFn | None = None,
    cancel: threading.Event | None = None,
    preview: bool = True,
    variant: str | None = None,
) -> BuildResult:
    """Build a session's site from its prompt (see the module docstring for the stages).

    Raises the :class:`FaibricError` that ended the build (after setting the
    session to ``error``), or :class:`BuildStoppedError` on cancel (session
    ``stopped``). ``variant`` names the prompt variant for a session that has
    none yet (a session keeps its variant for life; see :func:`session_variant`).
    """
    if deploy_target not in DEPLOY_TARGETS and deploy_target is not None:
        raise InvalidInputError(f"unknown deploy target {deploy_target!r}; choose one of: {', '.join(DEPLOY_TARGETS)}")
    preflight(deploy_target)  # before the build spends anything
    session = get_session(session_id)
    decision = budgets.enforce(session.tenant_id, "build")  # over the hard budget: refused before anything runs
    prov = get_provider("offline") if decision.step == "offline" else resolve_provider(provider, session)
    chosen = session_variant(session, variant)
    transition(session_id, "building", expected=BUILDABLE,
               properties={"provider": prov.name, "deploy_target": deploy_target, "variant": chosen.name,
                           "prompts": chosen.book().versions})
    run = BuildRun(session, prov, model, on_progress, on_text, cancel, variant=chosen)
    apply_budget(run, decision)
    run.bundle = preview
    if preview and deploy_target not in (None, "none"):
        run.bundle_dir = bundle_dir(session_id)
    try:
        update_session(session_id, provider=prov.name, deploy_target=deploy_target)
        files, info = generate_project(run, session.prompt or "")
        result = _publish(run, files, info, deploy_target, preview)
        run.trace.finish(result.status)
        return result
    except BaseException as exc:  # noqa: BLE001 - settled, then re-raised by reraise()
        status = finish_failure(session_id, exc)
        run.trace.finish(status, exc)
        reraise(run, exc, "build")


BUILDABLE = {"request_submitted", "verified", "ready", "deployed", "error", "stopped"}


def _publish(run: BuildRun, files: dict[str, str], info: dict, deploy_target: str | None,
             preview: bool) -> BuildResult:
    """Save the version, write the preview, deploy, and settle the session ``deployed`` or ``ready``."""
    session, brief = run.session, info["brief"]
    run.check("before saving the version")
    run.progress("version", 88, "saving the project version")
    project = get_or_create_project(run.session_id, tenant_id=session.tenant_id, name=brief.business_name)
    version = create_version(
        project.project_id, files, kind="generate", prompt=session.prompt, cost_usd=run.ledger.cost_usd,
        validation=info["report"].to_dict(),
        properties={"brief": brief.to_dict(), "reused": info["reused"], "provider": run.provider.name,
                    "model": info["model"], "purpose": info["purpose"], "generation": info["generation"],
                    "usage": run.ledger.to_dict(), "notes": run.notes, "variant": run.variant.name,
                    "prompts": run.book.versions},
    )
    preview_path = write_preview(run, project.project_id, files, info["checked"]) if preview else None
    with run.trace.span("deploy", target=deploy_target or "none"):
        deployed = deploy(run, deploy_target, project.project_id, version.version, files, info["checked"])
    url = deployed.get("url") if deployed else None
    if url:
        update_session(run.session_id, url=url)
        status = transition(run.session_id, "deployed", expected="building",
                            properties={"url": url, "version": version.version}).status
        learn(run, version.version, files)
    else:
        status = transition(run.session_id, "ready", expected="building",
                            properties={"version": version.version, "preview": bool(preview_path)}).status
    run.progress("done", 100, f"{status}: version {version.version}, {len(files)} files")
    return BuildResult(
        session_id=run.session_id, status=status, project_id=project.project_id,
        project_dir=str(project_dir(project.project_id)), files=sorted(files), version=version.version,
        url=url, cost_usd=run.ledger.cost_usd, provider=run.provider.name, model=info["model"],
        brief=brief.to_dict(), reused=info["reused"], validation=info["report"].to_dict(),
        preview_path=preview_path, deploy=deployed, usage=run.ledger.to_dict(), notes=run.notes,
        seconds=run.seconds, trace_id=run.trace.trace_id,
    )
