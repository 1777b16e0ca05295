"""Prompt experiments: outcomes per prompt variant, compared with significance tests, and verdicts at a fixed horizon.

A session's variant is the ``variant`` property of its first
``request_submitted`` or ``build_started`` event, else ``sessions.variant``;
sessions without one are not in an experiment. ``since``/``until`` select
sessions by their first event. Outcomes per session, up to ``now``: deployed
or not, AI spend, modification requests, and mean feedback rating.

Each variant is compared with the control (``A`` when present, else the first
by name): deploy rate with a two-proportion z-test, spend and modifications
with Welch's t-test, ratings with the Mann-Whitney U test; plus a chi-square
test of deploy rate across all variants. p-values are two-sided. Sessions of
the ``eval`` tenant (``faibric eval``'s builds) are not customers and are left out.

Verdicts (``verdicts``) follow a fixed-horizon design, so looking often does
not inflate false positives: the sample size per arm is computed up front
from the design (:class:`ExperimentDesign`: the baseline deploy rate, the
smallest difference worth detecting, alpha and power) and shown. Until both
arms have that many sessions every outcome is ``collecting`` and no p-value is
reported (no peeking). At the horizon each outcome gets a p-value, adjusted
with Holm's method across the outcomes of a comparison, and a state:
``better``, ``worse`` or ``no difference yet``; an outcome with too few
observations (e.g. two ratings) is ``not enough data``. The outcomes: deploy
rate (z-test), time to deploy and rating (Mann-Whitney U), changes before
deploy and rollbacks (Welch's t), $ per deployed site (a ratio of means,
compared with the delta method) and, once live sites report back, leads per
deployed site (Welch's t over the site's ``lead_received`` events that were
not spam; a session's site is its row in ``public_sites``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import datetime
from statistics import NormalDist

import numpy as np
import pandas as pd

from ._common import filters, records, resolve_now, utc_naive
from .funnel import session_variants_sql

EVAL_TENANT = "eval"  # `faibric eval` builds under this tenant: test builds, not customers in an experiment

__all__ = [
    "OUTCOMES",
    "ExperimentDesign",
    "ExperimentResult",
    "experiments",
    "holm",
    "ratio_z_test",
    "sample_size_two_proportions",
    "two_proportion_z_test",
]


@dataclass(frozen=True)
class ExperimentDesign:
    """A fixed-horizon design: the sample size per arm follows from these, before any data is looked at."""

    baseline_deploy_rate: float = 0.30
    minimum_detectable_effect: float = 0.05  # absolute: 5 points of deploy rate
    alpha: float = 0.05
    power: float = 0.80
    sample_size: int | None = None  # set explicitly to override the computed one

    def sample_size_per_arm(self) -> int:
        if self.sample_size is not None:
            return int(self.sample_size)
        return sample_size_two_proportions(self.baseline_deploy_rate, self.minimum_detectable_effect,
                                           self.alpha, self.power)

    def to_dict(self) -> dict:
        return {**asdict(self), "sample_size_per_arm": self.sample_size_per_arm()}


def sample_size_two_proportions(baseline: float, effect: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Sessions per arm for a two-sided two-proportion z-test to detect ``baseline`` -> ``baseline + effect``."""
    p1, p2 = baseline, baseline + effect
    if not (0 < p1 < 1 and 0 < p2 < 1) or effect == 0:
        raise ValueError("the baseline and baseline + effect must be between 0 and 1, and the effect non-zero")
    normal = NormalDist()
    z_alpha, z_beta = normal.inv_cdf(1 - alpha / 2), normal.inv_cdf(power)
    pooled = (p1 + p2) / 2
    root = z_alpha * math.sqrt(2 * pooled * (1 - pooled)) + z_beta * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return math.ceil(root ** 2 / effect ** 2)


