"""The GitHub deployer: one commit with all of a site's files, on the branch ``site/<site_id>``.

It uses the git data API through PyGithub, so a deploy of any number of files
costs the same few calls: (ref of the site branch, or the repository and its
default branch's ref for a new branch) -> one tree whose elements carry the
file contents -> one commit -> create or move the branch ref. The tree
replaces the branch's content entirely, so files removed from the project
disappear from the branch too.

Settings: ``GITHUB_TOKEN`` (contents: write on the repository),
``GITHUB_APPS_REPO`` (``owner/name``; it must have at least one commit) and
``GITHUB_API_URL`` (GitHub Enterprise: ``https://HOST/api/v3``).
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import UTC, datetime

from .. import config
from ..errors import ConfigError, DeployError
from .base import Deployer, DeployResult, SiteToDeploy, register_deployer, utcnow

__all__ = ["GitHubDeployer", "github_client", "html_base_url"]

DEFAULT_API_URL = "https://api.github.com"


def html_base_url(api_url: str) -> str:
    """The web address that goes with an API address (``https://api.github.com`` -> ``https://github.com``)."""
    api_url = api_url.rstrip("/")
    if api_url == DEFAULT_API_URL:
        return "https://github.com"
    if api_url.endswith("/api/v3"):
        return api_url[: -len("/api/v3")]
    return api_url


def github_client(*, token: str | None = None, api_url: str | None = None, spacing: bool = True):
    """A PyGithub client for the configured server.

    Lazy, so that looking a repository up costs no call until its data is
    needed. Only GET requests are retried (on 5xx and briefly on rate limits):
    a repeated POST could create a second commit or fail on an existing ref.
    ``spacing=False`` drops PyGithub's pauses between requests (for local fakes).
    """
    from github import Auth, Github, GithubRetry

    if token is None:
        token = config.get_secret("GITHUB_TOKEN", required=True, purpose="push sites to GitHub").reveal()
    api_url = api_url or config.get("GITHUB_API_URL") or DEFAULT_API_URL
    options = {}
    if not spacing:
        options.update(seconds_between_requests=0, seconds_between_writes=0, retry=None)
    else:
        options["retry"] = GithubRetry(total=3, backoff_factor=1.0, allowed_methods=frozenset({"GET"}),
                                       max_rate_limit_wait=60)
    return Github(base_url=api_url, auth=Auth.Token(token), lazy=True, timeout=30, **options)


def _reset_hint(headers: dict | None) -> str:
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    reset = headers.get("x-ratelimit-reset")
    retry_after = headers.get("retry-after")
    try:
        if reset:
            when = datetime.fromtimestamp(int(reset), UTC)
            minutes = max(0, int((when.timestamp() - time.time()) // 60) + 1)
            return f"it resets at {when:%H:%M} UTC (in about {minutes} min)"
        if retry_after:
            return f"retry after {int(retry_after)} s"
    except (TypeError, ValueError):
        pass
    return "wait a while"


@contextmanager
def _github_errors(repo: str, api_url: str, step: list[str]):  # noqa: C901 - one translation per GitHub error, at the SDK boundary
    """Turn PyGithub and connection errors into :class:`DeployError` saying what to set or do."""
    from github import GithubException, RateLimitExceededException

    try:
        yield
    except RateLimitExceededException as exc:
        raise DeployError(f"GitHub's rate limit was reached while {step[0]}; {_reset_hint(exc.headers)}, "
                          "then deploy again", status=exc.status) from None
    except GithubException as exc:
        status = exc.status
        message = (exc.data or {}).get("message") if isinstance(exc.data, dict) else None
        detail = f"{status}: {message}" if message else str(status)
        if status == 401:
            text = (f"GitHub refused the token ({detail}); set GITHUB_TOKEN to a valid token "
                    f"with contents: write permission on {repo}")
        elif status == 429 or (status == 403 and "rate limit" in (message or "").lower()):
            text = f"GitHub's rate limit was reached while {step[0]} ({detail}); {_reset_hint(exc.headers)}, then deploy again"
        elif status == 403:
            text = (f"GitHub forbids {step[0]} in {repo} ({detail}); give the token contents: write permission "
                    "on that repository (fine-grained token) or the repo scope (classic token)")
        elif status == 404:
            text = (f"GitHub cannot find {repo} ({detail}) while {step[0]}; check GITHUB_APPS_REPO (owner/name), "
                    f"GITHUB_API_URL ({api_url}) and that the token can see the repository")
        elif status == 409:
            text = (f"the repository {repo} is empty ({detail}); add an initial commit to it "
                    "(for example a README, from GitHub's web page), then deploy again")
        elif status == 422:
            text = (f"GitHub rejected {step[0]} in {repo} ({detail}); check that the branch name is allowed "
                    "and not protected, then deploy again")
        elif status and status >= 500:
            text = f"GitHub failed while {step[0]} ({detail}); try again in a few minutes"
        else:
            text = f"GitHub answered {detail} while {step[0]} in {repo}"
        raise DeployError(text, status=status) from None
    except OSError as exc:
        raise DeployError(f"cannot reach GitHub at {api_url} while {step[0]}: {exc}; "
                          "check GITHUB_API_URL and the network") from None
    except Exception as exc:
        # requests' connection errors are not OSErrors; they are named, not imported, to keep
        # the import of this module light
        if type(exc).__module__.startswith(("requests", "urllib3")):
            raise DeployError(f"cannot reach GitHub at {api_url} while {step[0]}: {exc}; "
                              "check GITHUB_API_URL and the network") from None
        raise


@register_deployer
class GitHubDeployer(Deployer):
    """Pushes a site's source as one commit to the branch ``site/<site_id>`` of ``GITHUB_APPS_REPO``."""

    name = "github"
    needs_key = True
    key_env_var = "GITHUB_TOKEN"
    required_settings = ("GITHUB_TOKEN", "GITHUB_APPS_REPO")
    description = "one commit per deploy on branch site/<id> of GITHUB_APPS_REPO"

    def __init__(self, client=None, repo: str | None = None, api_url: str | None = None):
        self.client = client
        self.repo = repo
        self.api_url = api_url

    def _repo_name(self) -> str:
        name = self.repo or self.require_setting("GITHUB_APPS_REPO", "name the repository (owner/name) sites are pushed to")
        if name.count("/") != 1 or not all(name.split("/")):
            raise ConfigError(f"GITHUB_APPS_REPO must look like owner/name, not {name!r}")
        return name

    def deploy(self, site: SiteToDeploy, *, on_progress=None, cancel=None, on_remote_ids=None) -> DeployResult:
        from github import GithubException, InputGitTreeElement
        from github.GitCommit import GitCommit

        started = utcnow()
        repo_name = self._repo_name()
        api_url = (self.api_url or config.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")
        gh = self.client or github_client(api_url=api_url)
        if not site.files:
            raise DeployError(f"site {site.site_id} has no files to push")
        branch = f"site/{site.site_id}"
        html_repo = f"{html_base_url(api_url)}/{repo_name}"
        step = ["looking up the branch"]
        with _github_errors(repo_name, api_url, step):
            repo = gh.get_repo(repo_name)
            ref = repo.get_git_ref(f"heads/{branch}")
            try:
                parent_sha = ref.object.sha
                new_branch = False
            except GithubException as exc:
                if exc.status != 404:
                    raise
                step[0] = "reading the default branch"
                base = repo.get_git_ref(f"heads/{repo.default_branch}")
                parent_sha = base.object.sha
                new_branch = True
            self._check_cancel(cancel, "before pushing")
            step[0] = "creating the tree"
            self._say(on_progress, f"pushing {len(site.files)} files to {repo_name}@{branch}")
            elements = [
                InputGitTreeElement(path=path, mode="100644", type="blob", content=text)
                for path, text in sorted(site.files.items())
            ]
            tree = repo.create_git_tree(elements)
            step[0] = "creating the commit"
            # the parent is known by its sha alone: a lazy object spares a GET of the commit
            parent = GitCommit(repo.requester, url=f"{repo.url}/git/commits/{parent_sha}",
                               attributes={"sha": parent_sha}, completed=False)
            message = f"Faibric: site {site.site_id}" + (f" version {site.version}" if site.version is not None else "")
            commit = repo.create_git_commit(message, tree, [parent])
            ids = {"github_repo": repo_name, "github_repo_url": html_repo, "github_branch": branch,
                   "github_commit": commit.sha, "github_tree": tree.sha}
            if on_remote_ids is not None:
                on_remote_ids(ids)
            self._check_cancel(cancel, "before moving the branch (the commit exists but no branch points at it)")
            if new_branch:
                step[0] = "creating the branch"
                repo.create_git_ref(f"refs/heads/{branch}", commit.sha)
            else:
                step[0] = "moving the branch"
                ref.edit(commit.sha, force=False)
        url = f"{html_repo}/tree/{branch}"
        self._say(on_progress, f"commit {commit.sha[:12]} on {branch}")
        return DeployResult(self.name, "live", url, ids, started, utcnow())
