"""Sending email: one registry of backends, one ``send_email`` call, and a retry queue.

::

    send_email("ada@example.com", "Your site is live", "Open https://...")   # -> SendResult

The backend comes from the ``backend`` argument, else ``FAIBRIC_EMAIL_BACKEND``
(``outbox`` by default; see :mod:`.backends`). Every send is recorded as an
``email_sent`` or ``email_failed`` event. A failed send never raises for
delivery problems: the message goes into the ``email_queue`` table, the result
says so (``ok=False``, ``queued_id``), and :func:`retry_failed_emails` sends
it again later. Messages that carry a secret (a magic link) are queued as a
*builder* reference plus a payload instead of their text, and rebuilt with a
fresh secret when retried, so no secret rests in the database. A builder
returns ``{"to", "subject", "text", "html", "on_sent_event"}`` (the last one
optional: ``{"event_type", "properties"}`` recorded once the retry is sent),
or ``None`` when there is nothing left to send.
"""

from __future__ import annotations

import importlib
import json
import re
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from .. import config
from ..errors import ConfigError, EmailError, FaibricError, InvalidInputError
from ..registry import Registry
from ..store import read_connection, record_event, state_connection
from .backends import EmailBackend, OutboxBackend, SendgridBackend, SmtpBackend

__all__ = [
    "BACKENDS",
    "EmailBackend",
    "OutboxBackend",
    "SendResult",
    "SendgridBackend",
    "SmtpBackend",
    "build_message",
    "get_backend",
    "pending_emails",
    "register_backend",
    "retry_failed_emails",
    "send_email",
    "validate_address",
]

BACKENDS: Registry[type[EmailBackend]] = Registry("email backend", setting="FAIBRIC_EMAIL_BACKEND")


def register_backend(cls: type[EmailBackend]) -> type[EmailBackend]:
    """Add a backend class to the registry under its ``name``."""
    return BACKENDS.register(cls)


for _cls in (OutboxBackend, SmtpBackend, SendgridBackend):
    register_backend(_cls)


def get_backend(name: str | None = None, **options) -> EmailBackend:
    """An instance of the backend ``name`` (default: ``FAIBRIC_EMAIL_BACKEND``, else ``outbox``)."""
    chosen = (name or config.get("FAIBRIC_EMAIL_BACKEND") or "outbox").strip().lower()
    return BACKENDS.lookup(chosen)(**options)


# applied by faibric_kernel.store.migrations (version 501)
MIGRATION_SQL = """
    CREATE TABLE IF NOT EXISTS email_queue (
        queue_id VARCHAR PRIMARY KEY,
        created_at TIMESTAMP NOT NULL,
        tenant_id VARCHAR NOT NULL DEFAULT 'default',
        session_id VARCHAR,
        to_addrs VARCHAR NOT NULL,
        subject VARCHAR,
        backend VARCHAR NOT NULL,
        message VARCHAR,          -- the whole message, unless it is rebuilt by ``builder``
        builder VARCHAR,          -- "module:function" that rebuilds the message from ``payload``
        payload JSON,
        status VARCHAR NOT NULL,  -- pending | sending | sent | abandoned | dropped
        attempts INTEGER NOT NULL DEFAULT 1,
        last_error VARCHAR,
        last_attempt_at TIMESTAMP,
        sent_at TIMESTAMP
    );
    """

_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")


def validate_address(address) -> str:
    """A plain ``local@domain`` address, trimmed and with a lower-case domain, or InvalidInputError."""
    if not isinstance(address, str) or not address.strip():
        raise InvalidInputError("the email address is empty; give one like ada@example.com")
    address = address.strip()
    local, _, domain = address.rpartition("@")
    if (len(address) > 254 or len(local) > 64 or not _ADDRESS.match(address)
            or ".." in local or local.startswith(".") or local.endswith(".")):
        raise InvalidInputError(f"{address[:80]!r} is not a valid email address; give one like ada@example.com")
    return f"{local}@{domain.lower()}"


def _no_newlines(name: str, value: str) -> str:
    if "\r" in value or "\n" in value:
        raise InvalidInputError(f"the email {name} must be one line")
    return value


