"""Prompt experiments: outcomes per prompt variant, compared with significance tests.

A session's variant is the ``variant`` property of its first
``request_submitted`` or ``build_started`` event, else ``sessions.variant``;
sessions without one are not in an experiment. ``since``/``until`` select
sessions by their first event. Outcomes per session, up to ``now``: deployed
or not, AI spend, modification requests, and mean feedback rating.

Each variant is compared with the control (``A`` when present, else the first
by name): deploy rate with a two-proportion z-test, spend and modifications
with Welch's t-test, ratings with the Mann-Whitney U test; plus a chi-square
test of deploy rate across all variants. p-values are two-sided.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from ._common import filters, records, resolve_now, utc_naive
from .funnel import session_variants_sql

__all__ = ["ExperimentResult", "experiments", "two_proportion_z_test"]


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

    def to_dict(self) -> dict:
        return {
            "control": self.control,
            "alpha": self.alpha,
            "variants": records(self.variants),
            "comparisons": records(self.comparisons),
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
) -> ExperimentResult:
    """Compare prompt variants on deploy rate, cost, modifications and feedback (see the module docstring)."""
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
                   count(*) FILTER (WHERE event_type = 'modification_requested') AS modifications,
                   avg(CASE WHEN event_type = 'feedback_submitted'
                            THEN TRY_CAST(json_extract_string(properties, '$.rating') AS DOUBLE) END) AS rating
            FROM events WHERE {where} AND session_id IS NOT NULL
            GROUP BY 1
        ),
        spend AS (
            SELECT hash(session_id) AS session_id, coalesce(sum(cost_usd), 0.0) AS cost_usd,
                   count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls
            FROM api_calls WHERE {calls_where} AND session_id IS NOT NULL GROUP BY 1
        )
        SELECT v.variant, p.deployed, p.modifications, p.rating,
               coalesce(s.cost_usd, 0.0) AS cost_usd, coalesce(s.unpriced_calls, 0) AS unpriced_calls
        FROM per AS p JOIN variants AS v USING (session_id) LEFT JOIN spend AS s USING (session_id)
        WHERE v.variant IS NOT NULL AND {entry_where}
        """,
        params,
    ).df()
    variant_columns = [
        "variant", "sessions", "deployed", "deploy_rate", "cost_usd", "cost_per_session_usd", "cost_per_deploy_usd",
        "unpriced_calls", "modifications_per_session", "feedback_count", "mean_rating",
    ]
    if sessions.empty:
        return ExperimentResult(None, pd.DataFrame(columns=variant_columns), pd.DataFrame(), None, alpha, sessions)
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
    return ExperimentResult(control, variants, pd.DataFrame(comparisons), chi_p, alpha, sessions)


def _welch(a: pd.Series, b: pd.Series) -> float | None:
    from scipy import stats

    a, b = a.astype(float), b.astype(float)
    if len(a) < 2 or len(b) < 2:
        return None
    if a.var() == 0 and b.var() == 0:
        return None if a.mean() == b.mean() else 0.0
    return _p(stats.ttest_ind(a, b, equal_var=False).pvalue)
