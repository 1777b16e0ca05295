"""Who is looking: the viewer's role inside a dashboard kernel, and what it may see.

Two roles. A *stakeholder* sees aggregates: counts, rates, costs, charts;
wherever a table would list customers, they appear as stable pseudonyms
(``customer-3f9a1c``) and their free text (prompts, comments) is left out; the
users and user-detail dashboards say they need an analyst token. An *analyst*
(or operator) also sees individual customers.

How the role reaches the kernel (see :mod:`faibric_kernel.dashboards.auth`):
the Voila server's identity provider decides the role from the token, then
writes it into the request header ``X-Faibric-Role`` on the server side,
overwriting anything the browser sent; Voila hands the listed header to the
kernel as ``HTTP_X_FAIBRIC_ROLE``. Inside a Voila kernel a missing or unknown
value means stakeholder (least privilege). Outside Voila (JupyterLab, tests,
papermill) the person already has the store itself, so the role is analyst
unless ``FAIBRIC_DASHBOARD_ROLE`` says otherwise.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping

import pandas as pd

__all__ = [
    "ANALYST",
    "ROLE_ENV",
    "ROLE_HEADER",
    "ROLES",
    "STAKEHOLDER",
    "current_role",
    "is_analyst",
    "pseudonym",
    "pseudonymise",
    "running_under_voila",
]

STAKEHOLDER = "stakeholder"
ANALYST = "analyst"
ROLES = (STAKEHOLDER, ANALYST)
ROLE_HEADER = "X-Faibric-Role"
ROLE_ENV = "HTTP_X_FAIBRIC_ROLE"  # how Voila names a forwarded header in the kernel's environment
SERVER_ENV = "FAIBRIC_DASHBOARD_SERVER"  # set by `faibric dashboards` for every kernel it starts

_process_salt = secrets.token_bytes(16)


def running_under_voila(environ: Mapping[str, str] | None = None) -> bool:
    """Whether this kernel was started by a Voila server (ours or a plain ``voila`` command)."""
    env = os.environ if environ is None else environ
    return bool(env.get(SERVER_ENV)) or "VOILA_PREHEAT" in env or "VOILA_KERNEL_ID" in env


def current_role(environ: Mapping[str, str] | None = None) -> str:
    """The viewer's role: from the server-set header under Voila (default stakeholder), else analyst."""
    env = os.environ if environ is None else environ
    if running_under_voila(env):
        value = (env.get(ROLE_ENV) or "").strip().lower()
        return ANALYST if value == ANALYST else STAKEHOLDER
    value = (env.get("FAIBRIC_DASHBOARD_ROLE") or ANALYST).strip().lower()
    return value if value in ROLES else STAKEHOLDER


def is_analyst(role: str) -> bool:
    return role == ANALYST


def _salt() -> bytes:
    # a server-wide salt keeps one customer's pseudonym the same across dashboards
    # and viewers of one server run; without it, within this process only
    raw = os.environ.get("FAIBRIC_PSEUDONYM_SALT")
    return raw.encode() if raw else _process_salt


def pseudonym(value) -> str:
    """A stable, non-reversible stand-in for a customer id or email."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return ""
    digest = hmac.new(_salt(), str(value).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"customer-{digest[:6]}"


def pseudonymise(df: pd.DataFrame, columns=("customer", "email", "actor"), drop=()) -> pd.DataFrame:
    """A copy of ``df`` with customer columns pseudonymised and free-text columns dropped."""
    out = df.drop(columns=[c for c in drop if c in df.columns]).copy()
    for col in columns:
        if col in out.columns:
            out[col] = out[col].map(pseudonym)
    return out
