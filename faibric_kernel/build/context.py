"""The state every stage of a build shares, and what a build or change returns.

:class:`BuildRun` carries one build or change: the session, the provider and
model, the progress and text callbacks, the cancel event, the cost ledger and
the notes for the result. Every stage takes it first. :data:`ProgressFn` is the
one progress signature of the build wing, ``(stage, percent, message)``, for the
CLI, the studio and the API worker alike.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from .. import config
from ..errors import BuildError, BuildStoppedError, FaibricError, InvalidInputError
from ..generation.pipeline import Ledger
from ..generation.prompt_registry import PromptBook
from ..generation.variants import Variant, assignable, choose_variant, get_variant
from ..providers import CompletionRequest, GenerationContext, Provider, get_provider, tier_for
from ..sessions import Session, get_session, transition, update_session
from ..store import record_event
from .traces import Trace

__all__ = [
    "DEPLOY_TARGETS",
    "apply_budget",
    "BuildResult",
    "BuildRun",
    "ModifyResult",
    "ProgressFn",
    "TextFn",
    "bundle_dir",
    "change_failed",
    "finish_failure",
    "reraise",
    "resolve_provider",
    "session_variant",
]

ProgressFn = Callable[[str, float, str], None]
TextFn = Callable[[str], None]
DEPLOY_TARGETS = ("local", "github", "render", "github+render", "none")


@dataclass
class BuildResult:
    """How a build ended, and where its site is."""

    session_id: str
    status: str
    project_id: str | None = None
    project_dir: str | None = None
    files: list[str] = field(default_factory=list)
    version: int | None = None
    url: str | None = None
    cost_usd: float = 0.0
    provider: str | None = None
    model: str | None = None
    brief: dict | None = None
    reused: list[dict] = field(default_factory=list)
    validation: dict | None = None
    preview_path: str | None = None
    deploy: dict | None = None
    usage: dict | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None
    trace_id: str | None = None

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class ModifyResult:
    """How a change ended: which files it touched, and the new version."""

    session_id: str
    status: str
    kind: str = "change"
    method: str | None = None
    attempts: int = 0
    touched: list[str] = field(default_factory=list)
    version: int | None = None
    previous_version: int | None = None
    project_dir: str | None = None
    files: list[str] = field(default_factory=list)
    diff: str | None = None
    url: str | None = None
    cost_usd: float = 0.0
    validation: dict | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None
    trace_id: str | None = None

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


class BuildRun:
    """The shared state of one build or change: who, which provider and variant, progress, cancel, costs.

    The variant (the session's, see :func:`session_variant`) decides the prompt
    versions (``book``), the models, the switches and the max tokens of every
    request the stages make through :meth:`request`; each request carries the
    variant and its prompt versions into its ``api_calls`` row.
    """

    def __init__(self, session: Session, provider: Provider, model: str | None, on_progress: ProgressFn | None,
                 on_text: TextFn | None, cancel: threading.Event | None, variant: Variant | None = None,
                 kind: str = "build"):
        self.session = session
        self.variant = variant or Variant(name="default", description="the default prompts, models and switches")
        self.book: PromptBook = self.variant.book()
        self.session_id = session.session_id
        self.tenant_id = session.tenant_id
        self.provider = provider
        self.model = model
        self.on_progress = on_progress
        self.on_text = on_text
        self.cancel = cancel
        self.trace = Trace(kind, self.session_id, self.tenant_id, self.variant.name)
        self.ledger = Ledger(observer=self.trace.on_call)
        self.notes: list[str] = []
        self.started = time.perf_counter()
        self.bundle = True
        self.bundle_dir: Path | None = None
        self.cheap_only = False  # a tenant over its soft budget: every call uses the cheap model

    def progress(self, stage: str, percent: float, message: str) -> None:
        if self.on_progress is not None:
            try:
                self.on_progress(stage, percent, message)
            except Exception:  # noqa: BLE001 - a broken progress display must not break the build
                pass

    def check(self, where: str) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise BuildStoppedError(f"stopped {where}")

    def event(self, event_type: str, properties: dict) -> None:
        record_event(event_type, session_id=self.session_id, tenant_id=self.tenant_id, actor=self.session.actor,
                     properties=properties)

    @property
    def seconds(self) -> float:
        return round(time.perf_counter() - self.started, 3)

    # -- what the variant decides ---------------------------------------------------------------
    def switch(self, name: str) -> bool:
        """A switch (``reuse``, ``prompt_cache``, ``split_generation``): the variant's, else the setting's."""
        return self.variant.switch(name)

    def model_for(self, purpose: str) -> str:
        """The model for a purpose: an explicit ``--model`` (strong work), else the variant's, else the model table's."""
        tier = tier_for(self.provider.name, purpose) if self.provider.name in _model_table_providers() else "strong"
        if self.cheap_only:
            if self.provider.name != "offline" and self.variant.models.get("cheap"):
                return self.variant.models["cheap"]
            return self.provider.model_for(purpose, tier="cheap")
        if self.model and tier == "strong":
            return self.model
        # the offline composer has its own fixed models; a variant's model ids name real models
        if self.provider.name != "offline":
            chosen = self.variant.model(purpose, tier)
            if chosen:
                return chosen
        return self.provider.model_for(purpose)

    def request(self, purpose: str, prompt_id: str, messages: list[dict], *, system: str | None,  # noqa: PLR0913 - a request's parts, keyword-only
                system_id: str | None, context: GenerationContext | None = None, model: str | None = None,
                cache: bool = True, max_tokens: int | None = None, properties: dict | None = None) -> CompletionRequest:
        """A request of this build: the variant's model, max tokens and caching, labelled with its prompt versions."""
        labels = {"variant": self.variant.name, "prompt": self.book.label(prompt_id)}
        if system_id:
            labels["system_prompt"] = self.book.label(system_id)
        return CompletionRequest(
            purpose=purpose, system=system, messages=messages, model=model or self.model_for(purpose),
            max_tokens=self.variant.max_tokens.get(purpose) or max_tokens, session_id=self.session_id,
            tenant_id=self.tenant_id, context=context or GenerationContext(),
            cache=cache and self.switch("prompt_cache"), properties={**labels, **(properties or {})})


def apply_budget(run: BuildRun, decision) -> None:
    """Record a budget step (cheap model, or the offline composer chosen by the caller) and note it in the result."""
    if decision.step == "none":
        return
    note = decision.note
    if decision.step == "cheap":
        if run.provider.name == "offline":
            note += " (this build already uses the offline composer, which costs nothing)"
        else:
            run.cheap_only = True
    run.notes.append(note)
    run.event("budget_applied", {"step": decision.step, "month": decision.month, "spent_usd": decision.spent_usd,
                                 **({k: v for k, v in decision.budget.to_dict().items() if k != "tenant_id"}
                                    if decision.budget else {})})


def _model_table_providers() -> set[str]:
    from ..providers import load_models

    return set(load_models()["providers"])


def session_variant(session: Session, explicit: str | None = None) -> Variant:
    """The variant a session's builds and changes use; a session without one is assigned one now, for life.

    ``explicit`` (``faibric build --variant``) is only accepted for a session
    that has no variant yet or already has that one: a session never changes
    variant, so its changes are measured with the arm it started in.
    """
    if session.variant:
        if explicit and explicit != session.variant:
            raise InvalidInputError(f"session {session.session_id} uses the prompt variant {session.variant} for life; "
                                    f"start a new session to build with {explicit}")
        return get_variant(session.variant)
    variant = assignable(explicit) if explicit else get_variant(choose_variant(session.session_id))
    update_session(session.session_id, variant=variant.name)
    session.variant = variant.name
    return variant


def resolve_provider(provider: str | Provider | None, session: Session) -> Provider:
    """The provider asked for, else the session's, else the automatic choice."""
    if isinstance(provider, Provider):
        return provider
    return get_provider(provider or session.provider or None)


def bundle_dir(session_id: str) -> Path:
    """An empty staging folder for the bundle of the session's next deploy."""
    path = config.workspace() / "builds" / session_id / "staging"
    shutil.rmtree(path, ignore_errors=True)
    return path


def finish_failure(session_id: str, exc: BaseException) -> str:
    """Move a failed or stopped session out of ``building``; returns the status it got."""
    if isinstance(exc, BuildStoppedError):
        status, reason = "stopped", exc.message
    elif isinstance(exc, FaibricError):
        status, reason = "error", exc.message
    else:
        status, reason = "error", f"internal error: {type(exc).__name__}: {exc}"
    try:
        current = get_session(session_id).status
        if current == "building":
            transition(session_id, status, reason=reason[:500], expected="building",
                       properties={"error_type": type(exc).__name__} if status == "error" else None)
            return status
        return current
    except FaibricError:
        return status


def change_failed(session_id: str, previous_status: str, exc: BaseException, run: BuildRun) -> None:
    """A failed change leaves the site as it was: the session goes back to its status, and an error is recorded."""
    reason = exc.message if isinstance(exc, FaibricError) else f"internal error: {type(exc).__name__}: {exc}"
    try:
        if get_session(session_id).status == "building":
            transition(session_id, previous_status, reason=f"change failed: {reason}"[:500], expected="building",
                       emit=False)
        run.event("error", {"stage": "modify", "reason": reason[:500], "error_type": type(exc).__name__,
                            "cost_usd": run.ledger.cost_usd})
    except FaibricError:
        finish_failure(session_id, exc)


def reraise(run: BuildRun, exc: BaseException, what: str) -> NoReturn:
    """Raise a failed build's or change's error as a :class:`FaibricError` carrying the session and the cost."""
    if isinstance(exc, FaibricError):
        exc.details.setdefault("session_id", run.session_id)
        exc.details.setdefault("cost_usd", run.ledger.cost_usd)
        raise exc
    if isinstance(exc, Exception):
        raise BuildError(f"the {what} of {run.session_id} failed unexpectedly: {type(exc).__name__}: {exc}",
                         session_id=run.session_id) from exc
    raise exc
