"""The form inbox: what a site's forms may send, the ``leads`` table, the owner's email, export and forgetting.

A submission is a flat JSON object: the form's declared fields plus three
meta fields every generated form sends, ``_form`` (which form: contact,
booking, newsletter, rsvp, donate; without it, the first kind that has every
field sent), ``_gotcha`` (a honeypot input people never see, so never fill)
and ``_elapsed`` (milliseconds from the form appearing to the submit; a form
that does not send it skips the fill-time check). :func:`check_submission` refuses what is malformed
(nothing is stored) and gives a spam verdict for what is well formed;
well-formed spam is stored with its verdict so an operator can look, and
is never emailed. Visitor data lives only in ``leads``: the events carry the
lead id, never the fields, so :func:`forget_person` removes a person for good.
"""

from __future__ import annotations

import csv
import html
import io
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from ..errors import InvalidInputError, NotFoundError
from ..store import read_connection, record_event, state_connection

__all__ = [
    "FORM_FIELDS",
    "LEAD_COLUMNS",
    "Refused",
    "Submission",
    "check_submission",
    "forget_person",
    "lead_email",
    "leads_csv",
    "list_leads",
    "notify_owner",
    "spreadsheet_safe",
    "store_lead",
]

# applied by faibric_kernel.store.migrations (version 701)
MIGRATION_SQL = """
    CREATE TABLE IF NOT EXISTS leads (
        lead_id VARCHAR PRIMARY KEY,
        received_at TIMESTAMP NOT NULL,
        tenant_id VARCHAR NOT NULL,
        site_id VARCHAR NOT NULL,
        version INTEGER,             -- the site version that was live
        form VARCHAR NOT NULL,
        email VARCHAR,               -- the visitor's address, lower case: what forget_person looks for
        fields JSON NOT NULL,
        spam VARCHAR NOT NULL,       -- 'ok', or why it looks automated (honeypot, too_fast)
        origin VARCHAR,
        notified VARCHAR             -- sent | queued | no_owner | skipped (spam)
    );
    """

# The fields each kind of generated form sends; anything else is refused.
FORM_FIELDS: dict[str, frozenset[str]] = {
    "contact": frozenset({"name", "email", "phone", "message", "topic", "subject"}),
    "booking": frozenset({"name", "email", "phone", "date", "time", "party", "guests", "service", "notes"}),
    "newsletter": frozenset({"email", "name"}),
    "rsvp": frozenset({"name", "email", "guests", "attending", "message"}),
    "donate": frozenset({"name", "email", "amount", "message"}),
    "order": frozenset({"email", "order", "total"}),
}
META_FIELDS = ("_form", "_gotcha", "_elapsed")
DEFAULT_MAX_FIELD_CHARS = 5000
LEAD_COLUMNS = ("received_at", "site_id", "form", "email", "name", "phone", "message", "other_fields", "spam",
                "lead_id")


class Refused(InvalidInputError):
    """A submission or beacon the API refuses; ``status`` is the HTTP answer, the message is shown to the visitor."""

    def __init__(self, message: str, *, status: int = 422, reason: str = "invalid", **details):
        super().__init__(message, status=status, reason=reason, **details)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Submission:
    form: str
    fields: dict
    email: str | None
    spam: str  # 'ok' or the reason it looks automated


