"""Build traces: every build and change is a trace of spans with timings, tokens, cost and outcome.

Spans, in the order a build runs them: ``classify``, ``library``, ``generate``,
``parse``, ``validate``, ``fix``, ``bundle``, ``deploy`` (a change has
``classify``, ``generate`` for its edits, then the same checks). Each model call
is attached to the span it ran in (purpose, model, variant, prompt version,
tokens, cost, latency), through the ledger's observer.

A finished trace is one ``build_traced`` event of the session: the spans and
totals, never any prompt or answer text. The texts are kept only when
``FAIBRIC_TRACE_TEXT=1``, in ``$FAIBRIC_HOME/traces/<session>/<trace id>.json``,
after :func:`redact` has replaced email addresses, API keys and tokens, and the
values of every secret setting that is set. :func:`traces` and
:func:`trace_texts` read them back (slowest and most expensive first).
"""

from __future__ import annotations

import json
import re
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

from .. import config
from ..errors import BuildStoppedError, NotFoundError

__all__ = ["SPAN_NAMES", "Span", "Trace", "redact", "trace_texts", "traces"]

SPAN_NAMES = ("classify", "library", "generate", "parse", "validate", "fix", "bundle", "deploy")

_PATTERNS = [
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"), "[email]"),
    (re.compile(r"\bsk-ant-[A-Za-z0-9_-]{8,}"), "[secret]"),
    (re.compile(r"\bsk-[A-Za-z0-9_-]{16,}"), "[secret]"),
    (re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"), "[secret]"),
    (re.compile(r"\bAKIA[0-9A-Z]{16}\b"), "[secret]"),
    (re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"), "[secret]"),
    (re.compile(r"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}"), "[secret]"),
    (re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/-]{16,}=*"), "Bearer [secret]"),
    (re.compile(r"(?i)\b(api[_-]?key|secret|token|password|passwd)(\"?\s*[:=]\s*[\"']?)[^\s\"',;]{6,}"),
     r"\1\2[secret]"),
]


def redact(text: str) -> str:
    """``text`` with email addresses, API keys, tokens and the values of set secret settings replaced."""
    if not text:
        return text
    for name, setting in config.SETTINGS.items():
        if setting.secret:
            secret = config.get_secret(name)
            value = secret.reveal() if secret else None
            if value and len(value) >= 8:
                text = text.replace(value, f"[{name}]")
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


@dataclass
class Span:
    """One stage of a build: how long it took, what its model calls used and cost, how it ended."""

    name: str
    seconds: float = 0.0
    outcome: str = "ok"
    error: str | None = None
    calls: list[dict] = field(default_factory=list)
    attributes: dict = field(default_factory=dict)

    @property
    def input_tokens(self) -> int:
        return sum(c["input_tokens"] for c in self.calls)

    @property
    def output_tokens(self) -> int:
        return sum(c["output_tokens"] for c in self.calls)

    @property
    def cost_usd(self) -> float:
        return round(sum(c["cost_usd"] or 0.0 for c in self.calls), 8)

    def to_dict(self) -> dict:
        return {"name": self.name, "seconds": round(self.seconds, 4), "outcome": self.outcome, "error": self.error,
                "input_tokens": self.input_tokens, "output_tokens": self.output_tokens, "cost_usd": self.cost_usd,
                "calls": self.calls, **({"attributes": self.attributes} if self.attributes else {})}


class Trace:
    """The spans of one build or change (see the module docstring)."""

    def __init__(self, kind: str, session_id: str, tenant_id: str, variant: str):
        self.trace_id = uuid.uuid4().hex
        self.kind, self.session_id, self.tenant_id, self.variant = kind, session_id, tenant_id, variant
        self.spans: list[Span] = []
        self.texts: list[dict] = []
        self.keep_text = config.get_bool("FAIBRIC_TRACE_TEXT", False)
        self.started = time.perf_counter()
        self._open: list[Span] = []
        self.finished = False

    @contextmanager
    def span(self, name: str, **attributes):
        """Time a stage; its model calls attach to it; an exception marks it ``error`` (or ``stopped``)."""
        span = Span(name, attributes=dict(attributes))
        started = time.perf_counter()
        self._open.append(span)
        try:
            yield span
        except BaseException as exc:
            span.outcome = "stopped" if isinstance(exc, BuildStoppedError) else "error"
            span.error = type(exc).__name__
            raise
        finally:
            span.seconds = time.perf_counter() - started
            self._open.remove(span)
            self.spans.append(span)

    def add_span(self, name: str, seconds: float, outcome: str = "ok", **attributes) -> None:
        """A span measured elsewhere (validation and bundling are timed inside the checks)."""
        self.spans.append(Span(name, seconds, outcome, attributes=dict(attributes)))

    def on_call(self, request, completion) -> None:
        """The ledger's observer: one model call, attached to the innermost open span."""
        usage = completion.usage
        call = {"purpose": completion.purpose, "model": completion.model, "call_id": completion.call_id,
                "prompt": request.properties.get("prompt"), "input_tokens": usage.input_tokens + (
                    usage.cache_creation_input_tokens or 0) + (usage.cache_read_input_tokens or 0),
                "output_tokens": usage.output_tokens, "cost_usd": completion.cost_usd,
                "latency_ms": completion.latency_ms, "stop_reason": completion.stop_reason}
        span = self._open[-1] if self._open else None
        if span is None:
            span = Span("other")
            self.spans.append(span)
        span.calls.append(call)
        if self.keep_text:
            self.texts.append({"span": span.name, "call_id": completion.call_id, "prompt": redact(request.prompt_text()),
                               "response": redact(completion.text)})

    def summary(self, outcome: str, error: str | None = None) -> dict:
        spans = [s.to_dict() for s in self.spans]
        return {"trace_id": self.trace_id, "kind": self.kind, "variant": self.variant, "outcome": outcome,
                "error": error, "seconds": round(time.perf_counter() - self.started, 4),
                "input_tokens": sum(s["input_tokens"] for s in spans),
                "output_tokens": sum(s["output_tokens"] for s in spans),
                "cost_usd": round(sum(s["cost_usd"] for s in spans), 8), "calls": sum(len(s["calls"]) for s in spans),
                "spans": spans, "text_stored": bool(self.keep_text and self.texts)}

    def finish(self, outcome: str, error: BaseException | None = None) -> dict | None:
        """Record the trace (and, with FAIBRIC_TRACE_TEXT=1, its redacted texts); never raises."""
        if self.finished:
            return None
        self.finished = True
        try:
            from ..store import record_event

            summary = self.summary(outcome, type(error).__name__ if error is not None else None)
            if summary["text_stored"]:
                path = config.workspace() / "traces" / self.session_id / f"{self.trace_id}.json"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps({"trace_id": self.trace_id, "texts": self.texts}, ensure_ascii=False),
                                encoding="utf-8")
            record_event("build_traced", session_id=self.session_id, tenant_id=self.tenant_id, properties=summary)
            return summary
        except Exception:  # noqa: BLE001 - a trace that cannot be written must not fail the build it describes
            return None


def traces(con, *, session_id: str | None = None, order: str = "seconds", limit: int = 20) -> list[dict]:
    """Recorded traces, slowest (``order="seconds"``) or most expensive (``"cost"``) first, or newest (``"ts"``)."""
    from ..analytics.traces import trace_rows  # the one reader of build_traced events

    return trace_rows(con, session_id=session_id, order=order, limit=limit)


def trace_texts(session_id: str, trace_id: str) -> list[dict]:
    """The redacted prompt and answer texts of a trace (stored only with FAIBRIC_TRACE_TEXT=1)."""
    path = config.workspace(create=False) / "traces" / session_id / f"{trace_id}.json"
    if not path.is_file():
        raise NotFoundError(f"no stored texts for trace {trace_id}; texts are kept only when FAIBRIC_TRACE_TEXT=1")
    return json.loads(path.read_text(encoding="utf-8"))["texts"]
