"""The Render deployer and the github+render chain, against fake GitHub and Render APIs on loopback."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest
from fakes.github import TOKEN, FakeGitHub
from fakes.openapi import load_spec, request_schema, validate
from fakes.render import API_KEY, OWNER_ID, FakeRender

from faibric_kernel.deploy import (
    DeployCancelledError,
    GitHubDeployer,
    GitHubRenderDeployer,
    RenderDeployer,
    SiteToDeploy,
    deploy_history,
    deploy_site,
)
from faibric_kernel.deploy.github import github_client
from faibric_kernel.deploy.render import service_body
from faibric_kernel.errors import DeployError, MissingKeyError
from faibric_kernel.preview.sample import sample_project
from faibric_kernel.store import read_connection


@pytest.fixture
def render_env(monkeypatch):
    monkeypatch.setenv("RENDER_API_KEY", API_KEY)
    monkeypatch.setenv("RENDER_OWNER_ID", OWNER_ID)
    monkeypatch.setenv("GITHUB_APPS_REPO", "acme/sites")


def make_site(site_id: str = "s-rnd") -> SiteToDeploy:
    return SiteToDeploy(site_id, site_id, "default", "p1", 1, sample_project(4), None)


def run(fake: FakeRender, site: SiteToDeploy | None = None, **options):
    deployer = RenderDeployer(api_url=fake.api, poll_interval=0.01, **options)
    return deploy_site(site or make_site(), deployer=deployer)


def failure(fake: FakeRender, **options) -> DeployError:
    with fake.serve(), pytest.raises(DeployError) as info:
        run(fake, **options)
    [row] = deploy_history(site_id="s-rnd")
    assert row["status"] in ("failed", "canceled") and row["error"] == info.value.message
    return info.value


def test_service_body_validates_against_the_openapi_subset():
    spec = load_spec()
    body = service_body(site_id="s1", owner_id=OWNER_ID, repo_url="https://github.com/acme/sites", branch="site/s1")
    assert validate(body, request_schema(spec, "/services", "post"), spec) == []


def test_validator_catches_a_bad_body():
    spec = load_spec()
    bad = {"type": "static", "ownerId": 5, "serviceDetails": {"routes": [{"type": "rewrite"}]}}
    errors = validate(bad, request_schema(spec, "/services", "post"), spec)
    assert any("name" in e for e in errors) and any("static" in e for e in errors)
    assert any("source" in e for e in errors)


def test_first_deploy_creates_one_static_site_and_polls_to_live(render_env):
    fake = FakeRender(statuses=("created", "build_in_progress", "update_in_progress", "live"))
    with fake.serve():
        result = run(fake)
    [create] = fake.created_services()
    assert fake.validation_errors == [[]]
    body = create.body
    assert body["type"] == "static_site" and body["ownerId"] == OWNER_ID
    assert body["repo"] == "https://github.com/acme/sites" and body["branch"] == "site/s-rnd"
    assert body["serviceDetails"]["buildCommand"] == "npm install && npm run build"
    assert body["serviceDetails"]["publishPath"] == "dist"
    assert body["serviceDetails"]["routes"] == [{"type": "rewrite", "source": "/*", "destination": "/index.html"}]
    polls = [r for r in fake.requests if r.method == "GET" and "/deploys/" in r.path]
    assert len(polls) == 4
    assert result.status == "live" and result.url == "https://faibric-s-rnd.onrender.com"


def test_second_deploy_reuses_the_service(render_env):
    fake = FakeRender()
    with fake.serve():
        first = run(fake)
        second = run(fake)
    assert len(fake.created_services()) == 1
    service_id = first.remote_ids["render_service_id"]
    assert second.remote_ids["render_service_id"] == service_id
    assert any(r.method == "POST" and r.path == f"/v1/services/{service_id}/deploys" for r in fake.requests)
    assert second.remote_ids["render_deploy_id"] != first.remote_ids["render_deploy_id"]
    assert second.url == first.url


def test_service_deleted_at_render_is_created_again(render_env):
    fake = FakeRender()
    with fake.serve():
        run(fake)
        fake.services.clear()
        again = run(fake)
    assert len(fake.created_services()) == 2
    assert again.status == "live"


def test_build_failed_ends_in_a_clear_error(render_env):
    error = failure(FakeRender(statuses=("build_in_progress", "build_failed")))
    assert "build_failed" in error.message and "dashboard.render.com" in error.message


def test_canceled_at_render_ends_in_a_clear_error(render_env):
    assert "canceled" in failure(FakeRender(statuses=("build_in_progress", "canceled"))).message


def test_service_id_is_recorded_even_when_the_build_fails(render_env):
    fake = FakeRender(statuses=("build_failed",))
    with fake.serve(), pytest.raises(DeployError):
        run(fake)
    [row] = deploy_history(site_id="s-rnd")
    assert row["remote_ids"]["render_service_id"] == next(iter(fake.services))
    with read_connection() as con:
        [(props,)] = con.execute("SELECT CAST(properties AS VARCHAR) FROM events WHERE event_type='deploy_failed'").fetchall()
    assert "build_failed" in json.loads(props)["reason"]


def test_rate_limit_waits_for_ratelimit_reset_then_creates(render_env):
    fake = FakeRender(rate_limited=1, reset_seconds=1)
    with fake.serve():
        started = time.monotonic()
        result = run(fake)
        elapsed = time.monotonic() - started
    assert result.status == "live"
    assert [r.method for r in fake.created_services()] == ["POST", "POST"]
    assert elapsed >= 1.0
    assert len(fake.services) == 1


def test_rate_limit_longer_than_the_cap_is_a_clear_error(render_env):
    error = failure(FakeRender(rate_limited=1, reset_seconds=3600), max_rate_limit_wait=5)
    assert "rate limit" in error.message and "3600" in error.message


def test_bad_request_is_a_clear_error(render_env):
    error = failure(FakeRender(fault="bad_request"))
    assert "400" in error.message and "RENDER_OWNER_ID" in error.message


def test_bad_key_names_render_api_key(render_env):
    assert "RENDER_API_KEY" in failure(FakeRender(fault="bad_key")).message


def test_conflict_is_a_clear_error(render_env):
    error = failure(FakeRender(fault="conflict"))
    assert "409" in error.message and "already" in error.message


def test_missing_key_is_a_missing_key_error(monkeypatch):
    monkeypatch.setenv("RENDER_OWNER_ID", OWNER_ID)
    monkeypatch.setenv("GITHUB_APPS_REPO", "acme/sites")
    with pytest.raises(MissingKeyError, match="RENDER_API_KEY"):
        deploy_site(make_site(), "render")


def test_cancel_during_the_build_asks_render_to_cancel(render_env):
    fake = FakeRender(statuses=("build_in_progress",))
    cancel = threading.Event()
    fake.on_poll = lambda deploy: cancel.set()
    with fake.serve():
        with pytest.raises(DeployCancelledError):
            deploy_site(make_site(), deployer=RenderDeployer(api_url=fake.api, poll_interval=0.05), cancel=cancel)
    assert any(r.method == "POST" and r.path.endswith("/cancel") for r in fake.requests)
    [row] = deploy_history(site_id="s-rnd")
    assert row["status"] == "canceled"
    assert next(iter(fake.deploys.values()))["status"] == "canceled"


def test_injected_transport_reaches_the_api(render_env):
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append((request.method, request.url.path, request.headers["authorization"]))
        if request.method == "POST":
            return httpx.Response(201, json={"service": {"id": "srv-x", "serviceDetails": {"url": "https://x.onrender.com"}},
                                             "deployId": "dep-x"})
        return httpx.Response(200, json={"id": "dep-x", "status": "live"})

    deployer = RenderDeployer(transport=httpx.MockTransport(handler), poll_interval=0)
    result = deploy_site(make_site(), deployer=deployer)
    assert result.url == "https://x.onrender.com"
    assert calls[0] == ("POST", "/v1/services", f"Bearer {API_KEY}")


def test_github_then_render_deploys_the_pushed_commit(render_env):
    github, render = FakeGitHub(), FakeRender()
    with github.serve(), render.serve():
        chain = GitHubRenderDeployer(
            github=GitHubDeployer(client=github_client(token=TOKEN, api_url=github.api, spacing=False),
                                  repo=github.repo, api_url=github.api),
            render=RenderDeployer(api_url=render.api, poll_interval=0.01),
        )
        site = make_site()
        first = deploy_site(site, deployer=chain)
        second = deploy_site(site, deployer=chain)
    assert len(github.commits_created()) == 2
    assert github.branch_files("site/s-rnd") == site.files
    [create] = render.created_services()
    assert create.body["repo"] == f"{github.base_url}/acme/sites" and create.body["branch"] == "site/s-rnd"
    redeploy = [r for r in render.requests if r.method == "POST" and r.path.endswith("/deploys")][0]
    assert redeploy.body["commitId"] == second.remote_ids["github_commit"]
    assert first.url == second.url == "https://faibric-s-rnd.onrender.com"
    rows = deploy_history(site_id="s-rnd")
    assert [r["target"] for r in rows] == ["github+render", "github+render"]
    assert rows[0]["remote_ids"]["github_commit"] and rows[0]["remote_ids"]["render_service_id"]


def test_chain_failure_at_render_keeps_the_github_commit_on_record(render_env):
    github, render = FakeGitHub(), FakeRender(statuses=("build_failed",))
    with github.serve(), render.serve(), pytest.raises(DeployError):
        deploy_site(make_site(), deployer=GitHubRenderDeployer(
            github=GitHubDeployer(client=github_client(token=TOKEN, api_url=github.api, spacing=False),
                                  repo=github.repo, api_url=github.api),
            render=RenderDeployer(api_url=render.api, poll_interval=0.01),
        ))
    [row] = deploy_history(site_id="s-rnd")
    assert row["remote_ids"]["github_commit"] == github.branches["site/s-rnd"]
    assert row["remote_ids"]["render_service_id"]


def test_chain_checks_render_settings_before_pushing(monkeypatch):
    github = FakeGitHub()
    with github.serve(), pytest.raises(MissingKeyError, match="RENDER_OWNER_ID"):
        deploy_site(make_site(), deployer=GitHubRenderDeployer(
            github=GitHubDeployer(client=github_client(token=TOKEN, api_url=github.api, spacing=False),
                                  repo=github.repo, api_url=github.api)))
    assert github.requests == []
