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
from pathlib import Path

from ..build import ProgressFn, TextFn, deploy_session, get_runner, modify_site, run_build
from ..build.leases import recover_interrupted
from ..errors import InvalidInputError, NotFoundError

__all__ = [
    "DEPLOY_TARGET_LABELS",
    "ChatMessage",
    "CostSummary",
    "ProjectView",
    "StudioBackend",
    "VersionView",
    "check_email",
]

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
    properties: dict = field(default_factory=dict)

    @property
    def changed_files(self) -> list[str]:
        return list(self.properties.get("changed_files") or [])


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
        from ..deploy import DEPLOYERS

        names = list(DEPLOYERS)
        return sorted(names, key=lambda n: (n != "local", n))

    # -- sessions ---------------------------------------------------------------------------------
    def recover_interrupted(self) -> None:
        """Mark builds whose process died as ``error`` (reason ``interrupted``), as every start does."""
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
    def run_job(self, kind: str, session_id: str, work: Callable[[threading.Event], object],
                cancel: threading.Event):
        """Run ``work(cancel)`` as the session's job in this process's runner and wait for its result.

        The runner holds the session's lease (a killed kernel leaves the
        session ``interrupted``, not ``building``; ``faibric stop`` reaches
        the job) and shares the studio's stop button through ``cancel``.
        """
        session = self.get_session(session_id)
        runner = get_runner()
        runner.submit(kind, session_id, lambda _progress, job_cancel: work(job_cancel),
                      tenant_id=session.tenant_id, cancel=cancel)
        return runner.result(session_id)

    def build(self, session_id: str, *, provider: str | None, model: str | None, deploy_target: str,
              on_progress: ProgressFn, on_text: TextFn, cancel: threading.Event):
        return self.run_job("build", session_id, lambda job_cancel: run_build(
            session_id, provider=provider, model=model, deploy_target=deploy_target, on_progress=on_progress,
            on_text=on_text, cancel=job_cancel), cancel)

    def modify(self, session_id: str, request: str, *, provider: str | None, model: str | None,
               on_progress: ProgressFn, on_text: TextFn, cancel: threading.Event):
        return self.run_job("modify", session_id, lambda job_cancel: modify_site(
            session_id, request, provider=provider, on_progress=on_progress, on_text=on_text, cancel=job_cancel),
            cancel)

    def deploy(self, session_id: str, target: str, *, on_progress: Callable[[str], None],
               cancel: threading.Event) -> str | None:
        """Deploy the session's current version to ``target`` and mark the session live; returns the URL.

        The deploy itself (bundle, deployer, ``deploys`` row, events) is
        :func:`faibric_kernel.build.deploy_session`; a failure leaves the
        session as it was (its site is still there) and raises the deployer's
        error, whose message says what to set.
        """
        result = self.run_job("deploy", session_id, lambda job_cancel: deploy_session(
            session_id, target, on_progress=lambda _stage, _percent, line: on_progress(line), cancel=job_cancel),
            cancel)
        return result.url

    def restore(self, session_id: str, version: int):
        from .. import projects

        return projects.restore(session_id, version)

    def preview(self, files: dict[str, str], preview_path: str | None = None) -> str:
        """The preview document: the one a build or change just wrote for these files, else a fresh bundle."""
        if preview_path:
            try:
                return Path(preview_path).read_text(encoding="utf-8")
            except OSError:
                pass
        from ..preview import preview_html

        return preview_html(files)

    # -- reading the store ------------------------------------------------------------------------
    def project(self, session_id: str) -> ProjectView:
        """The session's project (files of the current version, every version newest first), or an empty view."""
        from ..projects import list_versions, project_for_session

        try:
            project = project_for_session(session_id)
        except NotFoundError:
            return ProjectView(None, None, {}, [])
        versions = [VersionView(v.version, v.kind, v.prompt, v.diff or "", v.cost_usd, v.created_at, dict(v.files),
                                dict(v.properties or {}))
                    for v in reversed(list_versions(project.project_id))]
        current = project.current_version if project.current_version is not None else (
            versions[0].version if versions else None)
        files = next((v.files for v in versions if v.version == current), {})
        return ProjectView(project.project_id, current, files, versions)

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

    def live_site(self, session_id: str | None) -> dict | None:
        """The session's live site's visitors and leads (last 7 days and all time); None without a public site."""
        if not session_id:
            return None
        from ..analytics.sites import session_site_summary
        from ..store import read_connection

        with read_connection() as con:
            return session_site_summary(con, session_id)

    def build_traces(self, session_id: str | None, limit: int = 12) -> list[dict]:
        """The session's traced builds and changes, newest first, each with its spans (seconds per stage)."""
        if not session_id:
            return []
        from ..build.traces import traces
        from ..store import read_connection

        with read_connection() as con:
            return traces(con, session_id=session_id, order="ts", limit=limit)

    def history(self, session, project: ProjectView | None = None) -> list[ChatMessage]:
        """The chat as it happened, rebuilt from the store (so a restarted kernel shows it again).

        Requests and their results come from the project versions (each keeps
        the prompt or change request that made it); deploys, stops and errors
        from the session's events; both in time order.
        """
        from ..store import read_connection

        project = project if project is not None else self.project(session.session_id)
        with read_connection() as con:
            rows = con.execute(
                "SELECT ts, event_type, CAST(properties AS VARCHAR) FROM events WHERE session_id = ? "
                "AND event_type IN ('deployed', 'deploy_failed', 'build_stopped', 'error') ORDER BY ts",
                [session.session_id],
            ).fetchall()
        timeline: list[tuple[datetime, int, list[ChatMessage]]] = []
        for version in project.versions:
            timeline.append((version.created_at or datetime.min, 0, _messages_for_version(version)))
        for ts, event_type, raw in rows:
            message = _message_for_event(event_type, json.loads(raw) if raw else {})
            if message is not None:
                timeline.append((ts, 1, [message]))
        messages = [ChatMessage("user", session.prompt or "")]
        for _, _, items in sorted(timeline, key=lambda item: (item[0], item[1])):
            if items and items[0].role == "user" and items[0].text == (session.prompt or "") and len(messages) == 1:
                items = items[1:]  # the first build repeats the session's prompt
            messages.extend(items)
        return messages


def _messages_for_version(version: VersionView) -> list[ChatMessage]:
    cost = "unpriced" if version.cost_usd is None else f"${version.cost_usd:,.4f}"
    changed = ", ".join(version.changed_files[:6]) + (" ..." if len(version.changed_files) > 6 else "")
    if version.kind == "restore":
        source = version.properties.get("restored_from")
        return [ChatMessage("assistant", f"Restored version {source} as version {version.version}.")]
    if version.kind == "modify":
        return [ChatMessage("user", version.prompt or "(a change)"),
                ChatMessage("assistant", f"Changed {changed or 'the site'}: version {version.version}, "
                                         f"this step cost {cost}.")]
    return [ChatMessage("user", version.prompt or ""),
            ChatMessage("assistant", f"Built version {version.version}: {len(version.files)} files, cost {cost}.")]


def _message_for_event(event_type: str, props: dict) -> ChatMessage | None:
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

