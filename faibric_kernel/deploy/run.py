"""Running a deploy: build the site, record it, call the deployer, emit the events.

:func:`prepare_site` bundles a project version into a ``dist/`` folder;
:func:`deploy_site` deploys a prepared site to a target and records it in the
``deploys`` table with ``deploy_started`` / ``deployed`` / ``deploy_failed``
events; :func:`deploy_version` does both for any stored project version of a
session, which is also how a site is rolled back.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import uuid
from pathlib import Path

from .. import config
from ..errors import DeployError, FaibricError, NotFoundError, ValidationFailedError
from ..store import read_connection, record_event
from . import store
from .base import DeployCancelledError, Deployer, DeployResult, ProgressFn, SiteToDeploy, get_deployer, utcnow

__all__ = ["deploy_site", "deploy_version", "load_version_files", "prepare_site"]


def prepare_site(
    files: dict[str, str],
    *,
    site_id: str,
    session_id: str | None = None,
    tenant_id: str = "default",
    project_id: str | None = None,
    version: int | None = None,
    out_dir: Path | None = None,
) -> SiteToDeploy:
    """Bundle ``files`` into ``out_dir`` (default ``$FAIBRIC_HOME/builds/<site_id>/v<version>``).

    Raises :class:`ValidationFailedError` (with ``issues``) when the project does not bundle.
    """
    from ..preview import bundle_files

    if out_dir is None:
        out_dir = config.workspace() / "builds" / site_id / (f"v{version}" if version is not None else "latest")
    result = bundle_files(files, out_dir=Path(out_dir))
    if not result.ok:
        first = result.errors[0] if result.errors else "unknown error"
        raise ValidationFailedError(f"the project does not bundle: {first}",
                                    issues=[e.to_dict() for e in result.errors])
    return SiteToDeploy(site_id=site_id, session_id=session_id, tenant_id=tenant_id, project_id=project_id,
                        version=version, files=dict(files), dist_dir=result.dist_dir)


def _dist_bytes(dist_dir: Path | None) -> int | None:
    if dist_dir is None or not Path(dist_dir).is_dir():
        return None
    return sum(p.stat().st_size for p in Path(dist_dir).rglob("*") if p.is_file())


def deploy_site(
    site: SiteToDeploy,
    target: str = "local",
    *,
    deployer: Deployer | None = None,
    on_progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    actor: str | None = None,
    raise_errors: bool = True,
) -> DeployResult:
    """Deploy ``site`` to ``target`` (or through an explicit ``deployer``), recording everything.

    The ``deploys`` row exists before any remote call and receives remote ids as
    soon as they are known. On failure the row ends ``failed`` (or ``canceled``),
    ``deploy_failed`` is emitted with the reason, and the error is raised
    (``raise_errors=False`` returns a failed :class:`DeployResult` instead).
    """
    deployer = deployer or get_deployer(target)
    target = deployer.name
    # ids the caller passes win over what the store remembers; the caller's object is left as it was
    site = dataclasses.replace(site, previous_remote_ids={**store.previous_remote_ids(site.site_id),
                                                          **site.previous_remote_ids})
    deploy_id = uuid.uuid4().hex
    started = utcnow()
    base_props = {"site_id": site.site_id, "deploy_id": deploy_id, "target": target, "version": site.version,
                  "project_id": site.project_id}
    store.insert_deploy(deploy_id=deploy_id, site_id=site.site_id, session_id=site.session_id,
                        project_id=site.project_id, version=site.version, tenant_id=site.tenant_id, target=target,
                        started_at=started, properties={"files": len(site.files)})
    record_event("deploy_started", session_id=site.session_id, tenant_id=site.tenant_id, actor=actor,
                 properties=base_props, ts=started)
    remote: dict = {}

    def remember(ids: dict) -> None:
        remote.update(ids)
        store.update_remote_ids(deploy_id, remote)

    try:
        result = deployer.deploy(site, on_progress=on_progress, cancel=cancel, on_remote_ids=remember)
    except BaseException as exc:
        finished = utcnow()
        if isinstance(exc, DeployCancelledError | KeyboardInterrupt):
            status = "canceled"
        else:
            status = "failed"
        if isinstance(exc, FaibricError):
            reason = exc.message
            error: BaseException = exc
        elif isinstance(exc, KeyboardInterrupt):
            reason = "interrupted"
            error = exc
        else:
            reason = f"unexpected {type(exc).__name__}: {exc}"
            error = DeployError(f"the {target} deploy failed unexpectedly: {exc}")
            error.__cause__ = exc
        store.finish_deploy(deploy_id, status=status, url=None, remote_ids=remote, error=reason, finished_at=finished,
                            properties={"files": len(site.files), "seconds": (finished - started).total_seconds()})
        record_event("deploy_failed", session_id=site.session_id, tenant_id=site.tenant_id, actor=actor,
                     properties={**base_props, "reason": reason, "status": status,
                                 "error_type": type(exc).__name__, "remote_ids": remote}, ts=finished)
        if isinstance(error, FaibricError):
            error.details.setdefault("deploy_id", deploy_id)
        if raise_errors or not isinstance(exc, Exception):
            if error is exc:
                raise
            raise error from exc
        return DeployResult(target, status, None, remote, started, finished, error=reason, deploy_id=deploy_id)
    remote.update(result.remote_ids)
    result.remote_ids = remote
    result.deploy_id = deploy_id
    result.started_at = started
    seconds = result.seconds or 0.0
    store.finish_deploy(deploy_id, status="live", url=result.url, remote_ids=remote, error=None,
                        finished_at=result.finished_at or utcnow(),
                        properties={"files": len(site.files), "seconds": seconds,
                                    "dist_bytes": _dist_bytes(site.dist_dir)})
    record_event("deployed", session_id=site.session_id, tenant_id=site.tenant_id, actor=actor,
                 properties={**base_props, "url": result.url, "seconds": round(seconds, 3)},
                 ts=result.finished_at)
    return result


def _files_from_json(raw) -> dict[str, str]:
    data = json.loads(raw) if isinstance(raw, str) else raw
    if isinstance(data, dict):
        return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
    if isinstance(data, list):
        return {item["path"]: item.get("content", item.get("text", "")) for item in data}
    raise DeployError("a stored project version has files in a form Faibric does not know")


def load_version_files(session_id: str, version: int | None = None) -> tuple[dict, dict[str, str]]:
    """The stored files of a session's project version (the current one by default).

    Returns ``(info, files)`` with ``info`` = project_id, tenant_id, version.
    """
    with read_connection(include_spool=False, events=False) as con:
        projects = con.execute(
            "SELECT project_id, tenant_id, current_version FROM projects WHERE session_id = ? "
            "ORDER BY updated_at DESC LIMIT 1",
            [session_id],
        ).fetchall()
        if not projects:
            raise NotFoundError(f"session {session_id} has no project; build it first (faibric build)")
        project_id, tenant_id, current = projects[0]
        if version is None:
            rows = con.execute(
                "SELECT version, CAST(files AS VARCHAR) FROM project_versions WHERE project_id = ? "
                "ORDER BY (version = ?) DESC, version DESC LIMIT 1",
                [project_id, current],
            ).fetchall()
        else:
            rows = con.execute(
                "SELECT version, CAST(files AS VARCHAR) FROM project_versions WHERE project_id = ? AND version = ?",
                [project_id, version],
            ).fetchall()
        if not rows:
            known = [r[0] for r in con.execute(
                "SELECT version FROM project_versions WHERE project_id = ? ORDER BY version", [project_id]
            ).fetchall()]
            raise NotFoundError(f"session {session_id} has no version {version}; versions: "
                                + (", ".join(map(str, known)) or "none"))
    found_version, files_json = rows[0]
    info = {"project_id": project_id, "tenant_id": tenant_id, "version": found_version}
    return info, _files_from_json(files_json)


def deploy_version(
    session_id: str,
    version: int | None = None,
    target: str = "local",
    *,
    site_id: str | None = None,
    deployer: Deployer | None = None,
    on_progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    actor: str | None = None,
) -> DeployResult:
    """Build and deploy a stored version of a session's project (the current one by default).

    Deploying an earlier version is a rollback: the site id stays the session
    id, so the same URL (and the same Render service) serves it.
    """
    info, files = load_version_files(session_id, version)
    site = prepare_site(files, site_id=site_id or session_id, session_id=session_id, tenant_id=info["tenant_id"],
                        project_id=info["project_id"], version=info["version"])
    return deploy_site(site, target, deployer=deployer, on_progress=on_progress, cancel=cancel, actor=actor)
