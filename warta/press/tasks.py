"""Background work of the press app: emailing a release to the contacts of a list."""

import logging

from django_tasks import task

from warta.press import services

logger = logging.getLogger(__name__)


@task(queue_name="default")
def press_deliver_task(delivery_ids: list[int]) -> dict:
    """Email the queued deliveries among ``delivery_ids``; safe to run twice (sent rows are skipped)."""
    report = services.deliveries_send(delivery_ids)
    logger.info("press deliveries: %s", report)
    return report
