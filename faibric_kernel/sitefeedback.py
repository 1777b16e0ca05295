"""What a build puts into a site so the live site reports back: its public id, its form action, its beacon.

The one call a build makes, once it knows the session::

    feedback = site_feedback(session_id, tenant_id)
    context["form_action"] = feedback.form_action        # the forms post here
    files["index.html"] = feedback.add_beacon(files["index.html"])   # or index_html(..., body_end=feedback.beacon)

Forms post to ``FAIBRIC_FORM_ENDPOINT`` when it is set, else to this
Faibric's own ``POST /api/forms/{site_id}``; the beacon posts to
``/api/collect`` (no beacon when ``FAIBRIC_SITE_ANALYTICS=0``). The API's
base URL is ``FAIBRIC_PUBLIC_URL``, else the running API's own address.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import config
from .livesites.beacon import beacon_tag
from .livesites.registry import public_site_id, validate_public_site_id

__all__ = ["SiteFeedback", "add_beacon", "api_base_url", "beacon_script", "collect_url", "form_action_for",
           "site_feedback"]


def api_base_url(api_url: str | None = None) -> str:
    """The base URL visitors' browsers reach this Faibric's API at."""
    if api_url:
        return api_url.rstrip("/")
    from .onboarding.magic_links import public_url

    return public_url()


def form_action_for(site_id: str, *, api_url: str | None = None) -> str:
    """Where ``site_id``'s forms post: ``FAIBRIC_FORM_ENDPOINT`` when set, else ``{api}/api/forms/{site_id}``."""
    override = config.get("FAIBRIC_FORM_ENDPOINT")
    if override:
        return override
    return f"{api_base_url(api_url)}/api/forms/{validate_public_site_id(site_id)}"


def collect_url(*, api_url: str | None = None) -> str:
    """Where beacons post their batches."""
    return f"{api_base_url(api_url)}/api/collect"


def beacon_script(site_id: str, *, api_url: str | None = None) -> str:
    """The inline ``<script>`` for ``site_id``'s pages, or ``""`` when ``FAIBRIC_SITE_ANALYTICS=0``."""
    if not config.get_bool("FAIBRIC_SITE_ANALYTICS", True):
        return ""
    return beacon_tag(validate_public_site_id(site_id), collect_url(api_url=api_url))


def add_beacon(index_html: str, script: str) -> str:
    """``index_html`` with ``script`` just before ``</body>`` (unchanged when the script is empty or already in)."""
    if not script or script in index_html:
        return index_html
    at = index_html.lower().rfind("</body>")
    if at < 0:
        return index_html + script + "\n"
    return index_html[:at] + "  " + script + "\n  " + index_html[at:]


@dataclass(frozen=True)
class SiteFeedback:
    """A site's public id, its form action and its beacon tag."""

    site_id: str
    form_action: str
    beacon: str

    def add_beacon(self, index_html: str) -> str:
        return add_beacon(index_html, self.beacon)


def site_feedback(session_id: str, tenant_id: str = "default", *, api_url: str | None = None) -> SiteFeedback:
    """Everything a build of ``session_id``'s site needs to report back (creates the public id on first use)."""
    site_id = public_site_id(session_id, tenant_id)
    return SiteFeedback(site_id=site_id, form_action=form_action_for(site_id, api_url=api_url),
                        beacon=beacon_script(site_id, api_url=api_url))
