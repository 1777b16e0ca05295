"""The onboarding HTTP API, driven over real HTTP on loopback (uvicorn in a thread on a free port)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
import uvicorn
from click.testing import CliRunner
from fakes.builds import FakeBuilds

from faibric_kernel.api import create_app
from faibric_kernel.build import JobRunner
from faibric_kernel.onboarding import Onboarding, issue_link
from faibric_kernel.sessions import create_session, get_session, issue_session_secret, transition
from faibric_kernel.store import read_connection, state_connection


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Api:
    """A client that, like the customer's browser, keeps each session's secret once verify returned it
    and sends it with requests about that session (``api.client`` sends only what a test gives it)."""

    base: str
    client: httpx.Client
    journey: Onboarding
    fake: FakeBuilds
    workspace: Path
    secrets: dict = field(default_factory=dict)

    def auth(self, session_id, headers=None) -> dict:
        secret = self.secrets.get(session_id)
        return {**({"Authorization": f"Bearer {secret}"} if secret else {}), **(headers or {})}

    def post(self, path, body=None, headers=None, **kw):
        session_id = body.get("session_id") if isinstance(body, dict) else None
        return self.client.post(path, json=body, headers=self.auth(session_id, headers), **kw)

    def get(self, path, headers=None, **kw):
        session_id = path.rsplit("/", 1)[1] if path.startswith("/api/session-status/") else None
        return self.client.get(path, headers=self.auth(session_id, headers), **kw)

    def use_link(self, link: str, **kw) -> httpx.Response:
        """Open a magic link as an API client; keep the session secret it returns."""
        answer = self.client.get(link, **kw)
        if answer.status_code == 200 and "session_secret" in answer.text:
            self.secrets[answer.json()["session_id"]] = answer.json()["session_secret"]
        return answer


class Server:
    """uvicorn serving an app in a background thread."""

    def __init__(self, app, port: int):
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                                    lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(15)


def start_api(workspace, fake=None, **options):
    fake = fake or FakeBuilds()
    journey = options.pop("onboarding", None) or Onboarding(
        worker=JobRunner(build_fn=fake.run_build, modify_fn=fake.modify_site, poll_interval=0.02),
        status_cache_seconds=0)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = create_app(onboarding=journey, public_url=base, ingest_interval=0, **options)
    return Server(app, port), Api(base, httpx.Client(base_url=base, timeout=20), journey, fake, workspace)


@pytest.fixture
def api(workspace):
    server, handle = start_api(workspace)
    with server, handle.client:
        yield handle


def outbox_link(workspace: Path, email: str) -> str:
    for path in sorted((workspace / "outbox").glob("*.eml"), reverse=True):
        message = message_from_bytes(path.read_bytes(), policy=default_policy)
        if message["To"] == email:
            return re.search(r"https?://\S+/api/verify/[A-Za-z0-9_-]+", message.get_body(("plain",)).get_content()
                             ).group(0)
    raise AssertionError(f"no magic link for {email} in the outbox")


def new_session(api: Api, prompt="a landing page for a bakery", headers=None) -> str:
    response = api.post("/api/initial-request", {"prompt": prompt}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["session_id"]


def verified(api: Api, email="ada@example.com", headers=None) -> str:
    session_id = new_session(api, headers=headers)
    assert api.post("/api/provide-email", {"session_id": session_id, "email": email},
                    headers=headers).status_code == 200
    assert api.use_link(outbox_link(api.workspace, email)).status_code == 200
    return session_id


def poll(api: Api, session_id: str, until: set[str], timeout=60.0, headers=None) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = api.get(f"/api/session-status/{session_id}", headers=headers).json()
        if state["status"] in until and state.get("activity") is None:
            return state
        time.sleep(0.05)
    raise AssertionError(f"{session_id} did not reach {until}: {state}")


def assert_error(response: httpx.Response, status: int, text: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert text in body["message"], body
    assert "Traceback" not in response.text and "File \"" not in response.text
    return body


def events_of(session_id: str) -> list[str]:
    with read_connection() as con:
        rows = con.execute("SELECT event_type FROM events WHERE session_id = ? ORDER BY ts", [session_id]).fetchall()
    return [r[0] for r in rows]


def in_order(seen: list[str], expected: list[str]) -> bool:
    """Every expected event appears, in this order (others may come between)."""
    position = 0
    for kind in seen:
        if position < len(expected) and kind == expected[position]:
            position += 1
    return position == len(expected)


# -- the seed flow ---------------------------------------------------------------------------------------

def test_full_seed_flow_over_http(api):
    # 1. submit a prompt
    created = api.post("/api/initial-request", {"prompt": "a landing page for a bakery in Lisbon"})
    assert created.status_code == 201
    session_id = created.json()["session_id"]
    assert created.json()["status"] == "request_submitted" and created.json()["variant"] in ("A", "B")
    # 2. give an email
    emailed = api.post("/api/provide-email", {"session_id": session_id, "email": "ada@example.com"})
    assert emailed.status_code == 200 and emailed.json()["magic_link_sent"] is True
    # 3. read the magic link from the outbox
    link = outbox_link(api.workspace, "ada@example.com")
    assert link.startswith(api.base + "/api/verify/")
    # 4. verify
    verified_answer = api.use_link(link)
    assert verified_answer.status_code == 200 and verified_answer.json()["status"] == "verified"
    assert verified_answer.json()["session_secret"].startswith(session_id + ".")
    # 5. trigger the build
    started = api.post("/api/trigger-build", {"session_id": session_id})
    assert started.status_code == 202 and started.json()["status"] == "building"
    # 6. poll status until deployed with a URL
    state = poll(api, session_id, {"deployed", "error"})
    assert state["status"] == "deployed", state
    assert state["url"].startswith("http") and state["percent"] == 100.0
    # 7. modify
    changed = api.post("/api/modify", {"session_id": session_id, "message": "make the header dark blue"})
    assert changed.status_code == 202 and changed.json()["kind"] == "change"
    state = poll(api, session_id, {"deployed", "error"})
    assert state["status"] == "deployed"
    # 8. stop
    stopped = api.post("/api/stop", {"session_id": session_id})
    assert stopped.status_code == 200 and stopped.json()["status"] == "stopped"
    # feedback too
    rated = api.post("/api/feedback", {"session_id": session_id, "rating": 5, "comment": "lovely"})
    assert rated.status_code == 201

    assert in_order(events_of(session_id), [
        "request_submitted", "email_provided", "magic_link_sent", "verified", "build_started", "deployed",
        "modification_requested", "modification_applied", "deployed", "build_stopped", "feedback_submitted",
    ]), events_of(session_id)


def test_full_seed_flow_with_the_real_pipeline(workspace):
    """The same journey with builds.run_build / modify_site: offline provider, local deployer."""
    journey = Onboarding(worker=JobRunner(), status_cache_seconds=0.2)
    server, api = start_api(workspace, onboarding=journey)
    with server, api.client:
        session_id = new_session(api, "a landing page for a bakery in Lisbon")
        assert api.post("/api/provide-email", {"session_id": session_id, "email": "ada@example.com"}).status_code \
            == 200
        assert api.use_link(outbox_link(workspace, "ada@example.com")).status_code == 200
        assert api.post("/api/trigger-build", {"session_id": session_id}).status_code == 202
        stages = set()
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            state = api.get(f"/api/session-status/{session_id}").json()
            stages.add(state["stage"])
            if state["status"] in ("deployed", "error", "ready") and state["activity"] is None:
                break
            time.sleep(0.05)
        assert state["status"] == "deployed", state
        assert state["url"].startswith("http://127.0.0.1:")
        # polling samples the stages: at least one of the pipeline's own must show up between start and end
        assert stages & {"classify", "library", "generate", "parse", "validate", "fix", "version", "deploy"}, stages
        changed = api.post("/api/modify", {"session_id": session_id, "message": "change the headline to Fresh bread daily"})
        assert changed.status_code == 202 and changed.json()["kind"] == "change"
        state = poll(api, session_id, {"deployed", "error", "ready"}, timeout=240)
        assert state["status"] == "deployed", state
        assert api.post("/api/stop", {"session_id": session_id}).json()["status"] == "stopped"
    seen = events_of(session_id)
    assert in_order(seen, ["request_submitted", "email_provided", "magic_link_sent", "verified", "build_started",
                           "generation_completed", "deployed", "modification_requested", "modification_applied",
                           "deployed", "build_stopped"]), seen


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_verify_link_in_a_browser_asks_for_a_click_then_confirms(api):
    session_id = new_session(api)
    api.post("/api/provide-email", {"session_id": session_id, "email": "ada@example.com"})
    link = outbox_link(api.workspace, "ada@example.com")
    for _ in range(2):  # a mail scanner opening the link first does not use it up
        page = api.client.get(link, headers=BROWSER)
        assert page.status_code == 200 and "Confirm my email" in page.text
    assert get_session(session_id).status == "email_provided"
    action = re.search(r"<form method=post action='([^']+)'", page.text).group(1)
    confirmed = api.client.post(action, headers={**BROWSER, "Content-Type": "application/x-www-form-urlencoded"})
    assert confirmed.status_code == 200 and "Email confirmed" in confirmed.text
    assert get_session(session_id).status == "verified"
    again = api.client.post(action, headers={**BROWSER, "Content-Type": "application/x-www-form-urlencoded"})
    assert again.status_code == 410 and "already used" in again.text
    assert api.client.get(link, headers=BROWSER).status_code == 410


def test_an_api_client_may_verify_with_a_post(api):
    session_id = new_session(api)
    api.post("/api/provide-email", {"session_id": session_id, "email": "ada@example.com"})
    answer = api.post(urlparse(outbox_link(api.workspace, "ada@example.com")).path, {})
    assert answer.status_code == 200 and answer.json()["status"] == "verified"


def test_a_broken_link_in_a_browser_gets_a_page_that_says_so(api):
    page = api.client.get("/api/verify/" + "x" * 43, headers=BROWSER)
    assert page.status_code == 401 and "not valid" in page.text and "<form" not in page.text


def test_new_project_from_chat_starts_a_linked_build(api):
    session_id = verified(api)
    api.post("/api/trigger-build", {"session_id": session_id})
    poll(api, session_id, {"deployed"})
    answer = api.post("/api/modify", {"session_id": session_id, "message": "now build me a new website for my gym"})
    assert answer.status_code == 202 and answer.json()["kind"] == "new_project"
    child = answer.json()["new_session_id"]
    api.secrets[child] = api.secrets[session_id]  # the same browser follows the new project
    state = poll(api, child, {"deployed", "error"})
    assert state["status"] == "deployed" and state["parent_session_id"] == session_id


def test_stop_during_build_over_http(workspace):
    server, api = start_api(workspace, FakeBuilds(step_seconds=30))
    with server, api.client:
        session_id = verified(api)
        api.post("/api/trigger-build", {"session_id": session_id})
        began = time.monotonic()
        stopped = api.post("/api/stop", {"session_id": session_id})
        assert stopped.json()["status"] == "stopped" and time.monotonic() - began < 3
        assert api.get(f"/api/session-status/{session_id}").json()["status"] == "stopped"


# -- tokens ----------------------------------------------------------------------------------------------

def test_replayed_token_is_410(api):
    session_id = new_session(api)
    api.post("/api/provide-email", {"session_id": session_id, "email": "ada@example.com"})
    link = outbox_link(api.workspace, "ada@example.com")
    assert api.client.get(link).status_code == 200
    body = assert_error(api.client.get(link), 410, "already used")
    assert body["error"] == "AuthError" and body["reason"] == "used"


def test_expired_token_is_410(api):
    session_id = new_session(api)
    api.post("/api/provide-email", {"session_id": session_id, "email": "ada@example.com"})
    link = issue_link(session_id, "ada@example.com", ttl=timedelta(milliseconds=1))
    time.sleep(0.01)
    body = assert_error(api.get(f"/api/verify/{link.token}"), 410, "expired")
    assert body["reason"] == "expired"


def test_forged_token_is_401(api):
    body = assert_error(api.get("/api/verify/" + "x" * 43), 401, "not valid")
    assert body["reason"] == "invalid"
    assert_error(api.get("/api/verify/%2e%2e%3Bdrop"), 401, "not valid")


# -- limits ----------------------------------------------------------------------------------------------

def test_sixth_initial_request_in_a_minute_is_429(api):
    for _ in range(5):
        assert api.post("/api/initial-request", {"prompt": "a bakery"}).status_code == 201
    response = api.post("/api/initial-request", {"prompt": "a bakery"})
    body = assert_error(response, 429, "too many initial requests from this address: the limit is 5 per minute")
    assert body["error"] == "RateLimited"
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_sign_in_emails_per_address_are_limited(workspace):
    server, api = start_api(workspace, limits={"email_address": "2/hour", "initial": "off"})
    with server, api.client:
        for _ in range(2):
            assert api.post("/api/provide-email", {"session_id": new_session(api),
                                                   "email": "ada@example.com"}).status_code == 200
        response = api.post("/api/provide-email", {"session_id": new_session(api), "email": "ADA@example.com"})
        assert_error(response, 429, "too many sign-in emails to this address")


def test_limits_are_configurable_by_environment(workspace, monkeypatch):
    monkeypatch.setenv("FAIBRIC_RATE_INITIAL_PER_IP", "2/minute")
    server, api = start_api(workspace)
    with server, api.client:
        assert [api.post("/api/initial-request", {"prompt": "x"}).status_code for _ in range(3)] == [201, 201, 429]


def test_oversized_body_is_413(api):
    response = api.post("/api/initial-request", {"prompt": "x" * 300_000})
    assert_error(response, 413, "larger than 262144 bytes")


def test_oversized_chunked_body_is_413(api):
    def chunks():
        for _ in range(40):
            yield b"x" * 10_000

    response = api.client.post("/api/initial-request", content=chunks(), headers={"Content-Type": "application/json"})
    assert "content-length" not in response.request.headers
    assert_error(response, 413, "larger than")


def test_malformed_json_is_400(api):
    response = api.client.post("/api/initial-request", content=b'{"prompt": "a bakery",,}',
                               headers={"Content-Type": "application/json"})
    body = assert_error(response, 400, "not valid JSON")
    assert body["error"] == "MalformedJSON"


def test_wrong_content_type_is_415(api):
    response = api.client.post("/api/initial-request", data={"prompt": "a bakery"})
    body = assert_error(response, 415, "Content-Type: application/json")
    assert "application/x-www-form-urlencoded" in body["message"]


def test_json_that_is_not_an_object_is_422(api):
    assert_error(api.post("/api/initial-request", ["a bakery"]), 422, "must be a JSON object")


@pytest.mark.parametrize(("path", "body", "text"), [
    ("/api/initial-request", {}, "prompt is required"),
    ("/api/initial-request", {"prompt": ""}, "prompt"),
    ("/api/initial-request", {"prompt": "x", "promt": "y"}, "promt is not a known field"),
    ("/api/provide-email", {"session_id": "abc", "email": "not-an-email"}, "not a valid email"),
    ("/api/feedback", {"session_id": "abc", "rating": 6}, "rating"),
    ("/api/feedback", {"session_id": "abc", "rating": "5"}, "rating"),
    ("/api/modify", {"session_id": "abc", "message": ""}, "message"),
    ("/api/stop", {"session_id": "../../x"}, "session_id"),
])
def test_invalid_fields_are_422(api, path, body, text):
    if path == "/api/provide-email":
        body = {**body, "session_id": new_session(api)}
    assert_error(api.post(path, body), 422, text)


# -- sessions --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "/api/session-status/0123456789abcdef", None),
    ("POST", "/api/provide-email", {"session_id": "0123456789abcdef", "email": "a@example.com"}),
    ("POST", "/api/trigger-build", {"session_id": "0123456789abcdef"}),
    ("POST", "/api/modify", {"session_id": "0123456789abcdef", "message": "blue"}),
    ("POST", "/api/stop", {"session_id": "0123456789abcdef"}),
    ("POST", "/api/feedback", {"session_id": "0123456789abcdef", "rating": 4}),
])
def test_unknown_session_is_404_or_a_wrong_secret(api, method, path, body):
    forged = {"Authorization": "Bearer 0123456789abcdef." + "x" * 43}
    response = api.client.request(method, path, json=body, headers=forged)
    if path == "/api/provide-email":  # no secret needed: the session is simply not there
        assert_error(response, 404, "no session '0123456789abcdef'")
        assert "`faibric" not in response.json()["message"]  # operators' CLI hints are not for customers
    else:  # a secret for a session that does not exist is a wrong secret (whether it exists is not told)
        assert_error(response, 401, "does not match")


def test_build_before_verification_is_refused(api):
    session_id = new_session(api)
    body = assert_error(api.post("/api/trigger-build", {"session_id": session_id}), 401, "session secret")
    assert body["reason"] == "missing_secret"
    api.post("/api/provide-email", {"session_id": session_id, "email": "ada@example.com"})
    assert_error(api.post("/api/trigger-build", {"session_id": session_id}), 401, "session secret")
    assert get_session(session_id).status == "email_provided"


def test_second_trigger_while_building_is_409(workspace):
    gate = threading.Event()
    server, api = start_api(workspace, FakeBuilds(gate=gate))
    with server, api.client:
        session_id = verified(api)
        assert api.post("/api/trigger-build", {"session_id": session_id}).status_code == 202
        body = assert_error(api.post("/api/trigger-build", {"session_id": session_id}), 409, "already building")
        assert body["reason"] == "already_building"
        gate.set()
        poll(api, session_id, {"deployed"})


def test_unknown_provider_or_target_is_422(api):
    session_id = verified(api)
    assert_error(api.post("/api/trigger-build", {"session_id": session_id, "provider": "pigeon"}), 422,
                 "unknown provider 'pigeon'")
    assert_error(api.post("/api/trigger-build", {"session_id": session_id, "deploy_target": "moon"}), 422,
                 "unknown deploy target 'moon'")


def test_email_again_after_verification_is_409(api):
    session_id = verified(api)
    assert_error(api.post("/api/provide-email", {"session_id": session_id, "email": "eve@example.com"}), 409,
                 "already confirmed")


def test_tenants_do_not_see_each_other(api):
    from faibric_kernel.tenant_keys import tenant_keys

    acme = {"X-Faibric-Key": tenant_keys().add("acme")["api_key"]}
    globex = {"X-Faibric-Key": tenant_keys().add("globex")["api_key"]}
    session_id = verified(api, headers=acme)
    assert api.get(f"/api/session-status/{session_id}", headers=acme).json()["tenant_id"] == "acme"
    assert_error(api.get(f"/api/session-status/{session_id}", headers=globex), 404, "no session")
    assert_error(api.get(f"/api/session-status/{session_id}"), 404, "no session")
    assert_error(api.post("/api/initial-request", {"prompt": "x"}, headers={"X-Faibric-Tenant": "../x"}), 422,
                 "X-Faibric-Tenant")


def test_tenant_allow_list(workspace, monkeypatch):
    from faibric_kernel.tenant_keys import tenant_keys

    monkeypatch.setenv("FAIBRIC_API_TENANTS", "acme")
    acme, globex = tenant_keys().add("acme")["api_key"], tenant_keys().add("globex")["api_key"]
    server, api = start_api(workspace)
    with server, api.client:
        assert api.post("/api/initial-request", {"prompt": "x"}, headers={"X-Faibric-Key": acme}).status_code == 201
        assert_error(api.post("/api/initial-request", {"prompt": "x"}, headers={"X-Faibric-Key": globex}), 404,
                     "not served here")


def test_status_of_a_build_in_progress(workspace):
    gate = threading.Event()
    server, api = start_api(workspace, FakeBuilds(gate=gate))
    with server, api.client:
        session_id = verified(api)
        api.post("/api/trigger-build", {"session_id": session_id})
        state = api.get(f"/api/session-status/{session_id}").json()
        assert state["status"] == "building" and state["activity"] == "build"
        assert set(state) >= {"stage", "percent", "message", "url", "error"}
        gate.set()
        poll(api, session_id, {"deployed"})


# -- the rest of the surface ------------------------------------------------------------------------------

def test_openapi_document_lists_the_endpoints(api):
    doc = api.get("/openapi.json").json()
    assert set(doc["paths"]) >= {
        "/api/onboarding/initial-request/", "/api/onboarding/provide-email/", "/api/onboarding/verify/{token}/",
        "/api/onboarding/trigger-build/", "/api/onboarding/session-status/", "/api/onboarding/modify/",
        "/api/onboarding/stop/", "/api/onboarding/feedback/", "/api/health/", "/api/analytics/dashboard/",
    }
    assert "SessionStatus" in doc["components"]["schemas"]
    # the docs say which routes need the session secret
    assert doc["components"]["securitySchemes"]["SessionSecret"]["scheme"] == "bearer"
    assert doc["paths"]["/api/onboarding/modify/"]["post"]["security"] == [{"SessionSecret": []}, {"TenantKey": []}]


def test_health(api):
    body = api.get("/api/health").json()
    assert body["ok"] is True and body["store"]["ok"] is True and body["builds_running"] == 0


def test_unknown_route_is_a_json_404(api):
    assert_error(api.get("/api/nothing-here"), 404, "no endpoint GET /api/nothing-here")
    assert_error(api.client.delete("/api/stop"), 405, "DELETE is not allowed")


def test_cors_allows_only_listed_origins(workspace):
    server, api = start_api(workspace, cors_origins="https://app.example.com")
    with server, api.client:
        ok = api.post("/api/initial-request", {"prompt": "x"}, headers={"Origin": "https://app.example.com"})
        assert ok.headers["access-control-allow-origin"] == "https://app.example.com"
        other = api.post("/api/initial-request", {"prompt": "x"}, headers={"Origin": "https://evil.example.com"})
        assert "access-control-allow-origin" not in other.headers
        preflight = api.client.options("/api/initial-request", headers={
            "Origin": "https://app.example.com", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-faibric-tenant"})
        assert preflight.status_code == 200
        denied = api.client.options("/api/initial-request", headers={
            "Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"})
        assert denied.status_code == 400


def test_no_cors_headers_without_an_allow_list(api):
    response = api.post("/api/initial-request", {"prompt": "x"}, headers={"Origin": "https://app.example.com"})
    assert "access-control-allow-origin" not in response.headers


class _Broken(Onboarding):
    def status(self, session_id, **kwargs):
        raise RuntimeError("database on fire at /secret/path")


def test_unexpected_error_is_a_clean_500_without_trace(workspace):
    session = create_session("a bakery")
    secret = issue_session_secret(session.session_id)
    server, api = start_api(workspace, onboarding=_Broken(worker=JobRunner(), status_cache_seconds=0))
    with server, api.client:
        response = api.get("/api/onboarding/session-status/", headers={"Authorization": f"Bearer {secret}"})
        body = assert_error(response, 500, "something went wrong on our side")
        assert "secret" not in response.text and body["error"] == "InternalError"
    assert "RuntimeError: database on fire" in (workspace / "logs" / "api.log").read_text()


def test_nothing_answers_500_to_hostile_input(api):
    session_id = new_session(api)
    cases = [
        ("POST", "/api/initial-request", b"", "application/json"),
        ("POST", "/api/initial-request", b"null", "application/json"),
        ("POST", "/api/initial-request", b'{"prompt": null}', "application/json"),
        ("POST", "/api/initial-request", b'{"prompt": 12}', "application/json"),
        ("POST", "/api/initial-request", b'{"prompt": "\\ud800"}', "application/json"),
        ("POST", "/api/initial-request", b"\xff\xfe\x00", "application/json"),
        ("POST", "/api/initial-request", b'{"prompt": "x"}', "text/plain"),
        ("POST", "/api/provide-email", json.dumps({"session_id": session_id, "email": "a@b@c"}).encode(),
         "application/json"),
        ("POST", "/api/provide-email", json.dumps({"session_id": session_id, "email": "x" * 300}).encode(),
         "application/json"),
        ("POST", "/api/feedback", json.dumps({"session_id": session_id, "rating": 1e309}).encode(),
         "application/json"),
        ("POST", "/api/modify", json.dumps({"session_id": session_id, "message": "blue"}).encode(),
         "application/json"),
        ("POST", "/api/trigger-build", json.dumps({"session_id": session_id, "deploy_target": "$(rm)"}).encode(),
         "application/json"),
        ("GET", "/api/session-status/" + "a" * 500, b"", None),
        ("GET", "/api/session-status/%00", b"", None),
        ("GET", "/api/verify/" + "a" * 5000, b"", None),
    ]
    for method, path, content, ctype in cases:
        headers = {"Content-Type": ctype} if ctype else {}
        response = api.client.request(method, path, content=content, headers=headers)
        assert 400 <= response.status_code < 500, (path, content, response.status_code, response.text)
        assert response.json()["message"]


def test_startup_recovers_interrupted_builds(workspace):
    session = create_session("a bakery")
    secret = issue_session_secret(session.session_id)
    transition(session.session_id, "building")
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    with state_connection() as con:
        con.execute("INSERT INTO build_leases (session_id, tenant_id, kind, pid, host, boot_id, proc_start, "
            "started_at, heartbeat_at) VALUES (?, 'default', 'build', ?, ?, NULL, NULL, now(), now())",
                    [session.session_id, proc.pid, socket.gethostname()])
    server, api = start_api(workspace)
    with server, api.client:
        state = api.get(f"/api/session-status/{session.session_id}",
                        headers={"Authorization": f"Bearer {secret}"}).json()
    assert state["status"] == "error" and state["error"] == "interrupted"


# -- the commands -----------------------------------------------------------------------------------------

def test_faibric_serve_runs_the_api(workspace):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", "from faibric_kernel.cli import main; main()", "serve",
                             "--port", str(port)],
                            env={**os.environ, "FAIBRIC_HOME": str(workspace)}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError("faibric serve did not answer") from None
                time.sleep(0.1)
        assert response.json()["ok"] is True
        created = httpx.post(f"http://127.0.0.1:{port}/api/initial-request", json={"prompt": "a bakery"})
        session_id = created.json()["session_id"]
        httpx.post(f"http://127.0.0.1:{port}/api/provide-email", json={"session_id": session_id,
                                                                      "email": "ada@example.com"})
        link = outbox_link(workspace, "ada@example.com")
        assert link.startswith(f"http://127.0.0.1:{port}/api/verify/")
        assert httpx.get(link, headers=BROWSER).status_code == 200  # the confirm page: the token still works
        assert httpx.get(link).status_code == 200
    finally:
        proc.terminate()
        proc.wait(15)
    log = proc.stderr.read() + proc.stdout.read()  # uvicorn writes its access log to stdout
    assert "Faibric onboarding API on" in log
    token = link.rsplit("/", 1)[1]
    assert "GET /api/verify/[token]" in log and token not in log  # the access log never shows a token


def test_faibric_serve_on_a_busy_port_says_so_in_one_line(workspace):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-c", "from faibric_kernel.cli import main; main()", "serve",
                                 "--port", str(port)], env={**os.environ, "FAIBRIC_HOME": str(workspace)},
                                capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert result.stderr.strip() == f"error: port {port} on 127.0.0.1 is in use; choose another with --port"


_SLOW_SERVER = """
import sys
sys.path.insert(0, {tests!r})
import uvicorn
from fakes.builds import FakeBuilds
from faibric_kernel.api import create_app
from faibric_kernel.build import JobRunner
from faibric_kernel.onboarding import Onboarding
fake = FakeBuilds(step_seconds=60)
journey = Onboarding(worker=JobRunner(build_fn=fake.run_build, poll_interval=0.02))
uvicorn.run(create_app(onboarding=journey, ingest_interval=0, public_url="http://127.0.0.1:{port}"),
            host="127.0.0.1", port={port}, log_level="warning")
