"""What every provider takes and gives back, and the one place calls are recorded.

A provider is a small class declaring ``name``, ``needs_key`` and
``key_env_var`` and implementing :meth:`Provider.complete`. Whatever happens
inside, each request it sends ends as exactly one ``api_calls`` row written by
:meth:`Provider.record` (usage, cost from the price table, price version,
latency, purpose, status).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, fields

from ..store import record_api_call
from .pricing import Usage, price_call

__all__ = ["Completion", "CompletionRequest", "GenerationContext", "Provider", "TextCallback", "estimate_tokens"]

TextCallback = Callable[[str], None]


def estimate_tokens(text: str) -> int:
    """A rough token count (about four characters a token) for providers that do not count."""
    return max(1, (len(text) + 3) // 4) if text else 0


@dataclass
class GenerationContext:
    """Structured facts about a task that never go over the network (the offline provider works from them).

    ``part`` says which step of a split generation this is: ``site`` (one
    call writes everything), ``components`` (only the components the library
    could not supply) or ``compose`` (the copy and the page around them).
    ``extra`` carries task-specific facts of callers outside the build (a
    report summary's facts, an onboarding classification's message).
    """

    prompt: str = ""
    brief: dict | None = None
    reuse: list[dict] = field(default_factory=list)
    form_action: str = ""
    write_sections: list[str] = field(default_factory=list)
    part: str | None = None
    provided: list[str] = field(default_factory=list)
    request: str | None = None
    files: dict[str, str] = field(default_factory=dict)
    issues: list[dict] = field(default_factory=list)
    text: str = ""
    extra: dict = field(default_factory=dict)

    @classmethod
    def of(cls, value: GenerationContext | dict | None) -> GenerationContext:
        """A context from a context or a plain dict (keys that are not fields go to ``extra``)."""
        if isinstance(value, GenerationContext):
            return value
        data = dict(value or {})
        extra = dict(data.pop("extra", None) or {})
        known = {f.name for f in fields(cls)}
        extra.update({k: data.pop(k) for k in list(data) if k not in known})
        return cls(**data, extra=extra)

    def with_(self, **changes) -> GenerationContext:
        """A copy with some fields changed."""
        return GenerationContext(**{**{f.name: getattr(self, f.name) for f in fields(self)}, **changes})


@dataclass
class CompletionRequest:
    """One request to a model.

    ``system`` is the long constant part (constraints and output format): the
    anthropic provider sends it as a cached block. ``context`` is structured
    data about the task (the site brief, the files, the change asked for)
    that never goes over the network; the offline provider works from it.
    """

    purpose: str
    messages: list[dict]
    system: str | None = None
    model: str | None = None
    max_tokens: int | None = None
    session_id: str | None = None
    tenant_id: str = "default"
    context: GenerationContext = field(default_factory=GenerationContext)
    properties: dict = field(default_factory=dict)
    cache: bool = True

    def __post_init__(self) -> None:
        self.context = GenerationContext.of(self.context)

    def prompt_text(self) -> str:
        """The whole prompt as text (for token estimates and logs)."""
        parts = [self.system or ""]
        for message in self.messages:
            content = message.get("content")
            if isinstance(content, str):
                parts.append(content)
            else:
                parts.extend(block.get("text", "") for block in content or [] if isinstance(block, dict))
        return "\n".join(parts)


@dataclass
class Completion:
    """A model's answer and what it cost."""

    text: str
    stop_reason: str | None
    usage: Usage
    model: str
    provider: str
    purpose: str
    cost_usd: float | None
    price_version: str | None
    latency_ms: float
    call_id: str
    attempts: int = 1

    def to_dict(self) -> dict:
        return {
            "provider": self.provider, "model": self.model, "purpose": self.purpose, "stop_reason": self.stop_reason,
            "usage": self.usage.to_dict(), "cost_usd": self.cost_usd, "price_version": self.price_version,
            "latency_ms": self.latency_ms, "call_id": self.call_id, "attempts": self.attempts,
        }


class Provider:
    """Base of every provider: declares its key, implements :meth:`complete`."""

    name: str = ""
    needs_key: bool = False
    key_env_var: str | None = None
    description: str = ""

    def complete(
        self,
        request: CompletionRequest,
        on_text: TextCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> Completion:
        raise NotImplementedError

    def model_for(self, purpose: str, *, tier: str | None = None) -> str:
        from .models import model_for

        return model_for(self.name, purpose, tier=tier)

    def record(
        self,
        request: CompletionRequest,
        *,
        model: str,
        usage: Usage,
        latency_ms: float,
        status: str = "ok",
        error_type: str | None = None,
        properties: dict | None = None,
    ) -> tuple[str, float | None, str | None]:
        """Write the ``api_calls`` row for one request; returns (call_id, cost, price_version)."""
        cost, price_version = price_call(model, usage)
        props = {**request.properties, **(properties or {})}
        if usage.cache_creation_1h_input_tokens:
            props["cache_creation_1h_input_tokens"] = usage.cache_creation_1h_input_tokens
        if cost is None:
            props["unpriced"] = True
        call_id = record_api_call(
            provider=self.name,
            model=model,
            purpose=request.purpose,
            session_id=request.session_id,
            tenant_id=request.tenant_id or "default",
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cache_creation_input_tokens=usage.cache_creation_input_tokens,
            cache_read_input_tokens=usage.cache_read_input_tokens,
            cost_usd=cost,
            price_version=price_version,
            latency_ms=round(latency_ms, 3),
            status=status,
            error_type=error_type,
            properties=props or None,
        )
        return call_id, cost, price_version
