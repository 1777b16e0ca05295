"""The Render deployer: a static-site service that builds the site's branch, polled to a final status.

The first deploy of a site creates the service (``POST /services``: type
``static_site``, the repository and branch, ``npm install && npm run build``,
publish path ``dist`` and a rewrite of ``/*`` to ``/index.html`` for client
routes); Render answers 201 with the service and its first deploy id. Later
deploys reuse the service (its id is kept in the store with the site's deploys)
and trigger a deploy of it. Each deploy is then polled until ``live`` or
``deactivated`` (success) or ``build_failed``, ``update_failed``,
``pre_deploy_failed`` or ``canceled`` (failure).

Faults: 429 answers are waited out until ``Ratelimit-Reset`` (creating services
is limited to 20 an hour) when the wait is short, else they end the deploy;
5xx and connection errors are retried for reads only, since a repeated
``POST /services`` could create a second service. Errors come as
``{id, message}``. Settings: ``RENDER_API_KEY``, ``RENDER_OWNER_ID``,
``RENDER_API_URL``.
"""

from __future__ import annotations

import re
import threading
import time

import httpx

from .. import config
from ..errors import DeployError
from .base import DeployCancelledError, Deployer, DeployResult, SiteToDeploy, register_deployer, utcnow
from .github import DEFAULT_API_URL as GITHUB_DEFAULT_API_URL
from .github import html_base_url

__all__ = ["FAILED_STATUSES", "LIVE_STATUSES", "RenderDeployer", "service_body"]

DEFAULT_API_URL = "https://api.render.com/v1"
LIVE_STATUSES = frozenset({"live", "deactivated"})
FAILED_STATUSES = frozenset({"build_failed", "update_failed", "pre_deploy_failed", "canceled"})
BUILD_COMMAND = "npm install && npm run build"
PUBLISH_PATH = "dist"


def service_name(site_id: str) -> str:
    """The Render service name for a site (Render derives the subdomain from it)."""
    return re.sub(r"[^a-z0-9-]+", "-", f"faibric-{site_id}".lower()).strip("-")[:60]


def service_body(*, site_id: str, owner_id: str, repo_url: str, branch: str) -> dict:
    """The ``POST /services`` body for a site's static-site service."""
    return {
        "type": "static_site",
        "name": service_name(site_id),
        "ownerId": owner_id,
        "repo": repo_url,
        "branch": branch,
        "autoDeploy": "no",
        "serviceDetails": {
            "buildCommand": BUILD_COMMAND,
            "publishPath": PUBLISH_PATH,
            "routes": [{"type": "rewrite", "source": "/*", "destination": "/index.html"}],
        },
    }


def _reset_seconds(value: str | None) -> float | None:
    """``Ratelimit-Reset`` as seconds from now (Render sends seconds; an epoch time is accepted too)."""
    if not value:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    if number > 1e9:
        number -= time.time()
    return max(0.0, number)


