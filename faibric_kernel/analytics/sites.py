"""How live sites do: visitors, pageviews, sections reached, CTA clicks, form conversion and leads.

Read-only functions of a connection, from the ``site_*`` events the beacon
sends and the ``lead_received`` events of the form inbox (see
:mod:`faibric_kernel.livesites`). A *visitor* is a visitor-day: the visitor
hash rotates every UTC day (so nobody is followed across days), and the
figures count distinct visitors per day, summed over the range. Leads are
the submissions that were not held as spam. Conversion is leads per
visitor; form conversion is leads per form started.

Every function takes ``tenant``: with one, nothing of another tenant's
sites is read.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from ._common import filters, resolve_now, utc_naive

__all__ = ["SITE_EVENT_TYPES", "quiet_sites", "session_site_summary", "site_daily", "site_outcomes_by_customer",
           "site_overview", "site_sections", "site_versions"]

SITE_EVENT_TYPES = ("site_pageview", "site_section_viewed", "site_cta_clicked", "site_form_started",
                    "site_form_submitted", "lead_received")
_METRICS = """
    count(DISTINCT CASE WHEN event_type = 'site_pageview' THEN visitor || '|' || CAST(ts AS DATE) END) AS visitors,
    count_if(event_type = 'site_pageview') AS pageviews,
    count_if(event_type = 'site_cta_clicked') AS cta_clicks,
    count_if(event_type = 'site_form_started') AS form_starts,
    count_if(event_type = 'lead_received' AND coalesce(spam, 'ok') = 'ok') AS leads
"""
_RATES = """
    CASE WHEN visitors > 0 THEN leads::DOUBLE / visitors END AS conversion,
    CASE WHEN form_starts > 0 THEN least(leads::DOUBLE / form_starts, 1.0) END AS form_conversion
"""


def _events_sql(where: str, site_id: str | None) -> str:
    site = " AND json_extract_string(properties, '$.site_id') = $site_id" if site_id else ""
    types = ", ".join(f"'{t}'" for t in SITE_EVENT_TYPES)
    return f"""
        SELECT ts, tenant_id, event_type,
               json_extract_string(properties, '$.site_id') AS site_id,
               TRY_CAST(json_extract_string(properties, '$.version') AS INTEGER) AS version,
               json_extract_string(properties, '$.visitor') AS visitor,
               json_extract_string(properties, '$.section') AS section,
               json_extract_string(properties, '$.spam') AS spam
        FROM events WHERE event_type IN ({types}) AND {where}{site}
    """


def _window(since, until, tenant, site_id, now) -> tuple[str, dict]:
    where, params = filters(since=utc_naive(since, "since"), until=utc_naive(until, "until"), tenant=tenant,
                            now=resolve_now(now) if now is not None else None)
    if site_id:
        params["site_id"] = site_id
    return where, params


def _frame(con, sql: str, params: dict) -> pd.DataFrame:
    return con.execute(sql, params).df()


def site_overview(con, *, since: datetime | None = None, until: datetime | None = None, tenant: str | None = None,
                  now: datetime | None = None) -> pd.DataFrame:
    """One row per public site (of ``tenant``): its name, live version and figures in the range, busiest first."""
    where, params = _window(since, until, tenant, None, now)
    site_filter = "WHERE p.tenant_id = $tenant" if tenant is not None else ""
    return _frame(con, f"""
        WITH e AS ({_events_sql(where, None)}),
        m AS (SELECT site_id, {_METRICS}, max(ts) FILTER (WHERE event_type = 'site_pageview') AS last_visit
              FROM e GROUP BY site_id),
        live AS (SELECT session_id, version FROM deploys WHERE status = 'live'
                 QUALIFY row_number() OVER (PARTITION BY session_id ORDER BY started_at DESC) = 1),
        names AS (SELECT session_id, any_value(name) AS name FROM projects GROUP BY session_id)
        SELECT * EXCLUDE (created_at), {_RATES} FROM (
            SELECT p.site_id, p.tenant_id, coalesce(n.name, p.site_id) AS name, live.version AS live_version,
                   coalesce(m.visitors, 0) AS visitors, coalesce(m.pageviews, 0) AS pageviews,
                   coalesce(m.cta_clicks, 0) AS cta_clicks, coalesce(m.form_starts, 0) AS form_starts,
                   coalesce(m.leads, 0) AS leads, m.last_visit, p.created_at
            FROM public_sites p
            LEFT JOIN m ON m.site_id = p.site_id
            LEFT JOIN live ON live.session_id = p.session_id
            LEFT JOIN names n ON n.session_id = p.session_id
            {site_filter})
        ORDER BY visitors DESC, leads DESC, created_at
    """, params)


def site_versions(con, *, since=None, until=None, tenant: str | None = None, site_id: str | None = None,
                  now=None) -> pd.DataFrame:
    """Figures per site and version: did version 3 convert better than version 2?"""
    where, params = _window(since, until, tenant, site_id, now)
    return _frame(con, f"""
        WITH e AS ({_events_sql(where, site_id)}),
        m AS (SELECT site_id, version, {_METRICS}, min(ts) AS first_seen, max(ts) AS last_seen
              FROM e GROUP BY site_id, version)
        SELECT site_id, version, visitors, pageviews, cta_clicks, form_starts, leads,
               {_RATES}, first_seen, last_seen
        FROM m ORDER BY site_id, version NULLS FIRST
    """, params)


def site_daily(con, *, since=None, until=None, tenant: str | None = None, site_id: str | None = None,
               now=None) -> pd.DataFrame:
    """Figures per UTC day (all sites of ``tenant``, or one)."""
    where, params = _window(since, until, tenant, site_id, now)
    return _frame(con, f"""
        WITH e AS ({_events_sql(where, site_id)})
        SELECT CAST(ts AS DATE) AS day, {_METRICS} FROM e GROUP BY day ORDER BY day
    """, params)


def site_sections(con, *, since=None, until=None, tenant: str | None = None, site_id: str | None = None,
                  now=None) -> pd.DataFrame:
    """The sections people reach, per site: visitors who saw each and their share of the site's visitors."""
    where, params = _window(since, until, tenant, site_id, now)
    return _frame(con, f"""
        WITH e AS ({_events_sql(where, site_id)}),
        seen AS (SELECT site_id, section, count(DISTINCT visitor || '|' || CAST(ts AS DATE)) AS visitors
                 FROM e WHERE event_type = 'site_section_viewed' AND section IS NOT NULL GROUP BY site_id, section),
        total AS (SELECT site_id, count(DISTINCT visitor || '|' || CAST(ts AS DATE)) AS visitors
                  FROM e WHERE event_type = 'site_pageview' GROUP BY site_id)
        SELECT seen.site_id, seen.section, seen.visitors,
               CASE WHEN total.visitors > 0 THEN least(seen.visitors / total.visitors, 1.0) END AS reach
        FROM seen LEFT JOIN total USING (site_id)
        ORDER BY seen.site_id, seen.visitors DESC, seen.section
    """, params)


