"""Budgets that hold: per tenant and per calendar month (UTC), checked before every build and change.

A tenant's budget (``faibric budgets set``, kept in ``$FAIBRIC_HOME/budgets.json``)
has up to three thresholds on its month-to-date AI spend (the ``api_calls``
rows of the month):

* ``soft_usd``: from here every call uses the cheap model (step ``cheap``);
* ``offline_usd``: from here builds use the offline composer, which costs
  nothing (step ``offline``); by default halfway from soft to hard (or 1.5x the
  soft budget when there is no hard one);
* ``hard_usd``: from here new builds and changes are refused with
  :class:`BudgetExceededError` (HTTP 402 in the API, a one-line error in the CLI).

Each step taken is recorded as a ``budget_applied`` event of the session and a
note in the build's result. The first time a tenant reaches each threshold in
a month an alert is stored (``tenant_budget_soft``, ``tenant_budget_offline``,
``tenant_budget_hard``) and delivered through :mod:`faibric_kernel.analytics.alerts`;
the alert id is derived from rule, month and tenant, so it fires once.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from .. import config
from ..errors import BudgetExceededError, ConfigError, FaibricError, InvalidInputError
from ..store.documents import WorkspaceDocument

__all__ = ["Budget", "BudgetDecision", "budget_decision", "enforce", "get_budget", "list_budgets", "month_spend",
           "set_budget"]

STEPS = ("none", "cheap", "offline", "refuse")
log = logging.getLogger("faibric.budgets")


@dataclass(frozen=True)
class Budget:
    """A tenant's monthly thresholds in US dollars (None: no such threshold)."""

    tenant_id: str
    soft_usd: float | None = None
    hard_usd: float | None = None
    offline_usd: float | None = None

    @property
    def offline_threshold(self) -> float | None:
        if self.offline_usd is not None:
            return self.offline_usd
        if self.soft_usd is None:
            return None
        if self.hard_usd is not None:
            return self.soft_usd + (self.hard_usd - self.soft_usd) / 2
        return self.soft_usd * 1.5

    def to_dict(self) -> dict:
        return {**asdict(self), "offline_threshold_usd": self.offline_threshold}


@dataclass(frozen=True)
class BudgetDecision:
    """What a tenant's spend this month means for its next build: a step and the sentence saying why."""

    tenant_id: str
    month: str
    spent_usd: float
    budget: Budget | None
    step: str  # none, cheap, offline or refuse
    note: str | None = None

    def to_dict(self) -> dict:
        return {"tenant_id": self.tenant_id, "month": self.month, "spent_usd": self.spent_usd, "step": self.step,
                "note": self.note, "budget": self.budget.to_dict() if self.budget else None}


def budgets_file() -> Path:
    return config.workspace(create=False) / "budgets.json"


_DOCUMENT = WorkspaceDocument("budgets.json")


def list_budgets() -> dict[str, Budget]:
    try:
        data = _DOCUMENT.load()
        if data is None:
            return {}
        return {tenant: Budget(tenant, **entry) for tenant, entry in data["budgets"].items()}
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"the budgets in {_DOCUMENT.where()} are invalid ({exc}); set the budgets again with "
                          "`faibric budgets set`") from None


def get_budget(tenant_id: str) -> Budget | None:
    return list_budgets().get(tenant_id)


def set_budget(tenant_id: str, *, soft_usd: float | None = None, hard_usd: float | None = None,
               offline_usd: float | None = None) -> Budget:
    """Set (or, with no thresholds, remove) a tenant's monthly budget."""
    for name, value in (("soft", soft_usd), ("hard", hard_usd), ("offline", offline_usd)):
        if value is not None and value < 0:
            raise InvalidInputError(f"the {name} budget cannot be negative")
    ordered = [v for v in (soft_usd, offline_usd, hard_usd) if v is not None]
    if ordered != sorted(ordered):
        raise InvalidInputError("budgets must go soft <= offline <= hard (the soft step comes first, the hard stop last)")
    budget = Budget(tenant_id, soft_usd, hard_usd, offline_usd)
    budgets = list_budgets()
    if soft_usd is None and hard_usd is None and offline_usd is None:
        budgets.pop(tenant_id, None)
    else:
        budgets[tenant_id] = budget
    _DOCUMENT.save({"budgets": {t: {k: v for k, v in asdict(b).items() if k != "tenant_id"}
                                                   for t, b in budgets.items()}})
    return budget


