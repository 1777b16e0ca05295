"""The Voila server's identity provider: two tokens, two roles, and a header the browser cannot set.

Design (why a stakeholder cannot become an analyst by editing a URL):

1. ``faibric dashboards`` starts Voila with this class as
   ``Voila.identity_provider_class`` and passes both tokens in a private
   config file (mode 0600), never on the command line or in the kernels'
   environment.
2. A request is authenticated by a token (``?token=``, ``Authorization: token``
   or the login form) or by the login cookie set after that. The stakeholder
   token yields the user ``stakeholder``, the analyst token the user
   ``analyst``; anything else is no user, so Voila answers with its login page
   (or 403 for API calls). The cookie is signed with a secret drawn at server
   start, so it cannot be forged or edited.
3. On every request, after deciding the user, the provider *replaces* the
   request header ``X-Faibric-Role`` with the user's role (or removes it when
   there is no user). Voila is configured with
   ``VoilaConfiguration.http_header_envs = ["X-Faibric-Role"]``, so the
   dashboard kernel receives the server's decision as ``HTTP_X_FAIBRIC_ROLE``;
   a header or query parameter sent by the browser never survives.
4. In the kernel, :func:`faibric_kernel.dashboards.roles.current_role` treats
   a missing or unknown value as stakeholder. Voila kernels refuse
   ``execute_request`` from browsers, so a viewer cannot run code to change it.

A tenant's dashboard token (``faibric tenants add acme --dashboard-token``) yields
the user ``stakeholder:acme``: a stakeholder whose every request has its query
rewritten to ``tenant=acme`` (and no other tenant) before Voila hands it to the
kernel, so that tenant's stakeholders see only their data.

Guards, also decided here for every request (so in the one place every request passes):

5. Sign-in attempts are throttled per address: after ``max_failures`` wrong
   tokens within a minute, every attempt from there (right or wrong) gets a 429
   until the minute has passed.
6. Kernels are capped: a dashboard page starts a kernel (hundreds of MB) that
   lives until culled, so a viewer may open at most ``max_kernels_per_viewer``
   pages per ``kernel_window`` seconds and the server runs at most
   ``max_kernels`` kernels; beyond that the viewer gets a "busy, try again"
   page (503) instead of another kernel.
7. Tokens never reach the log: every log record of this process is redacted
   (``token=...``), and a malformed template path answers 404, not Voila's 500.

This module imports jupyter_server and is only loaded inside the Voila process.
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections import defaultdict, deque

from jupyter_server.auth.identity import PasswordIdentityProvider, User
from tornado.web import HTTPError
from traitlets import Float, Int, Unicode

from .roles import ANALYST, ROLE_HEADER, ROLES, STAKEHOLDER

__all__ = ["AttemptThrottle", "KernelBudget", "RoleIdentityProvider", "ThrottledTokenProvider", "role_for_token"]


def role_for_token(candidate: str | None, *, stakeholder_token: str, analyst_token: str) -> str | None:
    """The role a token grants, compared in constant time; ``None`` for a wrong or empty token."""
    if not candidate:
        return None
    given = candidate.encode("utf-8")
    if analyst_token and hmac.compare_digest(given, analyst_token.encode("utf-8")):
        return ANALYST
    if stakeholder_token and hmac.compare_digest(given, stakeholder_token.encode("utf-8")):
        return STAKEHOLDER
    return None


class AttemptThrottle:
    """Wrong sign-in attempts per address in a sliding window; an address over the limit is refused."""

    def __init__(self, max_failures: int = 5, window: float = 60.0, clock=time.monotonic):
        self.max_failures, self.window, self._clock = max_failures, window, clock
        self._failures: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, address: str) -> deque:
        now, failures = self._clock(), self._failures[address]
        while failures and now - failures[0] >= self.window:
            failures.popleft()
        return failures

    def check(self, address: str) -> None:
        with self._lock:
            failures = self._recent(address)
            if len(failures) >= self.max_failures:
                wait = max(1, int(self.window - (self._clock() - failures[0])))
                raise HTTPError(429, f"too many wrong tokens from your address; wait {wait} seconds and try again")

    def failed(self, address: str) -> None:
        with self._lock:
            self._recent(address).append(self._clock())


class KernelBudget:
    """Dashboard pages (each a kernel) per viewer in a sliding window, and kernels in total."""

    def __init__(self, per_viewer: int, total: int, window: float, clock=time.monotonic):
        self.per_viewer, self.total, self.window, self._clock = per_viewer, total, window, clock
        self._pages: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def admit(self, viewer: str, running: int) -> None:
        """Count a page for ``viewer``, or refuse it (503) when the viewer or the server is at its cap."""
        with self._lock:
            now, pages = self._clock(), self._pages[viewer]
            while pages and now - pages[0] >= self.window:
                pages.popleft()
            if running >= self.total:
                raise HTTPError(503, "the dashboards are busy right now; try again in a few minutes")
            if len(pages) >= self.per_viewer:
                wait = max(1, int(self.window - (now - pages[0])))
                raise HTTPError(503, f"you have opened {len(pages)} dashboard pages in the last "
                                     f"{int(self.window / 60)} minutes, the most one viewer may; close some tabs or "
                                     f"try again in {wait} seconds")
            pages.append(now)


def _running_kernels(handler) -> int:
    manager = getattr(handler, "settings", {}).get("kernel_manager") if hasattr(handler, "settings") else None
    try:
        return len(manager.list_kernel_ids()) if manager is not None else 0
    except Exception:  # noqa: BLE001 - a count we cannot take never blocks a viewer
        return 0


TENANT_SEPARATOR = ":"


def _role_user(role: str, tenant: str | None = None) -> User:
    """The user of a role; a tenant's dashboard token makes ``stakeholder:<tenant>``."""
    title = "Analyst" if role == ANALYST else "Stakeholder"
    name = f"{role}{TENANT_SEPARATOR}{tenant}" if tenant else role
    return User(username=name, name=title, display_name=title, initials=title[0])


