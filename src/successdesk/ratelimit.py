"""A fixed-window rate limit on the shared cache (Redis when scaled out)."""

from __future__ import annotations

import time

from django.core.cache import cache


def parse_rate(rate: str) -> tuple[int, int]:
    """ "5/10m" -> (5, 600). Units: s, m, h."""
    count, _, per = rate.partition("/")
    unit = per[-1] if per and per[-1] in "smh" else "s"
    amount = int(per[:-1] or 1) if per and per[-1] in "smh" else int(per or 1)
    return int(count), amount * {"s": 1, "m": 60, "h": 3600}[unit]


def allow(scope: str, who: str, rate: str) -> bool:
    """Count one hit for ``who``; False once the rate is exceeded in this window."""
    limit, window = parse_rate(rate)
    bucket = int(time.time() // window)
    key = f"rl:{scope}:{who}:{bucket}"
    if cache.add(key, 1, timeout=window + 5):
        return limit >= 1
    try:
        hits = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window + 5)
        hits = 1
    return hits <= limit
