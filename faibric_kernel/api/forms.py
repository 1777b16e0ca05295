"""What live sites send back to the API: form submissions and visitor beacons.

Endpoints (added to the app by ``app.include_router(router)`` and
``app.add_middleware(SiteGate)``, the gate last so it runs first)::

    POST /api/forms/{site_id}   a form's fields (JSON)           -> 201 {ok, message, lead_id}
    POST /api/collect           a beacon batch (text/plain JSON) -> 204

``site_id`` is a site's public id (``s_`` + 16 hex digits, see
:mod:`faibric_kernel.livesites.registry`), never its session id. Refusals
answer ``{"error": "Refused", "message", "reason"}`` with a 4xx whose message
the form shows the visitor:

* 404 ``unknown_site``; 403 ``foreign_origin`` when the browser's ``Origin``
  is not one of the site's own (its deploy URLs, ``FAIBRIC_PUBLIC_URL``,
  ``FAIBRIC_SITE_ORIGINS``); CORS answers those origins only;
* 429 with ``Retry-After`` over ``FAIBRIC_RATE_FORM_PER_IP`` (5/minute),
  ``FAIBRIC_RATE_FORM_PER_SITE`` (100/hour), ``FAIBRIC_RATE_COLLECT_PER_IP``
  (300/minute) or ``FAIBRIC_RATE_COLLECT_PER_SITE`` (30000/minute);
* 413 for a body over 32 KiB (forms) or 16 KiB (beacons), or a field over
  5000 characters; 400 for a body that is not a JSON object;
* 422 for undeclared fields, a bad email, a filled honeypot or a form sent
  faster than ``FAIBRIC_FORM_MIN_FILL_SECONDS`` (3): the last two are
  stored as spam (never emailed) so an operator can look.

Beacons from bots (by user agent) and from browsers sending ``DNT: 1`` or
``Sec-GPC: 1`` are answered 204 and not recorded.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from .. import config
from ..livesites.leads import SPAM_MESSAGES, Refused, check_submission, notify_owner, store_lead
from ..livesites.registry import SITE_ID_PATTERN, SiteDirectory, SiteInfo, origin_of
from ..livesites.visitors import DailySalt, check_batch, is_bot, record_batch, visitor_hash
from .ratelimit import Limit, RateLimited, RateLimiter, parse_limit

__all__ = ["LiveSites", "SiteGate", "collect_batch", "configure_live_sites", "live_sites", "live_sites_router", "router"]

FORMS_PREFIX = "/api/forms/"
COLLECT_PATH = "/api/collect"
FORM_MAX_BODY = 32 * 1024
COLLECT_MAX_BODY = 16 * 1024
DEFAULT_LIMITS = {
    "form_ip": ("FAIBRIC_RATE_FORM_PER_IP", "5/minute", "form submissions from this address"),
    "form_site": ("FAIBRIC_RATE_FORM_PER_SITE", "100/hour", "form submissions to this site"),
    "collect_ip": ("FAIBRIC_RATE_COLLECT_PER_IP", "300/minute", "visit reports from this address"),
    "collect_site": ("FAIBRIC_RATE_COLLECT_PER_SITE", "30000/minute", "visit reports for this site"),
}
THANKS = "Thank you, your message was sent."
log = logging.getLogger("faibric.api.forms")


@dataclass
class LiveSites:
    """The state behind the live-site endpoints: site cache, limits, salt, settings, the owner notifier."""

    directory: SiteDirectory = field(default_factory=SiteDirectory)
    limiter: RateLimiter = field(default_factory=RateLimiter)
    limits: dict[str, Limit | None] = field(default_factory=dict)
    salt: DailySalt = field(default_factory=DailySalt)
    min_fill_seconds: float = 3.0
    max_field_chars: int = 5000
    trust_proxy: bool = False
    tenants: frozenset = frozenset()
    notify: Callable[[str], str] = notify_owner  # lead_id -> "sent" | "queued" | "no_owner"

    def hit(self, bucket: str, key: str) -> None:
        self.limiter.hit(bucket, key, self.limits.get(bucket), DEFAULT_LIMITS[bucket][2])

    async def site(self, site_id: str) -> SiteInfo:
        """The site, from the cache when fresh (a miss reads the store off the event loop); 404 when unknown."""
        if not SITE_ID_PATTERN.match(site_id):
            raise Refused("this form is not connected to a site Faibric knows", status=404, reason="unknown_site")
        info = self.directory.cached(site_id)
        if info is SiteDirectory.MISSING:
            info = await run_in_threadpool(self.directory.get, site_id)
        if info is None or (self.tenants and info.tenant_id not in self.tenants):
            raise Refused("this form is not connected to a site Faibric knows", status=404, reason="unknown_site")
        return info


def configure_live_sites(app, **overrides) -> LiveSites:
    """Build the endpoints' state from the settings (``overrides`` win) and attach it to ``app``."""
    limits = {k: config.get(env) or default for k, (env, default, _) in DEFAULT_LIMITS.items()}
    limits.update(overrides.pop("limits", None) or {})
    state = LiveSites(
        limits={k: parse_limit(v, setting=DEFAULT_LIMITS[k][0]) for k, v in limits.items()},
        min_fill_seconds=float(config.get("FAIBRIC_FORM_MIN_FILL_SECONDS") or 3),
        trust_proxy=config.get_bool("FAIBRIC_TRUST_PROXY", False),
        tenants=frozenset(t.strip() for t in (config.get("FAIBRIC_API_TENANTS") or "").split(",") if t.strip()),
    )
    for key, value in overrides.items():
        setattr(state, key, value)
    app.state.live_sites = state
    return state


