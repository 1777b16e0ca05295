"""The customer's journey over HTTP: prompt, email, magic link, build, status, changes, stop, feedback.

Every route is served at the seed's path (``/api/onboarding/<step>/``, with the
trailing slash) and at the older short path (``/api/<step>``). Acting on a
session (status, build, change, stop, feedback) needs its session secret as
``Authorization: Bearer <secret>``; the secret is returned once, by verify.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import APIKeyHeader, HTTPBearer

from ..errors import FaibricError
from ..onboarding import magic_links
from .context import ApiContext, get_context
from .errors import message_for_api, status_for
from .models import (
    ERRORS,
    BuildAccepted,
    EmailAccepted,
    Feedback,
    FeedbackRecorded,
    InitialRequest,
    Modify,
    ModifyAccepted,
    ProvideEmail,
    SessionCreated,
    SessionRef,
    SessionStatus,
    Stopped,
    TenantHeader,
    TriggerBuild,
    Verified,
)
from .pages import confirm_page, page, verified_page
from .ratelimit import RateLimited, fold_address

__all__ = ["router"]

router = APIRouter(responses=ERRORS)

Ctx = Annotated[ApiContext, Depends(get_context)]
_secret_scheme = HTTPBearer(auto_error=False, scheme_name="SessionSecret",
                            description="the session secret verify returned: `Authorization: Bearer <secret>`")
_key_scheme = APIKeyHeader(name="X-Faibric-Key", auto_error=False, scheme_name="TenantKey",
                           description="the tenant's API key; without it the request is tenant 'default'")


def _documented(_secret=Depends(_secret_scheme), _key=Depends(_key_scheme), _tenant: TenantHeader = None):
    """Only declares the auth headers for the OpenAPI document; the context reads them (see ApiContext)."""


def _tenant_only(_key=Depends(_key_scheme), _tenant: TenantHeader = None):
    """Declares the tenant headers for routes that need no session secret."""


SessionAuth = [Depends(_documented)]
TenantAuth = [Depends(_tenant_only)]


def _route(method: str, seed: str, short: str, endpoint, **options) -> None:
    """Serve ``endpoint`` at the seed's path and at the short alias (hidden from the document)."""
    router.add_api_route(seed, endpoint, methods=[method], **options)
    router.add_api_route(short, endpoint, methods=[method], include_in_schema=False,
                         **{k: v for k, v in options.items() if k != "operation_id"})


def initial_request(body: InitialRequest, request: Request, ctx: Ctx) -> SessionCreated:
    """Start a session from a prompt."""
    ip = ctx.client_ip(request.scope)
    tenant = ctx.tenant_of(request.scope)
    ctx.hit("initial", ip)
    session = ctx.journey.submit_request(body.prompt, tenant, ip=ip, variant=body.variant)
    return SessionCreated(session_id=session.session_id, tenant_id=session.tenant_id, status=session.status,
                          variant=session.variant)


def provide_email(body: ProvideEmail, request: Request, ctx: Ctx) -> dict:
    """Record the customer's email and send the magic link.

    The per-address quota counts only requests that would send an email, so
    requests naming sessions that do not exist cannot lock an address out."""
    ctx.hit("email_ip", ctx.client_ip(request.scope))
    tenant = ctx.tenant_of(request.scope)
    address = fold_address(body.email)
    ctx.check("email_address", address)
    ctx.journey.check_email_step(body.session_id, body.email, tenant_id=tenant)
    ctx.hit("email_address", address)
    return ctx.journey.provide_email(body.session_id, body.email, tenant_id=tenant)


def _verified(token: str, request: Request, ctx: Ctx, *, use: bool):
    wants_html = "text/html" in request.headers.get("accept", "")
    try:
        ctx.hit("verify", ctx.client_ip(request.scope))
        if not use:
            magic_links.check_token(token)
            return HTMLResponse(confirm_page(request.url.path))
        session, secret = ctx.journey.verify_with_secret(token)
    except (FaibricError, RateLimited) as exc:
        if not wants_html:
            raise
        status = 429 if isinstance(exc, RateLimited) else status_for(exc)
        message = exc.message if isinstance(exc, RateLimited) else message_for_api(exc)
        return HTMLResponse(page("This link cannot be used", message), status_code=status)
    if wants_html:
        return HTMLResponse(verified_page(secret), headers={"Cache-Control": "no-store"})
    answer = Verified(session_id=session.session_id, status=session.status, email=session.email,
                      session_secret=secret)
    return JSONResponse(answer.model_dump(), headers={"Cache-Control": "no-store"})


def verify(token: str, request: Request, ctx: Ctx):
    """Use a magic link; the answer carries the session secret, once. API clients get JSON. A browser
    gets a page with one button that uses the link (a POST), so mail scanners that open every link do
    not use it up."""
    return _verified(token, request, ctx, use="text/html" not in request.headers.get("accept", ""))


