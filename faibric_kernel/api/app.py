"""The onboarding HTTP API (FastAPI), started by ``faibric serve``.

Endpoints (JSON in and out; the OpenAPI document is at ``/openapi.json``,
browsable at ``/docs``)::

    POST /api/initial-request        {prompt, variant?}            -> 201 session
    POST /api/provide-email          {session_id, email}           -> magic link sent (or queued)
    GET  /api/verify/{token}                                       -> verified (browsers: a confirm page)
    POST /api/verify/{token}                                       -> verified (the confirm page's button)
    POST /api/trigger-build          {session_id, provider?, deploy_target?} -> 202 building
    GET  /api/session-status/{id}                                  -> status, stage, percent, message, url, error
    POST /api/modify                 {session_id, message}         -> 202 change or new project
    POST /api/stop                   {session_id}                  -> stopped
    POST /api/feedback               {session_id, rating, comment?} -> 201
    GET  /api/health

Every request belongs to a tenant (header ``X-Faibric-Tenant``, default
``default``; ``FAIBRIC_API_TENANTS`` may list the allowed ones) and sees only
that tenant's sessions. Errors are ``{"error", "message", "reason"?}`` with
the right 4xx; nothing answers with a stack trace. Limits (per process):

* ``FAIBRIC_RATE_INITIAL_PER_IP`` (5/minute), ``FAIBRIC_RATE_EMAIL_PER_IP``
  (10/minute), ``FAIBRIC_RATE_EMAIL_PER_ADDRESS`` (5/hour),
  ``FAIBRIC_RATE_VERIFY_PER_IP`` (30/minute), ``FAIBRIC_RATE_ACTIONS_PER_IP``
  (60/minute: trigger-build, modify, stop, feedback),
  ``FAIBRIC_RATE_STATUS_PER_IP`` (1200/minute) -> 429 with ``Retry-After``;
* ``FAIBRIC_API_MAX_BODY_BYTES`` (262144) -> 413; a POST that is not
  ``application/json`` -> 415; malformed JSON -> 400; invalid fields -> 422;
* ``FAIBRIC_CORS_ORIGINS``: comma-separated origins allowed to call from a browser;
* ``FAIBRIC_TRUST_PROXY=1``: take the client IP from ``X-Forwarded-For``.
"""

from __future__ import annotations

import html
import json
import logging
import re
import time
import traceback
import uuid
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import FastAPI, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__, config
from ..errors import (
    AuthError,
    BuildError,
    ConfigError,
    EmailError,
    FaibricError,
    IllegalTransitionError,
    InvalidInputError,
    NotFoundError,
    StoreError,
    StoreLockedError,
)
from ..onboarding import magic_links
from ..onboarding.flow import Onboarding, validate_tenant
from ..onboarding.leases import recover_interrupted
from ..onboarding.worker import BuildWorker, get_worker
from ..sessions import MAX_PROMPT_CHARS
from .forms import SiteGate, live_sites_router
from .ratelimit import RateLimited, RateLimiter, parse_limit

__all__ = ["create_app"]

log = logging.getLogger("faibric.api")

_TOKEN_IN_PATH = re.compile(r"(/api/verify/)[^/?\s\"]+")


def loggable_path(path: str) -> str:
    """A request path fit for a log: a magic link's token is a secret (it works until used)."""
    return _TOKEN_IN_PATH.sub(r"\1[token]", path)


