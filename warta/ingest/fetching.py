"""Scheduled fetching: per connected account and capability, with backoff and rate limits.

Every minute :func:`sync_schedule` claims the (account, capability) pairs that are due and
enqueues :func:`warta.ingest.tasks.account_sync_task` for each on the ``ingest`` queue. A run
fetches a bounded number of pages, stores them through :func:`items_ingest`, and sets the next
run: the capability's interval after a success; the platform's retry-after when rate limited;
exponential backoff (1 min doubling up to 6 h) after errors; an hour after an expired token
(the account asks for reconnection meanwhile).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from warta.channels.connectors import capabilities as platform_capabilities
from warta.channels.connectors.base import Capability, ItemKind, Platform
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.models import Account, ConnectionState, SyncState
from warta.ingest.models import Item, Source, TrackedTerm
from warta.ingest.services import items_ingest, metrics_record

logger = logging.getLogger(__name__)

INTERVALS: dict[Capability, timedelta] = {
    Capability.FETCH_COMMENTS: timedelta(minutes=5),
    Capability.FETCH_MENTIONS: timedelta(minutes=5),
    Capability.DIRECT_MESSAGES: timedelta(minutes=5),
    Capability.SEARCH: timedelta(minutes=10),
    Capability.FETCH_POSTS: timedelta(minutes=15),
    Capability.POST_METRICS: timedelta(hours=1),
    Capability.ACCOUNT_METRICS: timedelta(hours=3),
}
# Where one capability brings more than its name says: Telegram's long polling (fetch_posts)
# also delivers discussion comments and direct messages, so it runs as often as comments.
PLATFORM_INTERVALS: dict[tuple[str, Capability], timedelta] = {
    (Platform.TELEGRAM, Capability.FETCH_POSTS): timedelta(minutes=2),
}


def interval(platform: str, capability: Capability) -> timedelta:
    return PLATFORM_INTERVALS.get((platform, capability), INTERVALS[capability])


# Platforms whose cursor moves forward through a stream (kept between runs): the feed's
# ETag/Last-Modified, Telegram's update offset. Elsewhere a cursor pages back in time
# within one run, and each run starts again from the newest.
STREAM_PLATFORMS = {Platform.RSS, Platform.TELEGRAM}
MAX_PAGES = 5
LEASE = timedelta(minutes=10)  # a claimed run that never reports back is retried after this
MAX_BACKOFF = timedelta(hours=6)
SYNCABLE_STATES = (ConnectionState.CONNECTED, ConnectionState.EXPIRING)


def syncable_accounts():
    """Accounts ingest may fetch: connected ones, and news feeds (they need no credentials)."""
    return Account.objects.active().filter(Q(state__in=SYNCABLE_STATES) | Q(platform=Platform.RSS,
                                                                            state=ConnectionState.NOT_CONNECTED))


def sync_schedule(*, now: datetime | None = None, enqueue: Callable[[int, str], None] | None = None) -> int:
    """Claim every due (account, capability) and enqueue its run; return how many."""
    now = now or timezone.now()
    if enqueue is None:
        from warta.ingest.tasks import account_sync_task

        def enqueue(account_id: int, capability: str) -> None:
            account_sync_task.enqueue(account_id, capability)

    count = 0
    for account in syncable_accounts().only("pk", "platform"):
        try:
            wanted = platform_capabilities(account.platform) & INTERVALS.keys()
        except (ImportError, KeyError):
            continue
        for capability in sorted(wanted):
            state, _ = SyncState.objects.get_or_create(account=account, capability=capability)
            due = state.next_run_at is None or state.next_run_at <= now
            if not due:
                continue
            claimed = SyncState.objects.filter(pk=state.pk, next_run_at=state.next_run_at).update(
                next_run_at=now + LEASE)
            if claimed:
                transaction.on_commit(lambda a=account.pk, c=str(capability): enqueue(a, c))
                count += 1
    return count


@dataclass
class SyncOutcome:
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    error: str = ""


def account_sync(*, account_id: int, capability: str, now: datetime | None = None) -> SyncOutcome:
    """Run one fetch of one capability for one account and schedule the next."""
    from warta.channels.services import account_error_record, connector_for

    now = now or timezone.now()
    account = Account.objects.select_related("unit").filter(pk=account_id).first()
    outcome = SyncOutcome()
    if account is None or account.archived_at is not None:
        return outcome
    state, _ = SyncState.objects.get_or_create(account=account, capability=capability)
    if account.state not in SYNCABLE_STATES and account.platform != Platform.RSS:
        state.next_run_at = now + INTERVALS.get(Capability(capability), timedelta(hours=1))
        state.save(update_fields=["next_run_at"])
        return outcome
    try:
        connector = connector_for(account, purpose=f"ingest.{capability}")
        _RUNNERS[Capability(capability)](connector, account, state, outcome, now)
    except ConnectorError as error:
        outcome.error = error.message
        _schedule_after_error(state, error, now)
        if error.kind in (ErrorKind.AUTH_EXPIRED, ErrorKind.PERMANENT):
            account_error_record(account, error)
        logger.info("ingest %s %s for account %s: %s", capability, error.kind, account.pk, error.message)
        return outcome
    state.failures = 0
    state.last_error = ""
    state.last_success_at = now
    state.items_total += outcome.stored
    state.next_run_at = now + interval(account.platform, Capability(capability))
    state.save()
    Account.objects.filter(pk=account.pk).update(last_synced_at=now)
    return outcome


def _schedule_after_error(state: SyncState, error: ConnectorError, now: datetime) -> None:
    if error.kind == ErrorKind.RATE_LIMITED:
        wait = timedelta(seconds=max(30.0, error.retry_after or 60.0))
    elif error.kind == ErrorKind.AUTH_EXPIRED:
        wait = timedelta(hours=1)
    elif error.kind == ErrorKind.NOT_SUPPORTED:
        wait = timedelta(days=1)
    else:
        state.failures += 1
        wait = min(timedelta(minutes=2 ** min(state.failures - 1, 12)), MAX_BACKOFF)
        wait += timedelta(seconds=random.uniform(0, 15))  # noqa: S311 - jitter, not security
    state.last_error = f"{error.kind}: {error.message}" + (f" — {error.platform_message}" if error.platform_message else "")
    state.next_run_at = now + wait
    state.save(update_fields=["failures", "last_error", "next_run_at"])


def _store(account: Account, items, outcome: SyncOutcome) -> None:
    report = items_ingest(items=items, source=Source.FETCH, account=account)
    outcome.stored += report.stored
    outcome.duplicates += report.duplicates
    outcome.quarantined += len(report.quarantined)


def _paged(fetch: Callable[[str], object], account: Account, state: SyncState, outcome: SyncOutcome,
           *, since: datetime | None) -> None:
    """Page through a listing: streams resume from the stored cursor; others page back in time
    from the newest and stop at items already older than ``since``."""
    stream = account.platform in STREAM_PLATFORMS
    cursor = state.cursor if stream else ""
    for _ in range(MAX_PAGES):
        page = fetch(cursor)
        _store(account, page.items, outcome)
        if stream:
            state.cursor = page.next_cursor or state.cursor
            if not page.items or page.next_cursor == cursor:
                break
        elif not page.next_cursor or (since and page.items and min(i.created_at for i in page.items) < since):
            break
        cursor = page.next_cursor


def _since(state: SyncState, now: datetime) -> datetime:
    return (state.last_success_at or now - timedelta(days=7)) - timedelta(minutes=10)


def _run_posts(connector, account, state, outcome, now):
    since = _since(state, now)
    _paged(lambda c: connector.fetch_posts(cursor=c, since=since), account, state, outcome, since=since)


def _run_mentions(connector, account, state, outcome, now):
    since = _since(state, now)
    _paged(lambda c: connector.fetch_mentions(cursor=c, since=since), account, state, outcome, since=since)


def _run_messages(connector, account, state, outcome, now):
    _paged(lambda c: connector.fetch_messages(cursor=c), account, state, outcome, since=None)


def _recent_posts(account: Account, now: datetime, *, days: int, limit: int) -> list[str]:
    return list(Item.objects.filter(account=account, kind=ItemKind.POST, created_at__gte=now - timedelta(days=days))
                .order_by("-created_at").values_list("external_id", flat=True)[:limit])


def _run_comments(connector, account, state, outcome, now):
    for post_id in _recent_posts(account, now, days=7, limit=20):
        _paged(lambda c, p=post_id: connector.fetch_comments(p, cursor=c), account, state, outcome, since=None)


def _run_search(connector, account, state, outcome, now):
    since = _since(state, now)
    terms = TrackedTerm.objects.for_unit(account.unit).values_list("term", flat=True)
    for term in terms:
        _paged(lambda c, t=term: connector.search(t, cursor=c, since=since), account, state, outcome, since=since)


def _run_post_metrics(connector, account, state, outcome, now):
    ids = tuple(_recent_posts(account, now, days=30, limit=100))
    if ids:
        metrics_record(account=account, post_metrics=connector.post_metrics(ids))


def _run_account_metrics(connector, account, state, outcome, now):
    metrics_record(account=account, account_metrics=connector.account_metrics())


_RUNNERS = {
    Capability.FETCH_POSTS: _run_posts,
    Capability.FETCH_MENTIONS: _run_mentions,
    Capability.DIRECT_MESSAGES: _run_messages,
    Capability.FETCH_COMMENTS: _run_comments,
    Capability.SEARCH: _run_search,
    Capability.POST_METRICS: _run_post_metrics,
    Capability.ACCOUNT_METRICS: _run_account_metrics,
}