def _tenant_of_token(candidate: str) -> str | None:
    """The tenant of a tenant-scoped dashboard token (``faibric tenants add --dashboard-token``), or None."""
    from ..tenant_keys import tenant_keys

    try:
        return tenant_keys().tenant_for_dashboard_token(candidate)
    except Exception:  # noqa: BLE001 - an unreadable tenants file grants nothing
        return None


def _split_user(username: str) -> tuple[str | None, str | None]:
    """(role, tenant) of one of our user names; (None, None) for anything else."""
    role, _, tenant = username.partition(TENANT_SEPARATOR)
    if role not in ROLES or (tenant and role != STAKEHOLDER):
        return None, None
    if tenant and not any(t["tenant_id"] == tenant and t["dashboard_token"] for t in _tenant_list()):
        return None, None  # the tenant or its dashboard token was removed since the cookie was set
    return role, tenant or None


def _tenant_list() -> list[dict]:
    from ..tenant_keys import tenant_keys

    try:
        return tenant_keys().list()
    except Exception:  # noqa: BLE001
        return []


def _force_tenant(request, tenant: str) -> None:
    """The request's query says ``tenant=<tenant>`` and no other tenant: the kernel reads its filters from it."""
    from urllib.parse import parse_qsl, urlencode

    from tornado.httputil import parse_qs_bytes

    pairs = [(k, v) for k, v in parse_qsl(request.query or "", keep_blank_values=True) if k != "tenant"]
    request.query = urlencode([*pairs, ("tenant", tenant)])
    request.uri = f"{request.path}?{request.query}"
    request.query_arguments = parse_qs_bytes(request.query, keep_blank_values=True)
    request.arguments = {**getattr(request, "body_arguments", {}), **request.query_arguments}