class RedactTokens(logging.Filter):
    """Hides magic-link tokens in the access log lines uvicorn writes for each request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(loggable_path(a) if isinstance(a, str) else a for a in record.args)
        return True

DEFAULT_LIMITS = {
    "initial": ("FAIBRIC_RATE_INITIAL_PER_IP", "5/minute", "initial requests from this address"),
    "email_ip": ("FAIBRIC_RATE_EMAIL_PER_IP", "10/minute", "email submissions from this address"),
    "email_address": ("FAIBRIC_RATE_EMAIL_PER_ADDRESS", "5/hour", "sign-in emails to this address"),
    "verify": ("FAIBRIC_RATE_VERIFY_PER_IP", "30/minute", "sign-in attempts from this address"),
    "actions": ("FAIBRIC_RATE_ACTIONS_PER_IP", "60/minute", "requests from this address"),
    "status": ("FAIBRIC_RATE_STATUS_PER_IP", "1200/minute", "status requests from this address"),
}
DEFAULT_MAX_BODY = 256 * 1024
_JSON_METHODS = {"POST", "PUT", "PATCH"}
_SESSION_ID = r"^[A-Za-z0-9_-]{1,64}$"


# -- request and response models ----------------------------------------------------------------------

class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class InitialRequest(_Body):
    prompt: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS, description="what the site should be")
    variant: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,16}$",
                                description="prompt variant for experiments; assigned A/B when omitted")


class ProvideEmail(_Body):
    session_id: str = Field(pattern=_SESSION_ID)
    email: str = Field(min_length=3, max_length=254)


class SessionRef(_Body):
    session_id: str = Field(pattern=_SESSION_ID)


class TriggerBuild(SessionRef):
    provider: str | None = Field(default=None, pattern=r"^[a-z0-9_-]{1,32}$")
    deploy_target: str | None = Field(default=None, pattern=r"^[a-z0-9_+-]{1,40}$")


class Modify(SessionRef):
    message: str = Field(min_length=1, max_length=5000)


class Feedback(SessionRef):
    rating: int = Field(ge=1, le=5, strict=True)
    comment: str | None = Field(default=None, max_length=2000)


class SessionCreated(BaseModel):
    session_id: str
    tenant_id: str
    status: str
    variant: str | None


class EmailAccepted(BaseModel):
    session_id: str
    status: str
    email: str
    magic_link_sent: bool
    email_queued: bool
    expires_at: str | None


class Verified(BaseModel):
    session_id: str
    status: str
    email: str | None


class BuildAccepted(BaseModel):
    session_id: str
    status: str
    stage: str
    percent: float | None
    message: str


class SessionStatus(BaseModel):
    session_id: str
    tenant_id: str
    status: Literal["request_submitted", "email_provided", "verified", "building", "ready", "deployed", "error",
                    "stopped"]
    activity: str | None = Field(description="build or modify while one runs in this server")
    stage: str | None
    percent: float | None
    message: str | None
    updated_at: str | None
    url: str | None
    error: str | None
    reason: str | None
    variant: str | None
    parent_session_id: str | None


class ModifyAccepted(BaseModel):
    session_id: str
    kind: Literal["change", "new_project"]
    new_session_id: str | None
    status: str
    classification: dict


class Stopped(BaseModel):
    session_id: str
    status: str
    reason: str | None
    stop_pending: bool
    message: str | None = None


class FeedbackRecorded(BaseModel):
    session_id: str
    rating: int
    comment: str | None
    event_id: str


class ErrorBody(BaseModel):
    error: str
    message: str
    reason: str | None = None


Tenant = Annotated[str | None, Header(alias="X-Faibric-Tenant", description="tenant; default 'default'")]

_ERRORS = {code: {"model": ErrorBody} for code in (400, 401, 403, 404, 409, 410, 413, 415, 422, 429, 503)}


# -- errors ---------------------------------------------------------------------------------------------

_CLI_HINT = re.compile(r";[^;]*`faibric [^`]*`[^;]*")


def message_for_api(exc: FaibricError) -> str:
    """An error's message for API callers: hints at `faibric` commands are for operators, not customers."""
    message = _CLI_HINT.sub("", exc.message)
    if isinstance(exc, NotFoundError) and message != exc.message:
        message += "; check the id you were given"
    return message


def status_for(exc: FaibricError) -> int:
    """The HTTP status for a Faibric error."""
    reason = exc.details.get("reason")
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, AuthError):
        return {"not_verified": 403, "invalid": 401}.get(reason, 410)
    if isinstance(exc, IllegalTransitionError):
        return 409
    if isinstance(exc, BuildError):
        return 503 if reason == "shutting_down" else 409
    if isinstance(exc, InvalidInputError):
        return 422
    if isinstance(exc, (StoreLockedError, ConfigError)):
        return 503
    if isinstance(exc, StoreError):
        return 503
    if isinstance(exc, EmailError):
        return 502
    return 500


def _error(status: int, error: str, message: str, reason: str | None = None, headers: dict | None = None):
    body = {"error": error, "message": message, **({"reason": reason} if reason else {})}
    return JSONResponse(body, status_code=status, headers=headers)


