"""Issue 17's attacks, each performed against the API (over HTTP on loopback) and seen refused."""

from __future__ import annotations

import logging
import os
import stat
import uuid

import pytest
from click.testing import CliRunner
from fakes.builds import FakeBuilds
from test_api import assert_error, new_session, outbox_link, poll, start_api, verified

from faibric_kernel.api.logs import RedactTokens, redact
from faibric_kernel.build import JobRunner
from faibric_kernel.errors import AuthError
from faibric_kernel.onboarding import Onboarding
from faibric_kernel.sessions import get_session
from faibric_kernel.tenant_keys import tenant_keys


@pytest.fixture
def api(workspace):
    server, handle = start_api(workspace)
    with server, handle.client:
        yield handle


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


# -- 1. building without a verified email ----------------------------------------------------------------

def test_stop_then_trigger_build_without_verification_is_refused(api):
    session_id = new_session(api)
    assert_error(api.client.post("/api/onboarding/stop/", json={"session_id": session_id}), 401, "session secret")
    assert_error(api.client.post("/api/onboarding/trigger-build/", json={"session_id": session_id}), 401,
                 "session secret")
    assert get_session(session_id).status == "request_submitted" and api.fake.calls == []


def test_a_stopped_session_that_was_never_verified_cannot_be_built_or_changed(workspace):
    journey = Onboarding(worker=JobRunner(build_fn=FakeBuilds().run_build), status_cache_seconds=0)
    session = journey.submit_request("a bakery")
    journey.stop(session.session_id)  # stopped may go to building in the lifecycle...
    for attempt in (lambda: journey.trigger_build(session.session_id),
                    lambda: journey.modify(session.session_id, "rename it HACKED")):
        with pytest.raises(AuthError, match="never verified") as info:
            attempt()
        assert info.value.details["reason"] == "not_verified"
    assert get_session(session.session_id).status == "stopped"


# -- 2. the session id is not a credential ---------------------------------------------------------------

@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "/api/onboarding/session-status/?session_id={sid}", None),
    ("GET", "/api/session-status/{sid}", None),
    ("POST", "/api/onboarding/modify/", {"message": "rename the business to HACKED BY STRANGER"}),
    ("POST", "/api/onboarding/stop/", {}),
    ("POST", "/api/onboarding/feedback/", {"rating": 1}),
    ("POST", "/api/onboarding/trigger-build/", {}),
])
def test_knowing_a_session_id_is_not_enough(api, method, path, body):
    session_id = verified(api)
    api.post("/api/trigger-build", {"session_id": session_id})
    poll(api, session_id, {"deployed"})
    other = verified(api, email="eve@example.com")  # a stranger with a session of their own
    url = path.format(sid=session_id)
    payload = None if body is None else {**body, "session_id": session_id}
    for headers, reason in (({}, "missing_secret"), (bearer(api.secrets[other]), "invalid_secret"),
                            (bearer(session_id + "." + "A" * 43), "invalid_secret"),
                            ({"Authorization": f"Basic {session_id}"}, "missing_secret")):
        answer = api.client.request(method, url, json=payload, headers=headers)
        assert answer.status_code == 401, (headers, answer.text)
        assert answer.json()["reason"] == reason and answer.headers["www-authenticate"] == "Bearer"
    assert get_session(session_id).status == "deployed"
    assert [c[0] for c in api.fake.calls if c[1] == session_id] == ["build"]  # no change, no second build


def test_the_secret_is_returned_once_and_stored_only_as_a_hash(api):
    session_id = new_session(api)
    api.post("/api/provide-email", {"session_id": session_id, "email": "ada@example.com"})
    link = outbox_link(api.workspace, "ada@example.com")
    answer = api.client.get(link)
    secret = answer.json()["session_secret"]
    assert answer.headers["cache-control"] == "no-store"
    assert_error(api.client.get(link), 410, "already used")  # no second chance to read it
    stored = get_session(session_id).properties
    assert secret not in str(stored) and len(stored["secret_sha256"]) == 64
    status = api.client.get("/api/onboarding/session-status/", headers=bearer(secret))  # the secret names it
    assert status.status_code == 200 and status.json()["session_id"] == session_id


# -- 3. tenants come from keys ---------------------------------------------------------------------------

def test_a_tenant_header_without_its_key_is_refused(api):
    acme = {"X-Faibric-Key": tenant_keys().add("acme")["api_key"]}
    session_id = verified(api, headers=acme)
    secret = api.secrets[session_id]
    forged = {"X-Faibric-Tenant": "acme", **bearer(secret)}
    body = assert_error(api.client.get(f"/api/session-status/{session_id}", headers=forged), 401, "API key")
    assert body["reason"] == "invalid_key"
    assert_error(api.client.post("/api/initial-request", json={"prompt": "x"}, headers={"X-Faibric-Key": "nope"}),
                 401, "not valid")
    assert api.client.get(f"/api/session-status/{session_id}", headers={**acme, **bearer(secret)}).status_code == 200


