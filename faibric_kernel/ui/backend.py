"""What the studio asks of the rest of Faibric, in one place and without widgets.

:class:`StudioBackend` is the studio's only door into sessions, builds,
projects, previews, deploys and the store. Every method is plain Python, so
the studio's logic can be tested headless, and a test can hand the studio a
backend with one method replaced by a fake (a provider that fails, a slow
build). The default implementation calls the real modules.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..errors import InvalidInputError

__all__ = [
    "DEPLOY_TARGET_LABELS",
    "ChatMessage",
    "CostSummary",
    "ProjectView",
    "StudioBackend",
    "VersionView",
    "check_email",
]

ProgressFn = Callable[[str, float, str], None]
TextFn = Callable[[str], None]

DEPLOY_TARGET_LABELS = {
    "none": "Preview only",
    "local": "Local (this machine)",
    "github": "GitHub",
    "render": "Render",
    "github+render": "GitHub + Render",
}


@dataclass
class VersionView:
    """One project version as the versions tab shows it."""

    version: int
    kind: str | None
    prompt: str | None
    diff: str
    cost_usd: float | None
    created_at: datetime | None
    files: dict[str, str] = field(default_factory=dict)


@dataclass
class ProjectView:
    """A session's project: the current files and every version, newest first."""

    project_id: str | None
    current_version: int | None
    files: dict[str, str]
    versions: list[VersionView]


@dataclass
class CostSummary:
    """Tokens and dollars for one session and for today (UTC), from ``api_calls``."""

    session_tokens: int = 0
    session_cost_usd: float = 0.0
    session_calls: int = 0
    session_unpriced: int = 0
    today_tokens: int = 0
    today_cost_usd: float = 0.0
    today_calls: int = 0
    today_unpriced: int = 0


@dataclass
class ChatMessage:
    """One line of the chat history."""

    role: str  # "user", "assistant" or "system"
    text: str
    kind: str = "text"  # "text", "error", "notice", "link"
    url: str | None = None


def _utc_midnight() -> datetime:
    now = datetime.now(UTC)
    return datetime(now.year, now.month, now.day)


def _files_from_json(raw) -> dict[str, str]:
    data = json.loads(raw) if isinstance(raw, str) else raw
    if isinstance(data, dict):
        return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
    if isinstance(data, list):
        return {item["path"]: item.get("content", item.get("text", "")) for item in data}
    return {}


