"""The activity feed: the latest events across sessions, as plain sentences.

Sentences are plain text built from event properties; whoever shows them
(a dashboard, an email) escapes them for its medium. Nothing here builds HTML.
"""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd

from ._common import filters, resolve_now

__all__ = ["activity_feed", "describe_event"]

MAX_QUOTE = 80


def _quote(text) -> str:
    text = " ".join(str(text).split())
    if len(text) > MAX_QUOTE:
        text = text[: MAX_QUOTE - 1].rstrip() + "…"
    return f"“{text}”"


def _who(actor, session_id) -> str:
    if actor:
        return str(actor)
    if session_id:
        return f"A visitor (session {str(session_id)[:8]})"
    return "Someone"


def describe_event(event_type: str, actor: str | None, session_id: str | None, properties: dict | None) -> str:  # noqa: C901 - one sentence per event type
    """One readable sentence for one event."""
    p = properties or {}
    who = _who(actor, session_id)
    owner = f"{who}'s" if actor else "A visitor's"
    if event_type == "request_submitted":
        return f"{who} asked for a site: {_quote(p['prompt'])}" if p.get("prompt") else f"{who} asked for a site"
    if event_type == "email_provided":
        return f"{p.get('email') or who} gave their email"
    if event_type == "magic_link_sent":
        return f"A sign-in link was sent to {p.get('email') or who}"
    if event_type == "verified":
        return f"{who} confirmed their email"
    if event_type == "build_started":
        variant = f" (prompt variant {p['variant']})" if p.get("variant") else ""
        return f"{who} started a build{variant}"
    if event_type == "library_reused":
        item = p.get("item_name") or p.get("item_id") or "a component"
        saved = f", saving about {int(p['est_tokens_saved']):,} tokens" if p.get("est_tokens_saved") else ""
        return f"{owner} build reused {item} from the library{saved}"
    if event_type == "generation_completed":
        files = f" ({p['files']} files)" if p.get("files") is not None else ""
        return f"The code for {who} was generated{files}"
    if event_type == "validation_failed":
        count = p.get("errors")
        what = f"{count} problem{'s' if count != 1 else ''}" if count is not None else "problems"
        rule = f" ({p['rule']})" if p.get("rule") else ""
        return f"Validation found {what} in the code for {who}{rule}"
    if event_type == "code_fixed":
        return f"The code for {who} was fixed automatically"
    if event_type == "preview_ready":
        return f"A preview is ready for {who}"
    if event_type == "deploy_started":
        target = f" to {p['target']}" if p.get("target") else ""
        return f"{who} started a deploy{target}"
    if event_type == "deployed":
        where = f" at {p['url']}" if p.get("url") else ""
        return f"{owner} site went live{where}"
    if event_type == "deploy_failed":
        why = f": {p['error']}" if p.get("error") else ""
        return f"A deploy for {who} failed{why}"
    if event_type == "modification_requested":
        return f"{who} asked for a change: {_quote(p['request'])}" if p.get("request") else f"{who} asked for a change"
    if event_type == "modification_applied":
        version = f" (version {p['version']})" if p.get("version") is not None else ""
        return f"A change was applied for {who}{version}"
    if event_type == "build_stopped":
        return f"{who} stopped a build"
    if event_type == "error":
        detail = p.get("message") or p.get("error_type")
        return f"{owner} session hit an error" + (f": {detail}" if detail else "")
    if event_type == "feedback_submitted":
        rating = f" {p['rating']}/5" if p.get("rating") is not None else ""
        comment = f": {_quote(p['comment'])}" if p.get("comment") else ""
        return f"{who} rated their site{rating}{comment}"
    return f"{who}: {event_type.replace('_', ' ')}"


def activity_feed(
    con,
    limit: int = 50,
    tenant: str | None = None,
    now: datetime | str | None = None,
) -> pd.DataFrame:
    """The latest ``limit`` events (newest first) with a ``sentence`` column."""
    where, params = filters(now=resolve_now(now), tenant=tenant)
    params["limit"] = max(0, int(limit))
    df = con.execute(
        f"""
        SELECT ts, tenant_id, session_id, actor, event_type, CAST(properties AS VARCHAR) AS properties
        FROM events WHERE {where}
        ORDER BY ts DESC LIMIT $limit
        """,
        params,
    ).df()
    sentences = []
    for row in df.itertuples(index=False):
        try:
            props = json.loads(row.properties) if isinstance(row.properties, str) else None
        except ValueError:
            props = None
        if not isinstance(props, dict):
            props = None
        actor = row.actor if isinstance(row.actor, str) else None
        session = row.session_id if isinstance(row.session_id, str) else None
        sentences.append(describe_event(row.event_type, actor, session, props))
    df["sentence"] = sentences
    return df.drop(columns=["properties"])
