"""Public site ids, and what the API needs to know about a site, cached briefly.

A site's forms and its beacon name the site in every page a visitor loads,
so that name must not be the session id (a session id lets its holder
follow and change the build). Each site gets a random public id instead,
``s_`` and 16 hex digits, stored in ``public_sites`` beside the session it
belongs to. :func:`public_site_id` creates it on first use and returns the
same id ever after.

:class:`SiteDirectory` answers "tenant, owner email, live version, allowed
origins" for a public id from memory, reloading an entry after ``ttl``
seconds, so a flood of beacons never turns into a flood of database opens.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from .. import config
from ..errors import InvalidInputError, NotFoundError
from ..store import read_connection, state_connection
from ..store.state import lock_rows

__all__ = [
    "SITE_ID_PATTERN",
    "SiteDirectory",
    "SiteInfo",
    "add_site_origin",
    "list_public_sites",
    "lookup_site",
    "origin_of",
    "public_site_id",
    "validate_public_site_id",
]

# applied by faibric_kernel.store.migrations (version 700)
MIGRATION_SQL = """
    CREATE TABLE IF NOT EXISTS public_sites (
        site_id VARCHAR PRIMARY KEY,       -- public: in every page of the site
        session_id VARCHAR NOT NULL UNIQUE, -- secret: never leaves the server
        tenant_id VARCHAR NOT NULL DEFAULT 'default',
        created_at TIMESTAMP NOT NULL,
        origins JSON                        -- extra origins (a custom domain), besides the deploy URLs
    );
    """

SITE_ID_PATTERN = re.compile(r"^s_[0-9a-f]{16}$")


def validate_public_site_id(site_id) -> str:
    """``site_id`` when it has the shape of a public site id, else InvalidInputError."""
    if not isinstance(site_id, str) or not SITE_ID_PATTERN.match(site_id):
        raise InvalidInputError(f"{str(site_id)[:40]!r} is not a site id; site ids look like s_0123456789abcdef")
    return site_id


def public_site_id(session_id: str, tenant_id: str = "default") -> str:
    """The public id of the site built for ``session_id``, created on first use."""
    if not isinstance(session_id, str) or not session_id.strip():
        raise InvalidInputError("a public site id needs the session id of the site")
    with state_connection() as con:
        row = con.execute("SELECT site_id, tenant_id FROM public_sites WHERE session_id = ?", [session_id]).fetchone()
        if row is not None:
            if row[1] != tenant_id:
                raise InvalidInputError(f"the site of this session belongs to another tenant than {tenant_id!r}")
            return row[0]
        site_id = "s_" + secrets.token_hex(8)
        con.execute(
            "INSERT INTO public_sites (site_id, session_id, tenant_id, created_at, origins) VALUES (?, ?, ?, ?, '[]')",
            [site_id, session_id, tenant_id, datetime.now(UTC).replace(tzinfo=None)],
        )
    return site_id


def add_site_origin(site_id: str, origin: str) -> list[str]:
    """Allow one more origin (a custom domain) to post to ``site_id``; returns the extra origins."""
    wanted = origin_of(origin)
    if wanted is None:
        raise InvalidInputError(f"{origin!r} is not an origin; give one like https://www.example.com")
    with state_connection() as con:
        con.execute("BEGIN TRANSACTION")
        try:
            row = con.execute("SELECT CAST(origins AS VARCHAR) FROM public_sites WHERE site_id = ?" + lock_rows(con),
                              [validate_public_site_id(site_id)]).fetchone()
            if row is None:
                raise NotFoundError(f"no site {site_id}")
            extra = sorted({*(json.loads(row[0] or "[]")), wanted})
            con.execute("UPDATE public_sites SET origins = ? WHERE site_id = ?", [json.dumps(extra), site_id])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return extra


def origin_of(url: str | None) -> str | None:
    """``scheme://host[:port]`` of ``url`` in lower case, or None when it is not an http(s) URL."""
    if not url or not isinstance(url, str):
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    default = {"http": 80, "https": 443}[parts.scheme]
    try:
        port = parts.port
    except ValueError:
        return None
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def _with_loopback_twins(origins: set[str]) -> set[str]:
    # a site on the local sites server is as often opened as localhost as 127.0.0.1
    out = set(origins)
    for origin in origins:
        if "://127.0.0.1" in origin:
            out.add(origin.replace("://127.0.0.1", "://localhost"))
        elif "://localhost" in origin:
            out.add(origin.replace("://localhost", "://127.0.0.1"))
    return out


