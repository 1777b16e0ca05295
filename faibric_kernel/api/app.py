"""The HTTP API (FastAPI), started by ``faibric serve``: the app, its layers and its routers.

Endpoints (JSON in and out; the OpenAPI document is at ``/openapi.json``,
browsable at ``/docs``). The seed's paths, with the older short ones as aliases::

    POST /api/onboarding/initial-request/  (/api/initial-request)  {prompt, variant?}      -> 201 session
    POST /api/onboarding/provide-email/    (/api/provide-email)    {session_id, email}     -> magic link sent
    GET  /api/onboarding/verify/{token}/   (/api/verify/{token})   -> verified + session_secret (once)
    POST /api/onboarding/trigger-build/    (/api/trigger-build)    {provider?, deploy_target?} -> 202  [secret]
    GET  /api/onboarding/session-status/   (/api/session-status/{id})  -> status, stage, percent, url [secret]
    POST /api/onboarding/modify/           (/api/modify)           {message}               -> 202     [secret]
    POST /api/onboarding/stop/             (/api/stop)                                     -> stopped [secret]
    POST /api/onboarding/feedback/         (/api/feedback)         {rating, comment?}      -> 201     [secret]
    GET  /api/analytics/dashboard/ (+ users/, user/{token}, health/, funnel/, cohorts/, costs/) [dashboards token]
    POST /api/analytics/dashboard/run-daily/                                               [analyst token]
    GET  /api/health/                      (/api/health)

[secret]: ``Authorization: Bearer <session secret>``, the secret verify
returned; it also names the session, so ``session_id`` may be left out. A
request's tenant comes from its API key (``X-Faibric-Key``; none: ``default``).
Errors are ``{"error", "message", "reason"?}`` with the right 4xx; nothing
answers with a stack trace or a redirect. Limits: see :mod:`.context`
(``FAIBRIC_RATE_*``, in memory or in Redis with ``FAIBRIC_REDIS_URL``);
``FAIBRIC_API_MAX_BODY_BYTES`` (262144) -> 413; a POST that is not
``application/json`` -> 415; malformed JSON -> 400; invalid fields -> 422.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware

from .. import __version__, config
from ..build import JobRunner, default_runner
from ..build.leases import recover_interrupted
from ..errors import FaibricError
from ..onboarding import magic_links
from ..onboarding.flow import Onboarding
from . import analytics, onboarding, ops
from .context import ApiContext
from .errors import install_error_handlers
from .forms import SiteGate, live_sites_router
from .logs import install_log_redaction, loggable_path
from .middleware import BodyGuard, StatusFastPath
from .models import ERRORS as ERRORS_DOC

__all__ = ["ROUTERS", "create_app", "loggable_path"]

log = logging.getLogger("faibric.api")

DEFAULT_MAX_BODY = 256 * 1024

# Every router of the API, in one place: a new area (forms, ...) is one module and one line here.
ROUTERS = (onboarding.router, analytics.router, ops.router, live_sites_router)


def _cors_origins(value) -> list[str]:
    if value is None:
        value = config.get("FAIBRIC_CORS_ORIGINS") or ""
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",")]
    return [v.rstrip("/") for v in value if v]


def _lifespan(context: ApiContext, *, public_url, recover: bool, interval: float, shutdown_timeout: float):
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        install_log_redaction("uvicorn.access", "uvicorn.error", "faibric.api")
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
            await run_in_threadpool(lambda: context.journey.worker.shutdown(timeout=shutdown_timeout))
            if ingester is not None:
                await run_in_threadpool(ingester.stop)

    return lifespan


def _add_layers(app: FastAPI, context: ApiContext, max_body: int, cors_origins) -> None:
    app.add_middleware(StatusFastPath, context=context)
    app.add_middleware(BodyGuard, max_bytes=max_body,
                       timeout=float(config.get("FAIBRIC_API_TIMEOUT_SECONDS") or 15))
    origins = _cors_origins(cors_origins)
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST", "OPTIONS"],
                           allow_headers=["Content-Type", "Authorization", "X-Faibric-Key", "X-Faibric-Tenant"],
                           max_age=600)


def create_app(
    *,
    onboarding: Onboarding | None = None,
    worker: JobRunner | None = None,
    limits: dict[str, str] | None = None,
    cors_origins: list[str] | str | None = None,
    max_body_bytes: int | None = None,
    public_url: str | None = None,
    recover: bool = True,
    ingest_interval: float | None = None,
    shutdown_timeout: float = 10.0,
) -> FastAPI:
    """The API as an ASGI app.

    ``limits`` overrides rate limits by bucket (``initial``, ``email_ip``,
    ``email_address``, ``verify``, ``actions``, ``status``, ``analytics``) with
    ``"N/period"`` or ``"off"``. ``public_url`` is this server's own base URL,
    used in magic links when ``FAIBRIC_PUBLIC_URL`` is unset.
    ``ingest_interval`` (seconds, default ``FAIBRIC_INGEST_INTERVAL_SECONDS``
    or 30; 0 turns it off) loads the spool into the database periodically.
    """
    journey = onboarding or Onboarding(worker=worker or default_runner())
    context = ApiContext.from_settings(journey, limits)
    interval = ingest_interval if ingest_interval is not None else float(
        config.get("FAIBRIC_INGEST_INTERVAL_SECONDS") or 30)
    app = FastAPI(
        title="Faibric API", version=__version__, responses=ERRORS_DOC, redirect_slashes=False,
        description="A customer submits a prompt, confirms an email with a magic link (which returns the "
                    "session secret, once), follows the build of their site and asks for changes. Acting on a "
                    "session needs its secret as `Authorization: Bearer <secret>`; a tenant's requests carry its "
                    "API key as `X-Faibric-Key`. The analytics endpoints take a dashboards token as bearer.",
        lifespan=_lifespan(context, public_url=public_url, recover=recover, interval=interval,
                           shutdown_timeout=shutdown_timeout),
    )
    app.state.context = context
    app.state.onboarding = journey
    app.state.limiter = context.limiter
    install_error_handlers(app)
    _add_layers(app, context, max_body_bytes or config.get_int("FAIBRIC_API_MAX_BODY_BYTES", DEFAULT_MAX_BODY),
                cors_origins)
    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(SiteGate)  # added last, so it runs first: live sites' CORS and text/plain beacons
    return app