class StudioBackend:
    """The real Faibric behind the studio."""

    def __init__(self, tenant_id: str = "default"):
        self.tenant_id = tenant_id

    # -- choices ----------------------------------------------------------------------------------
    def provider_choices(self) -> list[tuple[str, str]]:
        """``(label, name)`` for each registered provider; the automatic choice first."""
        from .. import config
        from ..providers import PROVIDERS

        auto = "anthropic" if config.is_set("ANTHROPIC_API_KEY") else "offline"
        choices = [(f"Automatic ({auto})", "auto")]
        for name, cls in PROVIDERS.items():
            usable = not cls.needs_key or config.is_set(cls.key_env_var)
            label = name if usable else f"{name} (needs {cls.key_env_var})"
            choices.append((label, name))
        return choices

    def model_choices(self, provider: str) -> list[tuple[str, str]]:
        """``(label, model id)`` for a provider; ``""`` means the configured choice per step."""
        from .. import config
        from ..providers import load_models

        if provider in (None, "", "auto"):
            provider = "anthropic" if config.is_set("ANTHROPIC_API_KEY") else "offline"
        entry = load_models()["providers"].get(provider, {})
        choices = [("Default (strong for code, cheap for the rest)", "")]
        for tier in ("strong", "cheap"):
            model = entry.get(tier)
            if model and all(model != m for _, m in choices):
                choices.append((f"{model} ({tier})", model))
        return choices

    def deploy_targets(self) -> list[str]:
        """Registered deploy targets, ``local`` first."""
        try:
            from ..deploy import DEPLOYERS
        except ImportError:  # pragma: no cover - the deploy package is part of the product
            return ["local"]
        names = list(DEPLOYERS)
        return sorted(names, key=lambda n: (n != "local", n))

    # -- sessions ---------------------------------------------------------------------------------
    def recover_interrupted(self) -> None:
        """Mark builds whose process died as ``error`` (reason ``interrupted``), as every start does."""
        try:
            from ..onboarding.leases import recover_interrupted
        except ImportError:  # pragma: no cover
            return
        recover_interrupted()

    def recent_sessions(self, limit: int = 40):
        from ..sessions import list_sessions

        return list_sessions(tenant_id=self.tenant_id, limit=limit)

    def get_session(self, session_id: str):
        from ..sessions import get_session

        return get_session(session_id)

    def create_session(self, prompt: str, *, email: str | None, provider: str | None, deploy_target: str | None):
        from ..sessions import create_session

        return create_session(prompt, tenant_id=self.tenant_id, email=email or None, provider=provider,
                              deploy_target=deploy_target)

    # -- work -------------------------------------------------------------------------------------
    def build(self, session_id: str, *, provider: str | None, model: str | None, deploy_target: str,
              on_progress: ProgressFn, on_text: TextFn, cancel: threading.Event):
        from ..builds import run_build

        return run_build(session_id, provider=provider, model=model, deploy_target=deploy_target,
                         on_progress=on_progress, on_text=on_text, cancel=cancel)

    def modify(self, session_id: str, request: str, *, provider: str | None, model: str | None,
               on_progress: ProgressFn, on_text: TextFn, cancel: threading.Event):
        from ..builds import modify_site

        return modify_site(session_id, request, provider=provider, on_progress=on_progress, on_text=on_text,
                           cancel=cancel)

    def deploy(self, session_id: str, target: str, *, on_progress: Callable[[str], None],
               cancel: threading.Event) -> str | None:
        """Deploy the session's current version to ``target``; returns the live URL."""
        from .. import builds

        deploy_session = getattr(builds, "deploy_session", None)
        if deploy_session is not None:
            result = deploy_session(session_id, target=target, on_progress=on_progress, cancel=cancel)
        else:
            from ..deploy.run import deploy_version

            result = deploy_version(session_id, target=target, on_progress=on_progress, cancel=cancel)
        return getattr(result, "url", None)

    def restore(self, session_id: str, version: int):
        from .. import projects

        return projects.restore(session_id, version)

    def preview(self, files: dict[str, str]) -> str:
        from ..preview import preview_html

        return preview_html(files)

    # -- reading the store ------------------------------------------------------------------------
    def project(self, session_id: str) -> ProjectView:
        """The session's project (files of the current version, every version), or an empty view."""
        from ..store import read_connection

        with read_connection(include_spool=False) as con:
            projects = con.execute(
                "SELECT project_id, current_version FROM projects WHERE session_id = ? ORDER BY updated_at DESC "
                "LIMIT 1", [session_id],
            ).fetchall()
            if not projects:
                return ProjectView(None, None, {}, [])
            project_id, current = projects[0]
            rows = con.execute(
                "SELECT version, kind, prompt, coalesce(diff, ''), cost_usd, created_at, CAST(files AS VARCHAR) "
                "FROM project_versions WHERE project_id = ? ORDER BY version DESC", [project_id],
            ).fetchall()
        versions = [VersionView(v, kind, prompt, diff, cost, created, _files_from_json(files))
                    for v, kind, prompt, diff, cost, created, files in rows]
        if current is None and versions:
            current = versions[0].version
        current_files = next((v.files for v in versions if v.version == current), {})
        return ProjectView(project_id, current, current_files, versions)

    def live_url(self, session) -> str | None:
        """Where the session's site is live: the session's URL, else its latest successful deploy."""
        if getattr(session, "url", None):
            return session.url
        from ..store import read_connection

        with read_connection(include_spool=False) as con:
            rows = con.execute(
                "SELECT url FROM deploys WHERE session_id = ? AND status = 'live' AND url IS NOT NULL "
                "ORDER BY coalesce(finished_at, started_at) DESC LIMIT 1", [session.session_id],
            ).fetchall()
        return rows[0][0] if rows else None

    def costs(self, session_id: str | None) -> CostSummary:
        from ..store import read_connection

        totals = ("coalesce(sum(input_tokens + output_tokens + cache_creation_input_tokens + "
                  "cache_read_input_tokens), 0), coalesce(sum(cost_usd), 0), count(*), "
                  "count(*) FILTER (WHERE cost_usd IS NULL)")
        with read_connection() as con:
            today = con.execute(f"SELECT {totals} FROM api_calls WHERE ts >= ?", [_utc_midnight()]).fetchall()[0]
            session = (
                con.execute(f"SELECT {totals} FROM api_calls WHERE session_id = ?", [session_id]).fetchall()[0]
                if session_id else (0, 0.0, 0, 0)
            )
        return CostSummary(int(session[0]), float(session[1]), int(session[2]), int(session[3]),
                           int(today[0]), float(today[1]), int(today[2]), int(today[3]))

    def history(self, session) -> list[ChatMessage]:
        """The chat as it happened, rebuilt from the session's events (so a restarted kernel shows it again)."""
        from ..store import read_connection

        with read_connection() as con:
            rows = con.execute(
                "SELECT event_type, CAST(properties AS VARCHAR) FROM events WHERE session_id = ? ORDER BY ts",
                [session.session_id],
            ).fetchall()
        messages = [ChatMessage("user", session.prompt or "")]
        for event_type, raw in rows:
            props = json.loads(raw) if raw else {}
            message = _message_for_event(event_type, props)
            if message is not None:
                messages.append(message)
        return messages


def _message_for_event(event_type: str, props: dict) -> ChatMessage | None:
    if event_type == "modification_requested":
        text = props.get("request") or props.get("message") or props.get("text")
        return ChatMessage("user", text) if text else None
    if event_type == "modification_applied":
        files = props.get("files") or props.get("changed_files") or []
        changed = ", ".join(files) if isinstance(files, list) else str(files)
        version = props.get("version")
        text = "Change applied" + (f" (version {version})" if version else "") + (f": {changed}" if changed else ".")
        return ChatMessage("assistant", text)
    if event_type == "generation_completed":
        files = props.get("files")
        count = len(files) if isinstance(files, list) else files
        return ChatMessage("assistant", "Site generated" + (f" ({count} files)." if count else "."))
    if event_type == "deployed":
        url = props.get("url")
        return ChatMessage("assistant", f"Live at {url}" if url else "Deployed.", kind="link", url=url)
    if event_type == "deploy_failed":
        return ChatMessage("system", f"Deploy failed: {props.get('reason') or 'no reason recorded'}", kind="error")
    if event_type == "build_stopped":
        return ChatMessage("system", "Build stopped.", kind="notice")
    if event_type == "error":
        return ChatMessage("system", f"Error: {props.get('reason') or 'no reason recorded'}", kind="error")
    return None


def check_email(email: str | None) -> str | None:
    """An optional customer email: empty is fine, otherwise it must look like an address."""
    email = (email or "").strip()
    if not email:
        return None
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email or domain.startswith(".") or domain.endswith("."):
        raise InvalidInputError(f"{email!r} does not look like an email address; leave it empty or write it "
                                "as name@example.com")
    return email

