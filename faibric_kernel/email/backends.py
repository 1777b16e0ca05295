"""Email backends: where a message goes. One small class per backend, one ``send`` method.

* ``outbox`` (the default) writes each message as an ``.eml`` file into
  ``$FAIBRIC_HOME/outbox/``, which any mail program (or a text editor) opens.
* ``smtp`` hands the message to an SMTP server with the standard library's
  :mod:`smtplib`: STARTTLS (or implicit TLS on port 465) and login when a user
  name is set.
* ``sendgrid`` posts the message to SendGrid's v3 ``/v3/mail/send`` API with httpx.

``send`` returns a short receipt (a file path, a server reply, a provider
message id) and raises :class:`EmailError` or :class:`ConfigError` on failure.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

import httpx

from .. import config
from ..errors import ConfigError, EmailError

__all__ = ["EmailBackend", "OutboxBackend", "SendgridBackend", "SmtpBackend"]


class EmailBackend:
    """The interface: a name, whether it needs a key (and which), and ``send``."""

    name: str = ""
    needs_key: bool = False
    key_env_var: str | None = None

    def send(self, message: EmailMessage) -> str:
        """Deliver ``message``; return a receipt; raise EmailError/ConfigError on failure."""
        raise NotImplementedError


def _recipients(message: EmailMessage) -> list[str]:
    return [addr for _, addr in getaddresses(message.get_all("To", []) + message.get_all("Cc", [])) if addr]


class OutboxBackend(EmailBackend):
    """Writes ``.eml`` files into the workspace outbox for a person to open."""

    name = "outbox"

    def __init__(self, directory=None):
        self._directory = directory

    def directory(self):
        from pathlib import Path

        return Path(self._directory) if self._directory else config.workspace_path("outbox")

    def send(self, message: EmailMessage) -> str:
        folder = self.directory()
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        first = (_recipients(message) or ["nobody"])[0]
        slug = re.sub(r"[^A-Za-z0-9._-]+", "_", first)[:60]
        path = folder / f"{stamp}-{slug}-{uuid.uuid4().hex[:8]}.eml"
        tmp = path.with_suffix(".eml.tmp")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(message.as_bytes())
            # the rename makes a half-written file impossible to open
            os.replace(tmp, path)
        except OSError as exc:
            raise EmailError(f"cannot write to the outbox {folder}: {exc.strerror or exc}") from None
        return str(path)


class SmtpBackend(EmailBackend):
    """Sends through an SMTP server (SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD, SMTP_STARTTLS).

    ``SMTP_CA_FILE`` names extra trusted certificates (a private relay's CA);
    ``SMTP_TIMEOUT`` is the socket timeout in seconds (default 20).
    """

    name = "smtp"
    needs_key = False  # many relays accept mail without a login
    key_env_var = "SMTP_PASSWORD"

    def __init__(self, host=None, port=None, username=None, password=None, starttls=None,
                 ssl_context: ssl.SSLContext | None = None, timeout=None):
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.starttls = starttls
        self.ssl_context = ssl_context
        self.timeout = timeout

    def _settings(self):
        host = self.host or config.get("SMTP_HOST")
        if not host:
            raise ConfigError("SMTP_HOST is not set; set it (and SMTP_PORT) to send with the smtp backend")
        port = int(self.port or config.get_int("SMTP_PORT", 587))
        username = self.username if self.username is not None else config.get("SMTP_USERNAME")
        password = self.password
        if password is None:
            secret = config.get_secret("SMTP_PASSWORD")
            password = secret.reveal() if secret else None
        starttls = self.starttls if self.starttls is not None else config.get_bool("SMTP_STARTTLS", True)
        timeout = float(self.timeout or config.get("SMTP_TIMEOUT") or 20)
        context = self.ssl_context
        if context is None:
            context = ssl.create_default_context(cafile=config.get("SMTP_CA_FILE") or None)
        return host, port, username, password, starttls, timeout, context

    def send(self, message: EmailMessage) -> str:
        host, port, username, password, starttls, timeout, context = self._settings()
        where = f"{host}:{port}"
        try:
            if port == 465:
                client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
            else:
                client = smtplib.SMTP(host, port, timeout=timeout)
            with client:
                client.ehlo()
                if starttls and port != 465:
                    if not client.has_extn("starttls"):
                        raise EmailError(
                            f"the SMTP server {where} does not offer STARTTLS; "
                            "set SMTP_STARTTLS=0 only for a trusted local relay"
                        )
                    client.starttls(context=context)
                    client.ehlo()
                if username:
                    client.login(username, password or "")
                refused = client.send_message(message)
        except smtplib.SMTPAuthenticationError as exc:
            raise EmailError(
                f"the SMTP server {where} refused the login for {username!r} ({exc.smtp_code}); "
                "check SMTP_USERNAME and SMTP_PASSWORD"
            ) from None
        except smtplib.SMTPRecipientsRefused as exc:
            raise EmailError(f"the SMTP server {where} refused every recipient: {', '.join(exc.recipients)}") from None
        except smtplib.SMTPException as exc:
            raise EmailError(f"the SMTP server {where} failed: {exc}") from None
        except ssl.SSLError as exc:
            raise EmailError(
                f"TLS with the SMTP server {where} failed ({exc.reason or exc}); "
                "set SMTP_CA_FILE if it uses a private certificate"
            ) from None
        except OSError as exc:  # TimeoutError is an OSError
            raise EmailError(f"cannot reach the SMTP server {where}: {exc.strerror or exc}") from None
        if refused:
            raise EmailError(f"the SMTP server {where} refused: {', '.join(refused)}")
        return f"smtp {where} accepted {message['Message-ID']}"


class SendgridBackend(EmailBackend):
    """Posts to SendGrid's v3 mail-send API (SENDGRID_API_KEY, SENDGRID_API_URL)."""

    name = "sendgrid"
    needs_key = True
    key_env_var = "SENDGRID_API_KEY"

    def __init__(self, client: httpx.Client | None = None, api_key: str | None = None, base_url: str | None = None):
        self.client = client
        self.api_key = api_key
        self.base_url = base_url

    @staticmethod
    def payload(message: EmailMessage) -> dict:
        """The v3 JSON body for ``message``."""
        sender_name, sender = parseaddr(str(message["From"]))
        body: dict = {
            "personalizations": [{"to": [{"email": addr} for addr in _recipients(message)]}],
            "from": {"email": sender, **({"name": sender_name} if sender_name else {})},
            "subject": str(message["Subject"] or ""),
            "content": [],
        }
        text = message.get_body(("plain",))
        html = message.get_body(("html",))
        if text is not None:
            body["content"].append({"type": "text/plain", "value": text.get_content()})
        if html is not None:
            body["content"].append({"type": "text/html", "value": html.get_content()})
        return body

    def send(self, message: EmailMessage) -> str:
        key = self.api_key or config.get_secret("SENDGRID_API_KEY", required=True, purpose="send with sendgrid").reveal()
        base = (self.base_url or config.get("SENDGRID_API_URL")).rstrip("/")
        client = self.client or httpx.Client(timeout=20)
        try:
            response = client.post(
                f"{base}/v3/mail/send",
                json=self.payload(message),
                headers={"Authorization": f"Bearer {key}"},
            )
        except httpx.HTTPError as exc:
            raise EmailError(f"cannot reach SendGrid at {base}: {exc}") from None
        finally:
            if self.client is None:
                client.close()
        if response.status_code in (200, 202):
            return response.headers.get("X-Message-Id") or f"sendgrid {response.status_code}"
        try:
            errors = response.json().get("errors") or []
            detail = "; ".join(str(e.get("message")) for e in errors if isinstance(e, dict)) or response.text[:200]
        except ValueError:
            detail = response.text[:200]
        hint = {401: "; check SENDGRID_API_KEY", 403: "; the key lacks the mail.send permission or the sender is "
                "not verified", 429: "; SendGrid is rate limiting, the message is queued for a retry"}
        raise EmailError(f"SendGrid answered {response.status_code}: {detail}{hint.get(response.status_code, '')}")