"""


def test_faibric_stop_stops_a_build_running_in_the_api_process(workspace):
    from faibric_kernel.cli import main

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    script = _SLOW_SERVER.format(tests=str(Path(__file__).resolve().parent), port=port)
    proc = subprocess.Popen([sys.executable, "-c", script], env={**os.environ, "FAIBRIC_HOME": str(workspace)})
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/api/health", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError("the API did not start") from None
                time.sleep(0.1)
        session_id = httpx.post(f"{base}/api/initial-request", json={"prompt": "a bakery"}).json()["session_id"]
        httpx.post(f"{base}/api/provide-email", json={"session_id": session_id, "email": "ada@example.com"})
        secret = httpx.get(outbox_link(workspace, "ada@example.com")).json()["session_secret"]
        auth = {"Authorization": f"Bearer {secret}"}
        assert httpx.post(f"{base}/api/trigger-build", json={"session_id": session_id}, headers=auth).status_code \
            == 202
        wait = time.monotonic() + 10
        while get_session(session_id).status != "building" and time.monotonic() < wait:
            time.sleep(0.05)
        began = time.monotonic()
        stopped = CliRunner().invoke(main, ["stop", session_id, "--json"])  # another process than the API
        assert stopped.exit_code == 0, stopped.output
        assert json.loads(stopped.stdout)["status"] == "stopped" and time.monotonic() - began < 10
        assert httpx.get(f"{base}/api/session-status/{session_id}", headers=auth).json()["status"] == "stopped"
    finally:
        proc.terminate()
        proc.wait(15)


def test_faibric_stop_command(workspace):
    from faibric_kernel.cli import main

    session = create_session("a bakery")
    result = CliRunner().invoke(main, ["stop", session.session_id, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "stopped"
    assert get_session(session.session_id).status == "stopped"
    missing = CliRunner().invoke(main, ["stop", "nope"])
    assert missing.exit_code == 2 and "no session 'nope'" in missing.output


def test_cli_start_recovers_interrupted_builds(workspace, monkeypatch):
    from faibric_kernel.cli import main

    monkeypatch.setenv("FAIBRIC_BUILD_STALE_MINUTES", "0")
    session = create_session("a bakery")
    transition(session.session_id, "building")
    result = CliRunner().invoke(main, ["events", "count", "--json"])
    assert result.exit_code == 0, result.output
    assert get_session(session.session_id).status_reason == "interrupted"
    assert "interrupted build" in result.stderr
