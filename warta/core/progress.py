"""Progress of long background work (imports), shared through the cache for pages to poll.

Progress is written inside the work's own transaction; a database-backed cache would hold it
back until the commit (and on SQLite share its write lock), so only a cache outside the
database (Redis in scaled deployments) carries it. Progress is a courtesy: a failure to
write or read it is logged and never fails the work.
"""

import logging
from collections.abc import Callable

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


def _cache():
    cache = caches["default"]
    return None if isinstance(cache, DatabaseCache) else cache


def progress_reporter(key: str) -> Progress | None:
    """Return a ``progress(done, total)`` callback writing under ``key``, or None."""
    cache = _cache()
    if cache is None:
        return None

    def report(done: int, total: int) -> None:
        try:
            cache.set(key, (done, total), timeout=3600)
        except Exception:
            logger.warning("Could not record progress %s", key, exc_info=True)

    return report


def progress_read(key: str) -> tuple[int, int] | None:
    """Return (done, total) written under ``key``, when known."""
    cache = _cache()
    if cache is None:
        return None
    try:
        value = cache.get(key)
    except Exception:
        logger.warning("Could not read progress %s", key, exc_info=True)
        return None
    return tuple(value) if value else None


def progress_clear(key: str) -> None:
    cache = _cache()
    if cache is not None:
        cache.delete(key)