def live_sites(app) -> LiveSites:
    """The app's live-site state, configured from the settings on first use."""
    state = getattr(app.state, "live_sites", None)
    return state if state is not None else configure_live_sites(app)


def _client_ip(request: Request, trust_proxy: bool) -> str:
    return _ip(request.headers, request.client.host if request.client else None, trust_proxy)


def _ip(headers, peer: str | None, trust_proxy: bool) -> str:
    if trust_proxy:
        forwarded = headers.get("x-forwarded-for")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return peer or "unknown"


def _cors(origin: str | None, site: SiteInfo | None) -> dict:
    if origin and site is not None and origin_of(origin) in site.origins:
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    return {"Vary": "Origin"}


def _refusal_parts(exc: Refused | RateLimited, headers: dict) -> tuple[int, dict, bytes]:
    if isinstance(exc, RateLimited):
        body = {"error": "RateLimited", "message": exc.message, "reason": "rate_limited"}
        return 429, {**headers, "Retry-After": str(exc.retry_after)}, json.dumps(body).encode()
    body = {"error": "Refused", "message": exc.message, "reason": exc.reason}
    return exc.status, headers, json.dumps(body).encode()


def _refusal(exc: Refused | RateLimited, headers: dict) -> Response:
    status, headers, body = _refusal_parts(exc, headers)
    return Response(body, status_code=status, headers=headers, media_type="application/json")


def _check_origin(origin: str | None, site: SiteInfo) -> None:
    # a browser always names the page's origin on a cross-origin POST; scripts without one get no CORS anyway
    if origin is not None and origin_of(origin) not in site.origins:
        raise Refused("this form can only be sent from its own website", status=403, reason="foreign_origin")


def _parse_json(body: bytes):
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Refused("the body is not valid JSON; send one JSON object", status=400, reason="malformed_json") from None


async def _json_body(request: Request):
    return _parse_json(await request.body())


class FormAccepted(BaseModel):
    ok: bool
    message: str
    lead_id: str


class RefusedBody(BaseModel):
    error: str
    message: str
    reason: str


