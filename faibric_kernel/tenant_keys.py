"""Tenants and their API keys: a request's tenant comes from the key it sends, never from a name it claims.

``faibric tenants add acme`` draws a random API key (shown once) and keeps
only its SHA-256 in ``$FAIBRIC_HOME/tenants.json`` (mode 0600). An API client
sends the key as ``X-Faibric-Key``; a request without a key belongs to the
``default`` tenant. ``--dashboard-token`` also draws a stakeholder token
scoped to that tenant: the analytics API then shows that tenant's figures
only. The file is re-read when it changes, so a rotated or removed key stops
working in a running API within one request. With ``FAIBRIC_DATABASE_URL`` the
same document is a row in PostgreSQL (:mod:`.store.documents`), which every API
host reads.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from datetime import UTC, datetime
from pathlib import Path

from . import config
from .errors import InvalidInputError, NotFoundError, StoreError
from .store.documents import WorkspaceDocument

__all__ = ["TenantKeys", "tenant_keys"]

KEY_PREFIX = "fbk_"
DASHBOARD_PREFIX = "fbd_"
FILE_NAME = "tenants.json"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class TenantKeys:
    """The tenants file of one workspace: add, list, rotate, remove, and look a key up."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.document = WorkspaceDocument(FILE_NAME, private=True, path=self.path)
        self._lock = threading.Lock()
        self._seen: tuple | None = None
        self._tenants: dict = {}
        self._by_key: dict[str, str] = {}
        self._by_dashboard: dict[str, str] = {}

    # -- reading ----------------------------------------------------------------------------------

    def _load(self) -> dict:
        mark = self.document.mark()
        if mark is None:
            self._seen, self._tenants, self._by_key, self._by_dashboard = None, {}, {}, {}
            return self._tenants
        if mark != self._seen:
            try:
                data = self.document.load()
            except (OSError, ValueError) as exc:
                raise StoreError(f"cannot read {self.document.where()}: {exc}; fix or remove it") from None
            tenants = data.get("tenants", {}) if isinstance(data, dict) else {}
            self._tenants = tenants
            self._by_key = {t["key_sha256"]: name for name, t in tenants.items() if t.get("key_sha256")}
            self._by_dashboard = {t["dashboard_sha256"]: name for name, t in tenants.items()
                                  if t.get("dashboard_sha256")}
            self._seen = mark
        return self._tenants

    def tenant_for_key(self, key: str | None) -> str | None:
        """The tenant whose API key this is, or None."""
        if not key:
            return None
        with self._lock:
            self._load()
            return self._by_key.get(_digest(key))

    def tenant_for_dashboard_token(self, token: str | None) -> str | None:
        """The tenant a tenant-scoped dashboard token belongs to, or None."""
        if not token:
            return None
        with self._lock:
            self._load()
            return self._by_dashboard.get(_digest(token))

    def list(self) -> list[dict]:
        """Every tenant, without secrets: id, when added and rotated, whether it has a dashboard token."""
        with self._lock:
            tenants = self._load()
            return [{"tenant_id": name, "created_at": t.get("created_at"), "rotated_at": t.get("rotated_at"),
                     "key_hint": t.get("key_hint"), "dashboard_token": bool(t.get("dashboard_sha256"))}
                    for name, t in sorted(tenants.items())]

    # -- writing ----------------------------------------------------------------------------------

    def _save(self, tenants: dict) -> None:
        self.document.save({"tenants": tenants})
        self._seen = None

    def _issue(self, entry: dict, dashboard: bool) -> dict:
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        entry.update(key_sha256=_digest(key), key_hint=key[:8] + "...")
        shown = {"api_key": key}
        if dashboard:
            token = DASHBOARD_PREFIX + secrets.token_urlsafe(32)
            entry["dashboard_sha256"] = _digest(token)
            shown["dashboard_token"] = token
        return shown

    def add(self, tenant_id: str, *, dashboard: bool = False) -> dict:
        """A new tenant with a new API key (and a stakeholder token for its dashboards); the secrets are
        in the answer only."""
        from .onboarding.flow import validate_tenant

        validate_tenant(tenant_id)
        with self._lock:
            tenants = dict(self._load())
            if tenant_id in tenants:
                raise InvalidInputError(f"tenant {tenant_id!r} already exists; rotate its key with "
                                        f"`faibric tenants rotate {tenant_id}`")
            entry = {"created_at": _now(), "rotated_at": None}
            shown = self._issue(entry, dashboard)
            tenants[tenant_id] = entry
            self._save(tenants)
        return {"tenant_id": tenant_id, **shown}

    def rotate(self, tenant_id: str, *, dashboard: bool = False) -> dict:
        """A new API key for the tenant (the old one stops working); ``dashboard`` rotates its token too."""
        with self._lock:
            tenants = dict(self._load())
            if tenant_id not in tenants:
                raise NotFoundError(f"no tenant {tenant_id!r}; `faibric tenants list` shows them")
            entry = dict(tenants[tenant_id], rotated_at=_now())
            shown = self._issue(entry, dashboard)
            tenants[tenant_id] = entry
            self._save(tenants)
        return {"tenant_id": tenant_id, **shown}

    def remove(self, tenant_id: str) -> dict:
        """Forget the tenant's keys (its sessions and events stay in the store)."""
        with self._lock:
            tenants = dict(self._load())
            if tenants.pop(tenant_id, None) is None:
                raise NotFoundError(f"no tenant {tenant_id!r}; `faibric tenants list` shows them")
            self._save(tenants)
        return {"tenant_id": tenant_id, "removed": True}


_stores: dict[str, TenantKeys] = {}
_stores_lock = threading.Lock()


def tenant_keys() -> TenantKeys:
    """The tenants file of the current workspace (one object per workspace, so lookups stay cached)."""
    path = config.workspace() / FILE_NAME
    with _stores_lock:
        return _stores.setdefault(str(path), TenantKeys(path))
