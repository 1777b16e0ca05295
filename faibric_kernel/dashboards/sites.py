"""The Sites dashboard: how live sites do, per site and per version.

Visitors (visitor-days), pageviews, the sections people reach, CTA clicks,
form conversion and leads, over time and per version, from
:mod:`faibric_kernel.analytics.sites`. Lead *counts* only: what visitors
wrote stays in ``faibric leads`` (an operator tool), so no visitor text is
ever shown here.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..analytics.sites import quiet_sites, site_daily, site_overview, site_sections, site_versions
from . import figures
from .blocks import Block, Chart, Kpi, Kpis, Notice, Table
from .views import EMPTY_TEXT, Control, View, ViewContext, _read

__all__ = ["Sites", "daily_figure", "site_options"]

ALL_SITES = "all sites"


def site_options(con, ctx: ViewContext) -> list[str]:
    """The choices of the site control: every site of the chosen tenant, as ``name (site id)``."""
    frame = site_overview(con, tenant=ctx.filters.tenant)
    return [ALL_SITES, *(f"{n} ({s})" for n, s in zip(frame["name"], frame["site_id"], strict=True))]


def _chosen_site(ctx: ViewContext) -> str | None:
    choice = str(ctx.option("site", ALL_SITES) or ALL_SITES)
    if choice == ALL_SITES:
        return None
    return choice.rsplit("(", 1)[-1].rstrip(")").strip() or None


def daily_figure(daily: pd.DataFrame, *, partial_day=None) -> go.Figure:
    """Visitors and pageviews per day as lines, leads as bars; ``partial_day`` (today) drawn as so far."""
    return figures.daily_lines_figure(daily, [("visitors", "visitors", figures.PALETTE[0]),
                                              ("pageviews", "pageviews", figures.PALETTE[1])],
                                      partial_day=partial_day, bars=("leads", "leads", figures.PALETTE[2]))


RATE_FORMATS = {"conversion": "percent", "form conversion": "percent", "reach": "percent"}


class Sites(View):
    name = "sites"
    title = "Sites"
    description = ("How live sites do: visitors, pageviews, sections reached, CTA clicks, form conversion and "
                   "leads, over time and per version.")
    controls = (Control("site", "site", "choice", ALL_SITES, site_options),)

    def build(self, ctx: ViewContext) -> list[Block]:
        f = ctx.filters
        site_id = _chosen_site(ctx)
        window = {"since": f.start, "until": f.end, "tenant": f.tenant, "now": ctx.at()}

        def load(con):
            overview = site_overview(con, **window)
            if site_id:
                overview = overview[overview["site_id"] == site_id]
            return (overview, site_daily(con, site_id=site_id, **window),
                    site_versions(con, site_id=site_id, **window), site_sections(con, site_id=site_id, **window),
                    quiet_sites(con, tenant=f.tenant, now=ctx.at()))

        loaded = _read(load)
        if loaded is None:
            return [Notice(EMPTY_TEXT, kind="empty")]
        overview, daily, versions, sections, quiet = loaded
        if overview.empty:
            return [Notice("no site has a public id yet: sites get one when they are built", kind="empty")]
        visitors, leads = int(overview["visitors"].sum()), int(overview["leads"].sum())
        starts = int(overview["form_starts"].sum())
        blocks: list[Block] = [Kpis("Live sites in the date range", [
            Kpi("sites", len(overview)),
            Kpi("visitors", visitors),
            Kpi("pageviews", int(overview["pageviews"].sum())),
            Kpi("CTA clicks", int(overview["cta_clicks"].sum())),
            Kpi("leads", leads),
            Kpi("conversion", leads / visitors if visitors else None, unit="%"),
            Kpi("form conversion", min(leads / starts, 1.0) if starts else None, unit="%"),
        ], compare=False)]
        if not daily.empty:
            blocks.append(Chart("Visitors, pageviews and leads per day (today so far, dotted)",
                                daily_figure(daily, partial_day=ctx.at().date())))
        table = overview.rename(columns={"site_id": "site", "tenant_id": "tenant", "live_version": "live version",
                                         "cta_clicks": "CTA clicks", "form_starts": "forms started",
                                         "form_conversion": "form conversion", "last_visit": "last visit"})
        blocks.append(Table("Per site", table, "sites.csv", formats=RATE_FORMATS))
        if not versions.empty:
            by_version = versions.assign(version=versions["version"].map(
                lambda v: "unknown" if pd.isna(v) else f"v{int(v)}"))
            if site_id:
                blocks.append(Chart("Conversion per version", figures.bar_figure(
                    by_version, "version", "conversion", y_title="leads per visitor")))
            blocks.append(Table("Per version", by_version.rename(columns={"site_id": "site",
                                                                           "form_conversion": "form conversion"}),
                                "site-versions.csv", formats=RATE_FORMATS))
        if not sections.empty:
            if site_id:
                blocks.append(Chart("Sections reached", figures.bar_figure(
                    sections, "section", "reach", horizontal=True, y_title="share of visitors")))
            blocks.append(Table("Sections reached", sections.rename(columns={"site_id": "site"}),
                                "site-sections.csv", formats=RATE_FORMATS))
        blocks.append(Table(f"Live sites without visitors for 7 days ({len(quiet)})",
                            quiet.rename(columns={"site_id": "site", "tenant_id": "tenant"}), "quiet-sites.csv",
                            empty_text="every live site had visitors in the last 7 days"))
        return blocks


