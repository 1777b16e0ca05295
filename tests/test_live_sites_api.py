"""Live sites report back over HTTP: the form inbox and the visitor beacon, with every abuse case refused."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from faibric_kernel.api import create_app
from faibric_kernel.api.forms import configure_live_sites
from faibric_kernel.build import JobRunner
from faibric_kernel.deploy.store import finish_deploy, insert_deploy
from faibric_kernel.livesites.leads import leads_csv, list_leads
from faibric_kernel.livesites.registry import public_site_id
from faibric_kernel.onboarding import Onboarding
from faibric_kernel.sessions import create_session
from faibric_kernel.store import read_connection

SITE_ORIGIN = "http://127.0.0.1:8765"
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def make_site(owner="owner@example.com", tenant="default", url=f"{SITE_ORIGIN}/abc/", version=2) -> str:
    session = create_session("A bakery in Lisbon", tenant_id=tenant, email=owner)
    insert_deploy(deploy_id=f"d-{session.session_id}", site_id=session.session_id, session_id=session.session_id,
                  project_id=None, version=version, tenant_id=tenant, target="local", started_at=datetime(2026, 1, 1))
    finish_deploy(f"d-{session.session_id}", status="live", url=url, remote_ids={}, error=None,
                  finished_at=datetime(2026, 1, 1))
    return public_site_id(session.session_id, tenant)


@pytest.fixture
def api():
    app = create_app(onboarding=Onboarding(worker=JobRunner()), recover=False, ingest_interval=0)
    sent = []
    configure_live_sites(app, notify=lambda lead_id: sent.append(lead_id) or "sent")
    with TestClient(app, headers={"user-agent": BROWSER_UA}) as client:
        client.sent = sent
        yield client


def form(**fields):
    return {"_form": "contact", "_gotcha": "", "_elapsed": 9000, "name": "Ada", "email": "ada@example.com",
            "message": "Do you bake for weddings?", **fields}


def post_form(api, site_id, body, origin=SITE_ORIGIN, headers=None):
    return api.post(f"/api/forms/{site_id}", json=body, headers={**({"origin": origin} if origin else {}),
                                                                 **(headers or {})})


def stored_leads(tenant="default", spam=True):
    with read_connection() as con:
        return list_leads(con, tenant_id=tenant, include_spam=spam)


def events(event_type):
    with read_connection() as con:
        rows = con.execute("SELECT tenant_id, session_id, CAST(properties AS VARCHAR) FROM events "
                           "WHERE event_type = ? ORDER BY ts", [event_type]).fetchall()
    return [(t, s, json.loads(p)) for t, s, p in rows]


def test_a_form_submission_is_stored_as_a_lead_and_the_owner_is_told(api):
    site = make_site()
    answer = post_form(api, site, form())
    assert answer.status_code == 201, answer.text
    assert answer.json()["ok"] is True and "sent" in answer.json()["message"]
    assert answer.headers["access-control-allow-origin"] == SITE_ORIGIN
    [lead] = stored_leads()
    assert (lead["site_id"], lead["form"], lead["spam"], lead["version"]) == (site, "contact", "ok", 2)
    assert lead["fields"] == {"name": "Ada", "email": "ada@example.com", "message": "Do you bake for weddings?"}
    assert api.sent == [lead["lead_id"]]
    [(tenant, session, props)] = events("lead_received")
    assert props == {"site_id": site, "form": "contact", "lead_id": lead["lead_id"], "version": 2, "spam": "ok"}
    assert "ada@example.com" not in json.dumps(props)


def test_a_session_id_is_not_a_site_id(api):
    session = create_session("A bakery", email="o@example.com")
    public_site_id(session.session_id)
    answer = post_form(api, session.session_id, form())
    assert answer.status_code == 404 and answer.json()["reason"] == "unknown_site"


def test_an_unknown_site_is_refused_and_nothing_stored(api):
    make_site()
    answer = post_form(api, "s_0000000000000000", form())
    assert answer.status_code == 404
    assert "not connected" in answer.json()["message"]
    assert stored_leads() == []


def test_a_filled_honeypot_is_refused_stored_as_spam_and_not_emailed(api):
    site = make_site()
    answer = post_form(api, site, form(_gotcha="ACME Corp"))
    assert answer.status_code == 422 and answer.json()["reason"] == "honeypot"
    assert "automated" in answer.json()["message"]
    assert [lead["spam"] for lead in stored_leads()] == ["honeypot"]
    assert stored_leads(spam=False) == [] and api.sent == []


def test_a_form_sent_too_fast_is_refused(api):
    site = make_site()
    for elapsed in (500, -1, "9000"):
        answer = post_form(api, site, form(_elapsed=elapsed))
        assert answer.status_code == 422 and answer.json()["reason"] == "too_fast", elapsed
    assert api.sent == []


def test_a_form_that_does_not_measure_its_fill_time_or_name_itself_is_taken_by_its_fields(api):
    site = make_site()
    # what a form written by a model from the constraints sends: its fields only
    booking = {"name": "Ada", "email": "ada@example.com", "date": "2026-12-24", "time": "19:00", "guests": "4"}
    assert post_form(api, site, booking).status_code == 201
    assert [(lead["form"], lead["spam"]) for lead in stored_leads()] == [("booking", "ok")]
    mixed = {"email": "ada@example.com", "amount": "10", "date": "2026-12-24"}
    assert post_form(api, site, mixed).json()["reason"] == "undeclared_fields"


def test_a_flood_from_one_address_gets_429(api):
    site = make_site()
    codes = [post_form(api, site, form()).status_code for _ in range(7)]
    assert codes[:5] == [201] * 5
    assert codes[5:] == [429, 429]
    last = post_form(api, site, form())
    assert last.headers["retry-after"].isdigit() and last.json()["error"] == "RateLimited"
    assert len(stored_leads()) == 5


def test_a_site_flood_from_many_addresses_gets_429(api):
    site = make_site()
    configure_live_sites(api.app, limits={"form_site": "3/hour"}, trust_proxy=True, notify=lambda _: "sent")
    codes = [post_form(api, site, form(), headers={"x-forwarded-for": f"10.0.0.{i}"})
             .status_code for i in range(5)]
    assert codes == [201, 201, 201, 429, 429]


def test_a_one_megabyte_field_is_refused_before_it_is_read(api):
    site = make_site()
    answer = post_form(api, site, form(message="x" * 1024 * 1024))
    assert answer.status_code == 413 and answer.json()["reason"] == "body_too_large"
    assert stored_leads() == []


def test_a_field_over_its_limit_is_refused(api):
    site = make_site()
    answer = post_form(api, site, form(message="x" * 6000))
    assert answer.status_code == 413 and "message is longer than 5000" in answer.json()["message"]


def test_undeclared_fields_are_refused(api):
    site = make_site()
    answer = post_form(api, site, form(credit_card="4111"))
    assert answer.status_code == 422 and answer.json()["reason"] == "undeclared_fields"
    assert "credit_card" in answer.json()["message"]
    assert post_form(api, site, form(_form="payroll")).json()["reason"] == "unknown_form"
    assert stored_leads() == []


def test_a_foreign_origin_is_refused_and_gets_no_cors(api):
    site = make_site()
    answer = post_form(api, site, form(), origin="https://evil.example")
    assert answer.status_code == 403 and answer.json()["reason"] == "foreign_origin"
    assert "access-control-allow-origin" not in answer.headers
    preflight = api.options(f"/api/forms/{site}", headers={"origin": "https://evil.example",
                                                           "access-control-request-method": "POST"})
    assert preflight.status_code == 403 and "access-control-allow-origin" not in preflight.headers
    assert stored_leads() == []


def test_the_preflight_answers_the_sites_own_origins(api):
    site = make_site(url="https://faibric-bakery.onrender.com/")
    for origin in ("https://faibric-bakery.onrender.com",):
        answer = api.options(f"/api/forms/{site}", headers={"origin": origin, "access-control-request-method": "POST",
                                                            "access-control-request-headers": "content-type"})
        assert answer.status_code == 204 and answer.headers["access-control-allow-origin"] == origin
    local = make_site()
    answer = api.options(f"/api/forms/{local}", headers={"origin": "http://localhost:8765",
                                                         "access-control-request-method": "POST"})
    assert answer.headers["access-control-allow-origin"] == "http://localhost:8765"


def test_the_public_url_is_an_allowed_origin(api, monkeypatch):
    monkeypatch.setenv("FAIBRIC_PUBLIC_URL", "https://sites.example.org")
    site = make_site()
    assert post_form(api, site, form(), origin="https://sites.example.org").status_code == 201


def test_a_script_in_a_field_is_stored_as_text_and_quoted_in_the_csv(api):
    site = make_site()
    script = "<script>alert(1)</script>"
    answer = post_form(api, site, form(name=script, message="=HYPERLINK(\"http://x\")  and more"))
    assert answer.status_code == 201
    [lead] = stored_leads()
    assert lead["fields"]["name"] == script
    text = leads_csv([lead])
    assert "'=HYPERLINK" in text and "\n=" not in text and ",=" not in text


def test_a_body_that_is_not_json_is_refused(api):
    site = make_site()
    answer = api.post(f"/api/forms/{site}", content=b"name=Ada", headers={"origin": SITE_ORIGIN,
                                                                         "content-type": "text/plain"})
    assert answer.status_code == 400 and answer.json()["reason"] == "malformed_json"


def test_a_bad_email_is_refused_with_a_message_for_the_visitor(api):
    site = make_site()
    answer = post_form(api, site, form(email="not-an-address"))
    assert answer.status_code == 422 and "valid email" in answer.json()["message"]


# -- the beacon ---------------------------------------------------------------------------------------

def beacon(api, body, ua=BROWSER_UA, origin=SITE_ORIGIN, **headers):
    return api.post("/api/collect", content=json.dumps(body).encode(),
                    headers={"content-type": "text/plain;charset=UTF-8", "user-agent": ua,
                             **({"origin": origin} if origin else {}), **headers})


def test_a_beacon_batch_becomes_site_events_with_site_tenant_version_and_visitor(api):
    site = make_site(tenant="acme")
    answer = beacon(api, {"s": site, "p": "/", "r": "https://www.google.com/search?q=cake",
                          "e": [["pv", ""], ["sv", "menu"], ["cc", "Book a table"], ["fs", "contact"]]})
    assert answer.status_code == 204, answer.text
    [(tenant, session, pv)] = events("site_pageview")
    assert tenant == "acme" and session is None
    assert pv["site_id"] == site and pv["version"] == 2 and pv["referrer"] == "www.google.com"
    assert len(pv["visitor"]) == 16 and "127.0.0.1" not in json.dumps(pv) and "testclient" not in json.dumps(pv)
    assert events("site_section_viewed")[0][2]["section"] == "menu"
    assert events("site_cta_clicked")[0][2]["label"] == "Book a table"
    assert events("site_form_started")[0][2]["form"] == "contact"


def test_one_visitor_is_one_hash_per_day_and_two_user_agents_are_two(api):
    site = make_site()
    for ua in (BROWSER_UA, BROWSER_UA, BROWSER_UA.replace("131", "130")):
        beacon(api, {"s": site, "e": [["pv", ""]]}, ua=ua)
    visitors = [p["visitor"] for _, _, p in events("site_pageview")]
    assert visitors[0] == visitors[1] != visitors[2]


def test_bots_and_do_not_track_are_answered_but_not_recorded(api):
    site = make_site()
    for ua in ("Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.5.0",
               BROWSER_UA.replace("Chrome/", "HeadlessChrome/"), ""):
        assert beacon(api, {"s": site, "e": [["pv", ""]]}, ua=ua).status_code == 204
    assert beacon(api, {"s": site, "e": [["pv", ""]]}, dnt="1").status_code == 204
    assert beacon(api, {"s": site, "e": [["pv", ""]]}, **{"sec-gpc": "1"}).status_code == 204
    assert events("site_pageview") == []


@pytest.mark.parametrize("body, status", [
    ({"s": "s_0000000000000000", "e": [["pv", ""]]}, 404),
    ({"e": [["pv", ""]]}, 422),
    ({"s": "x", "e": []}, 422),
    ({"s": "x", "e": [["delete_everything", ""]]}, 422),
    ({"s": "x", "e": [["pv", ""]] * 51}, 413),
    ([1, 2], 400),
])
def test_bad_beacon_batches_get_4xx_and_nothing_is_stored(api, body, status):
    site = make_site()
    if isinstance(body, dict) and body.get("s") == "x":
        body["s"] = site
    assert beacon(api, body).status_code == status
    assert events("site_pageview") == []


def test_a_beacon_body_over_16_kb_is_refused(api):
    site = make_site()
    answer = beacon(api, {"s": site, "e": [["pv", "x" * 20000]]})
    assert answer.status_code == 413


def test_a_beacon_from_a_foreign_origin_is_refused(api):
    site = make_site()
    assert beacon(api, {"s": site, "e": [["pv", ""]]}, origin="https://evil.example").status_code == 403
    assert events("site_pageview") == []


def test_a_beacon_flood_from_one_address_gets_429(api):
    site = make_site()
    configure_live_sites(api.app, limits={"collect_ip": "3/minute"})
    codes = [beacon(api, {"s": site, "e": [["pv", ""]]}).status_code for _ in range(5)]
    assert codes == [204, 204, 204, 429, 429]


def test_the_rest_of_the_api_still_refuses_text_plain(api):
    answer = api.post("/api/initial-request", content=b'{"prompt": "x"}', headers={"content-type": "text/plain"})
    assert answer.status_code == 415


def test_an_owner_notification_that_fails_keeps_the_lead_and_the_answer(api):
    site = make_site()

    def broken(lead_id):
        raise RuntimeError("the store is locked")

    configure_live_sites(api.app, notify=broken)
    answer = post_form(api, site, form())
    assert answer.status_code == 201
    [lead] = stored_leads()
    assert lead["notified"] is None  # not told yet: `faibric leads` still lists it


def test_a_chunked_beacon_is_answered_like_one_with_a_length(api):
    site = make_site()
    body = json.dumps({"s": site, "e": [["pv", ""]]}).encode()
    chunked = api.post("/api/collect", content=iter([body[:10], body[10:]]),
                       headers={"content-type": "text/plain", "user-agent": BROWSER_UA, "origin": SITE_ORIGIN})
    assert chunked.status_code == 204 and chunked.headers["x-faibric-recorded"] == "1"
    refused = api.post("/api/collect", content=iter([b'{"s": "s_0000000000000000", "e": [["pv", ""]]}']),
                       headers={"content-type": "text/plain", "user-agent": BROWSER_UA})
    assert refused.status_code == 404 and refused.json()["reason"] == "unknown_site"
    assert len(events("site_pageview")) == 1
