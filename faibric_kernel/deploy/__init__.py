"""Deployment: a registry of deploy targets, and the deploy runner that records every deploy.

Targets (``DEPLOYERS``): ``local`` (the default: the workspace, served on
loopback), ``github`` (one commit per deploy on ``site/<site_id>``),
``render`` (a static-site service built from that branch) and
``github+render`` (both, in order).

* :func:`prepare_site` bundles a project into a :class:`SiteToDeploy`.
* :func:`deploy_site` deploys it, writes the ``deploys`` row and emits
  ``deploy_started`` / ``deployed`` / ``deploy_failed``.
* :func:`deploy_version` builds and deploys any stored version of a session
  (rollback included).
"""

from .base import (
    DEPLOYERS,
    DeployCancelledError,
    Deployer,
    DeployResult,
    SiteToDeploy,
    get_deployer,
    missing_settings,
    preflight,
    register_deployer,
)
from .chain import GitHubRenderDeployer
from .github import GitHubDeployer
from .local import LocalDeployer, ensure_sites_server, serve_sites, stop_sites_server
from .render import RenderDeployer
from .run import deploy_site, deploy_version, load_version_files, prepare_site
from .store import deploy_history, list_sites

__all__ = [
    "missing_settings",
    "preflight",
    "DEPLOYERS",
    "DeployCancelledError",
    "DeployResult",
    "Deployer",
    "GitHubDeployer",
    "GitHubRenderDeployer",
    "LocalDeployer",
    "RenderDeployer",
    "SiteToDeploy",
    "deploy_history",
    "deploy_site",
    "deploy_version",
    "ensure_sites_server",
    "get_deployer",
    "list_sites",
    "load_version_files",
    "prepare_site",
    "register_deployer",
    "serve_sites",
    "stop_sites_server",
]
