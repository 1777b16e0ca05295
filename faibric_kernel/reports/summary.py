"""The daily report's summary: a few sentences that cite only figures the report computed.

Two writers work from the same ``facts`` (the flat dict a :class:`DailyReport`
fills section by section):

* :func:`write_offline_summary`, deterministic: the same facts always give the
  same text. Used when no model is available, and whenever a model's answer
  fails the check below.
* :func:`write_model_summary`, the cheap model of a provider (purpose
  ``report``): used when ``ANTHROPIC_API_KEY`` is set.

:func:`uncited_numbers` is the check: it removes the text facts (dates, names,
model ids) from a summary, reads every number left, and returns those that are
not a computed figure (at the precision written). A summary that cites an
uncited number is never kept.
"""

from __future__ import annotations

import json
import re

from .. import config

__all__ = [
    "choose_summary",
    "fmt_count",
    "fmt_pct",
    "fmt_usd",
    "uncited_numbers",
    "write_model_summary",
    "write_offline_summary",
]

_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def fmt_count(value) -> str:
    """A whole number with thousands separators."""
    return f"{int(round(value)):,}"


def fmt_usd(value) -> str:
    """Dollars with cents."""
    return f"${value:,.2f}"


def fmt_pct(value) -> str:
    """A percentage with one decimal, without a sign (the words carry the direction)."""
    return f"{abs(value):,.1f}%"


def _numeric_facts(facts: dict) -> list[float]:
    return [
        abs(float(v)) for v in facts.values() if isinstance(v, (int, float)) and not isinstance(v, bool) and v == v
    ]


def uncited_numbers(text: str, facts: dict) -> list[str]:
    """The numbers in ``text`` that are not a figure in ``facts`` (text facts are removed first)."""
    remaining = text
    for value in sorted((v for v in facts.values() if isinstance(v, str) and v), key=len, reverse=True):
        remaining = remaining.replace(value, " ")
    allowed = _numeric_facts(facts)
    bad = []
    for token in _NUMBER.findall(remaining):
        number = float(token.replace(",", ""))
        decimals = len(token.split(".", 1)[1]) if "." in token else 0
        tolerance = 0.5 * 10 ** (-decimals) + 1e-9
        if not any(abs(round(a, decimals) - number) < tolerance for a in allowed):
            bad.append(token)
    return bad


# -- the deterministic writer ---------------------------------------------------------------------------


def _plural(n, one: str, many: str | None = None) -> str:
    return f"{fmt_count(n)} {one if n == 1 else (many or one + 's')}"


def _change(facts: dict, metric: str) -> str:
    """`` (up 12.5% on the previous day, 3.0% below the 7-day average)``, from the facts only."""
    parts = []
    prev_pct = facts.get(f"{metric}_change_vs_previous_pct")
    value, previous = facts.get(metric), facts.get(f"{metric}_previous")
    if prev_pct is not None:
        if prev_pct == 0:
            parts.append("the same as the previous day")
        else:
            parts.append(f"{'up' if prev_pct > 0 else 'down'} {fmt_pct(prev_pct)} on the previous day")
    elif previous == 0 and value:
        parts.append("none the previous day")
    avg_pct = facts.get(f"{metric}_change_vs_avg_pct")
    if avg_pct is not None and avg_pct != 0:
        parts.append(f"{fmt_pct(avg_pct)} {'above' if avg_pct > 0 else 'below'} the {facts['avg_days']}-day average")
    elif avg_pct == 0:
        parts.append(f"level with the {facts['avg_days']}-day average")
    return f" ({', '.join(parts)})" if parts else ""


