"""A per-account rate limiter shared by every worker process: fixed windows counted in Redis
when the cache is Redis (atomic INCR), else in the database (one conditional UPDATE)."""

from __future__ import annotations

import threading
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
            if _reserve_use(bucket):
                return
            count = _redis_take(bucket, window_s, chunk=reserve_chunk(limit), limit=limit)
        else:
            count = _db_take(bucket, limit, now + window_s)
        if count > limit:
            retry_after = (window + 1) * window_s - now
            raise ConnectorError(ErrorKind.RATE_LIMITED, f"local rate limit of {limit}/{window_s}s reached",
                                 retry_after=retry_after)


def _uses_redis() -> bool:
    return "redis" in settings.CACHES["default"]["BACKEND"].lower()


# A process takes a few requests of a window at once and hands them out itself, so that a worker
# sending a batch asks Redis once per few requests, not once per request. What it took counts in
# Redis as used: the limit is never exceeded; at worst a window ends with a few requests a process
# took and did not use (at most ``RESERVE_MAX - 1`` per process and key), a loss the chunk keeps
# below 5 % of the limit.
RESERVE_MAX = 5
_reserved: dict[str, int] = {}
_reserved_lock = threading.Lock()


def reserve_chunk(limit: int) -> int:
    return max(1, min(RESERVE_MAX, limit // 20))


def _reserve_use(bucket: str) -> bool:
    with _reserved_lock:
        left = _reserved.get(bucket, 0)
        if left <= 0:
            return False
        _reserved[bucket] = left - 1
        return True


def _reserve_keep(bucket: str, count: int) -> None:
    with _reserved_lock:
        if len(_reserved) > 10_000:  # buckets of past windows: forget them all
            _reserved.clear()
        _reserved[bucket] = count


def _redis_take(bucket: str, window_s: int, *, chunk: int = 1, limit: int = 0) -> int:
    """Take ``chunk`` requests of the window (keeping what this call does not use for the next
    ones of this process); return the window's count as of the request taken now."""
    # Redis's own INCRBY, one round trip: Django's ``cache.incr`` asks EXISTS first, and ``add``
    # before it made three. A window's key is new exactly when INCRBY answers the chunk; it then
    # gets its expiry (were the process to die in between, a past window's key is never used again).
    key = cache.make_and_validate_key(f"ratelimit:{bucket}")
    client = cache._cache.get_client(key, write=True)
    count = int(client.incrby(key, chunk))
    if count == chunk:
        client.expire(key, window_s + 5)
    first = count - chunk + 1  # the window's count with the first request of this chunk
    if chunk > 1 and first <= limit:
        _reserve_keep(bucket, min(count, limit) - first)  # the others of the chunk within the limit
    return first


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
