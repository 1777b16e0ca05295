"""Publish a version: the preview document, the deploy, and what the library learns from a live site."""

from __future__ import annotations

import threading

from .. import library
from ..deploy import SiteToDeploy, deploy_site, deploy_version, preflight, prepare_site
from ..errors import InvalidInputError
from ..preview import inline_html
from ..projects import project_dir
from ..sessions import get_session, transition, update_session
from .context import BuildRun, ProgressFn

__all__ = ["deploy", "deploy_session", "learn", "write_preview"]


def write_preview(run: BuildRun, project_id: str, files: dict[str, str], checked) -> str | None:
    """Write the self-contained preview document beside the project; its path, or None without a bundle."""
    bundle = checked.bundle if checked is not None else None
    if bundle is None or not bundle.ok:
        return None
    html = inline_html(files.get("index.html", ""), bundle.js, bundle.css)
    path = project_dir(project_id).parent / "preview.html"
    path.write_text(html, encoding="utf-8")
    return str(path)


def deploy(run: BuildRun, target: str, project_id: str, version: int, files: dict[str, str], checked) -> dict | None:
    """Deploy a version to ``target`` (the checked bundle when there is one); the deploy's record, or None."""
    if target in (None, "none"):
        return None
    run.check("before deploying")
    run.progress("deploy", 92, f"deploying to {target}")
    dist = checked.bundle.dist_dir if checked is not None and checked.bundle is not None else None
    if dist is not None:
        site = SiteToDeploy(site_id=run.session_id, session_id=run.session_id, tenant_id=run.tenant_id,
                            project_id=project_id, version=version, files=dict(files), dist_dir=dist)
    else:
        site = prepare_site(files, site_id=run.session_id, session_id=run.session_id, tenant_id=run.tenant_id,
                            project_id=project_id, version=version)
    result = deploy_site(site, target, on_progress=lambda message: run.progress("deploy", 95, message),
                         cancel=run.cancel, actor=run.session.actor)
    return result.to_dict()


def learn(run: BuildRun, version: int, files: dict[str, str]) -> None:
    """Let the library learn from a site that went live (its new components may be reused later)."""
    try:
        library.learn_from_version(run.session_id, version, files, "deployed", tenant_id=run.tenant_id)
    except Exception as exc:  # noqa: BLE001 - learning is a bonus; it must never fail a live site
        run.notes.append(f"the library did not learn from this site: {getattr(exc, 'message', exc)}")


def deploy_session(
    session_id: str,
    target: str = "local",
    version: int | None = None,
    *,
    on_progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
):
    """Deploy a stored version of a session's site (the current one by default; an older one rolls back).

    On success the session becomes ``deployed`` with the URL (also from
    ``error``: its site is live again). A failed deploy leaves the session's
    status as it was, since its site and versions are unchanged.
    """
    preflight(target)
    current = get_session(session_id)
    if current.status == "building":
        raise InvalidInputError(f"session {session_id} is building; wait for it or `faibric stop {session_id}`")
    def deployer_progress(message: str) -> None:
        if on_progress is not None:
            on_progress("deploy", 50, message)

    result = deploy_version(session_id, version, target, on_progress=deployer_progress, cancel=cancel,
                            actor=current.actor)
    url = result.url
    update_session(session_id, deploy_target=target, **({"url": url} if url else {}))
    if url and current.status in ("ready", "deployed", "error"):
        transition(session_id, "deployed", expected={"ready", "deployed", "error"},
                   properties={"url": url, "target": target, "version": result.to_dict().get("version")})
    return result
