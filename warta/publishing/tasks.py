"""Background work of publishing: the dispatcher, the publisher, recovery (ADR 0022).

Every task takes ids only and is safe to run twice: the dispatcher marks what it hands over,
the publisher's claim decides who sends, recovery only touches rows whose claim expired.
"""

import logging
from datetime import timedelta

from django_tasks import task

from warta.core.periodic import periodic_register
from warta.publishing import dispatch, publisher, reconcile

logger = logging.getLogger(__name__)


@task(queue_name="publishing")
def publication_publish_task(publication_id: int) -> str:
    """Send one publication to its platform if it is still pending (the claim decides)."""
    return publisher.publish_one(publication_id)


# The name the dispatcher and the documentation use.
publication_publish = publication_publish_task


@task(queue_name="publishing")
def account_publications_publish_task(publication_ids: list[int]) -> dict:
    """Send a batch of due publications (one or more accounts', each account's in order, see
    ``dispatch.task_batches``); each one's claim still decides who sends."""
    # Each account's credential is opened, and its use audited, once per batch; what was sent is
    # recorded in groups (publisher.publish_batch).
    outcomes: dict[str, int] = {}
    for outcome in publisher.publish_batch(publication_ids).values():
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


@task(queue_name="publishing")
def publications_dispatch_task() -> int:
    """Hand every due publication to the publishing queue."""
    return dispatch.publications_dispatch()


@task(queue_name="publishing")
def publications_recover_task() -> dict:
    """Expire stale claims and reconcile uncertain publications against their platforms."""
    return reconcile.publications_recover()


periodic_register(name="publishing.dispatch", every=timedelta(minutes=1), task=publications_dispatch_task,
                  queue_name="publishing")
periodic_register(name="publishing.recover", every=timedelta(minutes=1), task=publications_recover_task,
                  queue_name="publishing")