router = live_sites_router = APIRouter(tags=["live sites"])
_REFUSALS = {code: {"model": RefusedBody} for code in (400, 403, 404, 413, 422, 429)}
# browsers send these as JSON or, from sendBeacon, as text/plain holding JSON; the fields a form may send
# depend on its kind (livesites.leads.FORM_FIELDS), which is checked in the handler, not by the schema
_JSON_OBJECT_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object"}}, "text/plain": {"schema": {"type": "string"}}}}}


@router.post("/api/forms/{site_id}", status_code=201, response_model=FormAccepted, responses=_REFUSALS,
             openapi_extra=_JSON_OBJECT_BODY)
async def submit_form(site_id: str, request: Request, background: BackgroundTasks):
    """A visitor sends a site's form: stored as a lead, and the site's owner gets an email."""
    state = live_sites(request.app)
    origin = request.headers.get("origin")
    site = None
    try:
        state.hit("form_ip", _client_ip(request, state.trust_proxy))
        site = await state.site(site_id)
        _check_origin(origin, site)
        state.hit("form_site", site.site_id)
        submission = check_submission(await _json_body(request), min_fill_seconds=state.min_fill_seconds,
                                      max_field_chars=state.max_field_chars)
        lead_id = await run_in_threadpool(store_lead, site, submission, origin=origin_of(origin))
        if submission.spam != "ok":
            raise Refused(SPAM_MESSAGES[submission.spam], reason=submission.spam)
    except (Refused, RateLimited) as exc:
        return _refusal(exc, _cors(origin, site))
    background.add_task(_notify, state.notify, lead_id)
    return JSONResponse({"ok": True, "message": THANKS, "lead_id": lead_id}, status_code=201,
                        headers=_cors(origin, site))


@router.post("/api/collect", status_code=204, responses=_REFUSALS, openapi_extra=_JSON_OBJECT_BODY)
async def collect(request: Request):
    """A site's beacon reports pageviews, sections seen, CTA clicks and form starts and submits."""
    status, headers, body = await collect_batch(live_sites(request.app), request.headers,
                                                request.client.host if request.client else None,
                                                await request.body())
    return Response(body, status_code=status, headers=headers, media_type="application/json" if body else None)


async def collect_batch(state: LiveSites, headers, peer: str | None, body: bytes) -> tuple[int, dict, bytes]:
    """The answer to one beacon batch, ``(status, headers, body)``: the route and the gate's fast path share it."""
    origin = headers.get("origin")
    site = None
    try:
        ip = _ip(headers, peer, state.trust_proxy)
        state.hit("collect_ip", ip)
        site_id, path, referrer, events = check_batch(_parse_json(body))
        site = await state.site(site_id)
        _check_origin(origin, site)
        state.hit("collect_site", site.site_id)
    except (Refused, RateLimited) as exc:
        return _refusal_parts(exc, _cors(origin, site))
    cors = _cors(origin, site)
    user_agent = headers.get("user-agent", "")
    if is_bot(user_agent) or headers.get("dnt") == "1" or headers.get("sec-gpc") == "1":
        return 204, {**cors, "X-Faibric-Recorded": "0"}, b""
    visitor = visitor_hash(state.salt.today(), site.site_id, ip, user_agent)
    count = record_batch(site, path, referrer, events, visitor)
    return 204, {**cors, "X-Faibric-Recorded": str(count)}, b""


def _notify(notify, lead_id: str) -> None:
    """Tell the owner after the answer went out; a failure leaves the lead stored with ``notified`` unset."""
    try:
        notify(lead_id)
    except Exception:  # noqa: BLE001 - the visitor was already answered; the lead is safe in the store
        log.exception("could not tell the owner about lead %s; it is stored (faibric leads lists it)", lead_id)


def _json_error(status: int, message: str, reason: str, headers: list | None = None):
    body = json.dumps({"error": "Refused", "message": message, "reason": reason}).encode()
    return status, [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                    *(headers or [])], body


