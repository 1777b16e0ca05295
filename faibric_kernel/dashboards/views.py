"""The seven dashboards, one small class each: what they read and the blocks they show.

Each view declares its ``name``, ``title``, whether it is ``analyst_only``,
the extra ``controls`` it offers besides the date range and tenant, and
implements :meth:`View.build`, which turns a :class:`ViewContext` into a list
of :mod:`.blocks`. ``build`` opens one short read-only connection, reads
everything it needs, closes it, and only then builds figures, so a refresh
holds the database for as little time as possible.

:data:`VIEWS` is the registry; :func:`build` is the entry point the widget
layer and the tests use.
"""

from __future__ import annotations

import re
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs

import pandas as pd

from ..analytics.funnel import DEFAULT_WINDOW_DAYS
from ..errors import FaibricError
from . import data, figures
from .blocks import Block, Chart, Heading, Kpi, Kpis, Notice, Table
from .roles import ANALYST, STAKEHOLDER, pseudonym, pseudonymise

__all__ = [
    "EMPTY_TEXT",
    "Control",
    "View",
    "guarded_section",
    "ViewContext",
    "context_from_query",
]

EMPTY_TEXT = "No data yet - run `faibric seed-demo` or start building."
DENIED_TEXT = (
    "This dashboard shows individual customers and requires an analyst token. "
    "Ask an operator for analyst access; the other dashboards show the aggregates."
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


@dataclass
class Control:
    """An extra input a view offers (the widget layer draws it)."""

    name: str
    label: str
    kind: str  # choice | number | toggle | text
    default: object = None
    options: list | Callable | None = None  # for choice: values, or a function of the connection
    minimum: float | None = None
    maximum: float | None = None
    placeholder: str | Callable[[], str] = ""  # what an empty box says (a number without a default is optional)


@dataclass
class ViewContext:
    """What a view needs to know about the viewer and their choices."""

    role: str = STAKEHOLDER
    filters: data.Filters = field(default_factory=data.Filters)
    now: datetime | None = None
    options: dict = field(default_factory=dict)

    @property
    def analyst(self) -> bool:
        return self.role == ANALYST

    def option(self, name: str, default=None):
        value = self.options.get(name)
        return default if value is None or value == "" else value

    def at(self) -> datetime:
        return self.now or data.utc_now()


def _parse_day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def context_from_query(query: str, *, role: str, now: datetime | None = None, default_days: int = 30) -> ViewContext:
    """A context from a Voila query string (``?tenant=&since=&until=&customer=...``) and the server-set role.

    Unknown or malformed values are ignored (the defaults apply); the role is
    never read from the query.
    """
    params = {k: v[-1] for k, v in parse_qs(query or "", keep_blank_values=False).items()}
    today = (now or data.utc_now()).date()
    since = _parse_day(params.get("since")) or today - timedelta(days=default_days - 1)
    until = _parse_day(params.get("until")) or today
    if since > until:
        since, until = until, since
    tenant = (params.get("tenant") or "").strip() or None
    options = {k: v for k, v in params.items() if k not in {"since", "until", "tenant", "token"}}
    return ViewContext(role=role, filters=data.Filters(since=since, until=until, tenant=tenant), now=now,
                       options=options)


def redact_emails(text) -> str:
    """Free text with every email address replaced by its pseudonym."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    return _EMAIL.sub(lambda m: pseudonym(m.group(0).lower()), str(text))


def guarded_section(blocks: list[Block], title: str, make: Callable[[], list[Block]]) -> None:
    """Add a section's blocks; if it fails, a plain notice in its place, never a traceback."""
    try:
        blocks.extend(make())
    except FaibricError as exc:
        blocks.append(Notice(f"{title}: {exc.message}", kind="error"))
    except Exception as exc:  # noqa: BLE001 - one broken chart must not take the dashboard down
        # to the process's real stderr (the server log), never into the viewer's page
        print(f"faibric dashboards: {title} failed", file=sys.__stderr__)
        traceback.print_exc(file=sys.__stderr__)
        blocks.append(Notice(f"{title} could not be shown ({type(exc).__name__}); see the server log", kind="error"))


class View:
    """One dashboard."""

    name: str = ""
    title: str = ""
    description: str = ""
    analyst_only: bool = False
    default_days: int = 30
    uses_dates: bool = True  # False: the view is "as of now" or "all time", so no date range is offered
    live_every_s: float = 0  # > 0: the view refreshes itself this often while it is open (for a while)
    controls: tuple[Control, ...] = ()

    def build(self, ctx: ViewContext) -> list[Block]:  # pragma: no cover - each view defines it
        raise NotImplementedError


def _read(fn):
    """Run ``fn(con)`` on a short-lived read-only connection; ``None`` when the store has no events."""
    with data.dashboard_connection() as con:
        if not data.has_events(con):
            return None
        return fn(con)


# ---------------------------------------------------------------- overview


class Overview(View):
    name = "overview"
    title = "Overview"
    description = "Key figures for today, 7 and 30 days, the live activity feed and open alerts."
    live_every_s = 60

    def build(self, ctx: ViewContext) -> list[Block]:
        now = ctx.at()
        tenant = ctx.filters.tenant

        def load(con):
            out = {
                "kpis": data.kpi_windows(con, now=now, tenant=tenant),
                "daily": data.daily_activity(con, ctx.filters),
                "alerts": data.open_alerts(con, tenant=tenant),
            }
            try:
                out["feed"] = self._feed(con, ctx)
            except FaibricError as exc:
                out["feed_error"] = exc.message
            return out

        loaded = _read(load)
        if loaded is None:
            return [Notice(EMPTY_TEXT, kind="empty")]
        blocks: list[Block] = []
        kpis = loaded["kpis"]
        for window in ("today", "7 days", "30 days"):
            rows = kpis[kpis["window"] == window]
            items = []
            for rec in rows.to_dict(orient="records"):
                unit = "$" if rec["metric"] == "spend" else ("%" if rec["metric"] in ("conversion", "API error rate")
                                                             else "")
                items.append(Kpi(rec["metric"], _num(rec["value"]), _num(rec["previous"]), unit,
                                 higher_is_better=HIGHER_IS_BETTER.get(rec["metric"], True)))
            blocks.append(Kpis(f"{window}" + (" (so far, against yesterday at this time)" if window == "today"
                                              else f" (including today, against the {window} before)"), items))
        blocks.append(Notice(CONVERSION_NOTE.format(window=DEFAULT_WINDOW_DAYS)))
        daily = loaded["daily"]
        if daily.empty:
            blocks.append(Notice("no activity in this date range", kind="empty"))
        else:
            blocks.append(Chart("Activity per day (today so far, dotted)",
                                figures.activity_figure(daily, partial_day=now.date())))
        if "feed_error" in loaded:
            blocks.append(Notice(f"Activity feed: {loaded['feed_error']}", kind="error"))
        else:
            blocks.append(Table("Live activity", loaded["feed"], "activity.csv", max_rows=30))
        alerts = loaded["alerts"]
        if not ctx.analyst:
            alerts = alerts.assign(subject=alerts["subject"].map(redact_emails),
                                   message=alerts["message"].map(redact_emails))
        blocks.append(Table("Open alerts", alerts, "alerts.csv", empty_text="no open alerts"))
        return blocks

    @staticmethod
    def _feed(con, ctx: ViewContext) -> pd.DataFrame:
        if ctx.analyst:
            activity_feed = data.analytics_function("activity_feed")
            feed = activity_feed(con, limit=30, tenant=ctx.filters.tenant, now=ctx.at())
            return pd.DataFrame({"time": feed["ts"], "tenant": feed["tenant_id"], "what happened": feed["sentence"]})
        # aggregates only: who becomes a pseudonym, and nothing they typed is shown
        latest = data.recent_events(con, limit=30, tenant=ctx.filters.tenant)
        if latest.empty:
            return pd.DataFrame(columns=["time", "tenant", "customer", "what happened"])
        return pd.DataFrame({
            "time": latest["ts"],
            "tenant": latest["tenant_id"],
            "customer": [pseudonym(c) if isinstance(c, str) and "@" in c else "(no email yet)"
                         for c in latest["customer"]],
            "what happened": [data.describe_event(t, None)[0] for t in latest["event_type"]],
        })


# a rise in these is bad news; in spend it is neither good nor bad by itself, but a stakeholder reads it as a cost
HIGHER_IS_BETTER = {"spend": False, "API error rate": False}
CONVERSION_NOTE = (
    "Sessions started and conversion count each session whose first request came in the window; conversion is "
    "the share of them that deployed within {window:g} days, sessions still in progress counting as not yet "
    "converted. The Funnel page shows the same figure for its date range (\"converted so far\"), and also the rate "
    "among settled sessions only. Spend over 30 days equals the Costs page's spend for its default 30-day range."
)


def _num(value):
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return float(value)


# ---------------------------------------------------------------- users

SORTS = {
    "last seen": ("last_seen", False),
    "spend": ("spend_usd", False),
    "sessions": ("sessions", False),
    "health score": ("health_score", True),
    "first seen": ("first_seen", True),
    "customer": ("customer", True),
}
BANDS = ("all", "red", "yellow", "green", "no score")


def health_by_customer(con, ctx: ViewContext) -> pd.DataFrame:
    """``tenant, customer, health_score, health_band, churn_risk, reasons`` from the analytics health scores."""
    health_scores = data.analytics_function("health_scores")
    # the table shows the score, not its 14-day trend, which would cost a second scoring pass
    scores = health_scores(con, now=ctx.at(), tenant=ctx.filters.tenant, trend=False)
    return pd.DataFrame({
        "tenant": scores["tenant_id"],
        "customer": scores["customer"],
        "health_score": scores["score"],
        "health_band": scores["band"],
        "churn_risk": scores["churn_risk"],
        "risk_reasons": [", ".join(r) if isinstance(r, (list, tuple)) else "" for r in scores["reasons"]],
    })


def filter_users(table: pd.DataFrame, *, search: str = "", sort: str = "last seen", band: str = "all") -> pd.DataFrame:
    """The users table narrowed by a search text and a health band, in the chosen order."""
    out = table
    text = (search or "").strip().lower()
    if text:
        mask = out["customer"].fillna("").str.lower().str.contains(text, regex=False)
        mask |= out["tenant"].fillna("").str.lower().str.contains(text, regex=False)
        out = out[mask]
    if band and band != "all" and "health_band" in out.columns:
        out = out[out["health_band"].isna()] if band == "no score" else out[out["health_band"] == band]
    column, ascending = SORTS.get(sort, SORTS["last seen"])
    if column in out.columns:
        out = out.sort_values(column, ascending=ascending, na_position="last", kind="stable")
    return out.reset_index(drop=True)


class Users(View):
    name = "users"
    title = "Users"
    description = "Every customer with their sessions, sites, spend and health band; search, sort and filter."
    analyst_only = True
    controls = (
        Control("search", "search", "text", ""),
        Control("sort", "sort by", "choice", "last seen", list(SORTS)),
        Control("band", "health band", "choice", "all", list(BANDS)),
    )

    def build(self, ctx: ViewContext) -> list[Block]:
        if not ctx.analyst:
            return [Notice(DENIED_TEXT, kind="denied")]

        def load(con):
            table = data.customers_table(con, ctx.filters)
            health_error = None
            try:
                # a customer's health is per tenant: show the one of the tenant they mostly work in
                table = table.merge(health_by_customer(con, ctx), on=["tenant", "customer"], how="left")
            except FaibricError as exc:
                health_error = exc.message
                table = table.assign(health_score=None, health_band=None)
            return table, health_error

        loaded = _read(load)
        if loaded is None:
            return [Notice(EMPTY_TEXT, kind="empty")]
        table, health_error = loaded
        blocks: list[Block] = []
        if health_error:
            blocks.append(Notice(f"Health bands: {health_error}", kind="error"))
        if table.empty:
            return blocks + [Notice("no customers were active in this date range", kind="empty")]
        counts = table["health_band"].fillna("no score").value_counts().reindex(list(BANDS[1:]), fill_value=0)
        blocks.append(Chart("Customers active in the date range, by health band (as of now)", figures.bar_figure(
            pd.DataFrame({"band": counts.index, "customers": counts.values}), "band", "customers",
            y_title="customers", colour_map={**figures.BAND_COLOURS, "no score": "#9e9e9e"}, integer_y=True)))
        blocks.append(Notice("Bands are the Health page's scores as of now; the Health page counts every customer, "
                             "this page only those active in the date range (with a range covering all activity "
                             "the counts are the same)."))
        shown = filter_users(table, search=ctx.option("search", ""), sort=ctx.option("sort", "last seen"),
                             band=ctx.option("band", "all"))
        columns = ["customer", "tenant", "health_band", "health_score", "churn_risk", "risk_reasons", "sessions",
                   "sites_deployed", "spend_usd", "avg_rating", "changes_requested", "errors", "first_seen",
                   "last_seen"]
        shown = shown[[c for c in columns if c in shown.columns]]
        blocks.append(Table(f"Customers ({len(shown):,} of {len(table):,})", shown, "users.csv",
                            empty_text="no customer matches the search and filters"))
        return blocks


# ---------------------------------------------------------------- user detail


def _customer_options(con, ctx: ViewContext) -> list[str]:
    return data.customer_list(con, tenant=ctx.filters.tenant)


class UserDetail(View):
    name = "user_detail"
    title = "User detail"
    description = "One customer's whole history: timeline across sessions, sites and versions, costs, feedback."
    analyst_only = True
    uses_dates = False
    controls = (Control("customer", "customer", "choice", None, _customer_options),)

    def build(self, ctx: ViewContext) -> list[Block]:
        if not ctx.analyst:
            return [Notice(DENIED_TEXT, kind="denied")]
        customer = (ctx.option("customer", "") or "").strip().lower()

        def load(con):
            chosen = customer
            if not chosen:
                options = data.customer_list(con, tenant=ctx.filters.tenant, limit=1)
                chosen = options[0] if options else ""
            if not chosen:
                return chosen, None
            return chosen, data.customer_detail(con, chosen)

        loaded = _read(load)
        if loaded is None:
            return [Notice(EMPTY_TEXT, kind="empty")]
        chosen, detail = loaded
        if detail is None:
            return [Notice("no customer has given an email yet", kind="empty")]
        if detail["sessions"].empty:
            return [Notice(f"no sessions found for {chosen}", kind="empty")]
        blocks: list[Block] = [Heading(chosen, level=3)]
        sessions, timeline, costs = detail["sessions"], detail["timeline"], detail["costs"]
        total = float(costs["cost_usd"].fillna(0).sum()) if not costs.empty else 0.0
        sites = detail["sites"]
        blocks.append(Kpis("At a glance", [
            Kpi("sessions", len(sessions)),
            Kpi("sites deployed", int(sites["url"].notna().sum()) if not sites.empty else 0),
            Kpi("spend", total, unit="$"),
            Kpi("feedback given", len(detail["feedback"])),
        ], compare=False))
        blocks.append(Chart("Timeline", figures.timeline_figure(
            timeline.assign(label=timeline["event_type"].map(data.event_label)))))
        blocks.append(Table("Sessions", sessions, f"{_slug(chosen)}-sessions.csv"))
        blocks.append(Table("Sites and versions", sites, f"{_slug(chosen)}-sites.csv",
                            empty_text="no site was generated yet"))
        if not detail["versions"].empty:
            blocks.append(Table("Saved versions", detail["versions"], f"{_slug(chosen)}-versions.csv"))
        if not detail["deploys"].empty:
            blocks.append(Table("Deploys", detail["deploys"], f"{_slug(chosen)}-deploys.csv"))
        blocks.append(Table("Costs", costs, f"{_slug(chosen)}-costs.csv", empty_text="no API calls recorded"))
        blocks.append(Table("Feedback", detail["feedback"], f"{_slug(chosen)}-feedback.csv",
                            empty_text="no feedback given"))
        events = timeline.assign(event_type=timeline["event_type"].map(data.event_label))
        blocks.append(Table("Every event", events, f"{_slug(chosen)}-events.csv"))
        return blocks


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "customer"


# ---------------------------------------------------------------- funnel

BREAKDOWNS = {"none": None, "tenant": "tenant", "source": "source", "prompt variant": "variant"}


class Funnel(View):
    name = "funnel"
    title = "Funnel"
    description = ("Onboarding conversion from request to deployed site, by step, with time to convert; "
                   "prompt experiments compared.")
    controls = (
        Control("window_days", "window (days)", "number", 14, minimum=1, maximum=90),
        Control("breakdown", "breakdown", "choice", "none", list(BREAKDOWNS)),
        Control("strict", "strict order", "toggle", False),
    )

    def build(self, ctx: ViewContext) -> list[Block]:
        funnel = data.analytics_function("funnel")
        window = float(ctx.option("window_days", 14))
        breakdown = BREAKDOWNS.get(ctx.option("breakdown", "none"))
        strict = bool(ctx.option("strict", False))
        f = ctx.filters

        experiments = data.analytics_function("experiments")

        def load(con):
            return (
                funnel(con, window_days=window, strict=strict, since=f.start, until=f.end, tenant=f.tenant,
                       breakdown=breakdown, now=ctx.at()),
                experiments(con, since=f.start, until=f.end, tenant=f.tenant, now=ctx.at()),
            )

        loaded = _read(load)
        if loaded is None:
            return [Notice(EMPTY_TEXT, kind="empty")]
        result, experiment = loaded
        steps = result.steps
        if steps.empty or int(steps["count"].iloc[0]) == 0:
            return [Notice("no session started in this date range", kind="empty"),
                    Kpis("Sessions", [Kpi("in progress", int(result.in_progress))], compare=False)]
        headline = result.conversion()
        blocks: list[Block] = [Kpis(f"Sessions whose first request came in the range (window {window:g} days)", [
            Kpi("started", headline.entered),
            Kpi("still in progress", headline.in_progress),
            Kpi("settled", headline.settled),
            Kpi("converted", headline.converted),
            Kpi("conversion of settled sessions", headline.rate, unit="%"),
            Kpi("converted so far", headline.so_far, unit="%"),
        ], compare=False)]
        blocks.append(Notice(
            f"started = settled + still in progress. A session is settled once it deployed or its {window:g}-day "
            "window closed; the chart, the steps and \"conversion of settled sessions\" count settled sessions "
            "only, so sessions still in progress are not taken for drop-offs. \"Converted so far\" counts every "
            "session started in the range (the Overview's conversion, for the same span)."))
        groups = result.groups if breakdown else None
        steps = steps.assign(name=steps["name"].map(data.event_label))
        if groups is not None and not groups.empty:
            groups = groups.assign(name=groups["name"].map(data.event_label))
        blocks.append(Chart("Funnel (settled sessions)", figures.funnel_figure(steps, groups)))
        table = steps.rename(columns={"median_seconds_to_convert": "median_time_from_previous_seconds",
                                      "mean_seconds_to_convert": "mean_time_from_previous_seconds"})
        blocks.append(Table("Steps", table, "funnel.csv"))
        if breakdown and groups is not None and not groups.empty:
            blocks.append(Table(f"By {ctx.option('breakdown')}", groups, f"funnel-by-{breakdown}.csv"))
        if experiment is not None and not experiment.variants.empty:
            variants = experiment.variants
            rates = figures.bar_figure(variants, "variant", "deploy_rate", y_title="share of sessions deployed")
            rates.update_yaxes(tickformat=".0%", rangemode="tozero")
            blocks.append(Chart("Prompt experiments: deploy rate by variant", rates))
            p_value = experiment.chi_square_p_value
            verdict = "" if p_value is None else (
                f" Deploy rates differ significantly (chi-square p = {p_value:.3g})." if p_value < experiment.alpha
                else f" No significant difference in deploy rate (chi-square p = {p_value:.3g}).")
            blocks.append(Table("Prompt variants" + (f", control {experiment.control}" if experiment.control else ""),
                                variants, "prompt-variants.csv"))
            if not experiment.comparisons.empty:
                blocks.append(Table("Each variant against the control", experiment.comparisons,
                                    "prompt-variant-tests.csv"))
            if not experiment.verdicts.empty:  # verdicts only at the fixed horizon (analytics.experiments)
                blocks.append(Table(f"Outcome verdicts (fixed horizon: {experiment.design.sample_size_per_arm():,} "
                                    "sessions per arm)", experiment.verdicts, "prompt-variant-verdicts.csv"))
            if verdict:
                blocks.append(Notice(verdict.strip()))
        return blocks


# ---------------------------------------------------------------- cohorts


class Cohorts(View):
    name = "cohorts"
    title = "Cohorts"
    description = "Customer retention by cohort of first activity, and who is new, returning, resurrecting, dormant."
    default_days = 84
    controls = (
        Control("period", "period", "choice", "week", ["day", "week", "month"]),
        Control("cumulative", "on or after", "toggle", False),
    )

    def build(self, ctx: ViewContext) -> list[Block]:
        retention = data.analytics_function("retention")
        lifecycle = data.analytics_function("lifecycle")
        period = ctx.option("period", "week")
        cumulative = bool(ctx.option("cumulative", False))
        f = ctx.filters

        def load(con):
            return (
                retention(con, period=period, cumulative=cumulative, since=f.start, until=f.end, tenant=f.tenant,
                          now=ctx.at()),
                lifecycle(con, period=period, since=f.start, until=f.end, tenant=f.tenant, now=ctx.at()),
            )

        loaded = _read(load)
        if loaded is None:
            return [Notice(EMPTY_TEXT, kind="empty")]
        result, stages = loaded
        matrix = result.matrix
        blocks: list[Block] = []
        if matrix.empty:
            blocks.append(Notice("no cohort started in this date range", kind="empty"))
        else:
            offsets = [c for c in matrix.columns if isinstance(c, int)]
            shown = matrix[["cohort", "size", *offsets]].copy()
            shown["cohort"] = pd.to_datetime(shown["cohort"]).dt.strftime("%Y-%m-%d")
            sizes = int(shown["size"].sum())
            second = result.average[1] if len(result.average) > 1 else None
            blocks.append(Kpis(f"Cohorts by {period}" + (" (active on or after)" if cumulative else ""), [
                Kpi("cohorts", len(shown)),
                Kpi("customers first seen in the range", sizes),
                Kpi(f"back in {period} 1 (average)", second, unit="%"),
            ], compare=False))
            blocks.append(Chart("Retention by cohort", figures.retention_figure(shown, period=period)))
            table = shown.rename(columns={k: f"{period} {k}" for k in offsets})
            if result.average:
                average = {"cohort": "average", "size": sizes}
                average.update({f"{period} {k}": v for k, v in zip(offsets, result.average, strict=False)})
                table = pd.concat([table, pd.DataFrame([average])], ignore_index=True)
            blocks.append(Table("Retention matrix (share of the cohort active)", table, f"retention-{period}.csv",
                                formats={f"{period} {k}": "percent" for k in offsets}))
        if stages is not None and not stages.empty:
            frame = stages.copy()
            frame["period"] = pd.to_datetime(frame["period"]).dt.strftime("%Y-%m-%d")
            blocks.append(Chart("Lifecycle: new, returning, resurrecting (up) and dormant (down)",
                                figures.lifecycle_figure(frame)))
            blocks.append(Table("Lifecycle", frame, f"lifecycle-{period}.csv"))
        return blocks


# ---------------------------------------------------------------- health


class Health(View):
    name = "health"
    title = "Customer health"
    description = "Health scores 0-100 as of now: the distribution, and the customers at risk with the reasons."
    uses_dates = False

    def build(self, ctx: ViewContext) -> list[Block]:
        health_scores = data.analytics_function("health_scores")

        def load(con):
            return health_scores(con, now=ctx.at(), tenant=ctx.filters.tenant)

        scores = _read(load)
        if scores is None:
            return [Notice(EMPTY_TEXT, kind="empty")]
        if scores.empty:
            return [Notice("no customer has given an email yet, so there is nobody to score", kind="empty")]
        scored = scores[scores["score"].notna()]
        at_risk = scores[scores["churn_risk"].fillna(False).astype(bool)].copy()
        bands = scored["band"].value_counts()
        blocks: list[Block] = [Kpis("Customers (per tenant) as of now", [
            Kpi("scored", len(scored)),
            Kpi("green", int(bands.get("green", 0))),
            Kpi("yellow", int(bands.get("yellow", 0))),
            Kpi("red", int(bands.get("red", 0))),
            Kpi("at risk of churn", len(at_risk)),
            Kpi("median score", float(scored["score"].median()) if len(scored) else None),
        ], compare=False)]
        zero = scored[scored["score"] == 0]
        blocks.append(Notice(
            "Every customer who ever gave an email is scored, one row per tenant they worked in; the Users page "
            "counts only the customers active in its date range."
            + (f" {len(zero):,} score 0: no activity for {zero_days(ctx)} days or more and no site deployed "
               "(the components with data - engagement, recency and build success - are all 0)." if len(zero) else "")))
        blocks.append(Chart("Distribution of health scores", figures.health_figure(scored)))
        reasons = pd.Series([_reason_kind(r) for rs in at_risk["reasons"] for r in (rs or [])], dtype=object)
        if len(reasons):
            counts = reasons.value_counts().rename_axis("reason").reset_index(name="customers")
            blocks.append(Chart("Why customers are at risk", figures.bar_figure(counts, "reason", "customers",
                                                                                y_title="customers",
                                                                                integer_y=True)))
        components = [c for c in ("engagement", "recency", "build_success", "friction", "feedback", "site") if c in scored]
        if components:
            means = scored.groupby("band")[components].mean().reindex(["red", "yellow", "green"]).reset_index()
            long = means.melt(id_vars="band", var_name="component", value_name="average score").dropna()
            long["component"] = long["component"].str.replace("_", " ")
            blocks.append(Chart("Average component score by band", figures.bar_figure(
                long, "component", "average score", colour="band", stacked=False, y_title="score",
                series_colours=figures.BAND_COLOURS)))
        table = pd.DataFrame({
            "customer": at_risk["customer"],
            "tenant": at_risk["tenant_id"],
            "score": at_risk["score"],
            "band": at_risk["band"],
            "change in 14 days": at_risk["trend"],
            "reasons": [", ".join(r) if isinstance(r, (list, tuple)) else "" for r in at_risk["reasons"]],
            "last seen": at_risk["last_seen"],
        })
        if not ctx.analyst:
            table = pseudonymise(table, columns=("customer",))
        blocks.append(Table(f"At risk ({len(table):,})", table, "at-risk.csv",
                            empty_text="nobody is at risk right now"))
        return blocks


def zero_days(_ctx: ViewContext) -> int:
    """After how many days without activity recency (and so engagement) reach 0."""
    return int(data.analytics_function("health_thresholds")()["recency_zero_days"])


def _reason_kind(reason: str) -> str:
    text = str(reason)
    if text.startswith("no activity"):
        return "dormant"
    if text.startswith("health is red"):
        return "red score"
    if text.startswith("score fell"):
        return "falling fast"
    return text


# ---------------------------------------------------------------- costs


def _budget(typed) -> tuple[float | None, str | None]:
    """The budget typed in the box (or, when empty, FAIBRIC_MONTHLY_BUDGET_USD), and why it was ignored if it was."""
    if typed is None or str(typed).strip() == "":
        return (_default_budget() or None), None
    try:
        value = float(str(typed).replace("$", "").replace(",", "").strip())
    except ValueError:
        return (_default_budget() or None), f"the budget {str(typed)[:40]!r} is not an amount; type e.g. 250"
    if value < 0:
        return (_default_budget() or None), "the budget must be 0 or more"
    return (value or None), None


def _budget_placeholder() -> str:
    budget = _default_budget()
    return f"{budget:,.2f} (FAIBRIC_MONTHLY_BUDGET_USD)" if budget else "not set - type an amount"


def _default_budget() -> float:
    from .. import config

    try:
        return float(config.get("FAIBRIC_MONTHLY_BUDGET_USD") or 0)
    except ValueError:
        return 0.0


class Costs(View):
    name = "costs"
    title = "Costs"
    description = "AI spend by day, model and purpose; this month against the budget; savings from reuse and caching."
    controls = (
        Control("budget", "monthly budget ($)", "number", None, minimum=0, maximum=10_000_000,
                placeholder=lambda: _budget_placeholder()),
        Control("method", "forecast from", "choice", "month_to_date", ["month_to_date", "last_7_days"]),
    )

    def build(self, ctx: ViewContext) -> list[Block]:
        costs = data.analytics_function("costs")
        cost_forecast = data.analytics_function("cost_forecast")
        savings = data.analytics_function("savings")
        unpriced_calls = data.analytics_function("unpriced_calls")
        cost_per_site = data.analytics_function("cost_per_site")
        build_traces = data.analytics_function("build_traces")
        span_seconds = data.analytics_function("span_seconds")
        budget, budget_error = _budget(ctx.option("budget", None))
        method = ctx.option("method", "month_to_date")
        f = ctx.filters
        now = ctx.at()
        span = {"since": f.start, "until": f.end, "tenant": f.tenant, "now": now}

        def load(con):
            return {
                "day": costs(con, by="day", **span),
                "model": costs(con, by="model", **span),
                "purpose": costs(con, by="purpose", **span),
                "tenant": costs(con, by="tenant", **span),
                "forecast": cost_forecast(con, budget_usd=budget, now=now, tenant=f.tenant, method=method),
                "savings": savings(con, **span),
                "unpriced": unpriced_calls(con, limit=500, **span),
                "sites": cost_per_site(con, **span),
                "stages": span_seconds(con, **span),
                "slowest": build_traces(con, order="seconds", **span),
                "costliest": build_traces(con, order="cost", **span),
            }

        loaded = _read(load)
        if loaded is None:
            return [Notice(EMPTY_TEXT, kind="empty")]
        by_day, by_model, by_purpose = loaded["day"], loaded["model"], loaded["purpose"]
        forecast, saved, sites = loaded["forecast"], loaded["savings"], loaded["sites"]
        spent = float(by_day["cost_usd"].sum()) if len(by_day) else 0.0
        unpriced = int(by_day["unpriced_calls"].sum()) if len(by_day) else 0
        blocks: list[Block] = [Notice(budget_error, kind="error")] if budget_error else []
        blocks.append(Kpis("In the date range", [
            Kpi("spend", spent, unit="$"),
            Kpi("API calls", int(by_day["calls"].sum()) if len(by_day) else 0),
            Kpi("cost per deployed site", sites.cost_per_site_usd, unit="$"),
            Kpi("saved by reuse and caching", saved.total_saved_usd, unit="$"),
            Kpi("calls with no price", unpriced),
        ], compare=False))
        crossing = forecast.crossing_date.isoformat() if forecast.crossing_date else None
        month_items = [
            Kpi("month to date", forecast.month_to_date_usd, unit="$"),
            Kpi("per day", forecast.daily_rate_usd, unit="$"),
            Kpi("projected at month end", forecast.projected_usd, unit="$"),
        ]
        if forecast.budget_usd:
            month_items.append(Kpi("budget", forecast.budget_usd, unit="$"))
        blocks.append(Kpis(f"This month ({forecast.month})", month_items, compare=False))
        if forecast.budget_usd:
            if forecast.over_budget:
                blocks.append(Notice(f"Over budget since {crossing}.", kind="error"))
            elif forecast.forecast_over_budget:
                blocks.append(Notice(f"Forecast to cross the budget on {crossing}.", kind="denied"))
            else:
                blocks.append(Notice("On track to stay within the budget this month."))
        else:
            blocks.append(Notice("Set a monthly budget above (or FAIBRIC_MONTHLY_BUDGET_USD) to see when it would be "
                                 "crossed."))
        if by_day.empty:
            blocks.append(Notice("no API calls in this date range", kind="empty"))
        else:
            frame = by_day.assign(day=pd.to_datetime(by_day["day"]))
            spend_chart = figures.bar_figure(frame, "day", "cost_usd", y_title="$ per day")
            spend_chart.update_traces(marker_opacity=figures.partial_bar_opacity(frame, now.date()))
            blocks.append(Chart("Spend per day (today so far, paler)", spend_chart))
            blocks.append(Chart("Spend by model", figures.bar_figure(by_model, "model", "cost_usd", horizontal=True,
                                                                     y_title="$")))
            blocks.append(Chart("Spend by purpose", figures.bar_figure(by_purpose, "purpose", "cost_usd",
                                                                       y_title="$")))
        month_end = (pd.Timestamp(forecast.now) + pd.offsets.MonthBegin(1)).normalize()
        blocks.append(Chart("This month against the budget", figures.forecast_figure(
            forecast.daily.assign(day=pd.to_datetime(forecast.daily["day"])) if len(forecast.daily)
            else pd.DataFrame({"day": [], "cost_usd": []}),
            projected=forecast.projected_usd, budget=forecast.budget_usd, month_end=month_end)))
        savings_frame = pd.DataFrame({
            "source": ["library reuse", "prompt caching"],
            "saved_usd": [saved.reuse_cost_saved_usd, saved.caching_saved_usd],
            "tokens": [saved.reuse_tokens_saved, saved.cache_read_tokens],
        })
        blocks.append(Chart("Savings", figures.bar_figure(savings_frame, "source", "saved_usd", y_title="$ saved")))
        blocks.append(Table("By model", by_model, "costs-by-model.csv"))
        blocks.append(Table("By purpose", by_purpose, "costs-by-purpose.csv"))
        blocks.append(Table("By tenant", loaded["tenant"], "costs-by-tenant.csv"))
        blocks.append(Table("By day", by_day, "costs-by-day.csv"))
        blocks.append(Table("Savings", savings_frame, "savings.csv"))
        unpriced_rows = loaded["unpriced"]
        if ctx.analyst:
            blocks.append(Table(f"Deployed sites ({sites.deployed_sites:,})", sites.sites, "cost-per-site.csv"))
        else:
            # one row per site is one row per customer: stakeholders get the aggregate (above) only
            unpriced_rows = unpriced_rows.drop(columns=[c for c in ("session_id",) if c in unpriced_rows.columns])
        blocks.append(Table("Calls with no price (their cost is unknown, not zero)", unpriced_rows,
                            "unpriced-calls.csv", empty_text="every call has a price"))
        blocks.extend(_trace_blocks(loaded, analyst=ctx.analyst))
        return blocks


TRACE_TABLE_COLUMNS = ["ts", "session_id", "kind", "variant", "outcome", "seconds", "cost_usd", "calls", "tokens",
                       "slowest_span", "slowest_span_seconds"]


def _trace_blocks(loaded: dict, *, analyst: bool) -> list[Block]:
    """Where build time goes (every role), and the slowest and costliest builds (analysts: one row per customer)."""
    stages = loaded["stages"]
    if stages.empty:
        return [Notice("no traced builds in this date range (every build and change records a trace)", kind="empty")]
    blocks: list[Block] = [Chart("Where build time goes (mean seconds per stage of a traced build)",
                                 figures.bar_figure(stages, "stage", "mean_seconds", horizontal=True,
                                                    y_title="seconds")),
                           Table("Build stages", stages, "build-stages.csv")]
    if analyst:
        blocks.append(Table("Slowest builds and changes", loaded["slowest"][TRACE_TABLE_COLUMNS], "slowest-builds.csv"))
        blocks.append(Table("Most expensive builds and changes", loaded["costliest"][TRACE_TABLE_COLUMNS],
                            "costliest-builds.csv"))
    return blocks
