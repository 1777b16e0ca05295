"""Synthetic visitor traffic for a demo workspace: deployed sessions get public ids, visitors and leads.

``faibric seed-demo`` fills the build side of the store; :func:`seed_site_traffic`
adds what live sites report back, so the Sites dashboard has something to
show. The same ``seed`` and ``end`` give the same traffic. Leads are events
only (no visitor text is invented).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import numpy as np

from ..store import read_connection, record_events
from .registry import public_site_id
from .visitors import EVENT_TYPES

__all__ = ["seed_site_traffic"]

SECTIONS = ("hero", "menu", "about", "gallery", "testimonials", "contact")


def seed_site_traffic(*, end: datetime, days: int = 30, sites: int = 12, seed: int = 42) -> dict:
    """Give up to ``sites`` deployed sessions a public id and ``days`` of visits up to ``end``; say how many."""
    rng = np.random.default_rng(seed)
    with read_connection(include_spool=False) as con:
        rows = con.execute("SELECT session_id, tenant_id FROM sessions WHERE status = 'deployed' "
                           "ORDER BY session_id LIMIT ?", [sites]).fetchall()
    events: list[dict] = []
    for index, (session_id, tenant) in enumerate(rows):
        site_id = public_site_id(session_id, tenant)
        popularity = float(rng.lognormal(1.2, 0.8))
        for day in range(days):
            start = end - timedelta(days=days - day)
            version = 1 if day < days // 2 else 2
            for v in range(int(rng.poisson(popularity))):
                visitor = f"{index:03d}{day:03d}{v:04d}"
                ts = start + timedelta(seconds=int(rng.integers(0, 86_000)))
                base = {"site_id": site_id, "version": version, "visitor": visitor, "path": "/"}
                picks = [("pv", "")]
                reached = int(rng.integers(1, len(SECTIONS) + 1))
                picks += [("sv", s) for s in SECTIONS[:reached]]
                if rng.random() < 0.25 + 0.1 * version:
                    picks.append(("cc", "Book a table"))
                if reached == len(SECTIONS) and rng.random() < 0.4:
                    picks.append(("fs", "contact"))
                    if rng.random() < 0.3 + 0.15 * version:
                        events.append({"event_type": "lead_received", "tenant_id": tenant, "ts": ts,
                                       "properties": {"site_id": site_id, "form": "contact", "version": version,
                                                      "spam": "ok", "lead_id": f"demo-{visitor}"}})
                key = {"sv": "section", "cc": "label", "fs": "form"}
                for code, detail in picks:
                    props = {**base, key[code]: detail} if code in key else base
                    events.append({"event_type": EVENT_TYPES[code], "tenant_id": tenant, "ts": ts, "properties": props})
    # ids from the seed and the event's content: seeding again with the same seed and end adds nothing
    for event in events:
        key = f"{seed}|{event['event_type']}|{event['ts'].isoformat()}|{sorted(event['properties'].items())}"
        event["event_id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, "faibric-demo-traffic:" + key))
    record_events(events)
    return {"sites": len(rows), "events": len(events)}
