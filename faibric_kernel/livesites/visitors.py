"""First-party visitor analytics: checking a beacon batch, hashing the visitor, recording the events.

A batch is the JSON object the beacon sends (as ``text/plain``, so a browser
sends it without a CORS preflight)::

    {"s": "s_0123456789abcdef", "p": "/menu", "r": "https://www.google.com/", "e": [["pv", ""], ["sv", "menu"]]}

``e`` lists ``[type, detail]`` pairs: ``pv`` pageview, ``sv`` section seen
(its id), ``cc`` CTA click (its label), ``fs`` form started and ``fx`` form
submitted (the form's name). Each becomes one ``site_*`` event with the
site id, tenant and live version, the path, the referrer's host and the
visitor: a hash of the IP and user agent with a salt that changes every UTC
day and is then deleted, so a visitor is counted once a day and cannot be
followed across days, and no IP is ever written anywhere.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import threading
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from .. import config
from ..store import record_events
from .leads import Refused

__all__ = ["EVENT_TYPES", "MAX_EVENTS", "DailySalt", "check_batch", "is_bot", "record_batch", "visitor_hash"]

EVENT_TYPES = {
    "pv": "site_pageview",
    "sv": "site_section_viewed",
    "cc": "site_cta_clicked",
    "fs": "site_form_started",
    "fx": "site_form_submitted",
}
DETAIL_KEY = {"sv": "section", "cc": "label", "fs": "form", "fx": "form"}
MAX_EVENTS = 50
MAX_DETAIL = 120
MAX_PATH = 300

_BOT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|headless|lighthouse|pagespeed|prerender|phantom|selenium|puppeteer|playwright"
    r"|python-|curl/|wget|httpx|go-http|java/|okhttp|axios|node-fetch|libwww|scrapy|facebookexternalhit|embedly"
    r"|preview|monitor|pingdom|uptime|validator|feedfetcher|mediapartners",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def is_bot(user_agent: str | None) -> bool:
    """True for a missing user agent and for crawlers, monitors, scripts and headless browsers."""
    # cached: a handful of user agents make most of the traffic, and the pattern costs ~60 us a search
    return not user_agent or len(user_agent) < 10 or bool(_BOT.search(user_agent))


class DailySalt:
    """A random salt per UTC day, shared by this workspace's processes; yesterday's is deleted."""

    def __init__(self, folder: Path | None = None, clock=lambda: datetime.now(UTC)):
        self._folder = folder
        self._clock = clock
        self._cached: tuple[str, bytes] | None = None
        self._lock = threading.Lock()

    def folder(self) -> Path:
        return self._folder or config.workspace_path("analytics-salt")

    def today(self) -> bytes:
        day = self._clock().strftime("%Y-%m-%d")
        cached = self._cached
        if cached is not None and cached[0] == day:
            return cached[1]
        with self._lock:
            folder = self.folder()
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{day}.salt"
            try:
                # O_EXCL: of two processes starting the day at once, one writes and both read the same salt
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(secrets.token_bytes(32))
            except FileExistsError:
                pass
            salt = path.read_bytes()
            if len(salt) != 32:  # a writer died mid-write: read again once it has finished
                salt = path.read_bytes()
            for old in folder.glob("*.salt"):
                if old.name != path.name:
                    old.unlink(missing_ok=True)
            self._cached = (day, salt)
            return salt


def visitor_hash(salt: bytes, site_id: str, ip: str, user_agent: str) -> str:
    """A visitor's id for one site and one day: not reversible once the day's salt is gone."""
    digest = hashlib.blake2b(f"{site_id}\n{ip}\n{user_agent}".encode(), key=salt, digest_size=8)
    return digest.hexdigest()


def _text(value, name: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Refused(f"{name} must be text", reason="bad_batch")
    return value[:limit].replace("\n", " ").replace("\r", " ")


def check_batch(body) -> tuple[str, str, str, list[tuple[str, str]]]:
    """(site id, path, referrer host, [(event code, detail)]) of a beacon batch, or :class:`Refused`."""
    if not isinstance(body, dict):
        raise Refused("send one JSON object", status=400, reason="not_an_object")
    site_id = body.get("s")
    if not isinstance(site_id, str):
        raise Refused("s (the site id) is required", reason="bad_batch")
    events = body.get("e")
    if not isinstance(events, list) or not events:
        raise Refused("e must be a list of [type, detail] pairs", reason="bad_batch")
    if len(events) > MAX_EVENTS:
        raise Refused(f"send at most {MAX_EVENTS} events per batch", status=413, reason="too_many_events")
    checked = []
    for item in events:
        if not isinstance(item, list) or not 1 <= len(item) <= 2 or item[0] not in EVENT_TYPES:
            raise Refused(f"an event must be [type, detail] with a type among {', '.join(EVENT_TYPES)}",
                          reason="bad_event")
        checked.append((item[0], _text(item[1] if len(item) > 1 else "", "an event's detail", MAX_DETAIL)))
    path = _text(body.get("p"), "p", MAX_PATH) or "/"
    referrer = _text(body.get("r"), "r", MAX_PATH)
    host = (urlsplit(referrer).hostname or "") if referrer else ""
    return site_id, path, host, checked


def record_batch(site, path: str, referrer_host: str, events: list[tuple[str, str]], visitor: str,
                 ts: datetime | None = None) -> int:
    """Record a checked batch for ``site`` (a SiteInfo) through the spool; returns how many events."""
    base = {"site_id": site.site_id, "version": site.live_version, "visitor": visitor, "path": path}
    if referrer_host:
        base["referrer"] = referrer_host
    return record_events(
        {"event_type": EVENT_TYPES[code], "session_id": None, "tenant_id": site.tenant_id, "ts": ts,
         "properties": {**base, DETAIL_KEY[code]: detail} if code in DETAIL_KEY else base}
        for code, detail in events
    )
