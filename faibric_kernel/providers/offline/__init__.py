"""The offline provider: no network, no key, deterministic, and the test fake.

It answers every purpose the build asks of a model, from the task's
structured ``context`` (never from the network):

* ``classify``: the rule-based site brief (or change plan) as JSON;
* ``generate`` / ``adapt`` / ``repair``: a whole site composed from the
  component library and its own components, written as ``<file>`` tags,
  exactly the format a model writes, so parsing, validation and versioning
  run as they do with a model;
* ``modify``: search/replace ``<edit>`` blocks for the changes its rules
  understand (a clear refusal otherwise); ``rewrite``: the same changes as
  whole files;
* ``fix``: it cannot repair arbitrary code, and says so (no files).

Its text is streamed to ``on_text`` in chunks, cancellation is honoured
between chunks, and each call is recorded like any provider's (provider
``offline``, tokens estimated, cost 0 from the price table).
"""

from __future__ import annotations

import json
import threading
import time

from ...errors import BuildStoppedError, FaibricError, InvalidInputError
from ...generation.brief import SiteBrief, analyse_prompt
from ...generation.components import component_files
from ...generation.edits import Edit, apply_edits
from ...generation.scaffold import index_html
from ..base import Completion, CompletionRequest, GenerationContext, Provider, TextCallback, estimate_tokens
from ..pricing import Usage
from .changes import classify_change, edits_for_change, render_edits
from .compose import compose_site

__all__ = ["OfflineProvider"]

CHUNK = 400


class OfflineProvider(Provider):
    """Composes sites by rules from the component library; free and instant."""

    name = "offline"
    needs_key = False
    key_env_var = None
    description = "no network, no key: composes sites from the component library by rules"

    def __init__(self, chunk_delay: float = 0.0):
        # a small delay per chunk lets tests and demos watch streaming and cancel mid-way
        self.chunk_delay = chunk_delay

    def complete(
        self,
        request: CompletionRequest,
        on_text: TextCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> Completion:
        model = request.model or self.model_for(request.purpose)
        started = time.perf_counter()
        usage = Usage(input_tokens=estimate_tokens(request.prompt_text()))
        text, sent = "", 0
        try:
            if cancel is not None and cancel.is_set():
                raise BuildStoppedError("stopped before the offline provider started")
            text = self._answer(request)
            for start in range(0, len(text), CHUNK):
                if cancel is not None and cancel.is_set():
                    raise BuildStoppedError("stopped while the offline provider was writing")
                piece = text[start:start + CHUNK]
                sent += len(piece)
                if on_text is not None:
                    on_text(piece)
                if self.chunk_delay:
                    time.sleep(self.chunk_delay)
        except BuildStoppedError as exc:
            usage.output_tokens = estimate_tokens(text[:sent])
            self.record(request, model=model, usage=usage, latency_ms=_ms(started), status="cancelled",
                        error_type=type(exc).__name__)
            raise
        except FaibricError as exc:
            self.record(request, model=model, usage=usage, latency_ms=_ms(started), status="error",
                        error_type=type(exc).__name__)
            raise
        usage.output_tokens = estimate_tokens(text)
        latency = _ms(started)
        call_id, cost, price_version = self.record(request, model=model, usage=usage, latency_ms=latency,
                                                   properties={"stop_reason": "end_turn"})
        return Completion(text=text, stop_reason="end_turn", usage=usage, model=model, provider=self.name,
                          purpose=request.purpose, cost_usd=cost, price_version=price_version, latency_ms=latency,
                          call_id=call_id)

    # -- answers ------------------------------------------------------------------------------------
    def _answer(self, request: CompletionRequest) -> str:
        ctx = request.context
        purpose = request.purpose
        if purpose == "classify":
            return _classification(ctx)
        if purpose in ("generate", "adapt", "repair"):
            return _site_files(ctx)
        if purpose in ("modify", "rewrite"):
            return _change(ctx, whole_files=purpose == "rewrite")
        if purpose == "fix":
            return ("The offline provider composes sites from templates and cannot repair hand-written code; "
                    "no files were changed. Set ANTHROPIC_API_KEY to let a model fix these problems.")
        if purpose == "summarize":
            return ctx.text[:280]
        raise InvalidInputError(f"the offline provider does not handle the purpose {purpose!r}")


def _brief(ctx: GenerationContext) -> SiteBrief:
    return SiteBrief.from_dict(ctx.brief) if ctx.brief else analyse_prompt(ctx.prompt)


def _classification(ctx: GenerationContext) -> str:
    """The rule-based change plan (for a change request) or site brief, as JSON."""
    if ctx.request is not None:
        return json.dumps(classify_change(ctx.request, ctx.files).to_dict())
    brief = analyse_prompt(ctx.prompt).to_dict()
    return json.dumps({k: v for k, v in brief.items()
                       if k in ("kind", "business_name", "location", "noun", "sections", "tone", "language",
                                "currency", "subkind", "variant", "confidence")}, ensure_ascii=False)


def _site_files(ctx: GenerationContext) -> str:
    """The whole site (or, for the ``components`` step, only the new components) as ``<file>`` tags."""
    brief = _brief(ctx)
    if ctx.part == "components":
        files: dict[str, str] = {}
        for section in ctx.write_sections:
            files.update(component_files(section)[1])
        intro = f"Here are {len(files) // 2} new component(s) for {brief.business_name}.\n\n"
    else:
        site = compose_site(brief, ctx.reuse, form_action=ctx.form_action)
        provided = set(ctx.provided) if ctx.part == "compose" else set()
        files = {p: c for p, c in site.files.items() if p not in provided}
        if brief.language != "en":
            # the frame's index.html says lang="en"; a site in another language says its own
            files["index.html"] = index_html(brief.business_name, _description(brief), brief.language)
        intro = (f"Here is the {brief.noun} site for {brief.business_name}: "
                 f"{len(site.used_library)} library component(s) reused, {len(site.own)} of its own.\n\n")
    return intro + "\n\n".join(f'<file path="{p}">\n{c}</file>' for p, c in files.items()) + "\n"


def _change(ctx: GenerationContext, *, whole_files: bool) -> str:
    """Search/replace edits for a change its rules understand, or (``whole_files``) the changed files whole."""
    brief = SiteBrief.from_dict(ctx.brief) if ctx.brief else None
    plan = classify_change(ctx.request or "", ctx.files)
    edits, new_files = edits_for_change(plan, ctx.files, brief)
    if not whole_files:
        return _explanation(plan) + render_edits(edits, new_files)
    outcome = apply_edits(ctx.files, [Edit(p, s, r) for p, s, r in edits])
    if not outcome.ok:
        raise InvalidInputError("the offline provider could not rewrite the files for this change")
    touched = {p: outcome.files[p] for p in outcome.touched}
    return render_edits([], {**touched, **new_files})


def _explanation(plan) -> str:
    """A sentence before the edits where the change is not quite what was asked (the studio shows it)."""
    if plan.rule == "add" and plan.details.get("page"):
        return (f"This site is a single page, so instead of a new page I added the {plan.details['section']} "
                "section to it, with a link in the navigation.\n\n")
    if plan.rule == "translate":
        return f"Every text of the site is now in {plan.details.get('language')}, from the copy decks.\n\n"
    return ""


def _description(brief: SiteBrief) -> str:
    """The page's meta description in the site's language: name, noun, place."""
    return f"{brief.business_name}: {brief.noun}{' · ' + brief.location if brief.location else ''}."[:160]


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
