"""A per-account rate limiter shared by every worker process: fixed windows counted in Redis
when the cache is Redis (atomic INCR), else in the database (one conditional UPDATE)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F

from warta.channels.connectors.errors import ConnectorError, ErrorKind


class RateLimiter:
    """``acquire`` takes one request from the current window of ``key`` or raises
    ``ConnectorError(RATE_LIMITED, retry_after=…)`` with the seconds until the next window."""

    def __init__(self, *, clock=time.time) -> None:
        self.clock = clock

    def acquire(self, key: str, *, limit: int, window_s: int) -> None:
        now = self.clock()
        window = int(now // window_s)
        bucket = f"{key}:{window_s}:{window}"
        if _uses_redis():
            count = _redis_take(bucket, window_s)
        else:
            count = _db_take(bucket, limit, now + window_s)
        if count > limit:
            retry_after = (window + 1) * window_s - now
            raise ConnectorError(ErrorKind.RATE_LIMITED, f"local rate limit of {limit}/{window_s}s reached",
                                 retry_after=retry_after)


def _uses_redis() -> bool:
    return "redis" in settings.CACHES["default"]["BACKEND"].lower()


def _redis_take(bucket: str, window_s: int) -> int:
    # Redis's own INCR, one round trip: Django's ``cache.incr`` asks EXISTS first, and ``add``
    # before it made three. A window's key is new exactly when INCR answers 1; it then gets its
    # expiry (were the process to die in between, the key of a past window is never used again).
    key = cache.make_and_validate_key(f"ratelimit:{bucket}")
    client = cache._cache.get_client(key, write=True)
    count = int(client.incr(key))
    if count == 1:
        client.expire(key, window_s + 5)
    return count


def _db_take(bucket: str, limit: int, expires_at: float) -> int:
    from warta.channels.models import RateWindow

    updated = RateWindow.objects.filter(bucket=bucket, count__lt=limit).update(count=F("count") + 1)
    if updated:
        return 0  # within the limit
    try:
        with transaction.atomic():
            RateWindow.objects.create(bucket=bucket, count=1, expires_at=expires_at)
        return 0
    except IntegrityError:  # the window exists and is full (or a racing worker just made it)
        updated = RateWindow.objects.filter(bucket=bucket, count__lt=limit).update(count=F("count") + 1)
        return 0 if updated else limit + 1


def rate_windows_prune(*, now: float | None = None) -> int:
    """Delete spent windows (a periodic job)."""
    from warta.channels.models import RateWindow

    deleted, _ = RateWindow.objects.filter(expires_at__lt=(now or time.time()) - 60).delete()
    return deleted