def ratio_z_test(cost_a, deployed_a, cost_b, deployed_b) -> tuple[float | None, float | None, float | None]:
    """(ratio A, ratio B, two-sided p) for sum(cost)/sum(deployed) per arm, by the delta method."""
    def ratio_and_variance(cost, deployed):
        cost, deployed = np.asarray(cost, float), np.asarray(deployed, float)
        n = len(cost)
        if n < 2 or deployed.mean() == 0:
            return None, None
        ratio = cost.mean() / deployed.mean()
        covariance = np.cov(cost, deployed, ddof=1)
        variance = (covariance[0, 0] - 2 * ratio * covariance[0, 1] + ratio ** 2 * covariance[1, 1]) / (
            n * deployed.mean() ** 2)
        return float(ratio), float(variance)

    ratio_a, var_a = ratio_and_variance(cost_a, deployed_a)
    ratio_b, var_b = ratio_and_variance(cost_b, deployed_b)
    if ratio_a is None or ratio_b is None:
        return ratio_a, ratio_b, None
    se = math.sqrt(var_a + var_b)
    if se == 0:
        return ratio_a, ratio_b, (None if ratio_a == ratio_b else 0.0)
    z = (ratio_b - ratio_a) / se
    return ratio_a, ratio_b, math.erfc(abs(z) / math.sqrt(2))


def holm(p_values: list[float | None]) -> list[float | None]:
    """Holm-adjusted p-values (None stays None), in the order given."""
    indexed = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    adjusted: list[float | None] = [None] * len(p_values)
    running, m = 0.0, len(indexed)
    for rank, (p, i) in enumerate(indexed):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[i] = running
    return adjusted


# outcome -> (label, column in the per-session frame, test, True when higher is better, who counts)
OUTCOMES = {
    "deploy_rate": ("deploy rate", "deployed", "z", True, "all"),
    "seconds_to_deploy": ("time to deploy (s)", "seconds_to_deploy", "mannwhitney", False, "deployed"),
    "changes_before_deploy": ("changes before deploy", "changes_before_deploy", "welch", False, "deployed"),
    "rating": ("rating", "rating", "mannwhitney", True, "rated"),
    "rollbacks_per_session": ("rollbacks per session", "rollbacks", "welch", False, "all"),
    "cost_per_deployed_usd": ("$ per deployed site", "cost_usd", "ratio", False, "all"),
    "leads_per_site": ("leads per deployed site", "leads", "welch", True, "deployed"),
}


