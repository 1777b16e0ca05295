"""Rate limits for the HTTP API, configured as ``"N/period"`` strings and kept by the ``limits`` library.

A limit reads ``5/minute``, ``20/hour``, ``100/day``, ``10/30s`` or ``off``.
Each key (an IP, an email address) is counted in a moving window; a request
beyond the limit is refused with the seconds until a slot frees up. The
counters live in this process by default; with ``FAIBRIC_REDIS_URL`` set they
live in Redis, so every API worker process shares them.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass

from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from .. import config
from ..errors import ConfigError

__all__ = ["Limit", "RateLimited", "RateLimiter", "fold_address", "parse_limit"]

_UNITS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600,
          "d": 86400, "day": 86400}
_SHAPE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+?)s?\s*$")


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: float

    def describe(self) -> str:
        for name, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
            if self.seconds == size:
                return f"{self.count} per {name}"
        return f"{self.count} per {self.seconds:g} seconds"

    def item(self, bucket: str) -> RateLimitItemPerSecond:
        return RateLimitItemPerSecond(self.count, int(self.seconds), namespace=f"faibric-{bucket}")


def parse_limit(text: str | None, *, setting: str = "rate limit") -> Limit | None:
    """``"5/minute"`` -> Limit(5, 60); ``"off"``, ``"0"`` or empty -> None (no limit)."""
    if text is None or text.strip().lower() in ("", "off", "none", "0", "unlimited"):
        return None
    match = _SHAPE.match(text.strip().lower())
    if not match or match.group(3) not in _UNITS:
        raise ConfigError(f"{setting} {text!r} is not a limit; write it like 5/minute, 20/hour, 10/30s or off")
    count, multiple, unit = int(match.group(1)), int(match.group(2) or 1), _UNITS[match.group(3)]
    return Limit(count, float(multiple * unit))


def fold_address(email: str) -> str:
    """The key an address is counted under: lower case, without a ``+tag`` (``ada+1@x`` is ``ada@x``)."""
    local, _, domain = email.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}" if local else email.strip().lower()


class RateLimited(Exception):
    """A request over its limit; ``retry_after`` is in whole seconds."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def _storage(redis_url: str | None):
    secret = config.get_secret("FAIBRIC_REDIS_URL") if redis_url is None else None
    url = redis_url if redis_url is not None else (secret.reveal() if secret else None)
    if not url:
        return MemoryStorage()
    if not url.startswith(("redis://", "rediss://", "redis+unix://")):
        raise ConfigError(f"FAIBRIC_REDIS_URL must start with redis:// or rediss://, not {url[:40]!r}")
    try:
        return storage_from_string(url)
    except Exception as exc:  # noqa: BLE001 - the redis client is an optional dependency
        raise ConfigError(f"cannot use FAIBRIC_REDIS_URL ({type(exc).__name__}: {exc}); "
                          "install the redis package (pip install redis) or unset it") from None


class RateLimiter:
    """Moving-window counters per (bucket, key): in memory, or in Redis when ``FAIBRIC_REDIS_URL`` is set."""

    def __init__(self, *, redis_url: str | None = None):
        self.storage = _storage(redis_url)
        self._strategy = MovingWindowRateLimiter(self.storage)

    def check(self, bucket: str, key: str, limit: Limit | None, what: str) -> None:
        """Raise RateLimited when ``key`` has no room left, without counting this request."""
        if limit is not None and not self._strategy.test(limit.item(bucket), key):
            self._refuse(bucket, key, limit, what)

    def hit(self, bucket: str, key: str, limit: Limit | None, what: str) -> None:
        """Count one request; raise RateLimited (and count nothing) when ``key`` is over ``limit``."""
        if limit is not None and not self._strategy.hit(limit.item(bucket), key):
            self._refuse(bucket, key, limit, what)

    def _refuse(self, bucket: str, key: str, limit: Limit, what: str) -> None:
        reset = self._strategy.get_window_stats(limit.item(bucket), key).reset_time
        retry = max(1, math.ceil(reset - time.time()))
        raise RateLimited(f"too many {what}: the limit is {limit.describe()}; try again in {retry} s", retry)
