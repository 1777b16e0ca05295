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

This module imports jupyter_server and is only loaded inside the Voila process.
"""

from __future__ import annotations

import hmac

from jupyter_server.auth.identity import PasswordIdentityProvider, User
from traitlets import Unicode

from .roles import ANALYST, ROLE_HEADER, ROLES, STAKEHOLDER

__all__ = ["RoleIdentityProvider", "role_for_token"]


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


def _role_user(role: str) -> User:
    title = "Analyst" if role == ANALYST else "Stakeholder"
    return User(username=role, name=title, display_name=title, initials=title[0])


class RoleIdentityProvider(PasswordIdentityProvider):
    """Accepts the stakeholder token (``token``) and the analyst token, and tells kernels which one was used."""

    analyst_token = Unicode("", config=True, help="token that grants the analyst role (individual customers)")

    @property
    def auth_enabled(self) -> bool:
        return bool(self.token or self.analyst_token)

    @property
    def login_available(self) -> bool:
        return self.auth_enabled

    def _role_of(self, candidate: str | None) -> str | None:
        return role_for_token(candidate, stakeholder_token=self.token, analyst_token=self.analyst_token)

    async def get_user_token(self, handler) -> User | None:
        role = self._role_of(self.get_token(handler))
        return _role_user(role) if role else None

    def user_from_cookie(self, cookie_value: str) -> User | None:
        user = super().user_from_cookie(cookie_value)
        # only the two role users are ever issued; anything else is not ours
        if user is None or user.username not in ROLES:
            return None
        return _role_user(user.username)

    def process_login_form(self, handler) -> User | None:
        role = self._role_of(handler.get_argument("password", default=""))
        return _role_user(role) if role else None

    async def _get_user(self, handler) -> User | None:
        user = await super()._get_user(handler)
        if user is not None and user.username not in ROLES:
            # e.g. an anonymous user from a code path we did not foresee: no role, no access
            user = None
        headers = handler.request.headers
        if ROLE_HEADER in headers:
            del headers[ROLE_HEADER]
        if user is not None:
            headers[ROLE_HEADER] = user.username
        return user
