"""Background work of the channels app: refreshing tokens ahead of expiry, housekeeping."""

import logging
from datetime import timedelta

from django_tasks import task

from warta.channels import services
from warta.channels.ratelimit import rate_windows_prune
from warta.core.periodic import periodic_register

logger = logging.getLogger(__name__)


@task(queue_name="default")
def credentials_refresh_due_task() -> dict:
    """Refresh credentials expiring soon; failures mark the account and email its admins.

    Safe to run twice: a refreshed credential no longer falls inside the window.
    """
    report = services.credentials_refresh_due()
    logger.info("credential refresh: %s", report)
    return report


@task(queue_name="default")
def channels_prune_task() -> int:
    """Forget spent OAuth states and rate-limit windows."""
    return services.oauth_states_prune() + rate_windows_prune()


periodic_register(name="channels.credentials_refresh", every=timedelta(hours=1), task=credentials_refresh_due_task)
periodic_register(name="channels.prune", every=timedelta(hours=6), task=channels_prune_task)