def build_message(to, subject: str, text: str, html: str | None = None, *, sender: str | None = None) -> EmailMessage:
    """A standard MIME message: plain text, plus an HTML alternative when given."""
    recipients = [to] if isinstance(to, str) else list(to or [])
    if not recipients:
        raise InvalidInputError("an email needs at least one recipient")
    recipients = [validate_address(r) for r in recipients]
    if not isinstance(text, str):
        raise InvalidInputError("the email text must be a string")
    sender = sender or config.get("FAIBRIC_EMAIL_FROM")
    name, addr = parseaddr(sender)
    if not addr:
        raise ConfigError(f"FAIBRIC_EMAIL_FROM {sender!r} is not an address; set it like 'Faibric <no-reply@example.com>'")
    message = EmailMessage()
    message["From"] = formataddr((name, addr)) if name else addr
    message["To"] = ", ".join(recipients)
    message["Subject"] = _no_newlines("subject", str(subject or ""))
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=addr.rpartition("@")[2] or "faibric.local")
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


@dataclass
class SendResult:
    """What happened to one message: sent (with a receipt) or queued for a retry (with the error)."""

    ok: bool
    backend: str
    to: list[str]
    subject: str
    message_id: str | None = None
    receipt: str | None = None
    error: str | None = None
    queued_id: str | None = None
    attempts: int = 1
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    def raise_for_error(self) -> SendResult:
        """Raise EmailError when the message was not sent (it stays queued)."""
        if not self.ok:
            raise EmailError(f"{self.error} (queued as {self.queued_id} for a retry)", queued_id=self.queued_id)
        return self


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _deliver(backend: EmailBackend, message: EmailMessage) -> tuple[str | None, str | None]:
    """(receipt, error): delivery failures become an error text, never an exception."""
    try:
        return backend.send(message), None
    except FaibricError as exc:
        return None, exc.message
    except Exception as exc:  # noqa: BLE001 - a backend bug must not lose the message
        return None, f"the {backend.name} backend failed unexpectedly: {type(exc).__name__}: {exc}"


def send_email(  # noqa: PLR0913 - message parts and retry options, keyword-only
    to,
    subject: str,
    text: str,
    html: str | None = None,
    *,
    backend: str | EmailBackend | None = None,
    session_id: str | None = None,
    tenant_id: str = "default",
    kind: str | None = None,
    retry_builder: str | None = None,
    retry_payload: dict | None = None,
) -> SendResult:
    """Send one email and record it; a failure is queued for :func:`retry_failed_emails`.

    ``kind`` labels the message in events (``magic_link``, ``alert``, ...).
    ``retry_builder`` ("module:function") and ``retry_payload`` let a message
    holding a secret be rebuilt on retry instead of stored.
    """
    message = build_message(to, subject, text, html)
    chosen = backend if isinstance(backend, EmailBackend) else get_backend(backend)
    recipients = [r.strip() for r in message["To"].split(",")]
    receipt, error = _deliver(chosen, message)
    result = SendResult(ok=error is None, backend=chosen.name, to=recipients, subject=str(message["Subject"]),
                        message_id=str(message["Message-ID"]), receipt=receipt, error=error)
    props = {"backend": chosen.name, "subject": result.subject, **({"kind": kind} if kind else {})}
    if error is None:
        record_event("email_sent", session_id=session_id, tenant_id=tenant_id, actor=recipients[0], properties=props)
        return result
    queue_id = uuid.uuid4().hex[:16]
    stored = None if retry_builder else message.as_string()
    now = _now()
    with state_connection() as con:
        con.execute(
            "INSERT INTO email_queue (queue_id, created_at, tenant_id, session_id, to_addrs, subject, backend, "
            "message, builder, payload, status, attempts, last_error, last_attempt_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 1, ?, ?)",
            [queue_id, now, tenant_id, session_id, ", ".join(recipients), result.subject, chosen.name, stored,
             retry_builder, json.dumps(retry_payload or {}), error, now],
        )
    result.queued_id = queue_id
    record_event("email_failed", session_id=session_id, tenant_id=tenant_id, actor=recipients[0],
                 properties={**props, "error": error, "queued_id": queue_id, "attempts": 1})
    return result