def write_offline_summary(facts: dict) -> str:  # noqa: C901 - one sentence per fact of the day
    """The summary from the facts alone: deterministic, and citing nothing else."""
    f = facts
    day = f["report_date"]
    sentences = []
    if "requests" in f:
        if not any(f.get(m) for m in ("requests", "deployed", "active_customers", "api_calls")):
            sentences.append(f"Nothing happened on {day} for {f['scope']}: no requests, deploys or AI calls.")
        else:
            sentences.append(
                f"On {day}, {f['scope']} saw {_plural(f['requests'], 'new request')}{_change(f, 'requests')} "
                f"and {_plural(f['deployed'], 'site')} deployed{_change(f, 'deployed')}, "
                f"from {_plural(f['active_customers'], 'active customer')}."
            )
    if "funnel_entered" in f:
        if f["funnel_entered"]:
            text = (
                f"Of the {_plural(f['funnel_entered'], 'session')} that entered the funnel over the last "
                f"{f['funnel_days']} days, {fmt_count(f['funnel_completed'])} reached {f['funnel_last_step']} "
                f"within {_plural(f['funnel_window_days'], 'day')} ({fmt_pct(f['funnel_overall_rate_pct'])})"
            )
            if f.get("funnel_in_progress"):
                text += f"; {fmt_count(f['funnel_in_progress'])} are still in progress"
            if f.get("funnel_worst_step"):
                text += (
                    f". The biggest drop is before {f['funnel_worst_step']}, "
                    f"where {fmt_pct(f['funnel_worst_step_rate_pct'])} went on"
                )
            sentences.append(text + ".")
    if "new_customers" in f:
        sentences.append(f"{_plural(f['new_customers'], 'new customer')} arrived.")
    if "turned_red" in f:
        if f["turned_red"]:
            text = f"{_plural(f['turned_red'], 'customer')} turned red"
            if f.get("top_red_reason"):
                text += f" ({'why' if f['turned_red'] == 1 else 'most often'}: {f['top_red_reason']})"
            sentences.append(text + f"; {fmt_count(f['red_customers'])} are red in all.")
        else:
            sentences.append(f"No customer turned red; {fmt_count(f['red_customers'])} are red in all.")
    if "cost_usd" in f:
        text = f"AI cost was {fmt_usd(f['cost_usd'])}{_change(f, 'cost_usd')}"
        if "month_to_date_usd" in f:
            text += (
                f"; {fmt_usd(f['month_to_date_usd'])} so far in {f['month']}, projected at "
                f"{fmt_usd(f['projected_usd'])} for the month at {fmt_usd(f['daily_rate_usd'])} a day"
            )
            if "budget_usd" in f:
                if f.get("over_budget"):
                    text += f", already over the budget of {fmt_usd(f['budget_usd'])}"
                    if f.get("budget_crossed_on"):
                        text += f" (crossed on {f['budget_crossed_on']})"
                elif f.get("forecast_over_budget"):
                    text += f", heading over the budget of {fmt_usd(f['budget_usd'])}"
                    if f.get("budget_crossed_on"):
                        text += f" on {f['budget_crossed_on']}"
                else:
                    text += f", within the budget of {fmt_usd(f['budget_usd'])}"
        sentences.append(text + ".")
        if f.get("unpriced_calls"):
            verb = "is" if f["unpriced_calls"] == 1 else "are"
            sentences.append(f"{_plural(f['unpriced_calls'], 'AI call')} had no price and {verb} not counted.")
    if "failures_total" in f:
        if f["failures_total"]:
            sentences.append(
                f"There were {_plural(f['failures_total'], 'failure')}; the most frequent was {f['top_error']} "
                f"({_plural(f['top_error_count'], 'time')} in {_plural(f['top_error_sessions'], 'session')})."
            )
        else:
            sentences.append("No failures were recorded.")
    if "alerts_fired" in f:
        if f["alerts_fired"]:
            sentences.append(
                f"{_plural(f['alerts_fired'], 'alert')} fired that day, {fmt_count(f['alerts_critical'])} of them critical."
            )
        else:
            sentences.append("No alerts fired that day.")
    return " ".join(sentences)


# -- the model writer -----------------------------------------------------------------------------------

SYSTEM_PROMPT = """You write the summary at the top of a daily operations report for Faibric, an AI website builder.
Write 4 to 7 plain sentences for a busy founder: what changed, what needs attention, what it costs.
Use ONLY the figures in the JSON facts you are given, written exactly as given (you may round them, drop
a minus sign and say "down" instead, and format money as $1,234.56). Never compute new numbers: no sums,
differences or ratios of your own, no counts that are not in the facts. Do not mention the facts' key names.
No headings, no lists, no markdown."""


def write_model_summary(facts: dict, provider, *, tenant_id: str | None = None) -> str:
    """The summary written by ``provider``'s cheap model (purpose ``report``); raises on provider errors."""
    from ..providers import CompletionRequest

    model = provider.model_for("report", tier="cheap")
    request = CompletionRequest(
        purpose="report",
        system=SYSTEM_PROMPT,
        messages=[{"role": "user", "content": "Facts:\n" + json.dumps(facts, indent=1, default=str)}],
        model=model,
        max_tokens=700,
        tenant_id=tenant_id or "default",
        context={"facts": facts},
    )
    return provider.complete(request).text.strip()


def choose_summary(facts: dict, *, provider=None, tenant_id: str | None = None) -> tuple[str, str]:
    """(summary, source): the model's when a provider is given or a key is set and its text checks out.

    ``source`` is ``"model:<provider>"`` or ``"offline"`` followed by why the
    model's text was not used, when it was not.
    """
    if provider is None:
        if not config.is_set("ANTHROPIC_API_KEY"):
            return write_offline_summary(facts), "offline"
        from ..providers import get_provider

        provider = get_provider("anthropic")
    try:
        text = write_model_summary(facts, provider, tenant_id=tenant_id)
    except Exception as exc:  # noqa: BLE001 - a summary must not sink the report
        message = getattr(exc, "message", None) or str(exc)
        return write_offline_summary(facts), f"offline ({provider.name} failed: {type(exc).__name__}: {message})"
    if not text:
        return write_offline_summary(facts), f"offline ({provider.name} returned no text)"
    bad = uncited_numbers(text, facts)
    if bad:
        return write_offline_summary(facts), (
            f"offline ({provider.name} cited figures the report did not compute: {', '.join(bad[:5])})")
    return text, f"model:{provider.name}"
