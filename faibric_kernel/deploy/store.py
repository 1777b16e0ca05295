"""The ``deploys`` table: one row per deploy, written before anything remote exists.

A row is inserted as ``deploying`` before the deployer runs, gets the remote
ids (commit, service, deploy) the moment they are known, and ends ``live``,
``failed`` or ``canceled`` with the error and its finish time. So no remote
object is ever left without a record, and a crashed process leaves a row that
says ``deploying`` rather than nothing. Each connection is short-lived.
"""

from __future__ import annotations

import json
from datetime import datetime

from ..store import read_connection, state_connection

__all__ = [
    "STATUSES",
    "deploy_history",
    "finish_deploy",
    "insert_deploy",
    "list_sites",
    "previous_remote_ids",
    "update_remote_ids",
]

STATUSES = ("deploying", "live", "failed", "canceled")

# applied by faibric_kernel.store.migrations (version 400)
MIGRATION_SQL = """
        ALTER TABLE deploys ADD COLUMN IF NOT EXISTS site_id VARCHAR;
        ALTER TABLE deploys ADD COLUMN IF NOT EXISTS properties JSON;
        """


def insert_deploy(*, deploy_id: str, site_id: str, session_id: str | None, project_id: str | None,  # noqa: PLR0913 - one parameter per column of a deploys row
                  version: int | None, tenant_id: str, target: str, started_at: datetime,
                  properties: dict | None = None) -> None:
    with state_connection() as con:
        con.execute(
            "INSERT INTO deploys (deploy_id, site_id, session_id, project_id, version, tenant_id, target, status, "
            "url, remote_ids, error, started_at, finished_at, properties) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 'deploying', NULL, '{}', NULL, ?, NULL, ?)",
            [deploy_id, site_id, session_id, project_id, version, tenant_id, target, started_at,
             json.dumps(properties or {})],
        )


def update_remote_ids(deploy_id: str, remote_ids: dict) -> None:
    with state_connection() as con:
        con.execute("UPDATE deploys SET remote_ids = ? WHERE deploy_id = ?", [json.dumps(remote_ids), deploy_id])


def finish_deploy(deploy_id: str, *, status: str, url: str | None, remote_ids: dict, error: str | None,
                  finished_at: datetime, properties: dict | None = None) -> None:
    if status not in STATUSES:
        raise ValueError(f"unknown deploy status {status!r}")
    with state_connection() as con:
        con.execute(
            "UPDATE deploys SET status = ?, url = ?, remote_ids = ?, error = ?, finished_at = ?, "
            "properties = COALESCE(?, properties) WHERE deploy_id = ?",
            [status, url, json.dumps(remote_ids), error, finished_at,
             json.dumps(properties) if properties is not None else None, deploy_id],
        )


def _rows(sql: str, params: list) -> list[dict]:
    with read_connection(include_spool=False, events=False) as con:
        cursor = con.execute(sql, params)
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    out = []
    for row in rows:
        item = dict(zip(names, row, strict=True))
        for key in ("remote_ids", "properties"):
            if isinstance(item.get(key), str):
                item[key] = json.loads(item[key])
        out.append(item)
    return out


def previous_remote_ids(site_id: str) -> dict:
    """Remote ids that earlier deploys of ``site_id`` left, newest winning (Render service, for one)."""
    merged: dict = {}
    for row in _rows(
        "SELECT remote_ids FROM deploys WHERE site_id = ? AND remote_ids IS NOT NULL ORDER BY started_at",
        [site_id],
    ):
        if isinstance(row["remote_ids"], dict):
            merged.update(row["remote_ids"])
    return merged


_COLUMNS = ("deploy_id, site_id, session_id, project_id, version, tenant_id, target, status, url, "
            "CAST(remote_ids AS VARCHAR) AS remote_ids, error, started_at, finished_at, "
            "CAST(properties AS VARCHAR) AS properties")


def deploy_history(*, site_id: str | None = None, session_id: str | None = None, limit: int = 100) -> list[dict]:
    """Deploys, newest first, optionally for one site or session."""
    where, params = [], []
    if site_id:
        where.append("site_id = ?")
        params.append(site_id)
    if session_id:
        where.append("session_id = ?")
        params.append(session_id)
    clause = ("WHERE " + " AND ".join(where)) if where else ""
    return _rows(f"SELECT {_COLUMNS} FROM deploys {clause} ORDER BY started_at DESC LIMIT ?", [*params, limit])


def list_sites(tenant_id: str | None = None) -> list[dict]:
    """Each site's latest deploy, and the URL of its latest successful one."""
    clause, params = ("WHERE tenant_id = ?", [tenant_id]) if tenant_id else ("", [])
    rows = _rows(
        f"""
        WITH d AS (SELECT * FROM deploys {clause})
        SELECT latest.site_id, latest.session_id, latest.tenant_id, latest.target, latest.status,
               latest.version, latest.started_at, latest.finished_at, latest.error,
               live.url AS url, live.target AS live_target, live.version AS live_version,
               counts.deploys
        FROM (SELECT DISTINCT ON (site_id) * FROM d ORDER BY site_id, started_at DESC) latest
        LEFT JOIN (SELECT DISTINCT ON (site_id) * FROM d WHERE status = 'live'
                   ORDER BY site_id, started_at DESC) live
               ON live.site_id = latest.site_id
        JOIN (SELECT site_id, count(*) AS deploys FROM d GROUP BY site_id) counts ON counts.site_id = latest.site_id
        WHERE latest.site_id IS NOT NULL
        ORDER BY latest.started_at DESC
        """,
        params,
    )
    return rows