class RoleIdentityProvider(PasswordIdentityProvider):
    """Accepts the stakeholder token (``token``) and the analyst token, and tells kernels which one was used."""

    analyst_token = Unicode("", config=True, help="token that grants the analyst role (individual customers)")
    max_failures = Int(5, config=True, help="wrong tokens per address and minute before sign-ins are refused")
    max_kernels = Int(24, config=True, help="most kernels the server runs (pre-heated ones included)")
    max_kernels_per_viewer = Int(16, config=True, help="most dashboard pages one viewer opens per kernel_window")
    kernel_window = Float(300.0, config=True, help="seconds a page's kernel lives after its tab closes")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.throttle = AttemptThrottle(self.max_failures)
        self.budget = KernelBudget(self.max_kernels_per_viewer, self.max_kernels, self.kernel_window)

    @property
    def auth_enabled(self) -> bool:
        return bool(self.token or self.analyst_token)

    @property
    def login_available(self) -> bool:
        return self.auth_enabled

    def _role_of(self, candidate: str | None) -> str | None:
        return role_for_token(candidate, stakeholder_token=self.token, analyst_token=self.analyst_token)

    def _attempt(self, handler, candidate: str | None) -> User | None:
        """A sign-in with ``candidate``: refused while the address is throttled; a wrong token counts."""
        if not candidate:
            return None
        address = handler.request.remote_ip or "unknown"
        self.throttle.check(address)
        role = self._role_of(candidate)
        if role is not None:
            return _role_user(role)
        tenant = _tenant_of_token(candidate)
        if tenant is not None:
            return _role_user(STAKEHOLDER, tenant)
        self.throttle.failed(address)
        return None

    async def get_user_token(self, handler) -> User | None:
        return self._attempt(handler, self.get_token(handler))

    def user_from_cookie(self, cookie_value: str) -> User | None:
        user = super().user_from_cookie(cookie_value)
        # only the role users are ever issued; anything else is not ours
        role, tenant = _split_user(user.username) if user is not None else (None, None)
        return _role_user(role, tenant) if role else None

    def process_login_form(self, handler) -> User | None:
        return self._attempt(handler, handler.get_argument("password", default=""))

    async def _get_user(self, handler) -> User | None:
        user = await super()._get_user(handler)
        role, tenant = _split_user(user.username) if user is not None else (None, None)
        if role is None:
            # e.g. an anonymous user from a code path we did not foresee: no role, no access
            user = None
        headers = handler.request.headers
        if ROLE_HEADER in headers:
            del headers[ROLE_HEADER]
        if user is not None:
            headers[ROLE_HEADER] = role
            request = handler.request
            if tenant:
                _force_tenant(request, tenant)
            if getattr(request, "method", "GET") == "GET" and getattr(request, "path", "").startswith("/voila/render/"):
                self.budget.admit(f"{user.username}@{request.remote_ip}", _running_kernels(handler))
                # the page's shutdown-on-close beacon posts the _xsrf cookie back; Voila never sets one, so the
                # beacon was refused and closed tabs kept their kernel until culled. Reading the token sets it
                # (tornado asks for the user while doing so: it is this one, decided here)
                handler.current_user = user
                _ = handler.xsrf_token
        return user


class ThrottledTokenProvider(PasswordIdentityProvider):
    """Jupyter's token sign-in with the same per-address throttle, for the builder studio (JupyterLab):
    ``ServerApp.identity_provider_class = "faibric_kernel.dashboards.auth.ThrottledTokenProvider"``."""

    max_failures = Int(5, config=True, help="wrong tokens per address and minute before sign-ins are refused")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.throttle = AttemptThrottle(self.max_failures)

    def _checked(self, handler, candidate: str | None, user: User | None) -> User | None:
        """``user`` as Jupyter decided; a wrong candidate counts against the address."""
        if candidate and user is None:
            self.throttle.failed(handler.request.remote_ip or "unknown")
        return user

    async def get_user_token(self, handler) -> User | None:
        candidate = self.get_token(handler)
        if candidate:
            self.throttle.check(handler.request.remote_ip or "unknown")
        return self._checked(handler, candidate, await super().get_user_token(handler))

    def process_login_form(self, handler) -> User | None:
        candidate = handler.get_argument("password", default="")
        if candidate:
            self.throttle.check(handler.request.remote_ip or "unknown")
        return self._checked(handler, candidate, super().process_login_form(handler))


def _redacting_records() -> None:
    """Every log record of this process goes through the same redaction as the API's (``token=``)."""
    from ..api.logs import redact

    previous = logging.getLogRecordFactory()
    if getattr(previous, "faibric_redacts", False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        if isinstance(record.msg, str) and ("token" in record.msg.lower() or "bearer" in record.msg.lower()):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return record

    factory.faibric_redacts = True
    logging.setLogRecordFactory(factory)


def _template_paths_answer_404() -> None:
    """Voila asserts on the shape of a template path (``/voila/templates/..%2f..`` -> AssertionError -> 500):
    a path it cannot parse is simply not there."""
    try:
        from voila.static_file_handler import TemplateStaticFileHandler
    except ImportError:
        return
    if getattr(TemplateStaticFileHandler, "faibric_guarded", False):
        return
    parse, validate = TemplateStaticFileHandler.parse_url_path, TemplateStaticFileHandler.validate_absolute_path
    absolute = TemplateStaticFileHandler.get_absolute_path.__func__

    def parse_url_path(self, path):
        try:
            return parse(self, path)
        except (AssertionError, ValueError):
            raise HTTPError(404) from None

    def validate_absolute_path(self, root, absolute_path):
        try:
            return validate(self, root, absolute_path)
        except (AssertionError, ValueError, AttributeError):
            raise HTTPError(404) from None

    def get_absolute_path(cls, root, path):
        try:
            return absolute(cls, root, path)
        except (AssertionError, ValueError):
            raise HTTPError(404) from None

    TemplateStaticFileHandler.parse_url_path = parse_url_path
    TemplateStaticFileHandler.validate_absolute_path = validate_absolute_path
    TemplateStaticFileHandler.get_absolute_path = classmethod(get_absolute_path)
    TemplateStaticFileHandler.faibric_guarded = True


_redacting_records()
_template_paths_answer_404()
