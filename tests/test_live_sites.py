"""Live sites without HTTP: public ids, leads, the owner's email and its retries, export, forgetting,
the CLI, tenant isolation, the visitor hash and the beacon."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest
from click.testing import CliRunner

import faibric_kernel
from faibric_kernel.cli import main
from faibric_kernel.email import EmailBackend, OutboxBackend, retry_failed_emails
from faibric_kernel.errors import EmailError, InvalidInputError, NotFoundError
from faibric_kernel.generation.scaffold import scaffold_files
from faibric_kernel.livesites.beacon import BEACON_BUDGET_BYTES, beacon_source, gzipped_size
from faibric_kernel.livesites.leads import (
    FORM_FIELDS,
    Refused,
    check_submission,
    forget_person,
    leads_csv,
    list_leads,
    notify_owner,
    store_lead,
)
from faibric_kernel.livesites.registry import SiteDirectory, lookup_site, public_site_id
from faibric_kernel.livesites.visitors import DailySalt, visitor_hash
from faibric_kernel.sessions import create_session
from faibric_kernel.sitefeedback import add_beacon, beacon_script, form_action_for, site_feedback
from faibric_kernel.store import read_connection, write_connection

SCRIPT = "<script>alert('x')</script>"


def site(owner="owner@example.com", tenant="default"):
    session = create_session("A bakery", tenant_id=tenant, email=owner)
    return lookup_site(public_site_id(session.session_id, tenant))


def submit(info, **fields):
    body = {"_form": "contact", "_elapsed": 5000, "name": "Ada", "email": "ada@example.com",
            "message": "Hello there", **fields}
    return store_lead(info, check_submission(body, min_fill_seconds=3))


def all_leads(tenant="default", spam=False):
    with read_connection() as con:
        return list_leads(con, tenant_id=tenant, include_spam=spam)


def outbox(workspace):
    return [message_from_bytes(p.read_bytes(), policy=default_policy)
            for p in sorted((workspace / "outbox").glob("*.eml"))]


class FailingBackend(EmailBackend):
    name = "failing"

    def send(self, message):
        raise EmailError("the mail server said no")


# -- public ids -------------------------------------------------------------------------------------

def test_a_site_gets_one_public_id_that_is_not_its_session_id():
    session = create_session("A bakery", email="o@example.com")
    first = public_site_id(session.session_id)
    assert first == public_site_id(session.session_id)
    assert first.startswith("s_") and session.session_id not in first


def test_a_public_id_is_not_handed_to_another_tenant():
    session = create_session("A bakery", tenant_id="acme", email="o@example.com")
    public_site_id(session.session_id, "acme")
    with pytest.raises(InvalidInputError):
        public_site_id(session.session_id, "globex")


def test_the_site_directory_reads_the_store_once_per_ttl():
    calls = []
    now = [0.0]
    directory = SiteDirectory(lambda sid: calls.append(sid) or None, ttl=30, miss_ttl=5, clock=lambda: now[0])
    directory.get("s_0000000000000000")
    directory.get("s_0000000000000000")
    now[0] = 6
    directory.get("s_0000000000000000")
    assert calls == ["s_0000000000000000"] * 2


# -- what the build puts into a site ----------------------------------------------------------------

def test_forms_post_to_the_sites_own_inbox(monkeypatch):
    monkeypatch.setenv("FAIBRIC_PUBLIC_URL", "https://api.example.com/")
    assert form_action_for("s_0123456789abcdef") == "https://api.example.com/api/forms/s_0123456789abcdef"


def test_the_form_endpoint_setting_wins(monkeypatch):
    monkeypatch.setenv("FAIBRIC_FORM_ENDPOINT", "https://formspree.io/f/abc")
    assert form_action_for("s_0123456789abcdef") == "https://formspree.io/f/abc"


def test_a_session_id_cannot_be_made_a_form_action():
    with pytest.raises(InvalidInputError):
        form_action_for("a-session-id")


def test_site_feedback_gives_the_build_an_action_and_a_beacon_for_index_html(monkeypatch):
    monkeypatch.setenv("FAIBRIC_PUBLIC_URL", "https://api.example.com")
    session = create_session("A bakery", email="o@example.com")
    feedback = site_feedback(session.session_id)
    assert feedback.form_action == f"https://api.example.com/api/forms/{feedback.site_id}"
    page = scaffold_files("Doce Vida", body_end=feedback.beacon)["index.html"]
    assert f'data-site="{feedback.site_id}"' in page and 'data-endpoint="https://api.example.com/api/collect"' in page
    assert page.index("data-site") < page.index("</body>")
    added = feedback.add_beacon(scaffold_files("Doce Vida")["index.html"])
    assert feedback.site_id in added and added.index("data-site") < added.index("</body>")
    assert session.session_id not in page


def test_add_beacon_is_idempotent():
    tag = beacon_script("s_0123456789abcdef", api_url="http://127.0.0.1:8000")
    once = add_beacon("<html><body><div id=root></div></body></html>", tag)
    assert add_beacon(once, tag) == once and once.count('data-site="') == 1


def test_no_beacon_when_site_analytics_is_off(monkeypatch):
    monkeypatch.setenv("FAIBRIC_SITE_ANALYTICS", "0")
    assert beacon_script("s_0123456789abcdef", api_url="http://x") == ""


def test_the_beacon_is_at_most_1_kb_gzipped_and_respects_privacy_signals():
    assert gzipped_size() <= BEACON_BUDGET_BYTES
    source = beacon_source()
    assert "doNotTrack" in source and "globalPrivacyControl" in source and "sendBeacon" in source
    assert "cookie" not in source.lower() and "localStorage" not in source and "</" not in source


# -- submissions ------------------------------------------------------------------------------------

def test_every_generated_form_sends_only_fields_its_form_declares():
    root = Path(faibric_kernel.__file__).parent
    files = [*(root / "generation" / "sections").glob("*.jsx"), *(root / "library" / "seed").glob("*.jsx")]
    forms = [f for f in files if "fetch(action" in f.read_text(encoding="utf-8")]
    assert len(forms) == 9  # 3 own sections, the shop cart and 5 library components
    for path in forms:
        code = path.read_text(encoding="utf-8")
        kind, sent = re.search(r"await send\(action, '(\w+)', (\{[^}]*\}|\w+)", code).groups()
        assert kind in FORM_FIELDS and f'data-form="{kind}"' in code, path.name
        # "sent" only once the server said so: the one setStatus('sent') follows the awaited send
        assert code.count("setStatus('sent')") == 1, path.name
        assert re.search(r"await send\(action[^;]*;\s*setStatus\('sent'\)", code), path.name
        names = set(re.findall(r"\b(\w+): ''", code))
        if sent.startswith("{"):
            names |= set(re.findall(r"(\w+):", sent))
        elif sent != "values":
            literal = re.search(rf"const {sent} = \{{([^}}]*)\}}", code).group(1)
            names |= set(re.findall(r"(\w+)\s*:", literal)) | set(re.findall(r"(?:^|,)\s*(\w+)\s*(?=,|$)", literal))
        assert names and names <= FORM_FIELDS[kind], (path.name, names - FORM_FIELDS[kind])


def test_a_lead_is_stored_with_its_site_form_and_version():
    info = site()
    lead_id = submit(info)
    [lead] = all_leads()
    assert lead["lead_id"] == lead_id and lead["site_id"] == info.site_id and lead["form"] == "contact"
    assert lead["email"] == "ada@example.com"


@pytest.mark.parametrize("body, reason", [
    ({"_form": "contact", "_elapsed": 5000, "email": "a@example.com", "ssn": "1"}, "undeclared_fields"),
    ({"_form": "contact", "_elapsed": 5000, "email": "nope"}, "bad_email"),
    ({"_form": "contact", "_elapsed": 5000, "name": "Ada"}, "no_email"),
    ({"_form": "contact", "_elapsed": 5000, "email": "a@example.com", "message": ["x"]}, "bad_field"),
    ({"_form": "contact", "_elapsed": 5000, "email": "a@example.com", "message": "x" * 5001}, "field_too_long"),
])
def test_malformed_submissions_are_refused(body, reason):
    with pytest.raises(Refused) as caught:
        check_submission(body, min_fill_seconds=3)
    assert caught.value.reason == reason


def test_honeypot_and_speed_give_a_spam_verdict():
    base = {"_form": "newsletter", "email": "a@example.com"}
    assert check_submission({**base, "_elapsed": 5000}, min_fill_seconds=3).spam == "ok"
    assert check_submission({**base, "_elapsed": 5000, "_gotcha": "x"}, min_fill_seconds=3).spam == "honeypot"
    assert check_submission({**base, "_elapsed": 100}, min_fill_seconds=3).spam == "too_fast"


# -- the owner's email ------------------------------------------------------------------------------

def test_the_owner_gets_the_lead_by_email_with_visitor_text_escaped(workspace):
    info = site()
    lead_id = submit(info, name=SCRIPT)
    assert notify_owner(lead_id) == "sent"
    [message] = outbox(workspace)
    assert message["To"] == "owner@example.com" and SCRIPT not in message["Subject"]
    assert SCRIPT in message.get_body(("plain",)).get_content()
    html_part = message.get_body(("html",)).get_content()
    assert SCRIPT not in html_part and "&lt;script&gt;" in html_part
    assert all_leads()[0]["notified"] == "sent"


def test_a_failed_owner_email_is_queued_without_the_lead_text_and_retried(workspace):
    info = site()
    lead_id = submit(info, message="Please call me back about the cake")
    assert notify_owner(lead_id, backend=FailingBackend()) == "queued"
    with read_connection() as con:
        [(message, builder)] = con.execute("SELECT message, builder FROM email_queue").fetchall()
    assert message is None and builder.endswith(":lead_email")
    [result] = retry_failed_emails(backend=OutboxBackend())
    assert result.ok
    [sent] = outbox(workspace)
    assert "Please call me back" in sent.get_body(("plain",)).get_content()


def test_forgetting_a_person_deletes_their_leads_and_queued_emails(workspace):
    info = site()
    keep = submit(info, email="bob@example.com")
    gone = submit(info, email="Ada@Example.com")
    notify_owner(gone, backend=FailingBackend())
    result = forget_person("ada@example.com")
    assert result == {"email": "ada@example.com", "leads_deleted": 1, "queued_emails_deleted": 1}
    assert [lead["lead_id"] for lead in all_leads()] == [keep]
    assert retry_failed_emails(backend=OutboxBackend()) == []
    with pytest.raises(NotFoundError):
        forget_person("ada@example.com")


# -- tenants, CSV, CLI ------------------------------------------------------------------------------

def test_a_tenants_leads_are_never_listed_for_another():
    submit(site(tenant="acme"), email="a@acme.example")
    submit(site(tenant="globex"), email="g@globex.example")
    assert [lead["email"] for lead in all_leads("acme")] == ["a@acme.example"]
    assert [lead["email"] for lead in all_leads("globex")] == ["g@globex.example"]
    with pytest.raises(InvalidInputError):
        with read_connection() as con:
            list_leads(con, tenant_id="")


def test_csv_quotes_formulas_and_keeps_scripts_as_text():
    info = site()
    submit(info, name="=cmd|' /C calc'!A0", phone="+1 555 0100", message=SCRIPT)
    rows = list(csv.reader(io.StringIO(leads_csv(all_leads()))))
    header, row = rows
    record = dict(zip(header, row, strict=True))
    assert record["name"] == "'=cmd|' /C calc'!A0" and record["phone"] == "'+1 555 0100"
    assert record["message"] == SCRIPT


def test_faibric_leads_lists_exports_and_forgets(tmp_path):
    info = site(tenant="acme")
    submit(info, name="Ada \x1b[31mRed\x1b[0m", message=SCRIPT)
    runner = CliRunner()
    listed = runner.invoke(main, ["leads", "--tenant", "acme"])
    assert listed.exit_code == 0, listed.output
    assert "ada@example.com" in listed.output and SCRIPT in listed.output
    assert "\x1b" not in listed.output and "\\x1b[31mRed" in listed.output
    assert runner.invoke(main, ["leads"]).output.strip() == "no leads yet"
    data = json.loads(runner.invoke(main, ["leads", "--tenant", "acme", "--json", "--site", info.site_id]).output)
    assert [d["fields"]["message"] for d in data] == [SCRIPT]
    since = datetime.now(UTC).replace(year=datetime.now(UTC).year + 1).date().isoformat()
    assert json.loads(runner.invoke(main, ["leads", "--tenant", "acme", "--json", "--since", since]).output) == []
    out = tmp_path / "leads.csv"
    exported = runner.invoke(main, ["leads", "export", "--tenant", "acme", "-o", str(out)])
    assert exported.exit_code == 0 and "ada@example.com" in out.read_text()
    again = runner.invoke(main, ["leads", "export", "--tenant", "acme", "-o", str(out)])
    assert again.exit_code != 0 and "--force" in again.output
    forgot = runner.invoke(main, ["leads", "forget", "ada@example.com"])
    assert forgot.exit_code == 0 and "deleted 1 lead" in forgot.output
    assert json.loads(runner.invoke(main, ["leads", "--tenant", "acme", "--json"]).output) == []


# -- visitors ---------------------------------------------------------------------------------------

def test_the_visitor_salt_rotates_daily_and_yesterdays_is_deleted(tmp_path):
    day = [datetime(2026, 12, 1, 10, tzinfo=UTC)]
    salt = DailySalt(tmp_path, clock=lambda: day[0])
    first = visitor_hash(salt.today(), "s_1", "203.0.113.9", "Mozilla/5.0")
    assert first == visitor_hash(salt.today(), "s_1", "203.0.113.9", "Mozilla/5.0")
    assert first != visitor_hash(salt.today(), "s_2", "203.0.113.9", "Mozilla/5.0")
    day[0] = datetime(2026, 12, 2, 10, tzinfo=UTC)
    assert visitor_hash(salt.today(), "s_1", "203.0.113.9", "Mozilla/5.0") != first
    assert [p.name for p in tmp_path.glob("*.salt")] == ["2026-12-02.salt"]
    assert DailySalt(tmp_path, clock=lambda: day[0]).today() == salt.today()


def test_no_ip_is_written_to_the_store(workspace):
    from faibric_kernel.livesites.visitors import record_batch

    info = site()
    visitor = visitor_hash(DailySalt().today(), info.site_id, "203.0.113.9", "Mozilla/5.0")
    record_batch(info, "/", "", [("pv", "")], visitor)
    with write_connection() as con:
        con.execute("SELECT 1")
    spooled = b"".join(p.read_bytes() for p in (workspace / "spool").rglob("*") if p.is_file())
    assert b"203.0.113.9" not in spooled and visitor.encode() in spooled


# -- the daily report -------------------------------------------------------------------------------

def test_the_daily_report_has_a_live_sites_section(workspace):
    from datetime import date

    from faibric_kernel.deploy.store import finish_deploy, insert_deploy
    from faibric_kernel.livesites.visitors import record_batch
    from faibric_kernel.reports.data import compute_live_sites, start_report

    busy, quiet = site(tenant="acme"), site(owner="q@example.com", tenant="acme")
    for info in (busy, quiet):
        insert_deploy(deploy_id=f"d-{info.site_id}", site_id=info.session_id, session_id=info.session_id,
                      project_id=None, version=1, tenant_id="acme", target="local", started_at=datetime(2026, 11, 1))
        finish_deploy(f"d-{info.site_id}", status="live", url="http://127.0.0.1:8765/x/", remote_ids={}, error=None,
                      finished_at=datetime(2026, 11, 1))
    record_batch(busy, "/", "", [("pv", ""), ("cc", "Book")], "visitor-1", ts=datetime(2026, 12, 3, 9))
    report = compute_live_sites(start_report(date(2026, 12, 3), "acme"))
    assert list(report.live_sites["site_id"]) == [busy.site_id]
    assert list(report.quiet_sites["site_id"]) == [quiet.site_id]
    assert (report.facts["site_visitors"], report.facts["quiet_sites"]) == (1, 1)
    assert report.to_dict()["live_sites"][0]["visitors"] == 1
    other = compute_live_sites(start_report(date(2026, 12, 3), "globex"))
    assert other.live_sites.empty and "no site reports back" in other.notes["live_sites"]
