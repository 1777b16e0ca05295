"""Magic links: a one-time, expiring link that proves a customer owns an email address.

The token is ``secrets.token_urlsafe(32)`` (256 random bits). Only its SHA-256
hash is stored (table ``magic_links``), so a copy of the database cannot
verify anyone. A token expires after ``FAIBRIC_MAGIC_LINK_TTL_HOURS``
(default 24), works once, and is replaced when a newer link is sent for the
same session. Every refusal is an :class:`AuthError` whose ``reason`` is one
of ``invalid``, ``expired``, ``used`` or ``replaced`` and whose message says
what to do.

The link is ``{FAIBRIC_PUBLIC_URL}/api/verify/{token}``; without that setting
it points at the running API (``http://127.0.0.1:<port>``).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .. import config
from ..errors import AuthError, ConfigError
from ..store import read_connection, state_connection

__all__ = ["MagicLink", "check_token", "consume_token", "hash_token", "issue_link", "link_url", "public_url", "set_api_url"]

TOKEN_BYTES = 32
DEFAULT_API_PORT = 8321
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43,128}$")

# applied by faibric_kernel.store.migrations (version 500)
MIGRATION_SQL = """
    CREATE TABLE IF NOT EXISTS magic_links (
        token_hash VARCHAR PRIMARY KEY,
        session_id VARCHAR NOT NULL,
        tenant_id VARCHAR NOT NULL DEFAULT 'default',
        email VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        expires_at TIMESTAMP NOT NULL,
        used_at TIMESTAMP,
        replaced_at TIMESTAMP
    );
    """

_api_url: str | None = None


def set_api_url(url: str | None) -> None:
    """Record the running API's own base URL (the fallback when FAIBRIC_PUBLIC_URL is unset)."""
    global _api_url
    _api_url = url.rstrip("/") if url else None


def public_url() -> str:
    """The base URL customers reach the API at."""
    url = config.get("FAIBRIC_PUBLIC_URL") or _api_url or f"http://127.0.0.1:{DEFAULT_API_PORT}"
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"FAIBRIC_PUBLIC_URL must start with http:// or https://, not {url!r}")
    return url.rstrip("/")


def link_url(token: str) -> str:
    return f"{public_url()}/api/verify/{token}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _ttl() -> timedelta:
    raw = config.get("FAIBRIC_MAGIC_LINK_TTL_HOURS") or "24"
    try:
        hours = float(raw)
    except ValueError:
        raise ConfigError(f"FAIBRIC_MAGIC_LINK_TTL_HOURS must be a number of hours, not {raw!r}") from None
    if hours <= 0:
        raise ConfigError("FAIBRIC_MAGIC_LINK_TTL_HOURS must be more than 0")
    return timedelta(hours=hours)


@dataclass(frozen=True)
class MagicLink:
    """A freshly issued link. ``token`` exists only here and in the email."""

    token: str
    url: str
    session_id: str
    email: str
    expires_at: datetime


def issue_link(session_id: str, email: str, *, tenant_id: str = "default", ttl: timedelta | None = None) -> MagicLink:
    """A new single-use link for this session; earlier unused links for it stop working."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = _now()
    expires = now + (ttl or _ttl())
    with state_connection() as con:
        con.execute("BEGIN TRANSACTION")
        con.execute(
            "UPDATE magic_links SET replaced_at = ? WHERE session_id = ? AND used_at IS NULL AND replaced_at IS NULL",
            [now, session_id],
        )
        con.execute(
            "INSERT INTO magic_links (token_hash, session_id, tenant_id, email, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [hash_token(token), session_id, tenant_id, email, now, expires],
        )
        con.execute("COMMIT")
    return MagicLink(token=token, url=link_url(token), session_id=session_id, email=email, expires_at=expires)


@dataclass(frozen=True)
class ConsumedLink:
    session_id: str
    tenant_id: str
    email: str


def _usable_link(con, token: str, now: datetime) -> tuple:
    """The stored link of a token that can be used now, or an AuthError saying why not."""
    if not isinstance(token, str) or not _TOKEN_SHAPE.match(token):
        raise AuthError("this sign-in link is not valid; open the latest link from your email or ask for a new one",
                        reason="invalid")
    rows = con.execute(
        "SELECT session_id, tenant_id, email, expires_at, used_at, replaced_at FROM magic_links WHERE token_hash = ?",
        [hash_token(token)],
    ).fetchall()
    if not rows:
        raise AuthError(
            "this sign-in link is not valid; open the latest link from your email or ask for a new one",
            reason="invalid",
        )
    session_id, tenant_id, email, expires_at, used_at, replaced_at = rows[0]
    if used_at is not None:
        raise AuthError(
            "this sign-in link was already used; links work once, so ask for a new one",
            reason="used", session_id=session_id,
        )
    if replaced_at is not None:
        raise AuthError(
            "a newer sign-in link was sent for this request; use the link in the latest email",
            reason="replaced", session_id=session_id,
        )
    if expires_at <= now:
        raise AuthError(
            f"this sign-in link expired at {expires_at:%Y-%m-%d %H:%M} UTC; ask for a new one",
            reason="expired", session_id=session_id,
        )
    return session_id, tenant_id, email


def check_token(token: str) -> ConsumedLink:
    """Whose a token is, if it can be used now, without using it (raises AuthError saying why not).

    The page a browser opens from the email asks for a click before the link is used, so
    that mail scanners which open every link do not use it up.
    """
    with read_connection(include_spool=False, events=False) as con:
        return ConsumedLink(*_usable_link(con, token, _now()))


def consume_token(token: str) -> ConsumedLink:
    """Use a token once: returns whose it was, or raises AuthError saying why not."""
    now = _now()
    with state_connection() as con:
        con.execute("BEGIN TRANSACTION")
        try:
            session_id, tenant_id, email = _usable_link(con, token, now)
            # conditional, so that of two hosts using one link at the same moment only one succeeds
            # (PostgreSQL lets both read it unused; DuckDB would abort the second transaction instead)
            taken = con.execute("UPDATE magic_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL "
                                "AND replaced_at IS NULL RETURNING token_hash", [now, hash_token(token)]).fetchall()
            if not taken:
                raise AuthError("this sign-in link was already used; links work once, so ask for a new one",
                                reason="used", session_id=session_id)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return ConsumedLink(session_id=session_id, tenant_id=tenant_id, email=email)
