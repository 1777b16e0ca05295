"""ASGI layers in front of the routes: the body guard and the session-status fast path."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import parse_qs

from ..errors import FaibricError
from .context import ApiContext
from .errors import error_response
from .ratelimit import RateLimited

__all__ = ["BodyGuard", "StatusFastPath"]

_JSON_METHODS = {"POST", "PUT", "PATCH"}
MAX_HEADER_BYTES = 32 * 1024
_VERIFY_PREFIXES = ("/api/verify/", "/api/onboarding/verify/")
STATUS_PREFIX = "/api/session-status/"
SEED_STATUS_PATH = "/api/onboarding/session-status/"


class BodyGuard:
    """Refuses oversized headers (431), bodies over ``max_bytes`` (413), non-JSON posts under /api/ (415)
    and bodies that do not arrive within ``timeout`` seconds (408), before any parsing."""

    def __init__(self, app, max_bytes: int, timeout: float = 15.0):
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        refusal = self._refusal(scope)
        if refusal is not None:
            return await refusal(scope, receive, send)
        if scope["method"] in ("GET", "HEAD") and not any(
                k in (b"content-length", b"transfer-encoding") for k, _ in scope["headers"]):
            return await self.app(scope, receive, send)
        # read the body here, up to the limit and within the time allowed, then replay it
        try:
            body = await asyncio.wait_for(self._read(receive), self.timeout)
        except TimeoutError:
            return await error_response(408, "RequestTimeout", f"the body did not arrive within {self.timeout:g} s; "
                                        "send it at once")(scope, receive, send)
        if body is None:
            return await self._too_big()(scope, receive, send)
        if isinstance(body, dict):  # the client went away
            return await self.app(scope, _replay([body]), send)
        return await self.app(scope, _replay([{"type": "http.request", "body": body, "more_body": False}],
                                             receive), send)

    async def _read(self, receive):
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return message
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return None
            chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks)

    def _too_big(self):
        return error_response(413, "BodyTooLarge", f"the body is larger than {self.max_bytes} bytes; send less")

    def _refusal(self, scope):
        if sum(len(k) + len(v) for k, v in scope["headers"]) > MAX_HEADER_BYTES:
            return error_response(431, "HeadersTooLarge", f"the request's headers are larger than "
                                                          f"{MAX_HEADER_BYTES} bytes; send less")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        length = headers.get("content-length")
        if length is not None:
            try:
                if int(length) > self.max_bytes:
                    return self._too_big()
            except ValueError:
                return error_response(400, "BadRequest", "the Content-Length header is not a number")
        if scope["method"] in _JSON_METHODS and scope["path"].startswith("/api/"):
            media = headers.get("content-type", "").split(";")[0].strip().lower()
            # the confirm button of the verify page is an HTML form; its (empty) body is never read
            form_post = scope["path"].startswith(_VERIFY_PREFIXES) and media in (
                "application/x-www-form-urlencoded", "")
            empty = media == "" and length in (None, "0") and "transfer-encoding" not in headers
            if media != "application/json" and not form_post and not empty and scope["method"] == "POST":
                return error_response(415, "UnsupportedMediaType",
                                      f"send JSON with Content-Type: application/json (got {media or 'none'})")
        return None


def _replay(messages, then=None):
    queue = list(messages)

    async def receive():
        if queue:
            return queue.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive


def status_session_id(scope) -> str | None:
    """The session a status request names: in the short path, or the seed path's ``?session_id=``."""
    path = scope["path"]
    if path.startswith(STATUS_PREFIX):
        return path[len(STATUS_PREFIX):]
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("session_id")
    return values[0] if values else None


class StatusFastPath:
    """Answers session-status polls straight from memory, before FastAPI's routing and validation.

    Only the plain success case is served here: a session row still fresh in
    the status cache, its secret and the caller's tenant matching, the rate
    limit not hit, all decided by the same :class:`ApiContext` methods the
    route uses. Everything else goes on to the FastAPI route, which gives the
    same answer the slower way.
    """

    def __init__(self, app, context: ApiContext):
        self.app = app
        self.context = context

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "GET" and (
                scope["path"].startswith(STATUS_PREFIX) or scope["path"] == SEED_STATUS_PATH):
            body = self._answer(scope)
            if body is not None:
                await send({"type": "http.response.start", "status": 200,
                            "headers": [(b"content-type", b"application/json"),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)

    def _answer(self, scope) -> bytes | None:
        context = self.context
        try:
            session = context.session_for(scope, status_session_id(scope), cached_only=True)
            if session is None:
                return None
            context.hit("status", context.client_ip(scope))
            data = context.journey.status(session.session_id, tenant_id=session.tenant_id)
        except (FaibricError, RateLimited):
            return None
        return json.dumps(data, separators=(",", ":")).encode()
