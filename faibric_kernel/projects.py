"""Projects and their versions: every generation and every change is a new, restorable version.

A session has one project. Each version stores the whole file set (JSON),
the unified diff against the previous version, what it cost, the prompt or
change request that made it, and the validation report, in
``project_versions``. The current version's files are also on disk at
``$FAIBRIC_HOME/projects/<project_id>/src-tree`` (replaced atomically).
:func:`restore` makes a new version equal to an old one, so history only
ever grows.
"""

from __future__ import annotations

import difflib
import json
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import config
from .errors import NotFoundError, StoreError
from .generation.safety import write_tree
from .store import read_connection, state_connection
from .store.state import integrity_errors

__all__ = [
    "Project",
    "ProjectVersion",
    "create_version",
    "current_files",
    "get_or_create_project",
    "get_project",
    "get_version",
    "list_versions",
    "materialise",
    "project_dir",
    "project_for_session",
    "restore",
    "unified_diff",
]

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock(project_id: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(project_id, threading.Lock())


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class Project:
    project_id: str
    session_id: str
    tenant_id: str
    name: str | None
    current_version: int | None
    created_at: datetime
    updated_at: datetime

    @property
    def dir(self) -> Path:
        return project_dir(self.project_id)

    def to_dict(self) -> dict:
        return {"project_id": self.project_id, "session_id": self.session_id, "tenant_id": self.tenant_id,
                "name": self.name, "current_version": self.current_version, "project_dir": str(self.dir),
                "created_at": self.created_at.isoformat(), "updated_at": self.updated_at.isoformat()}


@dataclass
class ProjectVersion:
    project_id: str
    version: int
    created_at: datetime
    kind: str
    prompt: str | None
    files: dict[str, str] = field(default_factory=dict)
    diff: str | None = None
    cost_usd: float | None = None
    validation: dict | None = None
    properties: dict = field(default_factory=dict)

    def summary(self) -> dict:
        """The version without its files and diff (for listings)."""
        changed = self.properties.get("changed_files")
        return {"version": self.version, "created_at": self.created_at.isoformat(), "kind": self.kind,
                "prompt": self.prompt, "files": len(self.files), "changed_files": changed,
                "cost_usd": self.cost_usd, "valid": (self.validation or {}).get("ok"),
                "restored_from": self.properties.get("restored_from")}

    def to_dict(self) -> dict:
        return {**self.summary(), "project_id": self.project_id, "file_paths": sorted(self.files), "diff": self.diff,
                "validation": self.validation, "properties": self.properties}


def project_dir(project_id: str) -> Path:
    """``$FAIBRIC_HOME/projects/<project_id>/src-tree``: the current version's files."""
    return config.workspace() / "projects" / project_id / "src-tree"


def _project_from_row(row) -> Project:
    return Project(*row)


_PROJECT_COLUMNS = "project_id, session_id, tenant_id, name, current_version, created_at, updated_at"


def get_project(project_id: str) -> Project:
    with read_connection(include_spool=False, events=False) as con:
        rows = con.execute(f"SELECT {_PROJECT_COLUMNS} FROM projects WHERE project_id = ?", [project_id]).fetchall()
    if not rows:
        raise NotFoundError(f"no project {project_id!r}")
    return _project_from_row(rows[0])


def project_for_session(session_id: str) -> Project:
    """The session's project; :class:`NotFoundError` when it has never been built."""
    with read_connection(include_spool=False, events=False) as con:
        rows = con.execute(
            f"SELECT {_PROJECT_COLUMNS} FROM projects WHERE session_id = ? ORDER BY created_at LIMIT 1", [session_id]
        ).fetchall()
    if not rows:
        from .sessions import get_session

        get_session(session_id)  # an unknown session says so, rather than "no project yet"
        raise NotFoundError(f"session {session_id} has no project yet; build it first (faibric build)")
    return _project_from_row(rows[0])


def get_or_create_project(session_id: str, *, tenant_id: str = "default", name: str | None = None) -> Project:
    """The session's project, created on first use."""
    with _lock("session:" + session_id), state_connection() as con:
        rows = con.execute(
            f"SELECT {_PROJECT_COLUMNS} FROM projects WHERE session_id = ? ORDER BY created_at LIMIT 1", [session_id]
        ).fetchall()
        if rows:
            return _project_from_row(rows[0])
        now = _now()
        project_id = "prj_" + uuid.uuid4().hex[:12]
        con.execute(
            "INSERT INTO projects (project_id, session_id, tenant_id, name, current_version, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, NULL, ?, ?)",
            [project_id, session_id, tenant_id, name, now, now],
        )
    return Project(project_id, session_id, tenant_id, name, None, now, now)


def unified_diff(old: dict[str, str], new: dict[str, str]) -> tuple[str, list[str]]:
    """A unified diff of two file sets, and the paths that differ."""
    chunks, changed = [], []
    for path in sorted(set(old) | set(new)):
        before, after = old.get(path), new.get(path)
        if before == after:
            continue
        changed.append(path)
        chunks.extend(difflib.unified_diff(
            (before or "").splitlines(keepends=True), (after or "").splitlines(keepends=True),
            fromfile=f"a/{path}" if before is not None else "/dev/null",
            tofile=f"b/{path}" if after is not None else "/dev/null",
        ))
    text = "".join(line if line.endswith("\n") else line + "\n" for line in chunks)
    return text, changed


def _version_from_row(row) -> ProjectVersion:
    project_id, version, created_at, kind, prompt, files, diff, cost, validation, properties = row
    return ProjectVersion(project_id, version, created_at, kind, prompt, json.loads(files) if files else {}, diff,
                          cost, json.loads(validation) if validation else None,
                          json.loads(properties) if properties else {})


_VERSION_COLUMNS = ("project_id, version, created_at, kind, prompt, CAST(files AS VARCHAR), diff, cost_usd, "
                    "CAST(validation AS VARCHAR), CAST(properties AS VARCHAR)")


def create_version(
    project_id: str,
    files: dict[str, str],
    *,
    kind: str,
    prompt: str | None = None,
    cost_usd: float | None = None,
    validation: dict | None = None,
    properties: dict | None = None,
) -> ProjectVersion:
    """Store a new version (files, diff against the current one) and put its files on disk."""
    files = dict(sorted(files.items()))
    with _lock(project_id):
        for _attempt in range(5):
            now = _now()
            try:
                with state_connection() as con:
                    con.execute("BEGIN TRANSACTION")
                    try:
                        head = con.execute(
                            "SELECT current_version FROM projects WHERE project_id = ?", [project_id]
                        ).fetchall()
                        if not head:
                            raise NotFoundError(f"no project {project_id!r}")
                        latest = con.execute(
                            "SELECT coalesce(max(version), 0) FROM project_versions WHERE project_id = ?",
                            [project_id]).fetchall()[0][0]
                        previous: dict[str, str] = {}
                        if head[0][0] is not None:
                            old = con.execute(
                                "SELECT CAST(files AS VARCHAR) FROM project_versions WHERE project_id = ? AND version = ?",
                                [project_id, head[0][0]]).fetchall()
                            previous = json.loads(old[0][0]) if old else {}
                        diff, changed = unified_diff(previous, files)
                        number = latest + 1
                        props = {**(properties or {}), "changed_files": changed,
                                 "previous_version": head[0][0]}
                        con.execute(
                            "INSERT INTO project_versions (project_id, version, created_at, kind, prompt, files, diff, "
                            "cost_usd, validation, properties) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [project_id, number, now, kind, prompt, json.dumps(files, ensure_ascii=False), diff,
                             cost_usd, json.dumps(validation) if validation is not None else None,
                             json.dumps(props, ensure_ascii=False, default=str)],
                        )
                        con.execute("UPDATE projects SET current_version = ?, updated_at = ? WHERE project_id = ?",
                                    [number, now, project_id])
                        con.execute("COMMIT")
                    except BaseException:
                        con.execute("ROLLBACK")
                        raise
                break
            except integrity_errors():
                continue  # another process took this number first; read the head again
        else:
            raise StoreError(f"could not store a new version of {project_id} after 5 attempts; try again")
        write_tree(project_dir(project_id), files)
    return ProjectVersion(project_id, number, now, kind, prompt, files, diff, cost_usd, validation, props)


