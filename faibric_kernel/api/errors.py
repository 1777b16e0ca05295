"""How the API answers a refusal: ``{"error", "message", "reason"?}`` with the right status, never a trace."""

from __future__ import annotations

import logging
import os
import re
import traceback
import uuid
from datetime import UTC, datetime

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import config
from ..errors import (
    AuthError,
    BudgetExceededError,
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
from .logs import loggable_path
from .ratelimit import RateLimited

__all__ = ["error_response", "install_error_handlers", "message_for_api", "status_for"]

log = logging.getLogger("faibric.api")

_CLI_HINT = re.compile(r";[^;]*`faibric [^`]*`[^;]*")
_URL = re.compile(r"https?://[^\s'\"<>]+")
_AUTH_STATUS = {"not_verified": 403, "invalid": 401, "missing_secret": 401, "invalid_secret": 401,
                "invalid_key": 401, "forbidden": 403, "analyst_only": 403}


def message_for_api(exc: FaibricError) -> str:
    """An error's message for API callers: no hints at `faibric` commands (for operators), no internal URLs."""
    message = _CLI_HINT.sub("", exc.message)
    if isinstance(exc, NotFoundError) and message != exc.message:
        message += "; check the id you were given"
    return _without_internal_urls(message)


def _without_internal_urls(message: str) -> str:
    """Settings such as ANTHROPIC_BASE_URL name hosts inside the operator's network: never show them."""
    public = config.get("FAIBRIC_PUBLIC_URL") or ""
    return _URL.sub(lambda m: m.group(0) if public and m.group(0).startswith(public) else "[internal address]",
                    message)


def status_for(exc: FaibricError) -> int:
    """The HTTP status for a Faibric error."""
    reason = exc.details.get("reason")
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, AuthError):
        return _AUTH_STATUS.get(reason, 410)
    if isinstance(exc, IllegalTransitionError):
        return 409
    if isinstance(exc, BudgetExceededError):
        return 402
    if isinstance(exc, BuildError):
        return 503 if reason == "shutting_down" else 409
    if isinstance(exc, InvalidInputError):
        return 422
    if isinstance(exc, (StoreLockedError, ConfigError, StoreError)):
        return 503
    if isinstance(exc, EmailError):
        return 502
    return 500


def error_response(status: int, error: str, message: str, reason: str | None = None,
                   headers: dict | None = None) -> JSONResponse:
    body = {"error": error, "message": message, **({"reason": reason} if reason else {})}
    if status == 401:
        headers = {"WWW-Authenticate": "Bearer", **(headers or {})}
    return JSONResponse(body, status_code=status, headers=headers)


def log_crash(request: Request, reference: str) -> None:
    """The traceback of an unexpected error, in ``logs/api.log`` (owner-only) and the server's log."""
    try:
        path = config.workspace_path("logs") / "api.log"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write(f"{datetime.now(UTC).isoformat()} {reference} {request.method} "
                     f"{loggable_path(request.url.path)}\n{traceback.format_exc()}\n")
    except OSError:
        pass
    log.exception("unhandled error %s on %s %s", reference, request.method, loggable_path(request.url.path))


def describe_validation(errors) -> tuple[int, str, str]:
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


async def _faibric_error(request: Request, exc: FaibricError):
    status = status_for(exc)
    if status >= 500 and status != 503:
        log_crash(request, uuid.uuid4().hex[:10])
    headers = {"Retry-After": "2"} if status == 503 else None
    return error_response(status, type(exc).__name__, message_for_api(exc), exc.details.get("reason"), headers)


async def _rate_limited(request: Request, exc: RateLimited):
    return error_response(429, "RateLimited", exc.message, headers={"Retry-After": str(exc.retry_after)})


async def _invalid_request(request: Request, exc: RequestValidationError):
    status, error, message = describe_validation(exc.errors())
    return error_response(status, error, message)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    from starlette.routing import Match

    methods = {method for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
               if any(route.matches({**request.scope, "method": method})[0] == Match.FULL
                      for route in request.app.routes)}
    return sorted(methods | {"OPTIONS"}) if methods else []


async def _http_error(request: Request, exc: StarletteHTTPException):
    if exc.status_code == 405:
        allow = ", ".join(allowed_methods(request))
        if request.method == "OPTIONS":
            return Response(status_code=204, headers={"Allow": allow})
        exc.headers = {**(exc.headers or {}), "Allow": allow}
    messages = {404: f"no endpoint {request.method} {loggable_path(request.url.path)}; "
                     "the API is described at /docs",
                405: f"{request.method} is not allowed on {loggable_path(request.url.path)}"}
    message = messages.get(exc.status_code) or (exc.detail if isinstance(exc.detail, str) else "request refused")
    names = {404: "NotFound", 405: "MethodNotAllowed"}
    return error_response(exc.status_code, names.get(exc.status_code, "HTTPError"), message,
                          headers=getattr(exc, "headers", None))


async def _unexpected(request: Request, exc: Exception):
    reference = uuid.uuid4().hex[:10]
    log_crash(request, reference)
    return error_response(500, "InternalError", f"something went wrong on our side (reference {reference}); "
                                                "it was logged, please try again")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(FaibricError, _faibric_error)
    app.add_exception_handler(RateLimited, _rate_limited)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
