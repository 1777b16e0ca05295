"""Sessions: one customer (or operator) request and its life, the seed's LandingSession.

Statuses and the transitions the lifecycle allows::

    request_submitted -> email_provided -> verified -> building -> deployed
                      \\______________ (operator) ______/        \\-> ready (built, not deployed)
    any active status -> error | stopped;  error/stopped/ready/deployed -> building (retry, change)

Every transition is written to the ``sessions`` table and recorded as an event
(its type named in ``STATUS_EVENTS``) with its time. An illegal transition
raises :class:`IllegalTransitionError` saying which moves are allowed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import unicodedata
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from .errors import IllegalTransitionError, InvalidInputError, NotFoundError
from .store import read_connection, record_event, state_connection
from .store.state import lock_rows

__all__ = [
    "ALLOWED",
    "STATUSES",
    "Session",
    "create_session",
    "get_session",
    "get_sessions",
    "issue_session_secret",
    "secret_matches",
    "session_of_secret",
    "was_verified",
    "list_sessions",
    "transition",
    "update_session",
]

STATUSES = (
    "request_submitted",
    "email_provided",
    "verified",
    "building",
    "ready",
    "deployed",
    "error",
    "stopped",
)

ALLOWED: dict[str, set[str]] = {
    "request_submitted": {"email_provided", "building", "error", "stopped"},
    "email_provided": {"email_provided", "verified", "error", "stopped"},
    "verified": {"building", "error", "stopped"},
    "building": {"ready", "deployed", "error", "stopped"},
    "ready": {"building", "deployed", "error", "stopped"},
    "deployed": {"building", "deployed", "error", "stopped"},
    "error": {"building", "deployed", "stopped"},  # deployed: a stored version deployed again
    "stopped": {"building"},
}

# The event recorded for entering each status. ``None``: the caller's own
# component records it (the deployer records ``deployed`` with its URL).
STATUS_EVENTS = {
    "request_submitted": "request_submitted",
    "email_provided": "email_provided",
    "verified": "verified",
    "building": "build_started",
    "ready": "preview_ready",
    "deployed": None,
    "error": "error",
    "stopped": "build_stopped",
}

MAX_PROMPT_CHARS = 20_000

_COLUMNS = (
    "session_id, tenant_id, email, prompt, status, status_reason, provider, deploy_target, url, variant, "
    "parent_session_id, created_at, updated_at, CAST(properties AS VARCHAR)"
)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class Session:
    """A row of the ``sessions`` table."""

    session_id: str
    tenant_id: str
    email: str | None
    prompt: str | None
    status: str
    status_reason: str | None = None
    provider: str | None = None
    deploy_target: str | None = None
    url: str | None = None
    variant: str | None = None
    parent_session_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    properties: dict = field(default_factory=dict)

    @property
    def actor(self) -> str:
        return self.email or "operator"

    def to_dict(self) -> dict:
        data = asdict(self)
        for key in ("created_at", "updated_at"):
            if data[key] is not None:
                data[key] = data[key].isoformat()
        return data


def _from_row(row) -> Session:
    *head, props = row
    return Session(*head, properties=json.loads(props) if props else {})


def _has_visible_text(text: str) -> bool:
    """Whether ``text`` has a character a person can see (not only spaces, zero-width or control ones)."""
    return any(not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc", "Zs", "Zl", "Zp", "Mn")
               for ch in text)


def validate_prompt(prompt) -> str:
    """A prompt must be non-empty text of reasonable size."""
    if not isinstance(prompt, str) or not prompt.strip() or not _has_visible_text(prompt):
        raise InvalidInputError("the prompt is empty; describe the site you want, e.g. 'a landing page for a bakery'")
    if len(prompt) > MAX_PROMPT_CHARS:
        raise InvalidInputError(
            f"the prompt is {len(prompt):,} characters; keep it under {MAX_PROMPT_CHARS:,} "
            "(describe the site; attach long content later)"
        )
    return prompt.strip()


def create_session(  # noqa: PLR0913 - one parameter per session column
    prompt: str,
    *,
    tenant_id: str = "default",
    email: str | None = None,
    provider: str | None = None,
    deploy_target: str | None = None,
    variant: str | None = None,
    parent_session_id: str | None = None,
    properties: dict | None = None,
    session_id: str | None = None,
) -> Session:
    """Start a session in ``request_submitted`` and record the event."""
    prompt = validate_prompt(prompt)
    now = _now()
    session = Session(
        session_id=session_id or uuid.uuid4().hex[:12],
        tenant_id=tenant_id,
        email=email,
        prompt=prompt,
        status="request_submitted",
        provider=provider,
        deploy_target=deploy_target,
        variant=variant,
        parent_session_id=parent_session_id,
        created_at=now,
        updated_at=now,
        properties=dict(properties or {}),
    )
    with state_connection() as con:
        con.execute(
            "INSERT INTO tenants (tenant_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING", [tenant_id, tenant_id]
        )
        con.execute(
            f"INSERT INTO sessions ({_COLUMNS.replace('CAST(properties AS VARCHAR)', 'properties')}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                session.session_id, tenant_id, email, prompt, session.status, None, provider, deploy_target,
                None, variant, parent_session_id, now, now, json.dumps(session.properties),
            ],
        )
    record_event(
        "request_submitted",
        session_id=session.session_id,
        tenant_id=tenant_id,
        actor=session.actor,
        properties={"prompt_chars": len(prompt), "variant": variant, "provider": provider,
                    **({"parent_session_id": parent_session_id} if parent_session_id else {})},
        ts=now,
    )
    return session


def get_session(session_id: str, *, tenant_id: str | None = None) -> Session:
    """The session with this id (within ``tenant_id`` when given)."""
    where, params = "session_id = ?", [session_id]
    if tenant_id is not None:
        where += " AND tenant_id = ?"
        params.append(tenant_id)
    with read_connection(include_spool=False, events=False) as con:
        rows = con.execute(f"SELECT {_COLUMNS} FROM sessions WHERE {where}", params).fetchall()
    if not rows:
        raise NotFoundError(f"no session {session_id!r}; `faibric sessions` lists them")
    return _from_row(rows[0])


def get_sessions(session_ids) -> dict[str, Session]:
    """Many sessions by id in one read (ids that do not exist are left out)."""
    ids = list(dict.fromkeys(session_ids))
    if not ids:
        return {}
    with read_connection(include_spool=False, events=False) as con:
        rows = con.execute(
            f"SELECT {_COLUMNS} FROM sessions WHERE session_id IN ({', '.join('?' for _ in ids)})", ids
        ).fetchall()
    return {row[0]: _from_row(row) for row in rows}


def list_sessions(*, tenant_id: str | None = None, status: str | None = None, limit: int = 50) -> list[Session]:
    """Recent sessions, newest first."""
    clauses, params = [], []
    if tenant_id is not None:
        clauses.append("tenant_id = ?")
        params.append(tenant_id)
    if status is not None:
        clauses.append("status = ?")
        params.append(status)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    with read_connection(include_spool=False, events=False) as con:
        rows = con.execute(
            f"SELECT {_COLUMNS} FROM sessions {where} ORDER BY updated_at DESC LIMIT ?", [*params, limit]
        ).fetchall()
    return [_from_row(r) for r in rows]


_UPDATABLE = {"email", "provider", "deploy_target", "url", "variant", "status_reason"}


def update_session(session_id: str, *, properties: dict | None = None, **fields) -> Session:
    """Change plain fields (not the status) and merge ``properties``."""
    unknown = set(fields) - _UPDATABLE
    if unknown:
        raise InvalidInputError(f"cannot update {', '.join(sorted(unknown))}; use transition() for the status")
    with state_connection() as con:
        con.execute("BEGIN TRANSACTION")
        try:
            rows = con.execute("SELECT CAST(properties AS VARCHAR) FROM sessions WHERE session_id = ?"
                               + lock_rows(con), [session_id]).fetchall()
            if not rows:
                raise NotFoundError(f"no session {session_id!r}; `faibric sessions` lists them")
            merged = {**(json.loads(rows[0][0]) if rows[0][0] else {}), **(properties or {})}
            sets = ", ".join(f"{k} = ?" for k in fields)
            con.execute(
                f"UPDATE sessions SET {sets + ', ' if sets else ''}properties = ?, updated_at = ? WHERE session_id = ?",
                [*fields.values(), json.dumps(merged), _now(), session_id],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return get_session(session_id)


def transition(
    session_id: str,
    new_status: str,
    *,
    reason: str | None = None,
    properties: dict | None = None,
    emit: bool = True,
    expected: str | set[str] | None = None,
) -> Session:
    """Move a session to ``new_status``, enforcing the lifecycle, and record the event.

    ``expected`` guards against races: the move is refused unless the current
    status is one of them. The status check and the write happen in one
    transaction, so two processes cannot both move the same session.
    """
    if new_status not in STATUSES:
        raise InvalidInputError(f"unknown status {new_status!r}; statuses are {', '.join(STATUSES)}")
    now = _now()
    with state_connection() as con:
        con.execute("BEGIN TRANSACTION")
        try:
            rows = con.execute(
                "SELECT status, tenant_id, email FROM sessions WHERE session_id = ?", [session_id]
            ).fetchall()
            if not rows:
                raise NotFoundError(f"no session {session_id!r}; `faibric sessions` lists them")
            current, tenant_id, email = rows[0]
            wanted = {expected} if isinstance(expected, str) else expected
            if wanted is not None and current not in wanted:
                raise IllegalTransitionError(
                    f"session {session_id} is {current}, not {' or '.join(sorted(wanted))}; cannot move it to {new_status}"
                )
            if new_status not in ALLOWED[current]:
                allowed = ", ".join(sorted(ALLOWED[current])) or "nothing"
                raise IllegalTransitionError(
                    f"session {session_id} is {current} and cannot become {new_status} (from {current}: {allowed})"
                )
            # conditional on the status read above: with the state in PostgreSQL two hosts may both read it,
            # and only the first move may win (DuckDB aborts the second transaction instead)
            moved = con.execute(
                "UPDATE sessions SET status = ?, status_reason = ?, updated_at = ? WHERE session_id = ? "
                "AND status = ? RETURNING session_id",
                [new_status, reason, now, session_id, current],
            ).fetchall()
            if not moved:
                raise IllegalTransitionError(
                    f"session {session_id} changed while it was being moved to {new_status}; look at it again")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    event_type = STATUS_EVENTS[new_status]
    if emit and event_type:
        props = {"from": current, **({"reason": reason} if reason else {}), **(properties or {})}
        record_event(event_type, session_id=session_id, tenant_id=tenant_id, actor=email or "operator",
                     properties=props, ts=now)
    return get_session(session_id)


# -- the session secret: what a customer's browser shows to act on its session ----------------------------

SECRET_PROPERTY = "secret_sha256"
VERIFIED_PROPERTY = "verified_at"
_SECRET_SEPARATOR = "."


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue_session_secret(session_id: str, *, copy_from: Session | None = None) -> str | None:
    """Mark the session verified and give it a bearer secret (only its SHA-256 is kept); returns the secret.

    The secret is ``<session_id>.<43 random characters>``, so it also names its
    session. With ``copy_from`` (a new project started from a verified site's
    chat) the parent's secret hash is reused and ``None`` returned: the same
    browser goes on with the same secret.
    """
    if copy_from is not None:
        digest, secret = copy_from.properties.get(SECRET_PROPERTY), None
    else:
        secret = f"{session_id}{_SECRET_SEPARATOR}{secrets.token_urlsafe(32)}"
        digest = _secret_hash(secret)
    update_session(session_id, properties={SECRET_PROPERTY: digest, VERIFIED_PROPERTY: _now().isoformat()})
    return secret


def session_of_secret(secret: str | None) -> str | None:
    """The session id a secret names (not yet checked), or None for something that is not a secret."""
    if not isinstance(secret, str) or _SECRET_SEPARATOR not in secret or len(secret) > 200:
        return None
    session_id = secret.rsplit(_SECRET_SEPARATOR, 1)[0]
    return session_id or None


def secret_matches(session: Session, secret: str | None) -> bool:
    """Whether ``secret`` is this session's (a new project started from a site's chat shares its parent's),
    compared in constant time."""
    digest = session.properties.get(SECRET_PROPERTY)
    if not digest or not isinstance(secret, str):
        return False
    return hmac.compare_digest(digest, _secret_hash(secret))


def was_verified(session: Session) -> bool:
    """Whether the session's email was ever verified (by a magic link, or through its parent's), whatever its status."""
    return bool(session.properties.get(VERIFIED_PROPERTY))
