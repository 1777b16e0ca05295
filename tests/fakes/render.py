"""A fake Render API (services and deploys of static sites), on loopback.

``POST /v1/services`` bodies are validated against the OpenAPI subset in
``shared/reference``; an invalid body gets the 400 Render would send.
"""

from __future__ import annotations

import itertools

from .openapi import load_spec, request_schema, validate
from .server import LoopbackServer, Reply, Request

API_KEY = "rnd_fakekey"
OWNER_ID = "tea-fakeowner"


class FakeRender:
    """Knobs: ``statuses`` (what successive polls of a deploy return; the last one sticks),
    ``rate_limited`` (how many 429s service creation answers first, with ``Ratelimit-Reset``),
    ``fault`` for every request (``bad_request`` 400, ``bad_key`` 401, ``conflict`` 409 on create)."""

    def __init__(self, statuses=("build_in_progress", "live"), rate_limited: int = 0, reset_seconds: int = 1,
                 fault: str | None = None):
        self.statuses = list(statuses)
        self.rate_limited = rate_limited
        self.reset_seconds = reset_seconds
        self.fault = fault
        self.base_url = ""
        self.requests: list[Request] = []
        self.spec = load_spec()
        self.create_schema = request_schema(self.spec, "/services", "post")
        self.validation_errors: list[list[str]] = []
        self.services: dict[str, dict] = {}
        self.deploys: dict[str, dict] = {}
        self._ids = itertools.count(1)
        self.on_poll = None  # called with each polled deploy (a test can cancel from here)

    @property
    def api(self) -> str:
        return self.base_url + "/v1"

    def serve(self) -> LoopbackServer:
        return LoopbackServer(self)

    def created_services(self) -> list[Request]:
        return [r for r in self.requests if r.method == "POST" and r.path == "/v1/services"]

    def _error(self, status: int, message: str, headers: dict | None = None) -> Reply:
        return Reply(status, {"id": str(status), "message": message}, headers or {})

    def _new_deploy(self, service_id: str) -> dict:
        deploy_id = f"dep-{next(self._ids):04d}"
        deploy = {"id": deploy_id, "status": "created", "trigger": "api", "service_id": service_id, "polls": 0,
                  "createdAt": "2026-11-26T00:00:00Z"}
        self.deploys[deploy_id] = deploy
        return deploy

    @staticmethod
    def _public(deploy: dict) -> dict:
        return {k: v for k, v in deploy.items() if k not in ("service_id", "polls")}

    def handle(self, req: Request) -> Reply:
        if req.headers.get("authorization") != f"Bearer {API_KEY}" or self.fault == "bad_key":
            return self._error(401, "unauthorized")
        if self.fault == "bad_request":
            return self._error(400, "invalid JSON body")
        path = req.path
        if path == "/v1/services" and req.method == "POST":
            if self.rate_limited > 0:
                self.rate_limited -= 1
                return self._error(429, "rate limit exceeded",
                                   {"Ratelimit-Limit": 20, "Ratelimit-Remaining": 0,
                                    "Ratelimit-Reset": self.reset_seconds})
            if self.fault == "conflict":
                return self._error(409, "a service with this name already exists")
            errors = validate(req.body, self.create_schema, self.spec)
            self.validation_errors.append(errors)
            if errors:
                return self._error(400, "; ".join(errors))
            service_id = f"srv-{next(self._ids):04d}"
            body = req.body
            service = {
                "id": service_id, "name": body["name"], "ownerId": body["ownerId"], "type": body["type"],
                "repo": body.get("repo"), "branch": body.get("branch"), "autoDeploy": body.get("autoDeploy", "yes"),
                "createdAt": "2026-11-26T00:00:00Z", "updatedAt": "2026-11-26T00:00:00Z",
                "dashboardUrl": f"https://dashboard.render.com/static/{service_id}", "suspended": "not_suspended",
                "suspenders": [], "notifyOnFail": "default", "slug": body["name"], "rootDir": "",
                "serviceDetails": {**body.get("serviceDetails", {}), "url": f"https://{body['name']}.onrender.com",
                                   "buildPlan": "starter"},
            }
            self.services[service_id] = service
            deploy = self._new_deploy(service_id)
            return Reply(201, {"service": service, "deployId": deploy["id"]})
        parts = path.strip("/").split("/")
        if len(parts) >= 3 and parts[:2] == ["v1", "services"]:
            service_id = parts[2]
            if service_id not in self.services:
                return self._error(404, "service not found")
            if len(parts) == 3 and req.method == "GET":
                return Reply(200, self.services[service_id])
            if len(parts) == 4 and parts[3] == "deploys" and req.method == "POST":
                return Reply(201, self._public(self._new_deploy(service_id)))
            if len(parts) == 4 and parts[3] == "deploys" and req.method == "GET":
                mine = [d for d in self.deploys.values() if d["service_id"] == service_id]
                return Reply(200, [{"deploy": self._public(d), "cursor": d["id"]} for d in reversed(mine)])
            if len(parts) >= 5 and parts[3] == "deploys":
                deploy = self.deploys.get(parts[4])
                if deploy is None or deploy["service_id"] != service_id:
                    return self._error(404, "deploy not found")
                if len(parts) == 6 and parts[5] == "cancel" and req.method == "POST":
                    deploy["status"] = "canceled"
                    return Reply(200, self._public(deploy))
                if len(parts) == 5 and req.method == "GET":
                    if self.on_poll is not None:
                        self.on_poll(deploy)
                    if deploy["status"] != "canceled":
                        deploy["status"] = self.statuses[min(deploy["polls"], len(self.statuses) - 1)]
                        deploy["polls"] += 1
                    return Reply(200, self._public(deploy))
        return self._error(404, "not found")