def list_versions(project_id: str) -> list[ProjectVersion]:
    """Every version of a project, oldest first."""
    with read_connection(include_spool=False, events=False) as con:
        rows = con.execute(f"SELECT {_VERSION_COLUMNS} FROM project_versions WHERE project_id = ? ORDER BY version",
                           [project_id]).fetchall()
    return [_version_from_row(r) for r in rows]


def get_version(project_id: str, version: int | None = None) -> ProjectVersion:
    """One version (the current one when ``version`` is None)."""
    if version is None:
        version = get_project(project_id).current_version
        if version is None:
            raise NotFoundError(f"project {project_id} has no version yet")
    with read_connection(include_spool=False, events=False) as con:
        rows = con.execute(f"SELECT {_VERSION_COLUMNS} FROM project_versions WHERE project_id = ? AND version = ?",
                           [project_id, version]).fetchall()
        if not rows:
            known = [r[0] for r in con.execute(
                "SELECT version FROM project_versions WHERE project_id = ? ORDER BY version", [project_id]).fetchall()]
    if not rows:
        raise NotFoundError(f"project {project_id} has no version {version}; versions: "
                            + (", ".join(map(str, known)) or "none"))
    return _version_from_row(rows[0])


def current_files(project_id: str) -> dict[str, str]:
    return get_version(project_id).files


def materialise(project_id: str) -> Path:
    """Write the current version's files to disk again (after a crash, or a deleted folder)."""
    return write_tree(project_dir(project_id), current_files(project_id))


def restore(session_id: str, version: int) -> ProjectVersion:
    """Make a new version equal to ``version`` of the session's project, and make it current."""
    project = project_for_session(session_id)
    old = get_version(project.project_id, version)
    return create_version(project.project_id, old.files, kind="restore", prompt=f"restore version {version}",
                          cost_usd=0.0, validation=old.validation,
                          properties={"restored_from": version, "brief": old.properties.get("brief")})
