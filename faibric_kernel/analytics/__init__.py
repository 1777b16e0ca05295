"""Analytics over the event store: pure, read-only functions of a DuckDB connection.

Each takes a connection (``read_connection()`` in production, whose
``events``/``api_calls`` include spooled rows; an in-memory database in tests)
and returns a DataFrame or a small result object with ``.to_dict()`` (the JSON
shapes of the CLI). Definitions follow docs/metrics.md; every
function takes ``now`` so that results are reproducible "as of" a moment.
Only :func:`snapshot_health` and the alert runners write, through their own
short-lived write connections.

* :func:`funnel` - ordered funnel with a window from step 1, strict mode, breakdowns
* :func:`retention`, :func:`lifecycle` - customer cohorts by day, week or month
* :func:`health_scores`, :func:`snapshot_health` - customer health 0-100
* :func:`costs`, :func:`cost_per_site`, :func:`savings`, :func:`cost_forecast`, :func:`unpriced_calls`
* :func:`activity_feed` - the latest events as sentences
* :mod:`.alerts` - rules that fire once per period, with webhook and email delivery
* :func:`experiments` - prompt variants compared with significance tests
* :func:`build_traces`, :func:`span_seconds` - the slowest and costliest builds, and time per build stage
"""

from . import alerts
from .activity import activity_feed, describe_event
from .costs import (
    CostForecast,
    Savings,
    SiteCosts,
    cost_forecast,
    cost_per_site,
    costs,
    savings,
    unpriced_calls,
)
from .experiments import ExperimentResult, experiments, two_proportion_z_test
from .funnel import DEFAULT_STEPS, Conversion, FunnelResult, conversion, conversions, funnel
from .health import DEFAULT_THRESHOLDS, DEFAULT_WEIGHTS, band_of, health_scores, health_thresholds, snapshot_health
from .retention import RetentionResult, lifecycle, retention
from .traces import build_traces, span_seconds

__all__ = [
    "DEFAULT_STEPS",
    "DEFAULT_THRESHOLDS",
    "DEFAULT_WEIGHTS",
    "Conversion",
    "CostForecast",
    "ExperimentResult",
    "FunnelResult",
    "RetentionResult",
    "Savings",
    "SiteCosts",
    "activity_feed",
    "alerts",
    "band_of",
    "build_traces",
    "conversion",
    "conversions",
    "cost_forecast",
    "cost_per_site",
    "costs",
    "describe_event",
    "experiments",
    "funnel",
    "health_scores",
    "health_thresholds",
    "lifecycle",
    "retention",
    "span_seconds",
    "savings",
    "snapshot_health",
    "two_proportion_z_test",
    "unpriced_calls",
]