def _log_crash(request: Request, reference: str) -> None:
    try:
        path = config.workspace_path("logs") / "api.log"
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"{datetime.now(UTC).isoformat()} {reference} {request.method} {loggable_path(request.url.path)}\n"
                     f"{traceback.format_exc()}\n")
    except OSError:
        pass
    log.exception("unhandled error %s on %s %s", reference, request.method, loggable_path(request.url.path))


def _describe_validation(errors) -> tuple[int, str, str]:
    """(status, error, message) for a request that failed validation."""
    for err in errors:
        if err.get("type") == "json_invalid":
            where = err.get("ctx", {}).get("error", "")
            return 400, "MalformedJSON", f"the body is not valid JSON ({where}); send one JSON object"
    parts = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body",)]
        field = ".".join(loc) or "body"
        kind = err.get("type", "")
        if kind == "missing":
            parts.append(f"{field} is required" if loc else "the body is missing; send a JSON object")
        elif kind == "extra_forbidden":
            parts.append(f"{field} is not a known field")
        elif kind in ("model_attributes_type", "dict_type"):
            parts.append("the body must be a JSON object")
        else:
            parts.append(f"{field}: {err.get('msg', 'invalid')}")
    return 422, "ValidationError", "; ".join(parts)


# -- the body guard (size and content type) -------------------------------------------------------------

class BodyGuard:
    """Refuses bodies over ``max_bytes`` (413) and non-JSON writes under /api/ (415), before any parsing."""

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        length = headers.get("content-length")
        too_big = _error(413, "BodyTooLarge", f"the body is larger than {self.max_bytes} bytes; send less")
        if length is not None:
            try:
                if int(length) > self.max_bytes:
                    return await too_big(scope, receive, send)
            except ValueError:
                return await _error(400, "BadRequest", "the Content-Length header is not a number")(
                    scope, receive, send)
        if scope["method"] in _JSON_METHODS and scope["path"].startswith("/api/"):
            media = headers.get("content-type", "").split(";")[0].strip().lower()
            # the confirm button of the verify page is an HTML form; its (empty) body is never read
            form_post = scope["path"].startswith("/api/verify/") and media in ("application/x-www-form-urlencoded", "")
            if media != "application/json" and not form_post:
                shown = media or "none"
                return await _error(415, "UnsupportedMediaType",
                                    f"send JSON with Content-Type: application/json (got {shown})")(
                    scope, receive, send)
        if length is not None:
            return await self.app(scope, receive, send)
        # no length given (chunked): read the body up to the limit, then replay it
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return await self.app(scope, _replay([message]), send)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return await too_big(scope, receive, send)
            chunks.append(chunk)
            more = message.get("more_body", False)
        return await self.app(scope, _replay([{"type": "http.request", "body": b"".join(chunks),
                                                "more_body": False}], receive), send)


STATUS_PREFIX = "/api/session-status/"


class StatusFastPath:
    """Answers session-status polls straight from memory, before FastAPI's routing and validation.

    Only the plain success case is served here: a session row still fresh in
    the status cache, the caller's tenant matching, the rate limit not hit.
    Everything else (a cold cache, a wrong tenant, an error) goes on to the
    FastAPI route, which gives the same answer the slower way.
    """

    def __init__(self, app, journey: Onboarding, hit, tenant_of):
        self.app = app
        self.journey = journey
        self.hit = hit
        self.tenant_of = tenant_of

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"].startswith(STATUS_PREFIX):
            session_id = scope["path"][len(STATUS_PREFIX):]
            if self.journey.cache.usable(session_id) is not None:
                body = self._answer(scope, session_id)
                if body is not None:
                    await send({"type": "http.response.start", "status": 200,
                                "headers": [(b"content-type", b"application/json"),
                                            (b"content-length", str(len(body)).encode())]})
                    await send({"type": "http.response.body", "body": body})
                    return
        await self.app(scope, receive, send)

    def _answer(self, scope, session_id: str) -> bytes | None:
        tenant = None
        for name, value in scope["headers"]:
            if name == b"x-faibric-tenant":
                tenant = value.decode("latin-1")
        client = scope.get("client")
        try:
            self.hit(scope, client[0] if client else "unknown")
            data = self.journey.status(session_id, tenant_id=self.tenant_of(tenant))
        except (FaibricError, RateLimited):
            return None
        return json.dumps(data, separators=(",", ":")).encode()


