"""``github+render``: push the site to its GitHub branch, then build and serve it on Render."""

from __future__ import annotations

from .. import config
from .base import Deployer, DeployResult, SiteToDeploy, register_deployer, utcnow
from .github import GitHubDeployer
from .render import RenderDeployer

__all__ = ["GitHubRenderDeployer"]


@register_deployer
class GitHubRenderDeployer(Deployer):
    """One commit on ``site/<site_id>``, then a Render static site that builds exactly that commit."""

    name = "github+render"
    needs_key = True
    key_env_var = "GITHUB_TOKEN"
    required_settings = ("GITHUB_TOKEN", "GITHUB_APPS_REPO", "RENDER_API_KEY", "RENDER_OWNER_ID")
    key_env_vars = ("GITHUB_TOKEN", "RENDER_API_KEY")
    description = "GitHub push, then a Render static site built from it"

    def __init__(self, github: GitHubDeployer | None = None, render: RenderDeployer | None = None,
                 github_options: dict | None = None, render_options: dict | None = None):
        self.github = github or GitHubDeployer(**(github_options or {}))
        self.render = render or RenderDeployer(**(render_options or {}))

    def deploy(self, site: SiteToDeploy, *, on_progress=None, cancel=None, on_remote_ids=None) -> DeployResult:
        started = utcnow()
        # both sets of settings are checked before anything is pushed
        self.render.require_setting("RENDER_OWNER_ID", "name the Render workspace that owns the services")
        if self.render.client is None:
            config.get_secret("RENDER_API_KEY", required=True, purpose="deploy sites to Render")
        ids: dict = {}

        def remember(found: dict) -> None:
            ids.update(found)
            if on_remote_ids is not None:
                on_remote_ids(dict(ids))

        pushed = self.github.deploy(site, on_progress=on_progress, cancel=cancel, on_remote_ids=remember)
        self._check_cancel(cancel, "after the GitHub push")
        source = {
            "repo_url": pushed.remote_ids["github_repo_url"],
            "branch": pushed.remote_ids["github_branch"],
            "commit": pushed.remote_ids["github_commit"],
        }
        served = self.render.deploy(site, on_progress=on_progress, cancel=cancel, on_remote_ids=remember,
                                    source=source)
        ids.update(pushed.remote_ids)
        ids.update(served.remote_ids)
        ids["github_url"] = pushed.url
        return DeployResult(self.name, "live", served.url, ids, started, utcnow())
