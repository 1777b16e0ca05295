"""The seed's API paths as written (trailing slashes), and the analytics endpoints with every role."""

from __future__ import annotations

import time
import urllib.request
from urllib.parse import urlparse

import pytest
from test_api import assert_error, outbox_link, start_api

from faibric_kernel.build import JobRunner
from faibric_kernel.onboarding import Onboarding
from faibric_kernel.tenant_keys import tenant_keys

ANALYST, STAKEHOLDER = "analyst-token-for-tests", "stakeholder-token-for-tests"


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def seed_poll(client, secret: str, until: set[str], timeout: float = 240) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get("/api/onboarding/session-status/", headers=bearer(secret)).json()
        if state["status"] in until and state["activity"] is None:
            return state
        time.sleep(0.05)
    raise AssertionError(f"not {until} in time: {state}")


def test_the_seed_flow_through_the_seed_paths_to_a_live_url(workspace, monkeypatch):
    monkeypatch.setenv("FAIBRIC_SITES_SERVER", "thread")
    monkeypatch.setenv("FAIBRIC_SITES_PORT", "0")
    server, api = start_api(workspace, onboarding=Onboarding(worker=JobRunner(), status_cache_seconds=0.2))
    client = api.client
    with server, client:
        created = client.post("/api/onboarding/initial-request/", json={"prompt": "a landing page for a bakery"})
        assert created.status_code == 201
        session_id = created.json()["session_id"]
        emailed = client.post("/api/onboarding/provide-email/", json={"session_id": session_id,
                                                                      "email": "ada@example.com"})
        assert emailed.status_code == 200 and emailed.json()["magic_link_sent"]
        token = urlparse(outbox_link(workspace, "ada@example.com")).path.rsplit("/", 1)[1]
        verified = client.get(f"/api/onboarding/verify/{token}/")
        assert verified.status_code == 200 and verified.json()["status"] == "verified"
        secret = verified.json()["session_secret"]
        started = client.post("/api/onboarding/trigger-build/", json={}, headers=bearer(secret))
        assert started.status_code == 202 and started.json()["session_id"] == session_id
        state = seed_poll(client, secret, {"deployed", "error"})
        assert state["status"] == "deployed", state
        assert session_id not in state["url"]  # the public URL does not give the session away
        with urllib.request.urlopen(state["url"], timeout=30) as page:
            assert page.status == 200 and b'<div id="root">' in page.read()
        changed = client.post("/api/onboarding/modify/", json={"message": "change the headline to Fresh bread"},
                              headers=bearer(secret))
        assert changed.status_code == 202 and changed.json()["kind"] == "change"
        assert seed_poll(client, secret, {"deployed", "error"})["status"] == "deployed"
        stopped = client.post("/api/onboarding/stop/", json={}, headers=bearer(secret))
        assert stopped.status_code == 200 and stopped.json()["status"] == "stopped"
        assert client.get("/api/health/").json()["ok"] is True


def test_the_short_paths_stay_as_aliases_and_the_seed_paths_need_their_slash(workspace):
    server, api = start_api(workspace)
    with server, api.client:
        assert api.client.post("/api/initial-request", json={"prompt": "x"}).status_code == 201
        assert api.client.get("/api/health").status_code == 200
        no_slash = api.client.post("/api/onboarding/initial-request", json={"prompt": "x"}, follow_redirects=False)
        assert no_slash.status_code == 404 and "location" not in no_slash.headers


# -- analytics -------------------------------------------------------------------------------------------

@pytest.fixture
def analytics_api(workspace, monkeypatch):
    """An API over a store with customers in two tenants, and the three kinds of dashboards token."""
    from fakes.builds import FakeBuilds

    monkeypatch.setenv("FAIBRIC_ANALYST_TOKEN", ANALYST)
    monkeypatch.setenv("FAIBRIC_DASHBOARD_TOKEN", STAKEHOLDER)
    acme = tenant_keys().add("acme", dashboard=True)
    fake = FakeBuilds()
    journey = Onboarding(worker=JobRunner(build_fn=fake.run_build, modify_fn=fake.modify_site, poll_interval=0.02),
                         status_cache_seconds=0)
    for tenant, email in (("acme", "ada@acme.example"), ("default", "bob@example.com")):
        session = journey.submit_request("a bakery site", tenant)
        journey.provide_email(session.session_id, email)
        token = urlparse(outbox_link(workspace, email)).path.rsplit("/", 1)[1]
        journey.verify(token)
        journey.trigger_build(session.session_id)
        journey.worker.wait(session.session_id, timeout=10)
        journey.submit_feedback(session.session_id, 4, "lovely, from " + email)
    server, api = start_api(workspace, onboarding=journey)
    with server, api.client:
        yield api, acme["dashboard_token"]


ENDPOINTS = ["/", "/users/", "/user/ada@acme.example", "/health/", "/funnel/", "/cohorts/", "/costs/"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_each_analytics_endpoint_with_each_role(analytics_api, endpoint):
    api, tenant_token = analytics_api
    url = "/api/analytics/dashboard" + endpoint
    assert_error(api.client.get(url), 401, "dashboards token")
    assert_error(api.client.get(url, headers=bearer("wrong")), 401, "not valid")
    as_analyst = api.client.get(url, headers=bearer(ANALYST))
    assert as_analyst.status_code == 200, as_analyst.text
    as_stakeholder = api.client.get(url, headers=bearer(STAKEHOLDER))
    as_tenant = api.client.get(url, headers=bearer(tenant_token))
    if endpoint in ("/users/", "/user/ada@acme.example"):
        assert "@" in as_analyst.text  # analysts see customers
        for refused in (as_stakeholder, as_tenant):
            assert_error(refused, 403, "analyst token")
        return
    assert as_stakeholder.status_code == 200 and as_tenant.status_code == 200
    for answer in (as_stakeholder, as_tenant):  # stakeholders see pseudonyms, never emails or comments
        assert "@" not in answer.text and "lovely" not in answer.text
    assert as_tenant.json()["tenant"] == "acme" and as_stakeholder.json()["tenant"] is None
    other = api.client.get(url + "?tenant=default", headers=bearer(tenant_token))
    assert_error(other, 404, "not visible")


def test_analytics_figures_follow_the_tenant_scope(analytics_api):
    api, tenant_token = analytics_api
    def started(token):
        kpis = api.client.get("/api/analytics/dashboard/", headers=bearer(token)).json()["kpis"]
        return next(k["value"] for k in kpis if k["window"] == "30 days" and k["metric"] == "sessions started")

    assert (started(ANALYST), started(STAKEHOLDER), started(tenant_token)) == (2, 2, 1)
    users = api.client.get("/api/analytics/dashboard/users/?tenant=acme", headers=bearer(ANALYST)).json()["users"]
    assert [u["customer"] for u in users] == ["ada@acme.example"]


def test_run_daily_runs_once_a_day_and_only_for_analysts(analytics_api):
    api, tenant_token = analytics_api
    url = "/api/analytics/dashboard/run-daily/"
    assert_error(api.client.post(url, headers=bearer(STAKEHOLDER)), 403, "analyst token")
    first = api.client.post(url, headers=bearer(ANALYST))
    assert first.status_code == 200, first.text
    assert first.json()["already_done"] is False and first.json()["run"]["status"] == "ok"
    second = api.client.post(url, headers=bearer(ANALYST))
    assert second.json()["already_done"] is True
    assert second.json()["run"]["started_at"] == first.json()["run"]["started_at"]