def _month_start(now: datetime) -> datetime:
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def month_spend(tenant_id: str, now: datetime | None = None) -> tuple[str, float]:
    """(``YYYY-MM``, the tenant's AI spend so far this month in US dollars)."""
    from ..store import read_connection

    now = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    start = _month_start(now)
    with read_connection() as con:
        row = con.execute("SELECT coalesce(sum(cost_usd), 0) FROM api_calls WHERE tenant_id = ? AND ts >= ? "
                          "AND ts <= ?", [tenant_id, start, now]).fetchone()
    return start.strftime("%Y-%m"), round(float(row[0] or 0.0), 6)


def budget_decision(tenant_id: str, now: datetime | None = None, *, with_spend: bool = True) -> BudgetDecision:
    """The step a tenant's next build takes, from its budget and its spend this month."""
    budget = get_budget(tenant_id)
    if budget is None and not with_spend:
        # no budget, no limit: the spend query is skipped (it runs before every build)
        return BudgetDecision(tenant_id, (now or datetime.now(UTC)).strftime("%Y-%m"), 0.0, None, "none")
    month, spent = month_spend(tenant_id, now)
    if budget is None:
        return BudgetDecision(tenant_id, month, spent, None, "none")
    where = f"tenant {tenant_id} has spent ${spent:,.2f} on AI in {month}"
    if budget.hard_usd is not None and spent >= budget.hard_usd:
        return BudgetDecision(tenant_id, month, spent, budget, "refuse",
                              f"{where}, reaching its hard budget of ${budget.hard_usd:,.2f}")
    offline_at = budget.offline_threshold
    if offline_at is not None and spent >= offline_at:
        return BudgetDecision(tenant_id, month, spent, budget, "offline",
                              f"budget: {where} (soft budget ${budget.soft_usd or 0:,.2f}, offline from "
                              f"${offline_at:,.2f}), so this build uses the offline composer at no AI cost")
    if budget.soft_usd is not None and spent >= budget.soft_usd:
        return BudgetDecision(tenant_id, month, spent, budget, "cheap",
                              f"budget: {where}, over its soft budget of ${budget.soft_usd:,.2f}, so every call "
                              "uses the cheap model")
    return BudgetDecision(tenant_id, month, spent, budget, "none")


_RULES = {"cheap": ("tenant_budget_soft", "warning"), "offline": ("tenant_budget_offline", "warning"),
          "refuse": ("tenant_budget_hard", "critical")}


def _alert_once(decision: BudgetDecision) -> None:
    """Store and deliver the alert for this step, the first time the tenant reaches it this month."""
    from ..analytics.alerts import Alert, _fired_ids, _store, deliver, record_delivery
    from ..store import state_connection

    rule, severity = _RULES[decision.step]
    alert = Alert(rule, decision.month, decision.tenant_id, severity, decision.note or rule,
                  details=decision.to_dict(), tenant_id=decision.tenant_id,
                  fired_at=datetime.now(UTC).replace(tzinfo=None))
    with state_connection() as con:
        if _fired_ids(con, [alert.alert_id]):
            return
        _store(con, [alert])
    deliver([alert])
    with state_connection() as con:
        record_delivery(con, [alert])


def enforce(tenant_id: str, what: str = "build", now: datetime | None = None) -> BudgetDecision:
    """The budget step for a tenant's next build or change; over the hard budget, :class:`BudgetExceededError`.

    Alerts fire here (once per threshold, tenant and month).
    """
    decision = budget_decision(tenant_id, now, with_spend=False)
    if decision.step == "none":
        return decision
    try:
        _alert_once(decision)
    except FaibricError as exc:  # a store busy elsewhere must not let a build past its budget, nor fail it
        log.warning("could not record the budget alert for %s: %s", tenant_id, exc.message)
    if decision.step == "refuse":
        raise BudgetExceededError(
            f"payment required: {decision.note}, so this {what} is refused until next month or until the budget is "
            f"raised; `faibric budgets set {tenant_id} --hard AMOUNT`",
            tenant_id=tenant_id, month=decision.month, spent_usd=decision.spent_usd,
            hard_usd=decision.budget.hard_usd if decision.budget else None)
    return decision