def test_the_cached_status_path_and_the_route_agree_on_the_tenant(workspace):
    journey = Onboarding(worker=JobRunner(build_fn=FakeBuilds().run_build), status_cache_seconds=30)
    server, api = start_api(workspace, onboarding=journey)
    with server, api.client:
        acme = {"X-Faibric-Key": tenant_keys().add("acme")["api_key"]}
        globex = {"X-Faibric-Key": tenant_keys().add("globex")["api_key"]}
        session_id = verified(api, headers=acme)
        auth = bearer(api.secrets[session_id])
        assert journey.cache.usable(session_id) is not None  # warm: the fast path answers
        warm = [api.client.get(f"/api/session-status/{session_id}", headers={**auth, **h}).status_code
                for h in (acme, globex, {}, {"X-Faibric-Key": acme["X-Faibric-Key"], "X-Faibric-Tenant": "globex"})]
        journey.cache.invalidate(session_id)
        cold = [api.client.get(f"/api/session-status/{session_id}", headers={**auth, **h}).status_code
                for h in (globex, {}, {"X-Faibric-Key": acme["X-Faibric-Key"], "X-Faibric-Tenant": "globex"})]
        assert warm == [200, 404, 404, 401] and cold == [404, 404, 401]
        # duplicated headers: both paths read the first one
        dup = api.client.get(f"/api/session-status/{session_id}",
                             headers=[("Authorization", auth["Authorization"]), ("X-Faibric-Key", globex["X-Faibric-Key"]),
                                      ("X-Faibric-Key", acme["X-Faibric-Key"])])
        assert dup.status_code == 404


@pytest.mark.duckdb_state
def test_tenants_command_adds_lists_rotates_and_removes(api):
    from faibric_kernel.cli import main

    runner = CliRunner()
    added = runner.invoke(main, ["tenants", "add", "acme", "--json"])
    assert added.exit_code == 0, added.output
    import json

    old_key = json.loads(added.stdout)["api_key"]
    assert api.post("/api/initial-request", {"prompt": "x"}, headers={"X-Faibric-Key": old_key}).json()[
        "tenant_id"] == "acme"
    listed = runner.invoke(main, ["tenants", "list", "--json"])
    assert json.loads(listed.stdout)[0]["tenant_id"] == "acme" and old_key not in listed.stdout
    text = (api.workspace / "tenants.json").read_text()
    assert old_key not in text and stat.S_IMODE(os.stat(api.workspace / "tenants.json").st_mode) == 0o600
    new_key = json.loads(runner.invoke(main, ["tenants", "rotate", "acme", "--json"]).stdout)["api_key"]
    assert api.post("/api/initial-request", {"prompt": "x"}, headers={"X-Faibric-Key": old_key}).status_code == 401
    assert api.post("/api/initial-request", {"prompt": "x"}, headers={"X-Faibric-Key": new_key}).status_code == 201
    assert runner.invoke(main, ["tenants", "remove", "acme"]).exit_code == 0
    assert api.post("/api/initial-request", {"prompt": "x"}, headers={"X-Faibric-Key": new_key}).status_code == 401


# -- 4. rate-limit keys ----------------------------------------------------------------------------------

def test_requests_for_sessions_that_do_not_exist_do_not_use_up_an_address(workspace):
    server, api = start_api(workspace, limits={"email_address": "2/hour", "initial": "off"})
    with server, api.client:
        for _ in range(5):
            stranger = api.post("/api/provide-email", {"session_id": uuid.uuid4().hex, "email": "victim@example.com"})
            assert stranger.status_code == 404
        assert api.post("/api/provide-email", {"session_id": new_session(api),
                                               "email": "victim@example.com"}).status_code == 200


def test_plus_addresses_count_as_one_address(workspace):
    server, api = start_api(workspace, limits={"email_address": "2/hour", "initial": "off"})
    with server, api.client:
        for n in (1, 2):
            assert api.post("/api/provide-email", {"session_id": new_session(api),
                                                   "email": f"victim+{n}@example.com"}).status_code == 200
        assert_error(api.post("/api/provide-email", {"session_id": new_session(api),
                                                     "email": "Victim+3@Example.com"}), 429, "sign-in emails")


def test_behind_a_proxy_the_address_the_proxy_appended_counts(workspace, monkeypatch):
    monkeypatch.setenv("FAIBRIC_TRUST_PROXY", "1")
    server, api = start_api(workspace, limits={"initial": "2/minute"})
    with server, api.client:
        codes = [api.post("/api/initial-request", {"prompt": "x"},
                          headers={"X-Forwarded-For": f"10.9.9.{n}, 203.0.113.7"}).status_code for n in range(3)]
        assert codes == [201, 201, 429]  # a new left-most entry each time does not make a new client
        other = api.post("/api/initial-request", {"prompt": "x"}, headers={"X-Forwarded-For": "203.0.113.8"})
        assert other.status_code == 201


