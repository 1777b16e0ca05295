"""Model rates for analytics, read from the price table of :mod:`faibric_kernel.providers.pricing`.

Recorded calls carry the ``cost_usd`` they were priced at; analytics only
prices tokens itself to value cache savings (a cache read saves the input
rate minus the cache-read rate) and to price the demo history. A model with
no rate is unpriced, never free.
"""

from __future__ import annotations

from datetime import datetime

__all__ = ["BUCKETS", "latest_rates", "rates_for", "rates_in_version"]

BUCKETS = ("input", "cache_write_5m", "cache_write_1h", "cache_read", "output")


def _table():
    from ..providers.pricing import load_prices

    return load_prices()


def rates_for(model: str | None, at: datetime | None = None) -> tuple[dict | None, str | None]:
    """``($/M tokens per bucket, price version)`` for ``model`` in the version in force at ``at``."""
    return _table().rates(model or "", at)


def rates_in_version(model: str | None, version: str | None, at: datetime | None = None) -> dict | None:
    """The rates a call stamped with ``version`` was priced at (the version at ``at`` when unknown)."""
    table = _table()
    if version:
        for candidate in table.versions:
            if candidate.version == version:
                found = candidate.models.get(model or "") or candidate.models.get(table.canonical(model or ""))
                if found is not None:
                    return found
                break
    return table.rates(model or "", at)[0]


def latest_rates(model: str | None) -> tuple[dict | None, str | None]:
    """The rates of ``model`` in the newest price version that lists it (for synthetic history)."""
    table = _table()
    for version in reversed(table.versions):
        found = version.models.get(model or "") or version.models.get(table.canonical(model or ""))
        if found is not None:
            return found, version.version
    return None, None