def _replay(messages, then=None):
    queue = list(messages)

    async def receive():
        if queue:
            return queue.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive


# -- the app --------------------------------------------------------------------------------------------

def _cors_origins(value) -> list[str]:
    if value is None:
        value = config.get("FAIBRIC_CORS_ORIGINS") or ""
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",")]
    return [v.rstrip("/") for v in value if v]


def create_app(
    *,
    onboarding: Onboarding | None = None,
    worker: BuildWorker | None = None,
    limits: dict[str, str] | None = None,
    cors_origins: list[str] | str | None = None,
    max_body_bytes: int | None = None,
    public_url: str | None = None,
    recover: bool = True,
    ingest_interval: float | None = None,
    shutdown_timeout: float = 10.0,
) -> FastAPI:
    """The onboarding API as an ASGI app.

    ``limits`` overrides rate limits by bucket (``initial``, ``email_ip``,
    ``email_address``, ``verify``, ``actions``, ``status``) with ``"N/period"``
    or ``"off"``. ``public_url`` is this server's own base URL, used in magic
    links when ``FAIBRIC_PUBLIC_URL`` is unset. ``ingest_interval`` (seconds,
    default ``FAIBRIC_INGEST_INTERVAL_SECONDS`` or 30; 0 turns it off) loads
    the spool into the database periodically while the server runs.
    """
    journey = onboarding or Onboarding(worker=worker or get_worker())
    chosen = {**{k: config.get(env) or default for k, (env, default, _) in DEFAULT_LIMITS.items()},
              **(limits or {})}
    parsed = {k: parse_limit(v, setting=DEFAULT_LIMITS[k][0]) for k, v in chosen.items()}
    max_body = max_body_bytes or config.get_int("FAIBRIC_API_MAX_BODY_BYTES", DEFAULT_MAX_BODY)
    allowed_tenants = {t.strip() for t in (config.get("FAIBRIC_API_TENANTS") or "").split(",") if t.strip()}
    trust_proxy = config.get_bool("FAIBRIC_TRUST_PROXY", False)
    limiter = RateLimiter()
    interval = ingest_interval if ingest_interval is not None else float(
        config.get("FAIBRIC_INGEST_INTERVAL_SECONDS") or 30)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        access = logging.getLogger("uvicorn.access")
        if not any(isinstance(f, RedactTokens) for f in access.filters):
            access.addFilter(RedactTokens())
        if public_url:
            magic_links.set_api_url(public_url)
        if recover:
            try:
                recovered = await run_in_threadpool(recover_interrupted)
                if recovered:
                    log.warning("marked %d interrupted build(s) as error: %s", len(recovered), ", ".join(recovered))
            except FaibricError as exc:
                log.error("recovering interrupted builds failed: %s", exc)
        ingester = None
        if interval > 0:
            from ..store.ingest import PeriodicIngest

            ingester = PeriodicIngest(interval).start()
        try:
            yield
        finally:
            await run_in_threadpool(lambda: journey.worker.shutdown(timeout=shutdown_timeout))
            if ingester is not None:
                await run_in_threadpool(ingester.stop)

    app = FastAPI(
        title="Faibric onboarding API",
        version=__version__,
        description="A customer submits a prompt, confirms an email with a magic link, follows the build of "
                    "their site and asks for changes.",
        lifespan=lifespan,
        responses=_ERRORS,
    )
    app.state.onboarding = journey
    app.state.limiter = limiter

    @app.exception_handler(FaibricError)
    async def faibric_error(request: Request, exc: FaibricError):
        status = status_for(exc)
        if status >= 500 and status != 503:
            _log_crash(request, uuid.uuid4().hex[:10])
        headers = {"Retry-After": "2"} if status == 503 else None
        return _error(status, type(exc).__name__, message_for_api(exc), exc.details.get("reason"), headers)

    @app.exception_handler(RateLimited)
    async def rate_limited(request: Request, exc: RateLimited):
        return _error(429, "RateLimited", exc.message, headers={"Retry-After": str(exc.retry_after)})

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        status, error, message = _describe_validation(exc.errors())
        return _error(status, error, message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        messages = {404: f"no endpoint {request.method} {request.url.path}; the API is described at /docs",
                    405: f"{request.method} is not allowed on {request.url.path}"}
        message = messages.get(exc.status_code) or (exc.detail if isinstance(exc.detail, str) else "request refused")
        names = {404: "NotFound", 405: "MethodNotAllowed"}
        return _error(exc.status_code, names.get(exc.status_code, "HTTPError"), message,
                      headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        reference = uuid.uuid4().hex[:10]
        _log_crash(request, reference)
        return _error(500, "InternalError", f"something went wrong on our side (reference {reference}); "
                                            "it was logged, please try again")

    def status_hit(scope, peer: str) -> None:
        ip = peer
        if trust_proxy:
            for name, value in scope["headers"]:
                if name == b"x-forwarded-for":
                    ip = value.decode("latin-1").split(",")[0].strip()
        limit("status", ip)

    app.add_middleware(StatusFastPath, journey=journey, hit=status_hit, tenant_of=lambda t: tenant_of(t))
    app.add_middleware(BodyGuard, max_bytes=max_body)
    origins = _cors_origins(cors_origins)
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST", "OPTIONS"],
                           allow_headers=["Content-Type", "X-Faibric-Tenant"], max_age=600)

    def client_ip(request: Request) -> str:
        if trust_proxy:
            forwarded = request.headers.get("x-forwarded-for")
            if forwarded:
                return forwarded.split(",")[0].strip()
        return request.client.host if request.client else "unknown"

    def tenant_of(header: str | None) -> str:
        tenant = validate_tenant(header or "default")
        if allowed_tenants and tenant not in allowed_tenants:
            raise NotFoundError(f"tenant {tenant!r} is not served here")
        return tenant

    def limit(bucket: str, key: str) -> None:
        limiter.hit(bucket, key, parsed[bucket], DEFAULT_LIMITS[bucket][2])

    @app.post("/api/initial-request", status_code=201, response_model=SessionCreated, tags=["onboarding"])
    def initial_request(body: InitialRequest, request: Request, x_faibric_tenant: Tenant = None):
        """Start a session from a prompt."""
        ip = client_ip(request)
        limit("initial", ip)
        session = journey.submit_request(body.prompt, tenant_of(x_faibric_tenant), ip=ip, variant=body.variant)
        return SessionCreated(session_id=session.session_id, tenant_id=session.tenant_id, status=session.status,
                              variant=session.variant)

    @app.post("/api/provide-email", response_model=EmailAccepted, tags=["onboarding"])
    def provide_email(body: ProvideEmail, request: Request, x_faibric_tenant: Tenant = None):
        """Record the customer's email and send the magic link."""
        limit("email_ip", client_ip(request))
        limit("email_address", body.email.lower())
        return journey.provide_email(body.session_id, body.email, tenant_id=tenant_of(x_faibric_tenant))

    def _verified(token: str, request: Request, *, use: bool):
        wants_html = "text/html" in request.headers.get("accept", "")
        try:
            limit("verify", client_ip(request))
            if not use:
                magic_links.check_token(token)
                return HTMLResponse(_confirm_page(token))
            session = journey.verify(token)
        except (FaibricError, RateLimited) as exc:
            if not wants_html:
                raise
            status = 429 if isinstance(exc, RateLimited) else status_for(exc)
            message = exc.message if isinstance(exc, RateLimited) else message_for_api(exc)
            return HTMLResponse(_page("This link cannot be used", message), status_code=status)
        if wants_html:
            return HTMLResponse(_page("Email confirmed", "Thank you. Your site is ready to be built; "
                                      "return to the page where you started to follow it."))
        return Verified(session_id=session.session_id, status=session.status, email=session.email)

    @app.get("/api/verify/{token}", response_model=Verified, tags=["onboarding"],
             responses={200: {"content": {"text/html": {}}}})
    def verify(token: str, request: Request):
        """Use a magic link. API clients get JSON. A browser gets a page with one button that
        uses the link (a POST), so mail scanners that open every link do not use it up."""
        return _verified(token, request, use="text/html" not in request.headers.get("accept", ""))

    @app.post("/api/verify/{token}", response_model=Verified, tags=["onboarding"],
              responses={200: {"content": {"text/html": {}}}})
    def verify_confirmed(token: str, request: Request):
        """Use a magic link: the button on the page a browser gets, or an API client's POST."""
        return _verified(token, request, use=True)

    @app.post("/api/trigger-build", status_code=202, response_model=BuildAccepted, tags=["builds"])
    def trigger_build(body: TriggerBuild, request: Request, x_faibric_tenant: Tenant = None):
        """Start building a verified session's site in the background."""
        limit("actions", client_ip(request))
        answer = journey.trigger_build(body.session_id, tenant_id=tenant_of(x_faibric_tenant),
                                       provider=body.provider, deploy_target=body.deploy_target)
        return BuildAccepted(**{k: answer[k] for k in BuildAccepted.model_fields})

    @app.get("/api/session-status/{session_id}", response_model=SessionStatus, tags=["builds"])
    async def session_status(session_id: str, request: Request, x_faibric_tenant: Tenant = None):
        """Status, build progress (stage, percent, message), URL and error of a session."""
        limit("status", client_ip(request))
        tenant = tenant_of(x_faibric_tenant)
        if journey.cache.usable(session_id) is not None:
            data = journey.status(session_id, tenant_id=tenant)  # memory only: no thread hop
        else:
            data = await run_in_threadpool(journey.status, session_id, tenant_id=tenant)
        return JSONResponse(data)

    @app.post("/api/modify", status_code=202, response_model=ModifyAccepted, tags=["builds"])
    def modify(body: Modify, request: Request, x_faibric_tenant: Tenant = None):
        """Ask for a change to a built site, or for a new project."""
        limit("actions", client_ip(request))
        answer = journey.modify(body.session_id, body.message, tenant_id=tenant_of(x_faibric_tenant))
        return ModifyAccepted(**answer)

    @app.post("/api/stop", response_model=Stopped, tags=["builds"])
    def stop(body: SessionRef, request: Request, x_faibric_tenant: Tenant = None):
        """Stop a session: cancel its build or change and leave it stopped."""
        limit("actions", client_ip(request))
        return Stopped(**journey.stop(body.session_id, tenant_id=tenant_of(x_faibric_tenant)))

    @app.post("/api/feedback", status_code=201, response_model=FeedbackRecorded, tags=["onboarding"])
    def feedback(body: Feedback, request: Request, x_faibric_tenant: Tenant = None):
        """Rate a site from 1 to 5, with an optional comment."""
        limit("actions", client_ip(request))
        return journey.submit_feedback(body.session_id, body.rating, body.comment,
                                       tenant_id=tenant_of(x_faibric_tenant))

    @app.get("/api/health", tags=["ops"])
    def health():
        """Is the API up and its store readable; how many builds run here."""
        from ..store import read_connection

        started = time.perf_counter()
        try:
            with read_connection(include_spool=False, timeout=3) as con:
                con.execute("SELECT 1").fetchall()
            store = {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}
        except FaibricError as exc:
            store = {"ok": False, "detail": exc.message}
        running = len(journey.worker.running_jobs())
        body = {"ok": store["ok"], "version": __version__, "store": store, "builds_running": running}
        return JSONResponse(body, status_code=200 if store["ok"] else 503)

    app.include_router(live_sites_router)
    app.add_middleware(SiteGate)  # added last, so it runs first: live sites' CORS and text/plain beacons
    return app


def _confirm_page(token: str) -> str:
    action = html.escape(f"/api/verify/{token}", quote=True)
    return (
        "<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport content='width=device-width'>"
        "<meta name=robots content=noindex><title>Confirm your email</title>"
        "<body style='font-family:system-ui;max-width:34rem;margin:4rem auto;padding:0 1rem'>"
        "<h1>Confirm your email</h1><p>One click and your site can be built.</p>"
        f"<form method=post action='{action}'><button type=submit style='font-size:1.1rem;padding:.6rem 1.2rem'>"
        "Confirm my email</button></form></body></html>"
    )


def _page(title: str, text: str) -> str:
    return (
        "<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport content='width=device-width'>"
        f"<title>{html.escape(title)}</title><body style='font-family:system-ui;max-width:34rem;margin:4rem auto;"
        f"padding:0 1rem'><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>"
    )