class SiteGate:
    """In front of the whole app for the live-site paths: preflights, body size, ``text/plain`` beacons.

    Sites' pages call these endpoints from their own origins, which the
    app-wide CORS settings do not list, and beacons are ``text/plain`` (so a
    browser sends them without a preflight) where the rest of the API takes
    only JSON. The gate answers preflights for a site's own origins only,
    refuses bodies over the limits, answers beacons itself with
    :func:`collect_batch` (they are most of the traffic; the ``/api/collect``
    route documents them and shares that function), and hands forms on as JSON.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "") if scope["type"] == "http" else ""
        is_form, is_collect = path.startswith(FORMS_PREFIX), path == COLLECT_PATH
        if not (is_form or is_collect):
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if scope["method"] == "OPTIONS":
            return await self._respond(send, *await self._preflight(scope, headers, path, is_form))
        limit = FORM_MAX_BODY if is_form else COLLECT_MAX_BODY
        too_big = _json_error(413, f"the message is larger than {limit // 1024} KB; please shorten it",
                              "body_too_large", self._known_origin(scope, headers, path, is_form))
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            return await self._respond(send, *too_big)
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        if media in ("text/plain", "") and scope["method"] == "POST":
            scope = dict(scope)
            scope["headers"] = [(k, v) for k, v in scope["headers"] if k.lower() != b"content-type"] + [
                (b"content-type", b"application/json")]
        if length is not None and not (is_collect and scope["method"] == "POST" and scope.get("app") is not None):
            return await self.app(scope, receive, send)
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                return await self._respond(send, *too_big)
            more = message.get("more_body", False)
        if is_collect and scope["method"] == "POST" and scope.get("app") is not None:
            # beacons are most of the traffic: answered here, without the routing and validation layers
            client = scope.get("client")
            status, extra, body = await collect_batch(live_sites(scope["app"]), headers,
                                                      client[0] if client else None, b"".join(chunks))
            out = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in extra.items()]
            if body:
                out += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
            return await self._respond(send, status, out, body)
        replay = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

        async def replayed():
            return replay.pop(0) if replay else await receive()

        return await self.app(scope, replayed, send)

    @staticmethod
    def _known_origin(scope, headers: dict, path: str, is_form: bool) -> list:
        # a refusal still needs the CORS header, or the form cannot show its message: only for the site's
        # own origin, and only from the cache (a body too large is refused before any database read)
        origin, app = headers.get("origin"), scope.get("app")
        if not (origin and is_form and app is not None):
            return [(b"vary", b"Origin")]
        site = live_sites(app).directory.cached(path[len(FORMS_PREFIX):])
        if isinstance(site, SiteInfo) and origin_of(origin) in site.origins:
            return [(b"access-control-allow-origin", origin.encode("latin-1")), (b"vary", b"Origin")]
        return [(b"vary", b"Origin")]

    async def _preflight(self, scope, headers: dict, path: str, is_form: bool):
        origin = headers.get("origin")
        site_id = path[len(FORMS_PREFIX):] if is_form else ""
        app = scope.get("app")
        site = None
        if is_form and app is not None:
            try:
                site = await live_sites(app).site(site_id)
            except Refused:
                site = None
        if origin and site is not None and origin_of(origin) in site.origins:
            return 204, [(b"access-control-allow-origin", origin.encode("latin-1")),
                         (b"access-control-allow-methods", b"POST, OPTIONS"),
                         (b"access-control-allow-headers", b"Content-Type, Accept"),
                         (b"access-control-max-age", b"600"), (b"vary", b"Origin"),
                         (b"content-length", b"0")], b""
        return _json_error(403, "this form can only be sent from its own website", "foreign_origin",
                           [(b"vary", b"Origin")])

    @staticmethod
    async def _respond(send, status: int, headers: list, body: bytes):
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
