"""The reuse decision generation makes for each section: adapt a library item, or write new code.

A strong enough match is adapted (by the cheap model with the anthropic
provider, or filled in by the offline provider); otherwise the strong model
writes the section. Every decision is recorded as a ``library_reused`` event
(``decision`` is ``reuse`` or ``generate``), so dashboards can show the reuse
rate and the output tokens it saved.
"""

from __future__ import annotations

from .. import config
from ..errors import ConfigError, InvalidInputError
from ..store import record_event
from .catalog import search
from .models import ReuseDecision

__all__ = ["DEFAULT_REUSE_THRESHOLD", "choose_for_section", "record_reuse", "reuse_threshold"]

DEFAULT_REUSE_THRESHOLD = 0.55
KIND_WEIGHT = 3.0


def reuse_threshold() -> float:
    """The score from which an item is reused (``FAIBRIC_REUSE_THRESHOLD``, default 0.55)."""
    raw = config.get("FAIBRIC_REUSE_THRESHOLD")
    if raw in (None, ""):
        return DEFAULT_REUSE_THRESHOLD
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"FAIBRIC_REUSE_THRESHOLD must be a number between 0 and 1, not {raw!r}") from None
    if not 0.0 <= value <= 1.0:
        raise ConfigError(f"FAIBRIC_REUSE_THRESHOLD must be between 0 and 1, not {value}")
    return value


def choose_for_section(kind: str, query: str = "", threshold: float | None = None, **search_options) -> ReuseDecision:
    """Pick the best item of ``kind`` for a section described by ``query`` and decide reuse or generate.

    The kind itself is part of what is matched, so a plain request for "a
    pricing section" reuses the best pricing item; a request whose specifics
    the library does not cover scores lower and is generated.
    """
    if threshold is None:
        threshold = reuse_threshold()
    if not 0.0 <= float(threshold) <= 1.0:
        raise InvalidInputError(f"threshold must be between 0 and 1, not {threshold}")
    if query is not None and not isinstance(query, str):
        raise InvalidInputError(f"query must be text, not {type(query).__name__}")
    wording = (query or "").strip() or (kind.replace("-", " ") if isinstance(kind, str) else str(kind))
    # the section's kind is itself evidence: every candidate is of that kind, and the query's own words
    # decide how well its specifics are covered
    results = search(wording, kind, 3, kind_weight=KIND_WEIGHT, **search_options)
    canonical = results[0].item.kind if results else kind
    if not results:
        return ReuseDecision(kind=canonical, query=query or "", item=None, score=0.0, decision="generate",
                             reasons=[f"no library item of kind {kind!r}"], threshold=float(threshold))
    best = results[0]
    if best.score >= threshold:
        reasons = [f"score {best.score:.2f} >= threshold {threshold:.2f}", *best.reasons]
        decision = "reuse"
    else:
        reasons = [f"best match {best.item.id} scored {best.score:.2f} < threshold {threshold:.2f}", *best.reasons]
        decision = "generate"
    return ReuseDecision(kind=best.item.kind, query=query or "", item=best.item, score=best.score,
                         decision=decision, reasons=reasons, threshold=float(threshold))


def record_reuse(decision: ReuseDecision, session_id: str, tenant_id: str = "default",
                 section: str | None = None, actor: str | None = None) -> None:
    """Record the decision as a ``library_reused`` event (spooled; never opens the database)."""
    if not isinstance(decision, ReuseDecision):
        raise InvalidInputError(f"record_reuse takes a ReuseDecision, not {type(decision).__name__}")
    record_event(
        "library_reused",
        session_id=session_id,
        tenant_id=tenant_id,
        actor=actor,
        properties={
            "item_id": decision.item.id if decision.item else None,
            "kind": decision.kind,
            "score": round(float(decision.score), 4),
            "decision": decision.decision,
            "est_tokens_saved": int(decision.est_tokens_saved),
            "threshold": decision.threshold,
            "section": section or decision.kind,
        },
    )
