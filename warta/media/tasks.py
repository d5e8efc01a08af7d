"""Background work of the media library: the platform renditions of a new upload."""

import logging

from django_tasks import task

from warta.media import services
from warta.media.models import MediaAsset

logger = logging.getLogger(__name__)


@task(queue_name="default")
def renditions_make_task(asset_pk: int) -> dict:
    """Make the platform renditions of one asset. Safe to run twice: existing ones are kept."""
    asset = MediaAsset.objects.select_related("unit").filter(pk=asset_pk).first()
    if asset is None:
        return {}
    unfit = services.renditions_make(asset)
    if unfit:
        logger.info("media asset %s unfit for %s", asset.uuid, sorted(unfit))
    return unfit