def test_proxy_hops_pick_the_entry_that_many_from_the_right(workspace, monkeypatch):
    monkeypatch.setenv("FAIBRIC_TRUST_PROXY", "1")
    monkeypatch.setenv("FAIBRIC_PROXY_HOPS", "2")
    server, api = start_api(workspace, limits={"initial": "1/minute"})
    with server, api.client:
        first = api.post("/api/initial-request", {"prompt": "x"}, headers={"X-Forwarded-For": "1.1.1.1, 198.51.100.4, 10.0.0.2"})
        again = api.post("/api/initial-request", {"prompt": "x"}, headers={"X-Forwarded-For": "2.2.2.2, 198.51.100.4, 10.0.0.3"})
        assert (first.status_code, again.status_code) == (201, 429)
        created = api.journey.cache.get(first.json()["session_id"])
        assert created.properties["ip"] == "198.51.100.4"


def test_limits_are_shared_through_one_storage(workspace):
    """Two apps (two worker processes) with one storage count together: the limits library's storage
    is what FAIBRIC_REDIS_URL switches to Redis."""
    from faibric_kernel.api.ratelimit import Limit, RateLimited, RateLimiter

    first, second = RateLimiter(), RateLimiter()
    second._strategy = first._strategy  # the same storage, as Redis gives every process
    first.hit("initial", "198.51.100.4", Limit(2, 60), "requests")
    second.hit("initial", "198.51.100.4", Limit(2, 60), "requests")
    with pytest.raises(RateLimited):
        first.hit("initial", "198.51.100.4", Limit(2, 60), "requests")


# -- 5. tokens in logs, owner-only files -----------------------------------------------------------------

def test_tokens_are_redacted_from_log_lines():
    line = ('127.0.0.1 - "GET /voila/render/users.ipynb?token=s3cr3t-stakeholder&x=1 HTTP/1.1" 403 '
            'GET /api/verify/abcdefabcdef Authorization: Bearer abc.def /api/analytics/dashboard/user/ada@example.com')
    cleaned = redact(line)
    for secret in ("s3cr3t-stakeholder", "abcdefabcdef", "abc.def", "ada@example.com"):
        assert secret not in cleaned
    record = logging.LogRecord("tornado.access", logging.WARNING, __file__, 1, "%d %s %.2fms",
                               (403, "GET /?token=abc123 (127.0.0.1)", 1.0), None)
    RedactTokens().filter(record)
    assert "abc123" not in record.getMessage() and "token=[redacted]" in record.getMessage()


def test_workspace_and_logs_are_owner_only(workspace, api):
    api.get("/api/onboarding/session-status/", headers=bearer("x." + "y" * 43))
    for folder in (workspace, workspace / "logs"):
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700, folder


# -- 7, 8. HTTP details ----------------------------------------------------------------------------------

def test_no_redirect_is_built_from_the_host_header(api):
    answer = api.client.get("/api/session-status/abc/", headers={"Host": "evil.example.com"},
                            follow_redirects=False)
    assert answer.status_code in (401, 404) and "location" not in answer.headers
    answer = api.client.post("/api/onboarding/stop", json={}, headers={"Host": "evil.example.com"},
                             follow_redirects=False)
    assert answer.status_code == 404 and "location" not in answer.headers


def test_put_on_a_get_route_is_405_and_options_lists_every_method(api):
    assert_error(api.client.put("/api/health/", json={}), 405, "PUT is not allowed")
    assert_error(api.client.put("/api/onboarding/session-status/", content=b"x"), 405, "PUT is not allowed")
    allowed = api.client.options("/api/onboarding/verify/abc/")
    assert allowed.status_code == 204
    assert {"GET", "POST", "OPTIONS"} <= {m.strip() for m in allowed.headers["allow"].split(",")}


def test_a_prompt_of_only_invisible_characters_is_refused(api):
    for prompt in ("\u200b\u200b\u200b", "\u200b \ufeff\u2060", "\u00a0\u200d"):
        answer = api.post("/api/onboarding/initial-request/", {"prompt": prompt})
        assert answer.status_code == 422, (prompt, answer.text)


def test_internal_addresses_never_reach_an_api_answer(monkeypatch):
    from faibric_kernel.api.errors import message_for_api
    from faibric_kernel.errors import ProviderError

    exc = ProviderError("cannot reach the model at http://10.0.0.5:8080/v1 (ANTHROPIC_BASE_URL); try later")
    assert "10.0.0.5" not in message_for_api(exc) and "[internal address]" in message_for_api(exc)


def test_oversized_headers_are_refused(api):
    answer = api.client.get("/api/health/", headers={"X-Padding": "x" * 70_000})
    assert answer.status_code == 431


@pytest.fixture
def redis_url():
    import shutil
    import socket
    import subprocess
    import time

    pytest.importorskip("redis")
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)


def test_with_redis_every_api_process_shares_the_limits(workspace, monkeypatch, redis_url):
    monkeypatch.setenv("FAIBRIC_REDIS_URL", redis_url)
    first_server, first = start_api(workspace, limits={"initial": "2/minute"})
    second_server, second = start_api(workspace, limits={"initial": "2/minute"})
    with first_server, second_server, first.client, second.client:
        codes = [first.post("/api/initial-request", {"prompt": "x"}).status_code,
                 second.post("/api/initial-request", {"prompt": "x"}).status_code,
                 first.post("/api/initial-request", {"prompt": "x"}).status_code]
    assert codes == [201, 201, 429]
