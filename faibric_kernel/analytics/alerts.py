"""Alerts: rules over the store that fire at most once per period, are stored, and are delivered.

Rules (each yields at most one alert per ``(rule, period_key, subject)``):

* ``cost_over_budget``: month-to-date AI spend is over the monthly budget (period: month);
* ``cost_forecast_over_budget``: the month-end projection is over it (period: month);
* ``error_rate``: the share of failed API calls in the last ``error_window_hours``
  is over ``error_rate_threshold``, with at least ``error_min_calls`` calls (period: day);
* ``conversion_drop``: the share of sessions that reached the last of
  ``conversion_steps`` within ``conversion_window_hours`` of the first, for the
  latest day whose windows have all closed, fell more than ``conversion_drop``
  (relative) below the pooled rate of the ``baseline_days`` before it, both
  with at least ``conversion_min_sessions`` sessions (period: that day);
* ``health_red``: a customer whose health was not red a day earlier is red now
  (period: day; subject: tenant/customer).

:func:`evaluate` computes the alerts that have not fired yet and, with
``store=True``, records them in the ``alerts`` table (the alert id is derived
from rule, period and subject, so a second evaluation adds nothing).
:func:`deliver` sends them to the webhook (``FAIBRIC_ALERT_WEBHOOK_URL``,
Slack-compatible ``{"text": ...}``, through an injectable ``httpx.Client``) and
by email through ``faibric_kernel.email.send_email`` when that module exists
(to ``FAIBRIC_ALERT_EMAIL_TO``), one message per rule per run (a digest when
several customers turn red at once); a channel that cannot be used is recorded
as skipped with the reason. ``AlertConfig.rules`` chooses which rules run.
:func:`run_alerts` does all of it against the store with short-lived
connections, holding none of them while it sends.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from .. import config as settings
from ..errors import ConfigError
from ._common import resolve_now

__all__ = ["Alert", "AlertConfig", "deliver", "evaluate", "record_delivery", "run_alerts", "stored_alerts"]

_NAMESPACE = uuid.UUID("5d7c2b8e-6a41-4f0e-9a57-0b3f1c2d8e90")


@dataclass
class AlertConfig:
    """Thresholds of the alert rules, and where alerts go."""

    budget_usd: float | None = None
    error_rate_threshold: float = 0.10
    error_min_calls: int = 20
    error_window_hours: float = 24
    conversion_steps: tuple = ("request_submitted", "deployed")
    conversion_window_hours: float = 24
    conversion_drop: float = 0.25
    conversion_min_sessions: int = 20
    baseline_days: int = 7
    health_weights: dict | None = None
    health_thresholds: dict | None = None
    email_to: list = field(default_factory=list)
    webhook_url: str | None = None  # default: FAIBRIC_ALERT_WEBHOOK_URL
    rules: tuple = ("cost", "error_rate", "conversion_drop", "health_red")  # which rules to evaluate

    @classmethod
    def from_config(cls, **overrides) -> AlertConfig:
        """Settings from the environment / ``.env``: budget, recipients; the rest from ``overrides``."""
        values = {}
        budget = settings.get("FAIBRIC_MONTHLY_BUDGET_USD")
        if budget:
            try:
                values["budget_usd"] = float(budget)
            except ValueError:
                raise ConfigError(f"FAIBRIC_MONTHLY_BUDGET_USD must be a number of dollars, not {budget!r}") from None
        recipients = settings.get("FAIBRIC_ALERT_EMAIL_TO")
        if recipients:
            values["email_to"] = [r.strip() for r in recipients.split(",") if r.strip()]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


@dataclass
class Alert:
    """One fired alert."""

    rule: str
    period_key: str
    subject: str
    severity: str
    message: str
    details: dict = field(default_factory=dict)
    tenant_id: str | None = None
    fired_at: datetime | None = None
    delivered: dict = field(default_factory=dict)

    @property
    def alert_id(self) -> str:
        return str(uuid.uuid5(_NAMESPACE, f"{self.rule}|{self.period_key}|{self.subject}"))

    def to_dict(self) -> dict:
        out = asdict(self)
        out["alert_id"] = self.alert_id
        out["fired_at"] = self.fired_at.isoformat() if self.fired_at else None
        return out


# ---------------------------------------------------------------- rules


def _cost_rules(con, now: datetime, cfg: AlertConfig) -> list[Alert]:
    from .costs import cost_forecast

    if cfg.budget_usd is None:
        return []
    f = cost_forecast(con, budget_usd=cfg.budget_usd, now=now)
    details = {k: v for k, v in f.to_dict().items() if k in (
        "month", "month_to_date_usd", "daily_rate_usd", "projected_usd", "budget_usd", "crossing_date")}
    if f.over_budget:
        return [Alert("cost_over_budget", f.month, "*", "critical",
                      f"AI spend for {f.month} is ${f.month_to_date_usd:,.2f}, over the ${cfg.budget_usd:,.2f} budget "
                      f"(since {f.crossing_date})", details)]
    if f.forecast_over_budget:
        return [Alert("cost_forecast_over_budget", f.month, "*", "warning",
                      f"AI spend for {f.month} is on course for ${f.projected_usd:,.2f}, over the "
                      f"${cfg.budget_usd:,.2f} budget; it would cross it around {f.crossing_date}", details)]
    return []


def _error_rate_rule(con, now: datetime, cfg: AlertConfig) -> list[Alert]:
    start = now - timedelta(hours=cfg.error_window_hours)
    total, errors = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE status <> 'ok') FROM api_calls WHERE ts > $start AND ts <= $now",
        {"start": start, "now": now},
    ).fetchall()[0]
    if total < cfg.error_min_calls or total == 0:
        return []
    rate = errors / total
    if rate <= cfg.error_rate_threshold:
        return []
    return [Alert("error_rate", now.strftime("%Y-%m-%d"), "*", "critical",
                  f"{rate:.1%} of AI calls failed in the last {cfg.error_window_hours:g} hours ({errors} of {total}), "
                  f"over the {cfg.error_rate_threshold:.0%} threshold",
                  {"calls": int(total), "errors": int(errors), "rate": rate, "threshold": cfg.error_rate_threshold})]


def _conversion_rule(con, now: datetime, cfg: AlertConfig) -> list[Alert]:
    from .funnel import funnel

    window = timedelta(hours=cfg.conversion_window_hours)
    latest = now - window  # every session that entered before this has a closed window
    day = datetime(latest.year, latest.month, latest.day) - timedelta(days=1)
    steps = list(cfg.conversion_steps)
    days = cfg.conversion_window_hours / 24

    def rate(since, until):
        result = funnel(con, steps, window_days=days, since=since, until=until, now=now)
        entered = int(result.steps["count"].iloc[0])
        reached = int(result.steps["count"].iloc[-1])
        return entered, reached

    n_day, conv_day = rate(day, day + timedelta(days=1))
    n_base, conv_base = rate(day - timedelta(days=cfg.baseline_days), day)
    if n_day < cfg.conversion_min_sessions or n_base < cfg.conversion_min_sessions or conv_base == 0:
        return []
    rate_day, rate_base = conv_day / n_day, conv_base / n_base
    if rate_day >= rate_base * (1 - cfg.conversion_drop):
        return []
    key = day.strftime("%Y-%m-%d")
    return [Alert("conversion_drop", key, "*", "warning",
                  f"Conversion ({steps[0]} to {steps[-1]} within {cfg.conversion_window_hours:g}h) on {key} was "
                  f"{rate_day:.1%} ({conv_day} of {n_day}), below the {cfg.baseline_days}-day baseline of "
                  f"{rate_base:.1%}", {"day": key, "sessions": n_day, "converted": conv_day, "rate": rate_day,
                                       "baseline_sessions": n_base, "baseline_rate": rate_base})]


def _health_rule(con, now: datetime, cfg: AlertConfig) -> list[Alert]:
    from .health import health_scores

    current = health_scores(con, now=now, weights=cfg.health_weights, thresholds=cfg.health_thresholds, trend=False)
    red = current[current["band"] == "red"]
    if red.empty:
        return []
    before = health_scores(con, now=now - timedelta(days=1), weights=cfg.health_weights,
                           thresholds=cfg.health_thresholds, trend=False)
    before = before[["tenant_id", "customer", "score", "band"]].rename(columns={"score": "was", "band": "was_band"})
    turned = red.merge(before, on=["tenant_id", "customer"], how="inner")
    turned = turned[turned["was_band"] != "red"]
    key = now.strftime("%Y-%m-%d")
    out = []
    for row in turned.itertuples(index=False):
        out.append(Alert("health_red", key, f"{row.tenant_id}/{row.customer}", "warning",
                         f"{row.customer} ({row.tenant_id}) turned red: health {row.score:g}, was {row.was:g} "
                         f"a day earlier" + (f"; {'; '.join(row.reasons)}" if row.reasons else ""),
                         {"score": float(row.score), "previous": float(row.was), "reasons": list(row.reasons)},
                         tenant_id=row.tenant_id))
    return out


RULES = {
    "cost": _cost_rules,
    "error_rate": _error_rate_rule,
    "conversion_drop": _conversion_rule,
    "health_red": _health_rule,
}


def _fired_ids(con, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    rows = con.execute("SELECT alert_id FROM alerts WHERE alert_id IN (SELECT unnest(CAST(? AS VARCHAR[])))",
                       [ids]).fetchall()
    return {r[0] for r in rows}


def evaluate(con, now: datetime | str | None = None, config: AlertConfig | None = None, *,
             store: bool = True) -> list[Alert]:
    """The alerts that fire now and have not fired in their period yet; stored in ``alerts`` when ``store``."""
    now = resolve_now(now)
    cfg = config or AlertConfig.from_config()
    candidates: list[Alert] = []
    unknown = set(cfg.rules) - set(RULES)
    if unknown:
        raise ConfigError(f"unknown alert rule(s) {', '.join(sorted(unknown))}; rules are {', '.join(RULES)}")
    for name in cfg.rules:
        candidates.extend(RULES[name](con, now, cfg))
    for alert in candidates:
        alert.fired_at = now
    fired = _fired_ids(con, [a.alert_id for a in candidates])
    new = [a for a in candidates if a.alert_id not in fired]
    if store and new:
        _store(con, new)
    return new


def _store(con, alerts: list[Alert]) -> None:
    con.executemany(
        "INSERT INTO alerts (alert_id, rule, period_key, tenant_id, subject, fired_at, severity, message, "
        "details, delivered, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open') ON CONFLICT DO NOTHING",
        [
            [a.alert_id, a.rule, a.period_key, a.tenant_id, a.subject, a.fired_at, a.severity, a.message,
             json.dumps(a.details, default=str), json.dumps(a.delivered)]
            for a in alerts
        ],
    )


# ---------------------------------------------------------------- delivery


def _resolve_email_sender():
    if importlib.util.find_spec("faibric_kernel.email") is None:
        return None, "faibric_kernel.email is not available yet, so alerts are not emailed"
    module = importlib.import_module("faibric_kernel.email")
    sender = getattr(module, "send_email", None)
    if sender is None:
        return None, "faibric_kernel.email has no send_email()"
    return sender, None


DIGEST_LINES = 20


def _digest(items: list[Alert]) -> tuple[str, str]:
    """(subject, text) of one message for the alerts of one rule."""
    first = items[0]
    if len(items) == 1:
        return f"Faibric alert: {first.rule.replace('_', ' ')}", f"[{first.severity}] {first.message}"
    lines = [f"[{first.severity}] {len(items)} {first.rule.replace('_', ' ')} alerts:"]
    lines += [f"- {a.message}" for a in items[:DIGEST_LINES]]
    if len(items) > DIGEST_LINES:
        lines.append(f"... and {len(items) - DIGEST_LINES} more")
    return f"Faibric alerts: {len(items)} x {first.rule.replace('_', ' ')}", "\n".join(lines)


def _post(http, url: str, text: str) -> dict:
    import httpx

    try:
        response = http.post(url, json={"text": text})
    except httpx.HTTPError as exc:
        return {"status": "failed", "reason": f"{type(exc).__name__}: {exc}"}
    if 200 <= response.status_code < 300:
        return {"status": "sent", "http_status": response.status_code}
    return {"status": "failed", "http_status": response.status_code, "reason": response.text[:200]}


def _mail(sender, recipients: list[str], subject: str, text: str) -> dict:
    problems = []
    for to in recipients:
        try:
            result = sender(to, subject, text)
        except Exception as exc:  # noqa: BLE001 - a failing channel must not stop the others
            problems.append(f"{to}: {type(exc).__name__}: {exc}")
            continue
        if getattr(result, "ok", True) is False:
            # the email module queues failed messages for a retry
            problems.append(f"{to}: {getattr(result, 'error', 'not sent')} (queued for retry)")
    if problems:
        return {"status": "failed", "to": recipients, "reason": "; ".join(problems)[:500]}
    return {"status": "sent", "to": recipients}


def deliver(
    alerts: list[Alert],
    config: AlertConfig | None = None,
    *,
    client=None,
    email_sender=None,
) -> list[Alert]:
    """Send the alerts to the webhook and by email, one message per rule (a digest when several fire).

    Each alert's ``delivered`` records, per channel, ``sent``, ``failed`` (with
    the reason) or ``skipped`` (with the reason: no webhook URL, no recipient,
    or no email module).
    """
    import httpx

    cfg = config or AlertConfig.from_config()
    url = cfg.webhook_url
    if url is None:
        secret = settings.get_secret("FAIBRIC_ALERT_WEBHOOK_URL")
        url = secret.reveal() if secret else None
    sender, sender_missing = (email_sender, None) if email_sender is not None else _resolve_email_sender()
    own_client = client is None and url is not None
    http = client or (httpx.Client(timeout=10.0) if url else None)
    groups: dict[str, list[Alert]] = {}
    for alert in alerts:
        groups.setdefault(alert.rule, []).append(alert)
    try:
        for items in groups.values():
            subject, text = _digest(items)
            if url is None:
                webhook = {"status": "skipped", "reason": "FAIBRIC_ALERT_WEBHOOK_URL is not set"}
            else:
                webhook = _post(http, url, text)
            if sender is None:
                email = {"status": "skipped", "reason": sender_missing}
            elif not cfg.email_to:
                email = {"status": "skipped", "reason": "FAIBRIC_ALERT_EMAIL_TO is not set"}
            else:
                email = _mail(sender, list(cfg.email_to), subject, text)
            for alert in items:
                alert.delivered = {"webhook": dict(webhook), "email": dict(email)}
    finally:
        if own_client:
            http.close()
    return alerts


def record_delivery(con, alerts: list[Alert]) -> None:
    """Store what :func:`deliver` did for each alert."""
    if alerts:
        con.executemany(
            "UPDATE alerts SET delivered = ? WHERE alert_id = ?",
            [[json.dumps(a.delivered), a.alert_id] for a in alerts],
        )


def run_alerts(
    now: datetime | str | None = None,
    config: AlertConfig | None = None,
    *,
    client=None,
    email_sender=None,
    dry_run: bool = False,
) -> list[Alert]:
    """Evaluate on the live store, record new alerts, deliver them and record the delivery.

    Reading uses a read-only connection (spooled events included); the writes
    are short, and nothing is held open while the webhook or email is sent.
    """
    from ..store import read_connection, state_connection

    now = resolve_now(now)
    cfg = config or AlertConfig.from_config()
    with read_connection() as con:
        candidates = evaluate(con, now, cfg, store=False)
    if dry_run or not candidates:
        return candidates
    with state_connection() as con:
        # another process may have fired some of them meanwhile
        fired = _fired_ids(con, [a.alert_id for a in candidates])
        new = [a for a in candidates if a.alert_id not in fired]
        _store(con, new)
    deliver(new, cfg, client=client, email_sender=email_sender)
    with state_connection() as con:
        record_delivery(con, new)
    return new


def stored_alerts(con, limit: int = 50):
    """The latest stored alerts, newest first."""
    return con.execute(
        "SELECT alert_id, rule, period_key, tenant_id, subject, fired_at, severity, message, "
        "CAST(details AS VARCHAR) AS details, CAST(delivered AS VARCHAR) AS delivered, status "
        "FROM alerts ORDER BY fired_at DESC LIMIT $limit",
        {"limit": int(limit)},
    ).df()