def pending_emails(*, tenant_id: str | None = None) -> list[dict]:
    """Queued messages still waiting for a retry (oldest first)."""
    where, params = "status IN ('pending', 'sending')", []
    if tenant_id is not None:
        where += " AND tenant_id = ?"
        params.append(tenant_id)
    with read_connection(include_spool=False, events=False) as con:
        cur = con.execute(
            f"SELECT queue_id, created_at, tenant_id, session_id, to_addrs, subject, backend, status, attempts, "
            f"last_error, last_attempt_at FROM email_queue WHERE {where} ORDER BY created_at", params
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _rebuild(row: dict) -> tuple[EmailMessage | None, dict | None]:
    """The message to send again, and the event a builder asks to record once it is sent."""
    if row["builder"]:
        module_name, _, func_name = row["builder"].partition(":")
        try:
            builder = getattr(importlib.import_module(module_name), func_name)
        except (ImportError, AttributeError):
            raise EmailError(f"the message builder {row['builder']!r} no longer exists") from None
        built = builder(json.loads(row["payload"]) if row["payload"] else {})
        if built is None:
            return None, None
        return build_message(built["to"], built["subject"], built["text"], built.get("html")), built.get("on_sent_event")
    return BytesParser(policy=default_policy).parsebytes(row["message"].encode("utf-8")), None


def retry_failed_emails(
    *, backend: str | EmailBackend | None = None, max_attempts: int | None = None, stale_minutes: int = 10
) -> list[SendResult]:
    """Send every queued message again; return what happened to each.

    Each message goes through its original backend unless ``backend`` is
    given. After ``max_attempts`` (``FAIBRIC_EMAIL_MAX_ATTEMPTS``, default 8)
    failures a message is marked ``abandoned``. A message whose builder says
    there is nothing left to send (e.g. the session was verified meanwhile) is
    ``dropped``. Claims are atomic, so two retry runs never send one message twice.
    """
    limit = max_attempts or config.get_int("FAIBRIC_EMAIL_MAX_ATTEMPTS", 8)
    now = _now()
    with state_connection() as con:
        # a claim older than this belongs to a run that died mid-send
        con.execute(
            "UPDATE email_queue SET status = 'pending' WHERE status = 'sending' AND last_attempt_at < ?",
            [now - timedelta(minutes=stale_minutes)],
        )
        cur = con.execute(
            "UPDATE email_queue SET status = 'sending', last_attempt_at = ? WHERE status = 'pending' "
            "RETURNING queue_id, tenant_id, session_id, to_addrs, subject, backend, message, builder, "
            "CAST(payload AS VARCHAR) AS payload, attempts",
            [now],
        )
        names = [d[0] for d in cur.description]
        claimed = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    results = []
    for row in sorted(claimed, key=lambda r: r["queue_id"]):
        results.append(_retry_one(row, backend, limit))
    return results


def _retry_one(row: dict, backend, limit: int) -> SendResult:
    attempts = row["attempts"] + 1
    recipients = [r.strip() for r in row["to_addrs"].split(",")]
    chosen = backend if isinstance(backend, EmailBackend) else None
    error = receipt = message = on_sent = None
    try:
        chosen = chosen or get_backend(backend or row["backend"])
        message, on_sent = _rebuild(row)
    except FaibricError as exc:
        error = exc.message
    name = chosen.name if chosen else str(backend or row["backend"])
    if error is None and message is None:
        _finish(row["queue_id"], "dropped", attempts - 1, None)
        return SendResult(ok=True, backend=name, to=recipients, subject=row["subject"], queued_id=row["queue_id"],
                          attempts=attempts - 1, extra={"dropped": True})
    if error is None:
        receipt, error = _deliver(chosen, message)
    props = {"backend": name, "subject": row["subject"], "queued_id": row["queue_id"], "attempts": attempts}
    if error is None:
        _finish(row["queue_id"], "sent", attempts, None)
        record_event("email_sent", session_id=row["session_id"], tenant_id=row["tenant_id"], actor=recipients[0],
                     properties={**props, "retried": True})
        if on_sent:
            record_event(on_sent["event_type"], session_id=row["session_id"], tenant_id=row["tenant_id"],
                         actor=recipients[0], properties={**on_sent.get("properties", {}), "retried": True})
        return SendResult(ok=True, backend=name, to=recipients, subject=row["subject"],
                          message_id=str(message["Message-ID"]), receipt=receipt, queued_id=row["queue_id"],
                          attempts=attempts)
    status = "abandoned" if attempts >= limit else "pending"
    _finish(row["queue_id"], status, attempts, error)
    record_event("email_failed", session_id=row["session_id"], tenant_id=row["tenant_id"], actor=recipients[0],
                 properties={**props, "error": error, "abandoned": status == "abandoned"})
    return SendResult(ok=False, backend=name, to=recipients, subject=row["subject"], error=error,
                      queued_id=row["queue_id"], attempts=attempts, extra={"status": status})


def _finish(queue_id: str, status: str, attempts: int, error: str | None) -> None:
    now = _now()
    with state_connection() as con:
        con.execute(
            "UPDATE email_queue SET status = ?, attempts = ?, last_error = coalesce(?, last_error), "
            "last_attempt_at = ?, sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END WHERE queue_id = ?",
            [status, attempts, error, now, status, now, queue_id],
        )
