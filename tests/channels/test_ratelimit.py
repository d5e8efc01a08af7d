"""The shared rate limiter: never more than the limit in a window, whichever path counts it."""

import random

import pytest

from warta.channels import ratelimit
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.ratelimit import RateLimiter


def _window_clock():
    # A window of its own: with Redis the counters outlive the test database.
    now = 3600.0 * random.randrange(10**6, 10**7) + 10.0
    return lambda: now


def _granted(limiter, key, *, limit, tries):
    granted, refusals = 0, []
    for _ in range(tries):
        try:
            limiter.acquire(key, limit=limit, window_s=3600)
        except ConnectorError as error:
            refusals.append(error)
            continue
        granted += 1
    assert {(e.kind, round(e.retry_after)) for e in refusals} <= {(ErrorKind.RATE_LIMITED, 3600 - 10)}
    return granted


def test_a_window_grants_exactly_its_limit(db):
    limiter = RateLimiter(clock=_window_clock())
    assert _granted(limiter, f"uji:{random.random()}", limit=100, tries=130) == 100


def test_a_small_limit_is_counted_one_by_one(db):
    limiter = RateLimiter(clock=_window_clock())
    assert ratelimit.reserve_chunk(3) == 1
    assert _granted(limiter, f"uji:{random.random()}", limit=3, tries=5) == 3


def test_requests_a_process_took_and_did_not_use_never_raise_the_limit(db):
    if not ratelimit._uses_redis():
        pytest.skip("the chunked reservation is the Redis path (REDIS_URL)")
    clock = _window_clock()
    key = f"uji:{random.random()}"
    assert ratelimit.reserve_chunk(100) == 5
    assert _granted(RateLimiter(clock=clock), key, limit=100, tries=3) == 3  # took 5, used 3
    ratelimit._reserved.clear()  # that process is gone: its 2 are lost, not given twice
    assert _granted(RateLimiter(clock=clock), key, limit=100, tries=200) == 95
