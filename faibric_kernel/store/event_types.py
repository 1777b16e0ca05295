"""The one list of event types: what each means, who records it, and the properties it carries.

Every ``record_event`` call in the package names a type listed here (a test
walks the package to check), and everything that needs the list reads it
from here: the importer (which types it accepts), the demo history (which
types it writes), the dashboards' plain-text descriptions, and
``docs/events.md`` (written from this list by :func:`events_markdown`; a test
keeps the page current).

To add an event type: add an :class:`EventType` below, record it, and
regenerate the page with ``python -m faibric_kernel.store.event_types > docs/events.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EVENT_TYPES", "EventType", "event_names", "events_markdown", "is_known"]


@dataclass(frozen=True)
class EventType:
    """One kind of event.

    ``summary`` is what an actor did, as a dashboard row says it ("submitted a
    request"); ``detail`` names the property shown beside it. ``demo`` says
    whether ``faibric seed-demo`` writes this type into its synthetic history.
    """

    name: str
    recorded_by: str
    meaning: str
    properties: tuple[str, ...] = ()
    summary: str = ""
    detail: str | None = None
    demo: bool = True


_TYPES = (
    EventType("request_submitted", "sessions.create_session", "a prompt arrived and a session began",
              ("prompt_chars", "variant", "provider", "parent_session_id"), "submitted a request", "prompt"),
    EventType("email_provided", "sessions.transition", "the customer gave an email address", ("email",),
              "gave an email"),
    EventType("magic_link_sent", "onboarding.flow", "a sign-in link was emailed (or queued)", ("email", "queued"),
              "was sent a magic link"),
    EventType("verified", "sessions.transition", "the customer clicked the magic link", (), "verified their email"),
    EventType("build_started", "sessions.transition", "a build or change began (status building)",
              ("provider", "deploy_target", "reason", "variant"), "started a build"),
    EventType("library_reused", "library.reuse", "a reuse decision for one section",
              ("item_id", "item_name", "kind", "score", "decision", "est_tokens_saved"),
              "reused a library component", "item_name"),
    EventType("generation_completed", "build.generate", "the model(s) wrote the site's files",
              ("provider", "model", "files", "rejected", "continuations", "reused", "cost_usd", "seconds"),
              "got generated code", "files"),
    EventType("validation_failed", "build.check, build.modify", "validation or an edit round found problems",
              ("stage", "errors", "issues", "attempt", "failures"), "failed validation", "rule"),
    EventType("code_fixed", "build.check", "cheap fixes or the one AI fix changed the code",
              ("kind", "fixes", "files", "errors_before", "errors_after"), "had the code fixed"),
    EventType("preview_ready", "sessions.transition", "a version was saved and previewed (status ready)",
              ("version", "preview"), "got a preview"),
    EventType("deploy_started", "deploy.run", "a deploy began", ("target", "version"), "started a deploy",
              "target"),
    EventType("deployed", "deploy.run", "a version went live", ("target", "url", "version"), "deployed a site",
              "url"),
    EventType("deploy_failed", "deploy.run", "a deploy failed; the site is as it was", ("target", "error"),
              "had a deploy fail", "error"),
    EventType("modification_requested", "build.modify, onboarding.flow", "a change to a built site was asked for",
              ("request_chars", "version", "provider"), "asked for a change", "request"),
    EventType("modification_applied", "build.modify", "a change became a new version",
              ("version", "previous_version", "touched", "method", "attempts", "cost_usd"), "got a change applied",
              "version"),
    EventType("build_stopped", "sessions.transition", "a build or change was stopped (status stopped)",
              ("reason",), "stopped a build", "reason"),
    EventType("error", "sessions.transition, build.context, build.leases", "a session ended in error",
              ("reason", "error_type", "stage", "cost_usd"), "hit an error", "error_type"),
    EventType("feedback_submitted", "onboarding.flow", "the customer rated their site", ("rating", "comment"),
              "gave feedback", "comment"),
    EventType("budget_applied", "build.context", "a tenant over its soft budget was moved to a cheaper model or offline",
              ("step", "month", "spent_usd", "soft_usd", "hard_usd", "offline_usd", "offline_threshold_usd"), "was moved down by a budget", "step",
              demo=False),
    EventType("build_traced", "build.traces", "the spans of one build or change, with timings, tokens and cost",
              ("trace_id", "kind", "variant", "outcome", "error", "seconds", "input_tokens", "output_tokens",
               "cost_usd", "calls", "spans", "text_stored"), "had a build traced",
              "outcome"),
    EventType("site_pageview", "livesites.visitors", "a visitor opened a page of a live site",
              ("site_id", "version", "visitor", "path", "referrer"), "had a site visit", "path", demo=False),
    EventType("site_section_viewed", "livesites.visitors", "a visitor scrolled a section of a live site into view",
              ("site_id", "version", "visitor", "path", "section"), "had a section seen", "section", demo=False),
    EventType("site_cta_clicked", "livesites.visitors", "a visitor clicked a link or button on a live site",
              ("site_id", "version", "visitor", "path", "label"), "had a call to action clicked", "label",
              demo=False),
    EventType("site_form_started", "livesites.visitors", "a visitor started filling in a form on a live site",
              ("site_id", "version", "visitor", "path", "form"), "had a form started", "form", demo=False),
    EventType("site_form_submitted", "livesites.visitors", "a visitor sent a form on a live site",
              ("site_id", "version", "visitor", "path", "form"), "had a form sent", "form", demo=False),
    EventType("lead_received", "livesites.leads", "a form submission was stored in the site's inbox",
              ("site_id", "form", "lead_id", "version", "spam"), "received a lead", "form", demo=False),
    EventType("file_rejected", "generation.safety", "a generated file was refused (unsafe path or too big)",
              ("path", "reason"), "had a generated file refused", "reason", demo=False),
    EventType("email_sent", "email", "an email was delivered to the backend", ("backend", "subject", "kind"),
              "was sent an email", "subject", demo=False),
    EventType("email_failed", "email", "an email could not be sent and was queued for a retry",
              ("backend", "subject", "kind", "error", "queued_id", "attempts"), "had an email fail", "error",
              demo=False),
)

EVENT_TYPES: dict[str, EventType] = {t.name: t for t in _TYPES}


def event_names(*, demo: bool | None = None) -> tuple[str, ...]:
    """Every registered event type name, in the registry's order (``demo=True``: those the demo writes)."""
    return tuple(t.name for t in _TYPES if demo is None or t.demo == demo)


def is_known(name: str) -> bool:
    return name in EVENT_TYPES


def events_markdown() -> str:
    """``docs/events.md``: the registry as a table."""
    lines = [
        "# Event types",
        "",
        "Every event Faibric records has one of these types. The list is "
        "`faibric_kernel/store/event_types.py`; this page is written from it "
        "(`python -m faibric_kernel.store.event_types > docs/events.md`).",
        "",
        "| type | recorded by | meaning | properties |",
        "|---|---|---|---|",
    ]
    for t in _TYPES:
        props = ", ".join(f"`{p}`" for p in t.properties) or "-"
        lines.append(f"| `{t.name}` | `{t.recorded_by}` | {t.meaning} | {props} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(events_markdown(), end="")
