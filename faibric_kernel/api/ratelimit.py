"""In-process sliding-window rate limits, configured as ``"N/period"`` strings.

A limit reads ``5/minute``, ``20/hour``, ``100/day``, ``10/30s`` or ``off``.
Each key (an IP, an email address) keeps the times of its recent hits; a hit
beyond the limit is refused with the seconds until a slot frees up.
Limits live in this process: one API process per host is the supported setup;
run several behind a proxy only with a shared limiter in front.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import deque
from dataclasses import dataclass

from ..errors import ConfigError

__all__ = ["Limit", "RateLimited", "RateLimiter", "parse_limit"]

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


def parse_limit(text: str | None, *, setting: str = "rate limit") -> Limit | None:
    """``"5/minute"`` -> Limit(5, 60); ``"off"``, ``"0"`` or empty -> None (no limit)."""
    if text is None or text.strip().lower() in ("", "off", "none", "0", "unlimited"):
        return None
    match = _SHAPE.match(text.strip().lower())
    if not match or match.group(3) not in _UNITS:
        raise ConfigError(f"{setting} {text!r} is not a limit; write it like 5/minute, 20/hour, 10/30s or off")
    count, multiple, unit = int(match.group(1)), int(match.group(2) or 1), _UNITS[match.group(3)]
    return Limit(count, float(multiple * unit))


class RateLimited(Exception):
    """A request over its limit; ``retry_after`` is in whole seconds."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class RateLimiter:
    """Sliding-window counters per (bucket, key)."""

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._hits: dict[tuple[str, str], deque] = {}
        self._lock = threading.Lock()
        self._checks = 0

    def hit(self, bucket: str, key: str, limit: Limit | None, what: str) -> None:
        """Count one request; raise RateLimited when ``key`` is over ``limit``."""
        if limit is None:
            return
        now = self._clock()
        with self._lock:
            self._checks += 1
            if self._checks % 1024 == 0:
                self._sweep(now)
            window = self._hits.setdefault((bucket, key), deque())
            while window and now - window[0] >= limit.seconds:
                window.popleft()
            if len(window) >= limit.count:
                retry = max(1, math.ceil(limit.seconds - (now - window[0])))
                raise RateLimited(f"too many {what}: the limit is {limit.describe()}; try again in {retry} s", retry)
            window.append(now)

    def _sweep(self, now: float) -> None:
        # keys idle for a day are forgotten; no limit here spans more than a day
        stale = [k for k, w in self._hits.items() if not w or now - w[-1] > 86400]
        for key in stale:
            del self._hits[key]
