"""Onboarding: the customer journey from a prompt to a live site, and the builds behind it.

* :mod:`.flow` - the steps (``submit_request``, ``provide_email``, ``verify``,
  ``trigger_build``, ``status``, ``modify``, ``stop``, ``submit_feedback``)
* :mod:`.magic_links` - single-use, expiring sign-in links stored as hashes
* :mod:`.worker` - background builds with progress, stop and concurrency rules
* :mod:`.leases` - which process owns a build; recovery after a crash
* :mod:`.classify` - is a chat message a change or a new project
"""

from .classify import Classification, classify_by_rules, classify_message
from .flow import (
    Onboarding,
    assign_variant,
    default_onboarding,
    modify,
    provide_email,
    status,
    stop,
    submit_feedback,
    submit_request,
    trigger_build,
    verify,
)
from .magic_links import check_token, consume_token, issue_link, public_url

__all__ = [
    "Classification",
    "Onboarding",
    "assign_variant",
    "classify_by_rules",
    "classify_message",
    "check_token",
    "consume_token",
    "default_onboarding",
    "issue_link",
    "modify",
    "provide_email",
    "public_url",
    "status",
    "stop",
    "submit_feedback",
    "submit_request",
    "trigger_build",
    "verify",
]
