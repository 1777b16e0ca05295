"""What an AI call cost: the price table (data with effective dates) applied to its usage.

Input, 5-minute cache writes, 1-hour cache writes, cache reads and output are
disjoint token buckets, each at its own rate per million tokens::

    cost = (in*P_in + cw5m*P_5m + cw1h*P_1h + cr*P_read + out*P_out) / 1e6

The table is ``faibric_kernel/data/prices.json`` unless ``FAIBRIC_PRICES_FILE``
names another file. A model with no price in the version in force gets
``cost None`` (recorded as unpriced and flagged), never ``0``.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from .. import config
from ..errors import ConfigError

__all__ = ["PriceTable", "Usage", "load_prices", "price_call"]

DEFAULT_PRICES_FILE = Path(__file__).resolve().parent.parent / "data" / "prices.json"
BUCKETS = ("input", "cache_write_5m", "cache_write_1h", "cache_read", "output")
_DATED = re.compile(r"^(?P<base>.+)-\d{8}$")


@dataclass
class Usage:
    """Tokens of one call, as the provider reported them.

    ``cache_creation_input_tokens`` counts all cache writes; the part written
    with the 1-hour TTL is ``cache_creation_1h_input_tokens`` (a subset).
    """

    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    cache_creation_1h_input_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(*(getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__))

    def to_dict(self) -> dict:
        return {f: getattr(self, f) for f in self.__dataclass_fields__}


@dataclass(frozen=True)
class PriceVersion:
    version: str
    effective_from: date
    models: dict


class PriceTable:
    """The loaded price file: versions sorted by effective date, plus id aliases."""

    def __init__(self, versions: list[PriceVersion], aliases: dict[str, str], path: Path):
        self.versions = sorted(versions, key=lambda v: v.effective_from)
        self.aliases = aliases
        self.path = path

    def version_at(self, at: datetime | date | None = None) -> PriceVersion | None:
        day = _day(at)
        current = None
        for version in self.versions:
            if version.effective_from <= day:
                current = version
        return current

    def canonical(self, model: str) -> str:
        if model in self.aliases:
            return self.aliases[model]
        match = _DATED.match(model)
        if match:
            return self.aliases.get(match["base"], match["base"])
        return model

    def rates(self, model: str, at=None) -> tuple[dict | None, str | None]:
        """The rates for ``model`` in the version in force at ``at``, and that version's name."""
        version = self.version_at(at)
        if version is None or not model:
            return None, version.version if version else None
        rates = version.models.get(model) or version.models.get(self.canonical(model))
        return rates, version.version


def _day(at) -> date:
    if at is None:
        return datetime.now(UTC).date()
    if isinstance(at, datetime):
        if at.tzinfo is not None:
            at = at.astimezone(UTC)
        return at.date()
    return at


_cache: dict[tuple[str, float], PriceTable] = {}
_lock = threading.Lock()


def _prices_path() -> Path:
    override = config.get("FAIBRIC_PRICES_FILE")
    return Path(override).expanduser() if override else DEFAULT_PRICES_FILE


def load_prices(path: Path | str | None = None) -> PriceTable:
    """The price table, re-read whenever its file changes."""
    path = Path(path) if path else _prices_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        raise ConfigError(f"the price table {path} does not exist; fix FAIBRIC_PRICES_FILE or unset it") from None
    key = (str(path), mtime)
    with _lock:
        if key in _cache:
            return _cache[key]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        versions = []
        for raw in data["versions"]:
            models = {}
            for model, rates in raw["models"].items():
                missing = [b for b in BUCKETS if b not in rates]
                if missing:
                    raise ValueError(f"{model} in {raw['version']} lacks {', '.join(missing)}")
                models[model] = {b: float(rates[b]) for b in BUCKETS}
            versions.append(PriceVersion(raw["version"], date.fromisoformat(raw["effective_from"]), models))
        table = PriceTable(versions, dict(data.get("aliases") or {}), path)
    except (KeyError, TypeError, ValueError, json.JSONDecodeError) as exc:
        raise ConfigError(
            f"the price table {path} is invalid ({exc}); each version needs version, effective_from "
            f"and per-model rates for {', '.join(BUCKETS)}"
        ) from None
    with _lock:
        _cache[key] = table
    return table


def price_call(model: str | None, usage: Usage, at: datetime | date | None = None) -> tuple[float | None, str | None]:
    """``(cost_usd, price_version)`` of a call; cost is ``None`` when the model has no price."""
    rates, version = load_prices().rates(model or "", at)
    if rates is None:
        return None, version
    write_1h = min(usage.cache_creation_1h_input_tokens, usage.cache_creation_input_tokens)
    write_5m = usage.cache_creation_input_tokens - write_1h
    cost = (
        usage.input_tokens * rates["input"]
        + write_5m * rates["cache_write_5m"]
        + write_1h * rates["cache_write_1h"]
        + usage.cache_read_input_tokens * rates["cache_read"]
        + usage.output_tokens * rates["output"]
    ) / 1e6
    return round(cost, 10), version
