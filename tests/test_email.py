"""The email registry: outbox files, real SMTP on loopback (STARTTLS + auth), SendGrid through a fake."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import ssl
from email import message_from_bytes
from email.policy import default as default_policy

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from faibric_kernel import email as mail
from faibric_kernel.errors import EmailError, InvalidInputError, UnknownNameError
from faibric_kernel.store import read_connection


def _events(kind: str) -> list[dict]:
    with read_connection() as con:
        rows = con.execute(
            "SELECT CAST(properties AS VARCHAR), actor FROM events WHERE event_type = ? ORDER BY ts", [kind]
        ).fetchall()
    return [{**json.loads(p), "actor": a} for p, a in rows]


# -- registry and messages ------------------------------------------------------------------------

def test_default_backend_is_the_outbox():
    assert mail.get_backend().name == "outbox"


def test_backend_chosen_by_environment(monkeypatch):
    monkeypatch.setenv("FAIBRIC_EMAIL_BACKEND", "smtp")
    assert mail.get_backend().name == "smtp"


def test_unknown_backend_names_the_choices():
    with pytest.raises(UnknownNameError, match="outbox, sendgrid, smtp; set FAIBRIC_EMAIL_BACKEND"):
        mail.get_backend("pigeon")


def test_every_backend_declares_name_and_key():
    for name, cls in mail.BACKENDS.items():
        assert cls.name == name
        assert isinstance(cls.needs_key, bool)
    assert mail.BACKENDS["sendgrid"].key_env_var == "SENDGRID_API_KEY"


@pytest.mark.parametrize("bad", ["", "no-at-sign", "a@b", "a b@example.com", "a@@example.com", ".a@example.com",
                                 "a@example..com", "x" * 70 + "@example.com", None, 42])
def test_invalid_addresses_are_refused(bad):
    with pytest.raises(InvalidInputError, match="email address"):
        mail.validate_address(bad)


def test_address_domain_is_lower_cased():
    assert mail.validate_address("  Ada.Lovelace+site@Example.COM ") == "Ada.Lovelace+site@example.com"


def test_subject_with_newline_is_refused():
    with pytest.raises(InvalidInputError, match="one line"):
        mail.build_message("a@example.com", "hi\r\nBcc: x@evil.com", "text")


# -- outbox ---------------------------------------------------------------------------------------

def test_outbox_writes_an_eml_a_person_can_open(workspace):
    result = mail.send_email("ada@example.com", "Welcome", "Hello Ada", "<p>Hello <b>Ada</b></p>")
    assert result.ok and result.backend == "outbox"
    files = list((workspace / "outbox").glob("*.eml"))
    assert [str(f) for f in files] == [result.receipt]
    msg = message_from_bytes(files[0].read_bytes(), policy=default_policy)
    assert msg["To"] == "ada@example.com" and msg["Subject"] == "Welcome"
    assert msg.get_body(("plain",)).get_content().strip() == "Hello Ada"
    assert "<b>Ada</b>" in msg.get_body(("html",)).get_content()


def test_successful_send_is_recorded_as_event():
    mail.send_email("ada@example.com", "Welcome", "Hello", session_id="s1", kind="welcome")
    [event] = _events("email_sent")
    assert event["backend"] == "outbox" and event["kind"] == "welcome" and event["actor"] == "ada@example.com"


# -- SMTP on loopback -----------------------------------------------------------------------------

class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, and its file for clients to trust."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def smtp_server():
    """A plain SMTP server on loopback (no TLS, no auth)."""
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def secure_smtp_server(tls_files):
    """An SMTP server on loopback that requires STARTTLS and a login (ada / s3cret)."""
    cert_path, key_path = tls_files
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    inbox = _Inbox()

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"ada" and auth_data.password == b"s3cret"
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535

    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                            auth_required=True, auth_require_tls=True, authenticator=authenticator)
    controller.start()
    yield inbox, port, cert_path
    controller.stop()


def test_smtp_delivers_to_a_real_server(smtp_server, monkeypatch):
    inbox, port = smtp_server
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(port))
    monkeypatch.setenv("SMTP_STARTTLS", "0")
    result = mail.send_email("bob@example.com", "Hi", "plain body", backend="smtp")
    assert result.ok, result.error
    [envelope] = inbox.messages
    assert envelope.rcpt_tos == ["bob@example.com"]
    assert b"plain body" in envelope.content


def test_smtp_refuses_a_server_without_starttls_when_tls_is_required(smtp_server, monkeypatch):
    _, port = smtp_server
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(port))
    result = mail.send_email("bob@example.com", "Hi", "body", backend="smtp")
    assert not result.ok and "does not offer STARTTLS" in result.error


def test_smtp_with_starttls_and_login(secure_smtp_server, monkeypatch):
    inbox, port, cert_path = secure_smtp_server
    for key, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_USERNAME": "ada",
                       "SMTP_PASSWORD": "s3cret", "SMTP_CA_FILE": str(cert_path)}.items():
        monkeypatch.setenv(key, value)
    result = mail.send_email("carol@example.com", "Secure", "over TLS", backend="smtp")
    assert result.ok, result.error
    assert [e.rcpt_tos for e in inbox.messages] == [["carol@example.com"]]


def test_smtp_wrong_password_is_queued_with_a_clear_error(secure_smtp_server, monkeypatch):
    _, port, cert_path = secure_smtp_server
    for key, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_USERNAME": "ada",
                       "SMTP_PASSWORD": "wrong", "SMTP_CA_FILE": str(cert_path)}.items():
        monkeypatch.setenv(key, value)
    result = mail.send_email("carol@example.com", "Secure", "over TLS", backend="smtp")
    assert not result.ok
    assert "refused the login" in result.error and "SMTP_PASSWORD" in result.error
    assert result.queued_id


def test_smtp_untrusted_certificate_is_a_clear_error(secure_smtp_server, monkeypatch):
    _, port, _ = secure_smtp_server
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(port))
    result = mail.send_email("carol@example.com", "Secure", "x", backend="smtp")
    assert not result.ok and "SMTP_CA_FILE" in result.error


def test_smtp_without_host_is_queued_naming_the_setting():
    result = mail.send_email("a@example.com", "s", "t", backend="smtp")
    assert not result.ok and "SMTP_HOST is not set" in result.error


def test_failed_send_is_queued_and_retried_when_the_server_is_back(monkeypatch):
    port = _free_port()
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(port))
    monkeypatch.setenv("SMTP_STARTTLS", "0")
    first = mail.send_email("dan@example.com", "Later", "eventually delivered", backend="smtp", session_id="s9")
    assert not first.ok and "cannot reach the SMTP server" in first.error
    [failed] = _events("email_failed")
    assert failed["queued_id"] == first.queued_id
    assert [p["queue_id"] for p in mail.pending_emails()] == [first.queued_id]

    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        [retried] = mail.retry_failed_emails()
    finally:
        controller.stop()
    assert retried.ok and retried.attempts == 2
    assert b"eventually delivered" in inbox.messages[0].content
    assert mail.pending_emails() == []
    assert mail.retry_failed_emails() == []


def test_retry_gives_up_after_max_attempts():
    first = mail.send_email("a@example.com", "s", "t", backend="smtp")
    assert not first.ok
    [second] = mail.retry_failed_emails(max_attempts=2)
    assert not second.ok and second.extra["status"] == "abandoned"
    assert mail.pending_emails() == []
    assert _events("email_failed")[-1]["abandoned"] is True


def test_retry_can_switch_backend(workspace):
    first = mail.send_email("a@example.com", "s", "t", backend="smtp")
    [again] = mail.retry_failed_emails(backend="outbox")
    assert first.queued_id == again.queued_id and again.ok
    assert len(list((workspace / "outbox").glob("*.eml"))) == 1


def rebuild_for_test(payload):
    """A builder used by the retry test: rebuilds the message, or None when nothing is left to send."""
    if payload.get("gone"):
        return None
    return {"to": payload["to"], "subject": "rebuilt", "text": f"fresh secret {payload['n'] + 1}"}


def test_builder_messages_are_rebuilt_not_stored(workspace):
    first = mail.send_email("a@example.com", "secret", "token=abc", backend="smtp",
                            retry_builder="test_email:rebuild_for_test",
                            retry_payload={"to": "a@example.com", "n": 1})
    with read_connection(include_spool=False) as con:
        [(stored,)] = con.execute("SELECT message FROM email_queue WHERE queue_id = ?", [first.queued_id]).fetchall()
    assert stored is None
    [again] = mail.retry_failed_emails(backend="outbox")
    assert again.ok
    [path] = (workspace / "outbox").glob("*.eml")
    assert b"fresh secret 2" in path.read_bytes()


def test_builder_returning_none_drops_the_message():
    mail.send_email("a@example.com", "s", "t", backend="smtp", retry_builder="test_email:rebuild_for_test",
                    retry_payload={"gone": True})
    [result] = mail.retry_failed_emails(backend="outbox")
    assert result.extra == {"dropped": True}
    assert mail.pending_emails() == []


def test_raise_for_error_raises_email_error():
    result = mail.send_email("a@example.com", "s", "t", backend="smtp")
    with pytest.raises(EmailError, match="queued as"):
        result.raise_for_error()


# -- SendGrid through httpx.MockTransport ---------------------------------------------------------

def _sendgrid(handler):
    return mail.SendgridBackend(client=httpx.Client(transport=httpx.MockTransport(handler)), api_key="SG.test")


def test_sendgrid_posts_the_v3_payload():
    seen = {}

    def handler(request: httpx.Request):
        seen["url"] = str(request.url)
        seen["auth"] = request.headers["Authorization"]
        seen["body"] = json.loads(request.content)
        return httpx.Response(202, headers={"X-Message-Id": "sg-123"})

    result = mail.send_email("erin@example.com", "Live", "text part", "<p>html part</p>", backend=_sendgrid(handler))
    assert result.ok and result.receipt == "sg-123"
    assert seen["url"] == "https://api.sendgrid.com/v3/mail/send"
    assert seen["auth"] == "Bearer SG.test"
    body = seen["body"]
    assert body["personalizations"] == [{"to": [{"email": "erin@example.com"}]}]
    assert body["from"] == {"email": "no-reply@faibric.local", "name": "Faibric"}
    assert [c["type"] for c in body["content"]] == ["text/plain", "text/html"]
    assert body["content"][0]["value"].strip() == "text part"


def test_sendgrid_error_is_queued_with_the_api_message():
    def handler(request):
        return httpx.Response(401, json={"errors": [{"message": "The provided authorization grant is invalid"}]})

    result = mail.send_email("erin@example.com", "Live", "x", backend=_sendgrid(handler))
    assert not result.ok
    assert "401" in result.error and "grant is invalid" in result.error and "SENDGRID_API_KEY" in result.error


def test_sendgrid_without_key_names_the_variable():
    result = mail.send_email("erin@example.com", "Live", "x", backend="sendgrid")
    assert not result.ok and "SENDGRID_API_KEY is not set" in result.error


def test_sendgrid_unreachable_is_queued():
    def handler(request):
        raise httpx.ConnectError("connection refused", request=request)

    result = mail.send_email("erin@example.com", "Live", "x", backend=_sendgrid(handler))
    assert not result.ok and "cannot reach SendGrid" in result.error and result.queued_id
