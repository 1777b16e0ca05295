"""The steps of generation that talk to a model: call (with continuation), parse (with one repair), check, fix.

These are shared by a new build and a change (see :mod:`faibric_kernel.build`):

* :func:`call_model` runs one request and, when the answer stopped at
  ``max_tokens``, asks to continue at most twice;
* :func:`generate_files` parses the answer into files, and sends one repair
  request when nothing parses, then gives up with :class:`MalformedOutputError`;
* :func:`check_project` applies the cheap fixes, validates, and bundles
  (when the preview toolchain exists): a bundle error is a validation issue;
* :func:`fix_once` is the single AI fix a version may have.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import BuildStoppedError, FaibricError, MalformedOutputError
from ..providers import Completion, CompletionRequest, GenerationContext, Provider, Usage
from .parsing import ParseResult, join_continuation, parse_files
from .prompt_registry import PromptBook
from .prompts import continue_messages, fix_messages, repair_messages
from .validation import Issue, ValidationReport, apply_cheap_fixes, validate_files

__all__ = ["Ledger", "call_model", "check_project", "fix_once", "generate_files", "preview_available"]

MAX_CONTINUATIONS = 2


@dataclass
class Ledger:
    """What the model calls of one build or change cost, together."""

    calls: list[Completion] = field(default_factory=list)
    observer: Callable[[CompletionRequest, Completion], None] | None = None  # a build's trace

    def add(self, completion: Completion, request: CompletionRequest | None = None) -> Completion:
        self.calls.append(completion)
        if self.observer is not None and request is not None:
            self.observer(request, completion)
        return completion

    @property
    def cost_usd(self) -> float:
        return round(sum(c.cost_usd or 0.0 for c in self.calls), 8)

    @property
    def unpriced_calls(self) -> int:
        return sum(1 for c in self.calls if c.cost_usd is None)

    @property
    def usage(self) -> Usage:
        total = Usage()
        for call in self.calls:
            total = total + call.usage
        return total

    def to_dict(self) -> dict:
        return {"calls": len(self.calls), "cost_usd": self.cost_usd, "unpriced_calls": self.unpriced_calls,
                "usage": self.usage.to_dict(),
                "by_purpose": {p: sum(1 for c in self.calls if c.purpose == p) for p in {c.purpose for c in self.calls}}}


def _check(cancel: threading.Event | None, where: str) -> None:
    if cancel is not None and cancel.is_set():
        raise BuildStoppedError(f"stopped {where}")


def call_model(
    provider: Provider,
    request: CompletionRequest,
    ledger: Ledger,
    *,
    on_text: Callable[[str], None] | None = None,
    cancel: threading.Event | None = None,
    book: PromptBook | None = None,
) -> tuple[str, int]:
    """The full answer to ``request`` (continued after ``max_tokens`` at most twice) and the continuations used.

    ``book`` is the build's prompt versions (the default ones when None), for the continuation request.
    """
    completion = ledger.add(provider.complete(request, on_text=on_text, cancel=cancel), request)
    text = completion.text
    continuations = 0
    while completion.stop_reason == "max_tokens" and continuations < MAX_CONTINUATIONS:
        _check(cancel, "before continuing the answer")
        continuations += 1
        follow_up = CompletionRequest(
            purpose=request.purpose, system=request.system, model=completion.model,
            messages=continue_messages(request.messages, text, book), max_tokens=request.max_tokens,
            session_id=request.session_id, tenant_id=request.tenant_id, context=request.context, cache=request.cache,
            properties={**request.properties, "continuation": continuations,
                        **({"followup_prompt": book.label("continue_task")} if book else {})},
        )
        completion = ledger.add(provider.complete(follow_up, on_text=on_text, cancel=cancel), follow_up)
        text = join_continuation(text, completion.text)
    return text, continuations


def generate_files(
    provider: Provider,
    request: CompletionRequest,
    ledger: Ledger,
    *,
    on_text: Callable[[str], None] | None = None,
    cancel: threading.Event | None = None,
    book: PromptBook | None = None,
) -> tuple[ParseResult, dict]:
    """Files parsed from the model's answer, after at most one repair request."""
    text, continuations = call_model(provider, request, ledger, on_text=on_text, cancel=cancel, book=book)
    parsed = parse_files(text)
    info = {"continuations": continuations, "repaired": False, "format": parsed.format, "answer_chars": len(text)}
    if parsed.ok:
        return parsed, info
    _check(cancel, "before asking the model to repair its answer")
    repair = CompletionRequest(
        purpose="repair", system=request.system, model=request.model,
        messages=repair_messages(request.messages, text, book), max_tokens=request.max_tokens,
        session_id=request.session_id, tenant_id=request.tenant_id, context=request.context, cache=request.cache,
        properties={**request.properties, "repair_of": request.purpose,
                    **({"followup_prompt": book.label("repair_task")} if book else {})},
    )
    text, more = call_model(provider, repair, ledger, on_text=on_text, cancel=cancel, book=book)
    parsed = parse_files(text)
    info.update(repaired=True, continuations=continuations + more, format=parsed.format, answer_chars=len(text))
    if not parsed.ok:
        raise MalformedOutputError(
            "the model's answer contained no files, even after one repair request; nothing was written. "
            "Try again, or rephrase the prompt", answer_excerpt=text[:300])
    return parsed, info