@dataclass(frozen=True)
class SiteInfo:
    """What the API needs to answer a site's forms and beacons. ``session_id`` never leaves the server."""

    site_id: str
    tenant_id: str
    session_id: str
    owner_email: str | None
    live_version: int | None
    origins: frozenset = field(default_factory=frozenset)
    name: str | None = None


def lookup_site(site_id: str) -> SiteInfo | None:
    """The site ``site_id`` from the store, or None when there is none."""
    with read_connection(include_spool=False, events=False) as con:
        row = con.execute(
            """
            SELECT p.site_id, p.tenant_id, p.session_id, s.email, CAST(p.origins AS VARCHAR),
                   (SELECT d.version FROM deploys d WHERE d.session_id = p.session_id AND d.status = 'live'
                    ORDER BY d.started_at DESC LIMIT 1),
                   (SELECT max(pr.current_version) FROM projects pr WHERE pr.session_id = p.session_id),
                   (SELECT array_agg(d.url) FROM deploys d WHERE d.session_id = p.session_id AND d.url IS NOT NULL),
                   (SELECT max(pr.name) FROM projects pr WHERE pr.session_id = p.session_id)
            FROM public_sites p LEFT JOIN sessions s ON s.session_id = p.session_id
            WHERE p.site_id = ?
            """,
            [site_id],
        ).fetchone()
    if row is None:
        return None
    site, tenant, session, email, extra, live_version, current_version, urls, name = row
    origins = {origin_of(u) for u in (urls or [])} | {origin_of(u) for u in json.loads(extra or "[]")}
    for setting in ("FAIBRIC_PUBLIC_URL",):
        origins.add(origin_of(config.get(setting)))
    origins |= {origin_of(u) for u in (config.get("FAIBRIC_SITE_ORIGINS") or "").split(",")}
    origins.discard(None)
    return SiteInfo(site_id=site, tenant_id=tenant, session_id=session, owner_email=email,
                    live_version=live_version if live_version is not None else current_version,
                    origins=frozenset(_with_loopback_twins(origins)), name=name)


def list_public_sites(con, *, tenant_id: str | None = None) -> list[dict]:
    """Every public site (id, tenant, creation time) on ``con``, optionally of one tenant."""
    clause, params = ("WHERE tenant_id = ?", [tenant_id]) if tenant_id else ("", [])
    cur = con.execute(f"SELECT site_id, tenant_id, created_at FROM public_sites {clause} ORDER BY created_at", params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


class SiteDirectory:
    """Public site id -> :class:`SiteInfo`, cached for ``ttl`` seconds (unknown ids for ``miss_ttl``)."""

    def __init__(self, loader=lookup_site, *, ttl: float = 30.0, miss_ttl: float = 5.0, clock=time.monotonic,
                 max_entries: int = 10_000):
        self._loader = loader
        self._ttl = ttl
        self._miss_ttl = miss_ttl
        self._clock = clock
        self._max = max_entries
        self._entries: dict[str, tuple[float, SiteInfo | None]] = {}
        self._lock = threading.Lock()

    MISSING = object()

    def cached(self, site_id: str):
        """The cached entry when still fresh (a SiteInfo or None for unknown), else ``SiteDirectory.MISSING``."""
        entry = self._entries.get(site_id)
        if entry is not None and entry[0] > self._clock():
            return entry[1]
        return self.MISSING

    def get(self, site_id: str) -> SiteInfo | None:
        """The site (None when unknown), from the cache when fresh, else from the loader."""
        now = self._clock()
        entry = self._entries.get(site_id)
        if entry is not None and entry[0] > now:
            return entry[1]
        info = self._loader(site_id)
        with self._lock:
            if len(self._entries) >= self._max:
                self._entries.clear()
            self._entries[site_id] = (now + (self._ttl if info is not None else self._miss_ttl), info)
        return info

    def forget(self, site_id: str | None = None) -> None:
        """Drop one cached entry (or all): the next request reads the store."""
        with self._lock:
            if site_id is None:
                self._entries.clear()
            else:
                self._entries.pop(site_id, None)
