"""The GitHub deployer against a fake GitHub API on loopback."""

from __future__ import annotations

import pytest
from fakes.github import TOKEN, FakeGitHub

from faibric_kernel.deploy import GitHubDeployer, SiteToDeploy, deploy_history, deploy_site
from faibric_kernel.deploy.github import github_client, html_base_url
from faibric_kernel.errors import ConfigError, DeployError, MissingKeyError
from faibric_kernel.preview.sample import sample_project


def make_site(site_id: str = "s-gh", version: int = 1, files: dict | None = None) -> SiteToDeploy:
    return SiteToDeploy(site_id, site_id, "default", "p1", version, files or sample_project(6), None)


def deployer_for(fake: FakeGitHub, token: str = TOKEN) -> GitHubDeployer:
    client = github_client(token=token, api_url=fake.api, spacing=False)
    return GitHubDeployer(client=client, repo=fake.repo, api_url=fake.api)


@pytest.fixture
def github():
    fake = FakeGitHub()
    with fake.serve():
        yield fake


def test_first_deploy_makes_one_commit_with_all_files_on_a_new_branch(github):
    site = make_site()
    result = deploy_site(site, deployer=deployer_for(github))
    assert len(github.commits_created()) == 1
    assert github.branch_files("site/s-gh") == site.files
    commit = github.commits[github.branches["site/s-gh"]]
    assert commit["parents"] == [github.branches["main"]]
    assert result.remote_ids["github_commit"] == github.branches["site/s-gh"]
    assert result.url.endswith("/acme/sites/tree/site/s-gh")


def test_first_deploy_costs_at_most_six_calls(github):
    deploy_site(make_site(files=sample_project(15)), deployer=deployer_for(github))
    assert len(github.requests) <= 6


def test_redeploy_moves_the_branch_forward_in_four_calls(github):
    deployer = deployer_for(github)
    deploy_site(make_site(), deployer=deployer)
    first = github.branches["site/s-gh"]
    before = len(github.requests)
    files = sample_project(3)
    deploy_site(make_site(version=2, files=files), deployer=deployer)
    assert len(github.requests) - before == 4
    head = github.commits[github.branches["site/s-gh"]]
    assert head["parents"] == [first]
    assert github.branch_files("site/s-gh") == files  # removed components are gone from the branch


def test_commit_ids_are_recorded(github):
    result = deploy_site(make_site(), deployer=deployer_for(github))
    [row] = deploy_history(site_id="s-gh")
    assert row["remote_ids"]["github_commit"] == result.remote_ids["github_commit"]
    assert row["remote_ids"]["github_branch"] == "site/s-gh"


def _error_for(fault: str, token: str = TOKEN) -> DeployError:
    fake = FakeGitHub(fault=fault)
    with fake.serve(), pytest.raises(DeployError) as info:
        deploy_site(make_site(), deployer=deployer_for(fake, token))
    [row] = deploy_history(site_id="s-gh")
    assert row["status"] == "failed" and row["error"] == info.value.message
    return info.value


def test_empty_repository_asks_for_an_initial_commit():
    error = _error_for("empty")
    assert "empty" in error.message and "initial commit" in error.message


def test_bad_token_names_github_token():
    assert "GITHUB_TOKEN" in _error_for("bad_token").message


def test_forbidden_names_the_permission_to_grant():
    assert "contents: write" in _error_for("forbidden").message


def test_missing_repository_names_github_apps_repo():
    assert "GITHUB_APPS_REPO" in _error_for("no_repo").message


def test_unprocessable_write_is_a_clear_error():
    error = _error_for("unprocessable")
    assert "422" in error.message and "rejected" in error.message


def test_rate_limit_says_when_it_resets():
    error = _error_for("rate_limit")
    assert "rate limit" in error.message and "resets at" in error.message


def test_missing_token_is_a_missing_key_error(monkeypatch):
    monkeypatch.setenv("GITHUB_APPS_REPO", "acme/sites")
    with pytest.raises(MissingKeyError, match="GITHUB_TOKEN"):
        deploy_site(make_site(), "github")


def test_malformed_repo_setting_is_a_config_error(monkeypatch):
    monkeypatch.setenv("GITHUB_APPS_REPO", "just-a-name")
    with pytest.raises(ConfigError, match="owner/name"):
        deploy_site(make_site(), "github")


def test_settings_select_the_server(github, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_APPS_REPO", github.repo)
    monkeypatch.setenv("GITHUB_API_URL", github.api)
    deployer = GitHubDeployer(client=github_client(spacing=False))
    result = deploy_site(make_site(), deployer=deployer)
    assert result.status == "live"
    assert github.requests[0].headers["authorization"] == f"token {TOKEN}"


def test_enterprise_api_url_maps_to_its_web_address():
    assert html_base_url("https://api.github.com") == "https://github.com"
    assert html_base_url("https://git.example.com/api/v3/") == "https://git.example.com"