def preview_available() -> bool:
    try:
        from .. import preview  # noqa: F401
    except ImportError:
        return False
    return hasattr(preview, "bundle_files")


@dataclass
class Checked:
    files: dict[str, str]
    report: ValidationReport
    bundle: object | None = None
    bundle_note: str | None = None
    validate_seconds: float = 0.0
    bundle_seconds: float | None = None  # None: no bundle was attempted


def check_project(files: dict[str, str], *, bundle: bool = True, out_dir=None) -> Checked:
    """Cheap fixes, then validation, then (if clean and possible) a bundle whose errors count as issues."""
    started = time.perf_counter()
    files, fixes = apply_cheap_fixes(files)
    report = validate_files(files)
    report.fixes.extend(fixes)
    validate_seconds = time.perf_counter() - started
    result, note, bundle_seconds = None, None, None
    if report.ok and bundle and preview_available():
        started = time.perf_counter()
        from ..preview import bundle_files

        try:
            result = bundle_files(files, out_dir=out_dir) if out_dir is not None else bundle_files(files)
        except FaibricError as exc:
            note = f"preview skipped: {exc.message}"
            result = None
        if result is not None and not result.ok:
            for error in result.errors:
                report.issues.append(Issue(error.file or "<bundle>", error.line, error.column, "bundle", error.message))
        bundle_seconds = time.perf_counter() - started
    return Checked(files, report, result, note, validate_seconds, bundle_seconds)


def fix_once(  # noqa: PLR0913 - the build run's parts, keyword-only
    provider: Provider,
    files: dict[str, str],
    issues: list[Issue],
    ledger: Ledger,
    *,
    system: str | None,
    model: str | None,
    session_id: str | None,
    tenant_id: str,
    context: GenerationContext,
    on_text=None,
    cancel=None,
    book: PromptBook | None = None,
    max_tokens: int | None = None,
    cache: bool = True,
    properties: dict | None = None,
) -> tuple[dict[str, str], ParseResult]:
    """The one AI fix of a version: the files with the model's corrected ones laid over them."""
    request = CompletionRequest(
        purpose="fix", system=system, model=model, messages=fix_messages(issues, files, book), session_id=session_id,
        tenant_id=tenant_id, context=GenerationContext.of(context).with_(issues=[i.to_dict() for i in issues], files=files),
        max_tokens=max_tokens, cache=cache, properties=dict(properties or {}),
    )
    text, _ = call_model(provider, request, ledger, on_text=on_text, cancel=cancel, book=book)
    parsed = parse_files(text)
    return {**files, **parsed.files}, parsed