def quiet_sites(con, *, days: int = 7, tenant: str | None = None, now: datetime | None = None) -> pd.DataFrame:
    """Live sites without a single visitor in the last ``days`` days (a broken link, a site nobody found)."""
    at = resolve_now(now)
    params = {"since": at - timedelta(days=days), "now": at}
    tenant_clause = ""
    if tenant is not None:
        tenant_clause = "AND p.tenant_id = $tenant"
        params["tenant"] = tenant
    return _frame(con, f"""
        WITH live AS (SELECT session_id, url, version FROM deploys WHERE status = 'live'
                      QUALIFY row_number() OVER (PARTITION BY session_id ORDER BY started_at DESC) = 1),
        visited AS (SELECT DISTINCT json_extract_string(properties, '$.site_id') AS site_id FROM events
                    WHERE event_type = 'site_pageview' AND ts >= $since AND ts <= $now)
        SELECT p.site_id, p.tenant_id, live.url, live.version AS live_version
        FROM public_sites p JOIN live ON live.session_id = p.session_id
        WHERE p.site_id NOT IN (SELECT site_id FROM visited WHERE site_id IS NOT NULL) {tenant_clause}
        ORDER BY p.created_at
    """, params)


def site_outcomes_by_customer(con, *, since=None, until=None, tenant: str | None = None) -> pd.DataFrame:
    """Per site owner (email, tenant): live sites, their visitors and leads in the range (the health input).

    Every site with a live deploy created before ``until`` counts, with zeros when nobody came.
    """
    where, params = _window(since, until, tenant, None, None)
    created = "AND p.created_at < $until" if until is not None else ""
    tenant_clause = "AND p.tenant_id = $tenant" if tenant is not None else ""
    return _frame(con, f"""
        WITH e AS ({_events_sql(where, None)}),
        m AS (SELECT site_id, {_METRICS} FROM e GROUP BY site_id),
        live AS (SELECT DISTINCT session_id FROM deploys WHERE status = 'live')
        SELECT lower(trim(s.email)) AS customer, p.tenant_id, count(*) AS live_sites,
               coalesce(sum(m.visitors), 0) AS site_visitors, coalesce(sum(m.leads), 0) AS site_leads
        FROM public_sites p JOIN live ON live.session_id = p.session_id
        JOIN sessions s ON s.session_id = p.session_id
        LEFT JOIN m ON m.site_id = p.site_id
        WHERE s.email IS NOT NULL {created} {tenant_clause}
        GROUP BY 1, 2 ORDER BY 1, 2
    """, params)


def session_site_summary(con, session_id: str, *, days: int = 7, now: datetime | None = None) -> dict | None:
    """What the studio shows beside a session's preview: its live site's visitors and leads in the last
    ``days`` days and all time, and the last lead's time; None when the session has no public site."""
    row = con.execute("SELECT site_id, tenant_id FROM public_sites WHERE session_id = ?", [session_id]).fetchone()
    if row is None:
        return None
    site_id, tenant = row
    at = resolve_now(now)
    recent = site_overview(con, since=at - timedelta(days=days), until=at + timedelta(microseconds=1), tenant=tenant)
    ever = site_overview(con, tenant=tenant, now=at)
    recent, ever = recent[recent["site_id"] == site_id].iloc[0], ever[ever["site_id"] == site_id].iloc[0]
    last_lead = con.execute(
        "SELECT max(ts) FROM events WHERE event_type = 'lead_received' AND tenant_id = ? AND ts <= ? "
        "AND json_extract_string(properties, '$.site_id') = ? AND json_extract_string(properties, '$.spam') = 'ok'",
        [tenant, at, site_id]).fetchone()[0]
    return {"site_id": site_id, "days": days, "visitors": int(recent["visitors"]), "leads": int(recent["leads"]),
            "visitors_all_time": int(ever["visitors"]), "leads_all_time": int(ever["leads"]), "last_lead_at": last_lead}
