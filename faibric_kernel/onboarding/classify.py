"""Is a chat message on a live site a change to it, or a request for a new project?

With a model provider that has a key (anthropic), the cheap model answers one
word; offline (or when that call fails) rules decide. Either way the answer
says how it was reached.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass

from ..errors import FaibricError

__all__ = ["Classification", "classify_message", "classify_by_rules"]

log = logging.getLogger("faibric.onboarding")

NEW_PROJECT = "new_project"
CHANGE = "change"

_NEW_PATTERNS = [
    r"\b(a|an)\s+(new|second|separate|different|another)\s+(web\s*site|site|project|app|page|landing page|store|shop|blog|portfolio)\b",
    r"\b(another|new|second|separate)\s+(web\s*site|site|project|app|landing page|store|shop|blog|portfolio)\b",
    r"\b(start|begin)\s+(over|again|from scratch|a new)\b",
    r"\bfrom scratch\b",
    r"\b(build|make|create|design)\s+(me\s+)?(a|an)\s+(?!new\s+(section|page|button|color|colour|font|logo|image))"
    r"[\w\s-]{0,40}?(web\s*site|site|app|landing page|store|shop|blog|portfolio)\s+(for|about)\b",
]
_CHANGE_HINTS = re.compile(
    r"\b(my|the|this|our|current|existing)\s+(web\s*site|site|page|app|header|footer|hero|menu|section|button|"
    r"colou?rs?|fonts?|logo|title|text|images?)\b|\b(change|make it|make the|update|replace|move|add|remove|"
    r"fix|tweak|edit|rename|bigger|smaller|darker|lighter)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Classification:
    kind: str  # "change" | "new_project"
    method: str  # "rules" | "model:<provider>/<model>"
    reason: str

    def to_dict(self) -> dict:
        return asdict(self)


def classify_by_rules(message: str) -> Classification:
    """The offline decision: explicit new-project phrasing wins, everything else is a change."""
    text = " ".join(message.lower().split())
    for pattern in _NEW_PATTERNS:
        match = re.search(pattern, text)
        if match:
            # "build a new section for my site" talks about the current site
            if re.search(r"\b(my|the|this|our|current|existing)\s+(web\s*site|site|page|app)\b", text) and not \
                    re.search(r"\b(another|separate|second|different)\b|\bfrom scratch\b|\bstart (over|again)\b", text):
                continue
            return Classification(NEW_PROJECT, "rules", f"asks for a new project ({match.group(0)!r})")
    if _CHANGE_HINTS.search(text):
        return Classification(CHANGE, "rules", "talks about changing the current site")
    return Classification(CHANGE, "rules", "no request for a new project, so a change to the current site")


def _route_prompt(session_id: str | None):
    """The routing prompt of the session's variant (its text and the labels for the api_calls row)."""
    from ..generation.prompt_registry import default_book
    from ..generation.variants import get_variant
    from ..sessions import get_session

    variant = None
    try:
        variant = get_session(session_id).variant if session_id else None
        book = get_variant(variant).book() if variant else default_book()
    except FaibricError:
        variant, book = None, default_book()
    return book.prompts["route_message_task"], {"variant": variant, "prompt": book.label("route_message_task")}


def classify_message(message: str, *, site_prompt: str | None = None, session_id: str | None = None,
                     tenant_id: str = "default", provider=None) -> Classification:
    """Classify with the cheap model when a keyed provider is available, else by rules."""
    try:
        from ..providers import CompletionRequest, get_provider

        chosen = provider or get_provider()
    except (ImportError, FaibricError):
        return classify_by_rules(message)
    if chosen.name == "offline":
        return classify_by_rules(message)
    template, labels = _route_prompt(session_id)
    try:
        model = chosen.model_for("classify", tier="cheap")
        completion = chosen.complete(CompletionRequest(
            purpose="classify",
            messages=[{"role": "user", "content": template.render(site=(site_prompt or "")[:2000], message=message)}],
            model=model, max_tokens=5, session_id=session_id, tenant_id=tenant_id,
            context={"task": "classify_modification", "message": message, "site_prompt": site_prompt},
            properties={k: v for k, v in labels.items() if v},
        ))
    except FaibricError as exc:
        log.warning("classifier model failed (%s); using rules", exc)
        fallback = classify_by_rules(message)
        return Classification(fallback.kind, "rules", f"{fallback.reason} (the model call failed: {exc.message})")
    answer = completion.text.strip().upper()
    if answer.startswith("NEW"):
        return Classification(NEW_PROJECT, f"model:{chosen.name}/{completion.model}", "the model answered NEW")
    if answer.startswith("CHANGE"):
        return Classification(CHANGE, f"model:{chosen.name}/{completion.model}", "the model answered CHANGE")
    fallback = classify_by_rules(message)
    return Classification(fallback.kind, "rules", f"{fallback.reason} (the model answered {answer[:20]!r})")
