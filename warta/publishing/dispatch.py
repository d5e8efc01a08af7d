"""The dispatcher: hand every due publication to a publishing worker (ADR 0022).

Run every minute by the scheduler (``tasks.publications_dispatch_task``). A publication is due
when it is pending, its ``due_at`` has come and its ``next_attempt_at`` (the retry back-off, or
the dispatch mark below) is not in the future.

Handing over marks the row first: ``next_attempt_at`` is set to a *dispatch mark* — now plus
``WARTA_PUBLISH_REDISPATCH_S`` (default 600 s) plus a few random microseconds that make the
mark this run's own. One conditional UPDATE per batch marks the rows still due; reading back
the rows carrying our mark tells which ones this run took, so two schedulers never both hand
over the same row in one pass, and a task lost by the queue is handed over again after the
redispatch delay. Even an enqueued duplicate is harmless: the publisher's claim decides who
sends (``publisher.publish_one``).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from warta.publishing.models import PostState, Publication, PublicationState
from warta.publishing.states import posts_transition_bulk

logger = logging.getLogger(__name__)

BATCH = 500


def redispatch_after() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "WARTA_PUBLISH_REDISPATCH_S", 600)))


def _mark(now: datetime) -> datetime:
    return now + redispatch_after() + timedelta(microseconds=secrets.randbelow(999_983) + 1)


# Tasks of up to ACCOUNT_BATCH publications, each account's publications together and in order
# (an account with more is cut into several tasks): an account's posts go out in order, its
# credential is opened once per task, and ten thousand due posts over two thousand accounts cost
# four hundred tasks instead of ten thousand (or two thousand, with one task per account).
ACCOUNT_BATCH = 25


def task_batches(rows: list[tuple[int, int]]) -> list[list[int]]:
    """Cut ``(publication id, account id)`` rows (in due order) into task batches: whole accounts
    packed together up to ``ACCOUNT_BATCH`` publications, a larger account in chunks of it."""
    by_account: dict[int, list[int]] = {}
    for pk, account_id in rows:
        by_account.setdefault(account_id, []).append(pk)
    batches: list[list[int]] = []
    current: list[int] = []
    for pks in by_account.values():
        if len(pks) >= ACCOUNT_BATCH:
            batches.extend(pks[start:start + ACCOUNT_BATCH] for start in range(0, len(pks), ACCOUNT_BATCH))
            continue
        if len(current) + len(pks) > ACCOUNT_BATCH:
            batches.append(current)
            current = []
        current.extend(pks)
    if current:
        batches.append(current)
    return batches


def _enqueue_now(ids: list[int]) -> None:
    from warta.publishing.tasks import account_publications_publish_task

    rows = list(Publication.objects.filter(pk__in=ids).order_by("due_at", "pk").values_list("pk", "account_id"))
    for chunk in task_batches(rows):
        try:
            account_publications_publish_task.enqueue(chunk)
        except Exception:  # a queue that is down: the mark expires and the next run retries
            logger.exception("Could not enqueue publications %s", chunk)


def publications_enqueue(ids: Iterable[int], *, now: datetime | None = None) -> None:
    """Mark ``ids`` dispatched and enqueue their publishing tasks after the caller's commit."""
    ids = list(ids)
    if not ids:
        return
    Publication.objects.filter(pk__in=ids, state=PublicationState.PENDING).update(next_attempt_at=_mark(now or timezone.now()))
    transaction.on_commit(lambda: _enqueue_now(ids))


def due_publications(now: datetime):
    return (Publication.objects
            .filter(state=PublicationState.PENDING, due_at__lte=now,
                    post__state__in=(PostState.SCHEDULED, PostState.PUBLISHING))
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)))


def publications_dispatch(*, now: datetime | None = None, batch: int = BATCH, limit: int = 100_000,
                          enqueue=None) -> int:
    """Hand every due publication to the publishing queue, in batches; return how many.

    Safe to run twice or from two schedulers at once (see the module docstring). Posts whose
    publications are handed over move from SCHEDULED to PUBLISHING (audited).
    """
    now = now or timezone.now()
    enqueue = enqueue or _enqueue_now
    total = 0
    while total < limit:
        # Whole accounts per batch, so that the hand-over can group each account's publications.
        candidates = list(due_publications(now).order_by("account_id", "due_at", "pk")
                          .values_list("pk", flat=True)[:batch])
        if not candidates:
            break
        mark = _mark(now)
        with transaction.atomic():
            (Publication.objects.filter(pk__in=candidates, state=PublicationState.PENDING)
             .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
             .update(next_attempt_at=mark))
            taken = list(Publication.objects.filter(pk__in=candidates, next_attempt_at=mark)
                         .values_list("pk", "post_id"))
            # The posts move to PUBLISHING with their hand-over, in one statement and one audit
            # event per unit, so that workers find them there and never queue for the post's row.
            posts_transition_bulk(post_ids={post_id for _, post_id in taken}, from_state=PostState.SCHEDULED,
                                  to=PostState.PUBLISHING, reason="due")
        ids = [pk for pk, _ in taken]
        enqueue(ids)
        total += len(ids)
        if len(candidates) < batch:
            break
    if total:
        logger.info("dispatched %s publications", total)
    return total