def check_submission(body, *, min_fill_seconds: float, max_field_chars: int = DEFAULT_MAX_FIELD_CHARS) -> Submission:  # noqa: C901 - one refusal per abuse case, each with its own message
    """The submission in ``body`` with its spam verdict; :class:`Refused` when it is malformed."""
    from ..email import validate_address

    if not isinstance(body, dict):
        raise Refused("send the form's fields as one JSON object", status=400, reason="not_an_object")
    form = body.get("_form")
    if form is None:
        # a form that does not name itself (one a model wrote from the constraints): the first kind that has
        # every field it sent
        posted = {k for k in body if k not in META_FIELDS}
        form = next((kind for kind, fields in FORM_FIELDS.items() if posted <= fields), "contact")
    if form not in FORM_FIELDS:
        raise Refused(f"this site has no form called {str(form)[:40]!r}", reason="unknown_form")
    declared = FORM_FIELDS[form]
    unknown = sorted(k for k in body if k not in declared and k not in META_FIELDS)
    if unknown:
        shown = ", ".join(repr(k[:40]) for k in unknown[:5])
        raise Refused(f"the {form} form has no field {shown}; send only its own fields", reason="undeclared_fields")
    fields = {}
    for name in sorted(declared & body.keys()):
        value = body[name]
        if isinstance(value, bool) or value is None:
            value = "" if value is None else ("yes" if value else "no")
        if isinstance(value, (int, float)):
            value = str(value)
        if not isinstance(value, str):
            raise Refused(f"{name} must be text", reason="bad_field")
        if len(value) > max_field_chars:
            raise Refused(f"{name} is longer than {max_field_chars} characters; please shorten it",
                          status=413, reason="field_too_long")
        value = value.replace("\x00", "").strip()
        if value:
            fields[name] = value
    email = None
    if "email" in fields:
        try:
            email = validate_address(fields["email"]).lower()
        except InvalidInputError:
            raise Refused("please enter a valid email address, like name@example.com", reason="bad_email") from None
        fields["email"] = email
    elif "email" in declared:
        raise Refused("please enter your email address so the business can answer", reason="no_email")
    spam = "ok"
    if str(body.get("_gotcha") or "").strip():
        spam = "honeypot"
    else:
        # forms that do not measure their fill time (written before it, or by a model) skip this check
        elapsed = body.get("_elapsed")
        if elapsed is not None and (isinstance(elapsed, bool) or not isinstance(elapsed, (int, float))
                                    or elapsed < min_fill_seconds * 1000):
            spam = "too_fast"
    return Submission(form=form, fields=fields, email=email, spam=spam)


SPAM_MESSAGES = {
    "honeypot": "This message looks automated and was not sent. If you are a person, please email the business.",
    "too_fast": "That was quicker than a person can fill in the form. Please wait a few seconds and send it again.",
}


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def store_lead(site, submission: Submission, *, origin: str | None = None) -> str:
    """Store one submission for ``site`` (a SiteInfo); record a ``lead_received`` event; return the lead id."""
    lead_id = uuid.uuid4().hex
    with state_connection() as con:
        con.execute(
            "INSERT INTO leads (lead_id, received_at, tenant_id, site_id, version, form, email, fields, spam, origin, "
            "notified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [lead_id, _now(), site.tenant_id, site.site_id, site.live_version, submission.form, submission.email,
             json.dumps(submission.fields, ensure_ascii=False), submission.spam, origin,
             "skipped" if submission.spam != "ok" else None],
        )
    # the event says that a lead came, never who sent it: the fields stay in the leads table
    record_event("lead_received", session_id=None, tenant_id=site.tenant_id,
                 properties={"site_id": site.site_id, "form": submission.form, "lead_id": lead_id,
                             "version": site.live_version, "spam": submission.spam})
    return lead_id


def _load_lead(con, lead_id: str) -> dict | None:
    cur = con.execute(
        "SELECT l.lead_id, l.received_at, l.tenant_id, l.site_id, l.version, l.form, l.email, "
        "CAST(l.fields AS VARCHAR) AS fields, l.spam, s.email AS owner_email, p.session_id, "
        "(SELECT max(pr.name) FROM projects pr WHERE pr.session_id = p.session_id) AS site_name "
        "FROM leads l JOIN public_sites p ON p.site_id = l.site_id "
        "LEFT JOIN sessions s ON s.session_id = p.session_id WHERE l.lead_id = ?",
        [lead_id],
    )
    row = cur.fetchone()
    if row is None:
        return None
    lead = dict(zip([d[0] for d in cur.description], row, strict=True))
    lead["fields"] = json.loads(lead["fields"])
    return lead


def lead_email(payload: dict) -> dict | None:
    """The owner's email about one lead (the email retry queue's builder); None once the lead is forgotten."""
    with read_connection(include_spool=False, events=False) as con:
        lead = _load_lead(con, str(payload.get("lead_id", "")))
    if lead is None or not lead["owner_email"]:
        return None
    site = lead["site_name"] or lead["site_id"]
    lines = [f"{name}: {value}" for name, value in lead["fields"].items()]
    text = (f"Someone used the {lead['form']} form on your website {site}.\n\n" + "\n".join(lines) +
            f"\n\nReceived {lead['received_at']:%Y-%m-%d %H:%M} UTC. Reply to {lead['email'] or 'them'} directly."
            "\nYou get this because you built this site with Faibric.\n")
    rows = "".join(f"<tr><th align=left style='padding-right:1em'>{html.escape(k)}</th>"
                   f"<td style='white-space:pre-wrap'>{html.escape(v)}</td></tr>" for k, v in lead["fields"].items())
    body = (f"<p>Someone used the {html.escape(lead['form'])} form on your website {html.escape(site)}.</p>"
            f"<table>{rows}</table><p>Received {lead['received_at']:%Y-%m-%d %H:%M} UTC.</p>")
    return {"to": lead["owner_email"], "subject": f"New {lead['form']} message from your website",
            "text": text, "html": body}