def two_proportion_z_test(successes_a: int, n_a: int, successes_b: int, n_b: int) -> tuple[float | None, float | None]:
    """(z, two-sided p) for the difference of two proportions, pooled; ``(None, None)`` when undefined."""
    if n_a == 0 or n_b == 0:
        return None, None
    pooled = (successes_a + successes_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if se == 0:
        return None, None
    z = (successes_b / n_b - successes_a / n_a) / se
    return z, math.erfc(abs(z) / math.sqrt(2))


def _p(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


@dataclass
class ExperimentResult:
    """Per-variant outcomes and the comparisons against the control."""

    control: str | None
    variants: pd.DataFrame
    comparisons: pd.DataFrame
    chi_square_p_value: float | None = None
    alpha: float = 0.05
    sessions: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    design: ExperimentDesign = field(default_factory=ExperimentDesign)
    verdicts: pd.DataFrame = field(default_factory=pd.DataFrame)

    def to_dict(self) -> dict:
        return {
            "control": self.control,
            "alpha": self.alpha,
            "design": self.design.to_dict(),
            "variants": records(self.variants),
            "comparisons": records(self.comparisons),
            "verdicts": records(self.verdicts),
            "chi_square_p_value": self.chi_square_p_value,
        }


def experiments(
    con,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    tenant: str | None = None,
    now: datetime | str | None = None,
    control: str | None = None,
    alpha: float = 0.05,
    design: ExperimentDesign | None = None,
) -> ExperimentResult:
    """Compare prompt variants on deploy rate, cost, modifications and feedback (see the module docstring)."""
    design = design or ExperimentDesign(alpha=alpha)
    from scipy import stats  # imported here: importing analytics (e.g. from ingest) stays light
    now = resolve_now(now)
    since, until = utc_naive(since, "since"), utc_naive(until, "until")
    where, params = filters(now=now, tenant=tenant)
    entry = []
    if since is not None:
        entry.append("first_ts >= $since")
        params["since"] = since
    if until is not None:
        entry.append("first_ts < $until")
        params["until"] = until
    entry_where = " AND ".join(entry) or "TRUE"
    calls_where, _ = filters(now=now, tenant=tenant)
    sessions = con.execute(
        f"""
        WITH variants AS ({session_variants_sql(where)}),
        per AS (
            SELECT hash(session_id) AS session_id, min(ts) AS first_ts,
                   bool_or(event_type = 'deployed') AS deployed,
                   min(ts) FILTER (WHERE event_type = 'deployed') AS deployed_ts,
                   count(*) FILTER (WHERE event_type = 'modification_requested') AS modifications,
                   avg(CASE WHEN event_type = 'feedback_submitted'
                            THEN TRY_CAST(json_extract_string(properties, '$.rating') AS DOUBLE) END) AS rating
            FROM events WHERE {where} AND session_id IS NOT NULL AND tenant_id IS DISTINCT FROM '{EVAL_TENANT}'
            GROUP BY 1
        ),
        before_deploy AS (
            SELECT hash(e.session_id) AS session_id, count(*) AS changes_before_deploy
            FROM events AS e JOIN per AS p ON hash(e.session_id) = p.session_id
            WHERE {where} AND e.event_type = 'modification_requested' AND e.ts < p.deployed_ts
            GROUP BY 1
        ),
        deploys AS (
            SELECT hash(session_id) AS session_id, ts,
                   TRY_CAST(json_extract_string(properties, '$.version') AS INTEGER) AS version
            FROM events WHERE {where} AND event_type = 'deployed' AND session_id IS NOT NULL
        ),
        rollbacks AS (
            -- a rollback: deploying a version older than one the session already had live
            SELECT session_id, count(*) FILTER (WHERE version < prior_max) AS rollbacks
            FROM (SELECT session_id, version, max(version) OVER (PARTITION BY session_id ORDER BY ts
                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prior_max FROM deploys)
            GROUP BY 1
        ),
        leads AS ({_leads_sql(where)}),
        spend AS (
            SELECT hash(session_id) AS session_id, coalesce(sum(cost_usd), 0.0) AS cost_usd,
                   count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls
            FROM api_calls WHERE {calls_where} AND session_id IS NOT NULL GROUP BY 1
        )
        SELECT v.variant, p.deployed, p.modifications, p.rating,
               coalesce(s.cost_usd, 0.0) AS cost_usd, coalesce(s.unpriced_calls, 0) AS unpriced_calls,
               CASE WHEN p.deployed THEN epoch(p.deployed_ts) - epoch(p.first_ts) END AS seconds_to_deploy,
               CASE WHEN p.deployed THEN coalesce(b.changes_before_deploy, 0) END AS changes_before_deploy,
               coalesce(r.rollbacks, 0) AS rollbacks,
               CASE WHEN p.deployed THEN coalesce(l.leads, 0) END AS leads
        FROM per AS p JOIN variants AS v USING (session_id) LEFT JOIN spend AS s USING (session_id)
        LEFT JOIN before_deploy AS b USING (session_id) LEFT JOIN rollbacks AS r USING (session_id)
        LEFT JOIN leads AS l USING (session_id)
        WHERE v.variant IS NOT NULL AND {entry_where}
        """,
        params,
    ).df()
    variant_columns = [
        "variant", "sessions", "deployed", "deploy_rate", "cost_usd", "cost_per_session_usd", "cost_per_deploy_usd",
        "unpriced_calls", "modifications_per_session", "feedback_count", "mean_rating", "median_seconds_to_deploy",
        "changes_before_deploy", "rollbacks_per_session", "leads_per_deployed_site",
    ]
    if sessions.empty:
        return ExperimentResult(None, pd.DataFrame(columns=variant_columns), pd.DataFrame(), None, alpha, sessions,
                                design, pd.DataFrame(columns=VERDICT_COLUMNS))
    grouped = sessions.groupby("variant", sort=True)
    variants = pd.DataFrame(
        {
            "sessions": grouped.size(),
            "deployed": grouped["deployed"].sum().astype("int64"),
            "cost_usd": grouped["cost_usd"].sum(),
            "unpriced_calls": grouped["unpriced_calls"].sum().astype("int64"),
            "modifications_per_session": grouped["modifications"].mean(),
            "feedback_count": grouped["rating"].count().astype("int64"),
            "mean_rating": grouped["rating"].mean(),
            "median_seconds_to_deploy": grouped["seconds_to_deploy"].median(),
            "changes_before_deploy": grouped["changes_before_deploy"].mean(),
            "rollbacks_per_session": grouped["rollbacks"].mean(),
            "leads_per_deployed_site": grouped["leads"].mean(),
        }
    )
    variants["deploy_rate"] = variants["deployed"] / variants["sessions"]
    variants["cost_per_session_usd"] = variants["cost_usd"] / variants["sessions"]
    variants["cost_per_deploy_usd"] = variants["cost_usd"] / variants["deployed"].where(variants["deployed"] > 0)
    variants = variants.reset_index()[variant_columns]
    names = list(variants["variant"])
    if control is None:
        control = "A" if "A" in names else names[0]
    comparisons = []
    base = variants.set_index("variant")
    by_variant = {name: rows for name, rows in grouped}
    if control in base.index:
        ctrl_rows = by_variant[control]
        for name in names:
            if name == control:
                continue
            rows = by_variant[name]
            z, p_deploy = two_proportion_z_test(
                int(base.loc[control, "deployed"]), int(base.loc[control, "sessions"]),
                int(base.loc[name, "deployed"]), int(base.loc[name, "sessions"]),
            )
            p_cost = _welch(ctrl_rows["cost_usd"], rows["cost_usd"])
            p_mods = _welch(ctrl_rows["modifications"], rows["modifications"])
            ratings_a, ratings_b = ctrl_rows["rating"].dropna(), rows["rating"].dropna()
            p_rating = None
            if len(ratings_a) and len(ratings_b):
                p_rating = _p(stats.mannwhitneyu(ratings_a, ratings_b, alternative="two-sided").pvalue)
            comparisons.append(
                {
                    "variant": name,
                    "control": control,
                    "deploy_rate_diff": float(base.loc[name, "deploy_rate"] - base.loc[control, "deploy_rate"]),
                    "deploy_z": z,
                    "deploy_p_value": p_deploy,
                    "deploy_significant": p_deploy is not None and p_deploy < alpha,
                    "cost_per_session_diff_usd": float(
                        base.loc[name, "cost_per_session_usd"] - base.loc[control, "cost_per_session_usd"]
                    ),
                    "cost_p_value": p_cost,
                    "modifications_diff": float(
                        base.loc[name, "modifications_per_session"] - base.loc[control, "modifications_per_session"]
                    ),
                    "modifications_p_value": p_mods,
                    "mean_rating_diff": _p(base.loc[name, "mean_rating"] - base.loc[control, "mean_rating"]),
                    "rating_p_value": p_rating,
                }
            )
    chi_p = None
    if len(names) >= 2:
        table = np.array([[int(d), int(s - d)] for d, s in zip(variants["deployed"], variants["sessions"], strict=True)])
        if (table.sum(axis=0) > 0).all():
            chi_p = _p(stats.chi2_contingency(table, correction=False).pvalue)
    verdicts = _verdicts(by_variant, control, names, design) if control in base.index else pd.DataFrame(
        columns=VERDICT_COLUMNS)
    return ExperimentResult(control, variants, pd.DataFrame(comparisons), chi_p, alpha, sessions, design, verdicts)


def _leads_sql(where: str) -> str:
    """Leads per session (hashed id), through the session's public site (``public_sites``, migration 700)."""
    return f"""
        SELECT hash(ps.session_id) AS session_id, count(*) AS leads
        FROM (SELECT json_extract_string(properties, '$.site_id') AS site_id FROM events
              WHERE {where} AND event_type = 'lead_received'
                AND coalesce(json_extract_string(properties, '$.spam'), 'ok') = 'ok') AS l
        JOIN public_sites AS ps USING (site_id)
        GROUP BY 1"""


VERDICT_COLUMNS = ["variant", "control", "outcome", "label", "control_value", "variant_value", "difference",
                   "control_n", "variant_n", "sample_size_per_arm", "p_value", "adjusted_p_value", "state"]


def _outcome_test(kind: str, column: str, ctrl: pd.DataFrame, rows: pd.DataFrame):
    """(control value, variant value, control n, variant n, p) for one outcome; p None when not testable."""
    from scipy import stats

    if kind == "z":
        a, b = ctrl[column].astype(bool), rows[column].astype(bool)
        _, p = two_proportion_z_test(int(a.sum()), len(a), int(b.sum()), len(b))
        return float(a.mean()), float(b.mean()), len(a), len(b), p
    if kind == "ratio":
        ratio_a, ratio_b, p = ratio_z_test(ctrl["cost_usd"], ctrl["deployed"].astype(float),
                                           rows["cost_usd"], rows["deployed"].astype(float))
        return ratio_a, ratio_b, len(ctrl), len(rows), p
    a, b = ctrl[column].dropna().astype(float), rows[column].dropna().astype(float)
    value_a = float(a.median() if kind == "mannwhitney" else a.mean()) if len(a) else None
    value_b = float(b.median() if kind == "mannwhitney" else b.mean()) if len(b) else None
    if kind == "welch":
        return value_a, value_b, len(a), len(b), _welch(a, b)
    p = None
    if len(a) >= 2 and len(b) >= 2:
        p = _p(stats.mannwhitneyu(a, b, alternative="two-sided").pvalue)
    return value_a, value_b, len(a), len(b), p


def _verdicts(by_variant: dict, control: str, names: list[str], design: ExperimentDesign) -> pd.DataFrame:
    """One row per variant and outcome: the estimates, and a verdict only once both arms reach the horizon."""
    horizon = design.sample_size_per_arm()
    rows = []
    ctrl = by_variant[control]
    for name in names:
        if name == control:
            continue
        arm = by_variant[name]
        reached = min(len(ctrl), len(arm)) >= horizon
        found = []
        for outcome, (label, column, kind, _higher, _who) in OUTCOMES.items():
            value_a, value_b, n_a, n_b, p = _outcome_test(kind, column, ctrl, arm)
            found.append({"variant": name, "control": control, "outcome": outcome, "label": label,
                          "control_value": value_a, "variant_value": value_b,
                          "difference": None if value_a is None or value_b is None else value_b - value_a,
                          "control_n": n_a, "variant_n": n_b, "sample_size_per_arm": horizon,
                          "p_value": p if reached else None})
        adjusted = holm([r["p_value"] for r in found])
        for row, adj in zip(found, adjusted, strict=True):
            row["adjusted_p_value"] = adj
            higher_is_better = OUTCOMES[row["outcome"]][3]
            if not reached:
                row["state"] = f"collecting: {min(len(ctrl), len(arm)):,} of {horizon:,} sessions per arm, no verdict"
            elif adj is None:
                row["state"] = "not enough data"
            elif adj < design.alpha and row["difference"]:
                row["state"] = "better" if (row["difference"] > 0) == higher_is_better else "worse"
            else:
                row["state"] = "no difference yet"
            rows.append(row)
    return pd.DataFrame(rows, columns=VERDICT_COLUMNS)


def _welch(a: pd.Series, b: pd.Series) -> float | None:
    from scipy import stats

    a, b = a.astype(float), b.astype(float)
    if len(a) < 2 or len(b) < 2:
        return None
    if a.var() == 0 and b.var() == 0:
        return None if a.mean() == b.mean() else 0.0
    return _p(stats.ttest_ind(a, b, equal_var=False).pvalue)
