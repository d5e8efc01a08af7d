"""The one interface through which stored inbound items reach the apps that read them.

A consumer is a function taking a list of newly stored :class:`~warta.ingest.models.Item`
rows; apps register theirs in ``AppConfig.ready``::

    from warta.ingest.consumers import consumer_register
    consumer_register("inbox", inbox_items_receive)

After the transaction that stored them commits, new items are handed to every consumer in a
background task on the ``analysis`` queue, in chunks. Delivery to consumers is at least once
(a retried task may hand the same item again), so consumers must be idempotent; storage is
exactly once. A failing consumer is logged and does not stop the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

logger = logging.getLogger(__name__)

Consumer = Callable[[list], None]
_CONSUMERS: dict[str, Consumer] = {}
CHUNK = 500


def consumer_register(name: str, consumer: Consumer) -> None:
    """Register (or replace) a consumer of newly stored items."""
    _CONSUMERS[name] = consumer


def consumer_unregister(name: str) -> None:
    _CONSUMERS.pop(name, None)


def consumers() -> dict[str, Consumer]:
    return dict(_CONSUMERS)


def items_dispatch(item_ids: Sequence[int]) -> None:
    """Enqueue the hand-over of new items (called on commit by the ingest service)."""
    if not _CONSUMERS or not item_ids:
        return
    from warta.ingest.tasks import items_dispatch_task

    for start in range(0, len(item_ids), CHUNK):
        items_dispatch_task.enqueue(list(item_ids[start:start + CHUNK]))


def items_deliver(item_ids: Sequence[int]) -> dict[str, str]:
    """Give the items to each consumer; return each consumer's outcome."""
    from warta.ingest.models import Item

    items = list(Item.objects.filter(pk__in=item_ids).select_related("account", "unit"))
    outcome: dict[str, str] = {}
    for name, consumer in sorted(_CONSUMERS.items()):
        try:
            consumer(items)
            outcome[name] = "ok"
        except Exception:
            logger.exception("Ingest consumer %s failed on %d items", name, len(items))
            outcome[name] = "failed"
    return outcome