def verify_confirmed(token: str, request: Request, ctx: Ctx):
    """Use a magic link: the button on the page a browser gets, or an API client's POST."""
    return _verified(token, request, ctx, use=True)


def trigger_build(body: TriggerBuild, request: Request, ctx: Ctx) -> BuildAccepted:
    """Start building a verified session's site in the background (needs the session secret)."""
    ctx.hit("actions", ctx.client_ip(request.scope))
    session = ctx.session_for(request.scope, body.session_id)
    answer = ctx.journey.trigger_build(session.session_id, tenant_id=session.tenant_id, provider=body.provider,
                                       deploy_target=body.deploy_target)
    return BuildAccepted(**{k: answer[k] for k in BuildAccepted.model_fields})


async def _status(request: Request, ctx: ApiContext, session_id: str | None) -> JSONResponse:
    ctx.hit("status", ctx.client_ip(request.scope))
    session = ctx.session_for(request.scope, session_id, cached_only=True)
    if session is None:
        session = await run_in_threadpool(ctx.session_for, request.scope, session_id)
        data = await run_in_threadpool(ctx.journey.status, session.session_id, tenant_id=session.tenant_id)
    else:
        data = ctx.journey.status(session.session_id, tenant_id=session.tenant_id)  # memory only: no thread hop
    return JSONResponse(data)


async def session_status(request: Request, ctx: Ctx,
                         session_id: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_-]{1,64}$")] = None):
    """Status, build progress (stage, percent, message), URL and error of the session the secret names."""
    return await _status(request, ctx, session_id)


async def session_status_by_id(session_id: str, request: Request, ctx: Ctx):
    """The same, with the session id in the path (the short alias)."""
    return await _status(request, ctx, session_id)


def modify(body: Modify, request: Request, ctx: Ctx) -> ModifyAccepted:
    """Ask for a change to a built site, or for a new project (needs the session secret)."""
    ctx.hit("actions", ctx.client_ip(request.scope))
    session = ctx.session_for(request.scope, body.session_id)
    return ModifyAccepted(**ctx.journey.modify(session.session_id, body.message, tenant_id=session.tenant_id))


def stop(body: SessionRef, request: Request, ctx: Ctx) -> Stopped:
    """Stop a session: cancel its build or change and leave it stopped (needs the session secret)."""
    ctx.hit("actions", ctx.client_ip(request.scope))
    session = ctx.session_for(request.scope, body.session_id)
    return Stopped(**ctx.journey.stop(session.session_id, tenant_id=session.tenant_id))


def feedback(body: Feedback, request: Request, ctx: Ctx) -> dict:
    """Rate a site from 1 to 5, with an optional comment (needs the session secret)."""
    ctx.hit("actions", ctx.client_ip(request.scope))
    session = ctx.session_for(request.scope, body.session_id)
    return ctx.journey.submit_feedback(session.session_id, body.rating, body.comment, tenant_id=session.tenant_id)


_HTML_OR_JSON = {200: {"content": {"text/html": {}}}}
_route("POST", "/api/onboarding/initial-request/", "/api/initial-request", initial_request, status_code=201,
       response_model=SessionCreated, tags=["onboarding"], dependencies=TenantAuth)
_route("POST", "/api/onboarding/provide-email/", "/api/provide-email", provide_email, response_model=EmailAccepted,
       tags=["onboarding"], dependencies=TenantAuth)
_route("GET", "/api/onboarding/verify/{token}/", "/api/verify/{token}", verify, response_model=Verified,
       tags=["onboarding"], responses=_HTML_OR_JSON)
_route("POST", "/api/onboarding/verify/{token}/", "/api/verify/{token}", verify_confirmed, response_model=Verified,
       tags=["onboarding"], responses=_HTML_OR_JSON)
_route("POST", "/api/onboarding/trigger-build/", "/api/trigger-build", trigger_build, status_code=202,
       response_model=BuildAccepted, tags=["builds"], dependencies=SessionAuth)
router.add_api_route("/api/onboarding/session-status/", session_status, methods=["GET"],
                     response_model=SessionStatus, tags=["builds"], dependencies=SessionAuth)
router.add_api_route("/api/session-status/{session_id}", session_status_by_id, methods=["GET"],
                     response_model=SessionStatus, tags=["builds"], dependencies=SessionAuth, include_in_schema=False)
_route("POST", "/api/onboarding/modify/", "/api/modify", modify, status_code=202, response_model=ModifyAccepted,
       tags=["builds"], dependencies=SessionAuth)
_route("POST", "/api/onboarding/stop/", "/api/stop", stop, response_model=Stopped, tags=["builds"],
       dependencies=SessionAuth)
_route("POST", "/api/onboarding/feedback/", "/api/feedback", feedback, status_code=201,
       response_model=FeedbackRecorded, tags=["onboarding"], dependencies=SessionAuth)
