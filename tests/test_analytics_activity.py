"""The activity feed: newest events first, as plain sentences."""

from __future__ import annotations

from faibric_kernel.analytics import activity_feed, describe_event
from faibric_kernel.analytics.testing import insert_events

NOW = "2026-03-20T12:00:00"


def test_latest_events_newest_first_with_sentences(fresh_db):
    insert_events(fresh_db, [
        {"ts": "2026-03-20T10:00:00", "session_id": "s1", "event_type": "request_submitted",
         "properties": {"prompt": "A bakery site"}},
        {"ts": "2026-03-20T10:01:00", "session_id": "s1", "event_type": "email_provided", "actor": "a@x.io",
         "properties": {"email": "a@x.io"}},
        {"ts": "2026-03-20T10:09:00", "session_id": "s1", "event_type": "deployed", "actor": "a@x.io",
         "properties": {"url": "https://bakery.test"}},
    ])
    feed = activity_feed(fresh_db, limit=2, now=NOW)
    assert list(feed["event_type"]) == ["deployed", "email_provided"]
    assert list(feed["sentence"]) == ["a@x.io's site went live at https://bakery.test", "a@x.io gave their email"]


def test_the_limit_and_tenant_filter(fresh_db):
    insert_events(fresh_db, [(f"2026-03-20T10:0{i}:00", f"s{i}", "verified", f"u{i}@x.io", "acme" if i % 2 else "b")
                             for i in range(6)])
    assert len(activity_feed(fresh_db, limit=4, now=NOW)) == 4
    assert set(activity_feed(fresh_db, tenant="acme", now=NOW)["tenant_id"]) == {"acme"}


def test_anonymous_events_and_unknown_types_still_read_well():
    assert describe_event("request_submitted", None, "abcdef123456", {"prompt": "x" * 200}).startswith(
        "A visitor (session abcdef12) asked for a site: “xxx")
    assert describe_event("site_viewed", "a@x.io", "s1", None) == "a@x.io: site viewed"


def test_sentences_are_plain_text_never_html():
    sentence = describe_event("feedback_submitted", "a@x.io", "s1",
                              {"rating": 2, "comment": "<script>alert(1)</script>"})
    # the text is kept as written (whoever renders it escapes it); nothing here adds markup
    assert sentence == "a@x.io rated their site 2/5: “<script>alert(1)</script>”"


def test_every_documented_event_type_has_its_own_sentence():
    documented = ["request_submitted", "email_provided", "magic_link_sent", "verified", "build_started",
                  "library_reused", "generation_completed", "validation_failed", "code_fixed", "preview_ready",
                  "deploy_started", "deployed", "deploy_failed", "modification_requested", "modification_applied",
                  "build_stopped", "error", "feedback_submitted"]
    for event_type in documented:
        assert not describe_event(event_type, "a@x.io", "s1", {}).startswith("a@x.io: ")


def test_an_empty_store_has_an_empty_feed(fresh_db):
    assert activity_feed(fresh_db, now=NOW).empty
