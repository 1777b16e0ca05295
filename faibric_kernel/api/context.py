"""What every route needs to know about a request: who sends it (address, tenant) and what it may touch.

The same functions serve the FastAPI routes and the session-status fast path
(which reads the raw ASGI scope), so both always agree on the tenant, the
client address and the session secret.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fastapi import Request

from .. import config
from ..errors import AuthError, ConfigError, NotFoundError
from ..onboarding.flow import Onboarding, validate_tenant
from ..sessions import Session, secret_matches, session_of_secret
from ..tenant_keys import TenantKeys, tenant_keys
from .ratelimit import Limit, RateLimiter, parse_limit

__all__ = ["DEFAULT_LIMITS", "ApiContext", "first_header", "get_context"]

_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

DEFAULT_LIMITS = {
    "initial": ("FAIBRIC_RATE_INITIAL_PER_IP", "5/minute", "initial requests from this address"),
    "email_ip": ("FAIBRIC_RATE_EMAIL_PER_IP", "10/minute", "email submissions from this address"),
    "email_address": ("FAIBRIC_RATE_EMAIL_PER_ADDRESS", "5/hour", "sign-in emails to this address"),
    "verify": ("FAIBRIC_RATE_VERIFY_PER_IP", "30/minute", "sign-in attempts from this address"),
    "actions": ("FAIBRIC_RATE_ACTIONS_PER_IP", "60/minute", "requests from this address"),
    "status": ("FAIBRIC_RATE_STATUS_PER_IP", "1200/minute", "status requests from this address"),
    "analytics": ("FAIBRIC_RATE_ANALYTICS_PER_IP", "120/minute", "analytics requests from this address"),
}


def first_header(scope, name: bytes) -> str | None:
    """The first value of a header in an ASGI scope (what Starlette's ``request.headers.get`` gives)."""
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def bearer(scope) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    value = first_header(scope, b"authorization")
    if not value:
        return None
    scheme, _, token = value.strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _limits(overrides: dict[str, str] | None) -> dict[str, Limit | None]:
    chosen = {k: config.get(env) or default for k, (env, default, _) in DEFAULT_LIMITS.items()}
    chosen.update(overrides or {})
    return {k: parse_limit(v, setting=DEFAULT_LIMITS[k][0]) for k, v in chosen.items()}


@dataclass
class ApiContext:
    """The API's settings and parts, resolved once when the app is made."""

    journey: Onboarding
    limits: dict[str, Limit | None]
    limiter: RateLimiter
    trust_proxy: bool = False
    proxy_hops: int = 1
    allowed_tenants: set[str] = field(default_factory=set)
    keys: TenantKeys | None = None

    @classmethod
    def from_settings(cls, journey: Onboarding, limits: dict[str, str] | None = None) -> ApiContext:
        hops = config.get_int("FAIBRIC_PROXY_HOPS", 1)
        if hops < 1:
            raise ConfigError("FAIBRIC_PROXY_HOPS must be 1 or more (the proxies in front of the API)")
        allowed = {t.strip() for t in (config.get("FAIBRIC_API_TENANTS") or "").split(",") if t.strip()}
        return cls(journey=journey, limits=_limits(limits), limiter=RateLimiter(),
                   trust_proxy=config.get_bool("FAIBRIC_TRUST_PROXY", False), proxy_hops=hops,
                   allowed_tenants=allowed, keys=tenant_keys())

    # -- who is asking ----------------------------------------------------------------------------

    def client_ip(self, scope) -> str:
        """The caller's address; behind ``FAIBRIC_TRUST_PROXY`` the one our own proxy appended (counted
        ``FAIBRIC_PROXY_HOPS`` from the right: entries further left are whatever the client claimed)."""
        client = scope.get("client")
        peer = client[0] if client else "unknown"
        if not self.trust_proxy:
            return peer
        forwarded = [v.decode("latin-1") for k, v in scope["headers"] if k == b"x-forwarded-for"]
        hops = [h.strip() for h in ",".join(forwarded).split(",") if h.strip()]
        return hops[-self.proxy_hops] if len(hops) >= self.proxy_hops else peer

    def tenant_of(self, scope) -> str:
        """The request's tenant: the one its ``X-Faibric-Key`` belongs to, else ``default``.

        ``X-Faibric-Tenant`` may still be sent, but only to name that same tenant.
        """
        key = first_header(scope, b"x-faibric-key")
        claimed = first_header(scope, b"x-faibric-tenant")
        if key is not None:  # an empty key is a wrong key, not "no key"
            tenant = self.keys.tenant_for_key(key) if self.keys is not None else None
            if tenant is None:
                raise AuthError("the API key (X-Faibric-Key) is not valid; ask the operator for your tenant's key",
                                reason="invalid_key")
        else:
            tenant = "default"
        if claimed is not None and claimed != tenant:
            validate_tenant(claimed)
            raise AuthError(f"tenant {claimed!r} needs its API key in X-Faibric-Key; the tenant comes from the key",
                            reason="invalid_key")
        if self.allowed_tenants and tenant not in self.allowed_tenants:
            raise NotFoundError(f"tenant {tenant!r} is not served here")
        return tenant

    def hit(self, bucket: str, key: str) -> None:
        self.limiter.hit(bucket, key, self.limits[bucket], DEFAULT_LIMITS[bucket][2])

    def check(self, bucket: str, key: str) -> None:
        self.limiter.check(bucket, key, self.limits[bucket], DEFAULT_LIMITS[bucket][2])

    # -- which session --------------------------------------------------------------------------------

    def session_for(self, scope, session_id: str | None, *, cached_only: bool = False) -> Session | None:
        """The session this request may act on: the secret in ``Authorization: Bearer`` must be its own,
        and it must belong to the request's tenant. ``cached_only``: answer from memory or return None."""
        secret = bearer(scope)
        if not secret:
            raise AuthError("this needs the session secret that verifying the email returned; send it as "
                            "'Authorization: Bearer <secret>'", reason="missing_secret")
        wrong = AuthError("the session secret does not match this session; use the one your email "
                          "confirmation gave", reason="invalid_secret")
        session_id = session_id or session_of_secret(secret)
        if not session_id or not _SESSION_ID.match(session_id):
            raise wrong
        tenant = self.tenant_of(scope)
        try:
            session = self.journey.cache.usable(session_id) if cached_only else self.journey.cache.get(session_id)
        except NotFoundError:
            raise wrong from None  # a secret for no session is a wrong secret: existence is not told
        if session is None:
            return None
        if not secret_matches(session, secret):
            raise wrong
        if session.tenant_id != tenant:
            raise NotFoundError(f"no session {session_id!r}")
        return session


def get_context(request: Request) -> ApiContext:
    """The FastAPI dependency that hands a route the app's context."""
    return request.app.state.context