@register_deployer
class RenderDeployer(Deployer):
    """Creates (once) and deploys a Render static site built from the site's GitHub branch."""

    name = "render"
    needs_key = True
    key_env_var = "RENDER_API_KEY"
    required_settings = ("RENDER_API_KEY", "RENDER_OWNER_ID", "GITHUB_APPS_REPO")
    description = "a Render static site built from the site's GitHub branch"

    def __init__(
        self,
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        api_url: str | None = None,
        poll_interval: float = 5.0,
        poll_timeout: float = 1800.0,
        max_rate_limit_wait: float = 120.0,
        read_retries: int = 3,
    ):
        self.client = client
        self.transport = transport
        self.api_url = api_url
        self.poll_interval = poll_interval
        self.poll_timeout = poll_timeout
        self.max_rate_limit_wait = max_rate_limit_wait
        self.read_retries = read_retries
        self.calls = 0

    # --- HTTP ---------------------------------------------------------------------------

    def _client(self) -> tuple[httpx.Client, bool]:
        if self.client is not None:
            return self.client, False
        key = config.get_secret("RENDER_API_KEY", required=True, purpose="deploy sites to Render").reveal()
        base = (self.api_url or config.get("RENDER_API_URL") or DEFAULT_API_URL).rstrip("/")
        client = httpx.Client(
            base_url=base,
            headers={"Authorization": f"Bearer {key}", "Accept": "application/json"},
            timeout=httpx.Timeout(30.0, connect=10.0),
            transport=self.transport,
        )
        return client, True

    @staticmethod
    def _wait(seconds: float, cancel: threading.Event | None) -> None:
        if cancel is not None:
            cancel.wait(seconds)
        else:
            time.sleep(seconds)

    def _request(self, client: httpx.Client, method: str, path: str, *, what: str, json: dict | None = None,
                 cancel: threading.Event | None = None, ok: tuple[int, ...] = (200, 201, 202)) -> httpx.Response:
        """One API call; waits out short 429s, retries reads on 5xx and connection errors."""
        read = method == "GET"
        attempt = 0
        rate_waits = 0
        while True:
            attempt += 1
            self.calls += 1
            try:
                response = client.request(method, path, json=json)
            except httpx.TransportError as exc:
                if read and attempt <= self.read_retries:
                    self._wait(min(2.0 ** attempt, 10.0), cancel)
                    continue
                raise DeployError(f"cannot reach Render at {client.base_url} while {what}: {exc}; "
                                  "check RENDER_API_URL and the network") from None
            if response.status_code in ok:
                return response
            if response.status_code == 429:
                wait = _reset_seconds(response.headers.get("Ratelimit-Reset"))
                if wait is None:
                    wait = 1.0 * (rate_waits + 1)
                if wait <= self.max_rate_limit_wait and rate_waits < 3:
                    # a 429 means the request was not processed, so even a POST is safe to repeat
                    rate_waits += 1
                    self._wait(wait + 0.05, cancel)
                    if cancel is not None and cancel.is_set():
                        raise DeployCancelledError(f"the render deploy was cancelled while {what}")
                    continue
            if response.status_code >= 500 and read and attempt <= self.read_retries:
                self._wait(min(2.0 ** attempt, 10.0), cancel)
                continue
            raise self._error(response, what)

    @staticmethod
    def _error(response: httpx.Response, what: str) -> DeployError:
        status = response.status_code
        try:
            body = response.json()
            message = body.get("message") if isinstance(body, dict) else None
        except ValueError:
            message = response.text[:200] or None
        detail = f"{status}: {message}" if message else str(status)
        if status == 400:
            text = (f"Render rejected {what} ({detail}); check RENDER_OWNER_ID and that Render can read "
                    "the repository (connect your GitHub account or app to Render)")
        elif status == 401:
            text = f"Render refused the API key ({detail}); set RENDER_API_KEY to a valid key (Account settings > API keys)"
        elif status == 402:
            text = f"Render asks for payment details ({detail}); add a payment method to the Render workspace"
        elif status == 403:
            text = f"Render forbids {what} ({detail}); check that the API key belongs to workspace RENDER_OWNER_ID"
        elif status == 404:
            text = f"Render cannot find what {what} needs ({detail}); check RENDER_OWNER_ID and RENDER_API_URL"
        elif status == 409:
            text = (f"Render reports a conflict while {what} ({detail}); a service with the same name may already "
                    "exist: delete or rename it in the Render dashboard, then deploy again")
        elif status == 429:
            reset = _reset_seconds(response.headers.get("Ratelimit-Reset"))
            when = f"it resets in {reset:.0f} s" if reset is not None else "wait a while"
            text = (f"Render's rate limit was reached while {what} ({detail}); {when} "
                    "(creating services is limited to 20 an hour), then deploy again")
        elif status >= 500:
            text = f"Render failed while {what} ({detail}); try again in a few minutes"
        else:
            text = f"Render answered {detail} while {what}"
        return DeployError(text, status=status)

    # --- deploy -------------------------------------------------------------------------

    def _source(self, site: SiteToDeploy, source: dict | None) -> tuple[str, str, str | None]:
        if source and source.get("repo_url"):
            return source["repo_url"], source.get("branch") or f"site/{site.site_id}", source.get("commit")
        repo = self.require_setting("GITHUB_APPS_REPO", "name the repository (owner/name) Render builds sites from")
        api = config.get("GITHUB_API_URL") or GITHUB_DEFAULT_API_URL
        return f"{html_base_url(api)}/{repo}", f"site/{site.site_id}", None

    def deploy(self, site: SiteToDeploy, *, on_progress=None, cancel=None, on_remote_ids=None,
               source: dict | None = None) -> DeployResult:
        """Deploy ``site`` from its GitHub branch; ``source`` (repo_url, branch, commit) comes from a push."""
        started = utcnow()
        owner_id = self.require_setting("RENDER_OWNER_ID", "name the Render workspace that owns the services")
        repo_url, branch, commit = self._source(site, source)
        client, owned = self._client()
        ids: dict = {}

        def remember(**found):
            ids.update({k: v for k, v in found.items() if v})
            if on_remote_ids is not None:
                on_remote_ids(dict(ids))

        try:
            self._check_cancel(cancel)
            service_id = site.previous_remote_ids.get("render_service_id")
            deploy_id = None
            service_url = site.previous_remote_ids.get("render_url")
            dashboard = site.previous_remote_ids.get("render_dashboard_url")
            if service_id:
                self._say(on_progress, f"redeploying service {service_id}")
                body = {"clearCache": "do_not_clear"}
                if commit:
                    body["commitId"] = commit
                response = self._request(client, "POST", f"/services/{service_id}/deploys", json=body,
                                         what="triggering a deploy", cancel=cancel, ok=(200, 201, 202, 404))
                if response.status_code == 404:
                    self._say(on_progress, f"service {service_id} is gone; creating a new one")
                    service_id = None
                else:
                    remember(render_service_id=service_id, render_url=service_url, render_dashboard_url=dashboard)
                    deploy_id = self._deploy_id(client, response, service_id, cancel)
                    remember(render_deploy_id=deploy_id)
                    if not service_url:
                        service = self._request(client, "GET", f"/services/{service_id}", what="reading the service",
                                                cancel=cancel).json()
                        service_url = (service.get("serviceDetails") or {}).get("url")
                        remember(render_url=service_url, render_dashboard_url=service.get("dashboardUrl"))
            if not service_id:
                self._say(on_progress, f"creating a static site for {repo_url}@{branch}")
                body = service_body(site_id=site.site_id, owner_id=owner_id, repo_url=repo_url, branch=branch)
                created = self._request(client, "POST", "/services", json=body, what="creating the service",
                                        cancel=cancel).json()
                service = created.get("service") or {}
                service_id = service.get("id")
                deploy_id = created.get("deployId")
                if not service_id:
                    raise DeployError("Render created a service but its answer has no service id; "
                                      "look for it in the Render dashboard")
                service_url = (service.get("serviceDetails") or {}).get("url")
                remember(render_service_id=service_id, render_deploy_id=deploy_id, render_url=service_url,
                         render_dashboard_url=service.get("dashboardUrl"))
                if not deploy_id:
                    deploy_id = self._latest_deploy(client, service_id, cancel)
                    remember(render_deploy_id=deploy_id)
            status = self._poll(client, service_id, deploy_id, on_progress, cancel)
            if status not in LIVE_STATUSES:
                where = ids.get("render_dashboard_url") or f"service {service_id}"
                raise DeployError(f"the Render deploy {deploy_id} ended {status}; read its logs at {where}",
                                  render_status=status)
        finally:
            if owned:
                client.close()
        self._say(on_progress, f"live at {service_url}")
        return DeployResult(self.name, "live", service_url, dict(ids), started, utcnow())

    def _deploy_id(self, client, response: httpx.Response, service_id: str, cancel) -> str:
        try:
            data = response.json() if response.content else {}
        except ValueError:
            data = {}
        if isinstance(data, dict) and data.get("id"):
            return data["id"]
        # 202 (queued) may come without a body: the newest deploy is ours
        return self._latest_deploy(client, service_id, cancel)

    def _latest_deploy(self, client, service_id: str, cancel) -> str:
        found = self._request(client, "GET", f"/services/{service_id}/deploys?limit=1", what="listing deploys",
                              cancel=cancel).json()
        if isinstance(found, list) and found:
            item = found[0].get("deploy", found[0])
            if item.get("id"):
                return item["id"]
        raise DeployError(f"Render accepted the deploy of service {service_id} but lists no deploy; "
                          "check the Render dashboard")

    def _poll(self, client, service_id: str, deploy_id: str, on_progress, cancel) -> str:
        deadline = time.monotonic() + self.poll_timeout
        last = None
        while True:
            if cancel is not None and cancel.is_set():
                self._say(on_progress, f"cancelling deploy {deploy_id}")
                try:
                    self._request(client, "POST", f"/services/{service_id}/deploys/{deploy_id}/cancel",
                                  what="cancelling the deploy")
                except DeployError as exc:
                    raise DeployCancelledError(f"the render deploy was cancelled, but Render did not confirm: "
                                               f"{exc.message}") from None
                raise DeployCancelledError(f"the render deploy {deploy_id} was cancelled")
            data = self._request(client, "GET", f"/services/{service_id}/deploys/{deploy_id}",
                                 what="checking the deploy", cancel=cancel).json()
            status = data.get("status") or "unknown"
            if status != last:
                self._say(on_progress, f"deploy {deploy_id}: {status}")
                last = status
            if status in LIVE_STATUSES or status in FAILED_STATUSES:
                return status
            if time.monotonic() > deadline:
                raise DeployError(f"the Render deploy {deploy_id} is still {status} after {self.poll_timeout:.0f} s; "
                                  "it goes on at Render: check the dashboard, then deploy again if needed")
            self._wait(self.poll_interval, cancel)
