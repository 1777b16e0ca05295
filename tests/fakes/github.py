"""A fake GitHub REST API (the git data endpoints the github deployer uses), on loopback."""

from __future__ import annotations

import hashlib
import time

from .server import LoopbackServer, Reply, Request

TOKEN = "ghp_faketoken"


def _sha(*parts) -> str:
    return hashlib.sha1(repr(parts).encode()).hexdigest()


class FakeGitHub:
    """State: one repository with branches, trees and commits. ``fault`` injects an error:
    ``empty`` (409), ``bad_token`` (401), ``forbidden`` (403 on writes), ``no_repo`` (404),
    ``unprocessable`` (422 on writes), ``rate_limit`` (403 with the rate-limit headers)."""

    def __init__(self, repo: str = "acme/sites", default_branch: str = "main", fault: str | None = None):
        self.repo = repo
        self.default_branch = default_branch
        self.fault = fault
        self.base_url = ""
        self.requests: list[Request] = []
        root = _sha("root")
        self.commits: dict[str, dict] = {root: {"sha": root, "message": "Initial commit", "tree": _sha("t0"),
                                                "parents": []}}
        self.trees: dict[str, dict] = {_sha("t0"): {"README.md": "# sites\n"}}
        self.branches: dict[str, str] = {default_branch: root}

    # helpers for tests

    @property
    def api(self) -> str:
        return self.base_url + "/api/v3"

    def branch_files(self, branch: str) -> dict[str, str]:
        return self.trees[self.commits[self.branches[branch]]["tree"]]

    def commits_created(self) -> list[Request]:
        return [r for r in self.requests if r.method == "POST" and r.path.endswith("/git/commits")]

    def serve(self) -> LoopbackServer:
        return LoopbackServer(self)

    # the API

    def _error(self, status: int, message: str, headers: dict | None = None) -> Reply:
        return Reply(status, {"message": message, "documentation_url": "https://docs.github.com/rest"}, headers or {})

    def _ref_json(self, branch: str) -> dict:
        sha = self.branches[branch]
        return {"ref": f"refs/heads/{branch}", "url": f"{self.api}/repos/{self.repo}/git/refs/heads/{branch}",
                "object": {"sha": sha, "type": "commit", "url": f"{self.api}/repos/{self.repo}/git/commits/{sha}"}}

    def handle(self, req: Request) -> Reply:
        if req.headers.get("authorization") not in (f"token {TOKEN}", f"Bearer {TOKEN}") or self.fault == "bad_token":
            return self._error(401, "Bad credentials")
        if self.fault == "rate_limit":
            reset = int(time.time()) + 600
            return self._error(403, "API rate limit exceeded for user ID 1.",
                               {"x-ratelimit-remaining": "0", "x-ratelimit-limit": "5000", "x-ratelimit-reset": reset})
        prefix = f"/api/v3/repos/{self.repo}"
        if not req.path.startswith(prefix) or self.fault == "no_repo":
            return self._error(404, "Not Found")
        rest = req.path[len(prefix):]
        if rest == "" and req.method == "GET":
            return Reply(200, {"full_name": self.repo, "name": self.repo.split("/")[1],
                               "default_branch": self.default_branch, "url": f"{self.api}/repos/{self.repo}",
                               "html_url": f"{self.base_url}/{self.repo}", "private": True})
        if self.fault == "empty" and rest.startswith("/git/"):
            return self._error(409, "Git Repository is empty.")
        if req.method != "GET" and self.fault == "forbidden":
            return self._error(403, "Resource not accessible by personal access token")
        if req.method != "GET" and self.fault == "unprocessable":
            return self._error(422, "Validation Failed")
        for prefix_ref in ("/git/ref/heads/", "/git/refs/heads/"):
            if rest.startswith(prefix_ref):
                branch = rest[len(prefix_ref):]
                if req.method == "GET":
                    if branch not in self.branches:
                        return self._error(404, "Not Found")
                    return Reply(200, self._ref_json(branch))
                if req.method == "PATCH":
                    if branch not in self.branches:
                        return self._error(422, "Reference does not exist")
                    new = req.body["sha"]
                    if not req.body.get("force") and self.branches[branch] not in self.commits[new]["parents"]:
                        return self._error(422, "Update is not a fast forward")
                    self.branches[branch] = new
                    return Reply(200, self._ref_json(branch))
        if rest == "/git/trees" and req.method == "POST":
            files = {}
            for item in req.body["tree"]:
                if set(item) - {"path", "mode", "type", "content", "sha"} or item.get("type") != "blob":
                    return self._error(422, "Invalid tree element")
                files[item["path"]] = item["content"]
            sha = _sha("tree", sorted(files.items()))
            self.trees[sha] = files
            return Reply(201, {"sha": sha, "url": f"{self.api}/repos/{self.repo}/git/trees/{sha}", "truncated": False,
                               "tree": [{"path": p, "mode": "100644", "type": "blob", "sha": _sha(p, t)}
                                        for p, t in files.items()]})
        if rest == "/git/commits" and req.method == "POST":
            body = req.body
            if body["tree"] not in self.trees or any(p not in self.commits for p in body["parents"]):
                return self._error(422, "Tree or parent SHA does not exist")
            sha = _sha("commit", body["tree"], body["parents"], body["message"], len(self.commits))
            self.commits[sha] = {"sha": sha, "message": body["message"], "tree": body["tree"],
                                 "parents": list(body["parents"])}
            return Reply(201, {"sha": sha, "url": f"{self.api}/repos/{self.repo}/git/commits/{sha}",
                               "message": body["message"], "tree": {"sha": body["tree"]},
                               "parents": [{"sha": p} for p in body["parents"]]})
        if rest.startswith("/git/commits/") and req.method == "GET":
            sha = rest.rsplit("/", 1)[1]
            if sha not in self.commits:
                return self._error(404, "Not Found")
            c = self.commits[sha]
            return Reply(200, {"sha": sha, "message": c["message"], "tree": {"sha": c["tree"]},
                               "parents": [{"sha": p} for p in c["parents"]],
                               "url": f"{self.api}/repos/{self.repo}/git/commits/{sha}"})
        if rest == "/git/refs" and req.method == "POST":
            ref, sha = req.body["ref"], req.body["sha"]
            branch = ref.removeprefix("refs/heads/")
            if branch in self.branches:
                return self._error(422, "Reference already exists")
            if sha not in self.commits:
                return self._error(422, "Object does not exist")
            self.branches[branch] = sha
            return Reply(201, self._ref_json(branch))
        return self._error(404, "Not Found")
