"""How library components do on live sites: the share of a site's visitors who reach each reused component.

The first-party beacon reports each section a visitor sees by the id of the
element that holds it (a component's own root id, or the wrapper the page
puts around it). For every live site, :func:`component_reach` finds the
library components its live version reused (the session's ``library_reused``
events), the anchor each one sits under in that version, and the reach the
beacon measured there. :func:`refresh_live_quality` folds the result into
each item's quality score, next to deploys, rollbacks and ratings (see
:func:`.learning.quality_from`): it replaces the item's ``live`` figures each
time, so running it daily never counts the same visits twice.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pandas as pd

from ..analytics._common import resolve_now
from ..analytics.sites import site_sections
from ..generation.components import root_id

__all__ = ["component_anchor", "component_reach", "refresh_live_quality"]


def component_anchor(files: dict[str, str], component: str) -> str | None:
    """The id the beacon reports for ``component`` on this page: its root id, else the wrapper's id in App.jsx."""
    own = root_id(files.get(f"src/components/{component}.jsx", ""))
    if own:
        return own
    match = re.search(rf'id="([A-Za-z][\w-]*)"[^>]*>\s*<{re.escape(component)}\b', files.get("src/App.jsx", ""))
    return match[1] if match else None


_LIVE_SQL = """
    SELECT p.site_id, p.session_id, d.version FROM public_sites AS p
    JOIN (SELECT session_id, version FROM deploys WHERE status = 'live'
          QUALIFY row_number() OVER (PARTITION BY session_id ORDER BY started_at DESC) = 1) AS d
      USING (session_id)"""


def _reused_on_live_sites(con) -> list[tuple[str, str, str]]:
    """(site id, item id, component name) of every library component a live site's session reused."""
    return con.execute(f"""
        WITH live AS ({_LIVE_SQL})
        SELECT DISTINCT live.site_id, i.id, i.name
        FROM live JOIN events AS e ON e.session_id = live.session_id
        JOIN library_items AS i ON i.id = json_extract_string(e.properties, '$.item_id')
        WHERE e.event_type = 'library_reused' AND json_extract_string(e.properties, '$.decision') = 'reuse'
        """).fetchall()


def _live_files(con) -> dict[str, dict[str, str]]:
    """The files of each live site's live version, by site id."""
    rows = con.execute(f"""
        WITH live AS ({_LIVE_SQL})
        SELECT live.site_id, CAST(v.files AS VARCHAR)
        FROM live JOIN projects AS p ON p.session_id = live.session_id
        JOIN project_versions AS v ON v.project_id = p.project_id AND v.version = live.version
        QUALIFY row_number() OVER (PARTITION BY live.site_id) = 1""").fetchall()
    return {site_id: json.loads(files) if files else {} for site_id, files in rows}


def component_reach(con, *, days: int = 30, now: datetime | str | None = None) -> pd.DataFrame:
    """Per library item on live sites over the last ``days``: sites, visitors and the mean share who reached it."""
    at = resolve_now(now)
    sections = site_sections(con, since=at - timedelta(days=days), now=at)
    reach = {(r.site_id, r.section): (int(r.visitors), float(r.reach or 0.0)) for r in sections.itertuples()}
    placed = _reused_on_live_sites(con)
    files_by_site = _live_files(con) if placed else {}
    rows = []
    for site_id, item_id, component in placed:
        files = files_by_site.get(site_id, {})
        anchor = component_anchor(files, component)
        if anchor and f"src/components/{component}.jsx" in files and (site_id, anchor) in reach:
            visitors, share = reach[(site_id, anchor)]
            rows.append({"item_id": item_id, "site_id": site_id, "visitors": visitors, "reach": share})
    frame = pd.DataFrame(rows, columns=["item_id", "site_id", "visitors", "reach"])
    return (frame.groupby("item_id").agg(sites=("site_id", "nunique"), visitors=("visitors", "sum"),
                                         reach=("reach", "mean")).reset_index()
            if len(frame) else pd.DataFrame(columns=["item_id", "sites", "visitors", "reach"]))


def refresh_live_quality(*, days: int = 30, now: datetime | str | None = None) -> int:
    """Store each item's live reach (replacing the last figures) and its new quality; return how many changed."""
    from ..store import read_connection, write_connection
    from .catalog import bump_generation, catalog_lock
    from .learning import quality_from

    with read_connection() as con:
        reach = component_reach(con, days=days, now=now)
    if reach.empty:
        return 0
    at = resolve_now(now)
    changed = 0
    with catalog_lock, write_connection() as con:
        for row in reach.itertuples():
            found = con.execute("SELECT CAST(outcomes AS VARCHAR) FROM library_items WHERE id = ? AND removed_at IS NULL",
                                [row.item_id]).fetchall()
            if not found:
                continue
            outcomes = json.loads(found[0][0]) if found[0][0] else {}
            outcomes["live"] = {"sites": int(row.sites), "visitors": int(row.visitors),
                                "reach": round(float(row.reach), 4), "days": days, "as_of": at.isoformat()}
            con.execute("UPDATE library_items SET outcomes = CAST(? AS JSON), quality_score = ? WHERE id = ?",
                        [json.dumps(outcomes), quality_from(outcomes), row.item_id])
            changed += 1
    if changed:
        bump_generation()
    return changed