def notify_owner(lead_id: str, *, backend=None) -> str:
    """Email the site's owner about a lead; returns sent, queued (the retry queue has it) or no_owner."""
    from ..email import send_email

    built = lead_email({"lead_id": lead_id})
    if built is None:
        status = "no_owner"
    else:
        with read_connection(include_spool=False, events=False) as con:
            lead = _load_lead(con, lead_id)
        result = send_email(built["to"], built["subject"], built["text"], built["html"], backend=backend,
                            session_id=lead["session_id"], tenant_id=lead["tenant_id"], kind="lead",
                            retry_builder="faibric_kernel.livesites.leads:lead_email",
                            retry_payload={"lead_id": lead_id})
        status = "sent" if result.ok else "queued"
    with state_connection() as con:
        con.execute("UPDATE leads SET notified = ? WHERE lead_id = ?", [status, lead_id])
    return status


def list_leads(con, *, tenant_id: str, site_id: str | None = None, since: datetime | None = None,
               include_spam: bool = False, limit: int | None = None) -> list[dict]:
    """One tenant's leads on ``con``, newest first; ``fields`` as a dict. Never another tenant's."""
    if not tenant_id:
        raise InvalidInputError("leads are listed per tenant; give the tenant")
    where, params = ["tenant_id = ?"], [tenant_id]
    if site_id:
        where.append("site_id = ?")
        params.append(site_id)
    if since is not None:
        where.append("received_at >= ?")
        params.append(since)
    if not include_spam:
        where.append("spam = 'ok'")
    sql = (f"SELECT lead_id, received_at, tenant_id, site_id, version, form, email, CAST(fields AS VARCHAR) AS fields, "
           f"spam, notified FROM leads WHERE {' AND '.join(where)} ORDER BY received_at DESC, lead_id")
    if limit:
        sql += f" LIMIT {int(limit)}"
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    out = []
    for row in cur.fetchall():
        item = dict(zip(names, row, strict=True))
        item["fields"] = json.loads(item["fields"])
        out.append(item)
    return out


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """``value`` as CSV text a spreadsheet shows as text: a leading = + - @ tab or CR gets a ' in front."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def leads_csv(leads: list[dict]) -> str:
    """Leads as CSV (one row each, the usual fields as columns, the rest as JSON), safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(LEAD_COLUMNS)
    for lead in leads:
        fields = lead["fields"]
        other = {k: v for k, v in fields.items() if k not in ("email", "name", "phone", "message")}
        row = [lead["received_at"].isoformat(sep=" ", timespec="seconds") if lead["received_at"] else "",
               lead["site_id"], lead["form"], lead.get("email") or fields.get("email", ""),
               fields.get("name", ""), fields.get("phone", ""), fields.get("message", ""),
               json.dumps(other, ensure_ascii=False) if other else "", lead["spam"], lead["lead_id"]]
        writer.writerow([spreadsheet_safe(v) for v in row])
    return out.getvalue()


def forget_person(email: str, *, tenant_id: str | None = None) -> dict:
    """Delete every lead from ``email`` (one tenant's, or all) and their queued owner emails; say how many."""
    from ..email import validate_address

    address = validate_address(email).lower()
    where, params = ["email = ?"], [address]
    if tenant_id:
        where.append("tenant_id = ?")
        params.append(tenant_id)
    with state_connection() as con:
        ids = [r[0] for r in con.execute(f"SELECT lead_id FROM leads WHERE {' AND '.join(where)}", params).fetchall()]
        queued = 0
        if ids:
            # the retry queue holds a reference to the lead, not its text; drop the references too
            queued = con.execute(
                "DELETE FROM email_queue WHERE builder = 'faibric_kernel.livesites.leads:lead_email' "
                "AND json_extract_string(payload, '$.lead_id') IN (SELECT unnest(CAST(? AS VARCHAR[]))) RETURNING queue_id",
                [ids]).fetchall()
            queued = len(queued)
            con.execute("DELETE FROM leads WHERE lead_id IN (SELECT unnest(CAST(? AS VARCHAR[])))", [ids])
    if not ids:
        raise NotFoundError(f"no leads from {address}" + (f" in tenant {tenant_id!r}" if tenant_id else ""))
    return {"email": address, "leads_deleted": len(ids), "queued_emails_deleted": queued}
