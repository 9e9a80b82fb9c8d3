"""Rate limits: at most `limit` hits per `window` seconds for a key (an address, a token), in fixed windows.

The counts live in Django's cache. With the default cache each server process counts on its own, so with N
gunicorn workers a client may reach up to N times the limit: still a bound, which is what a limit is for here
(see docs/security.md). A limit of 0 turns the check off.
"""

from __future__ import annotations

import time

from django.core.cache import cache


def hit(key: str, *, limit: int, window: int) -> int:
    """Count one hit; return 0 while within the limit, else the seconds until the window ends (at least 1)."""
    if limit <= 0:
        return 0
    now = time.time()
    bucket = f"ratelimit:{key}:{int(now // window)}"
    cache.add(bucket, 0, timeout=window + 1)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr: this hit opens a new window
        cache.set(bucket, 1, timeout=window + 1)
        count = 1
    if count <= limit:
        return 0
    return max(1, int(window - now % window))
