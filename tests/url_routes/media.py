"""The media app's URLs: the library, uploads, an asset's pages and files, the composer's picker."""

import atexit
import shutil
from pathlib import Path

from django.conf import settings

from tests.media.helpers import image_bytes, upload
from tests.url_routes import UNIT, Route
from warta.media.services import media_upload, rendition_for

ROUTES = {
    "media:library": Route(UNIT),
    "media:upload": Route(UNIT, write=True, get_forbidden=True),
    "media:picker": Route(UNIT),
    "media:detail": Route(UNIT, objects=("asset_uuid",)),
    "media:edit": Route(UNIT, write=True, get_forbidden=True, objects=("asset_uuid",)),
    "media:archive": Route(UNIT, write=True, post_only=True, objects=("asset_uuid",)),
    "media:renditions": Route(UNIT, write=True, post_only=True, objects=("asset_uuid",)),
    "media:original": Route(UNIT, objects=("asset_uuid",)),
    "media:thumbnail": Route(UNIT, objects=("asset_uuid",)),
    "media:rendition-file": Route(UNIT, objects=("asset_uuid",), extra={"platform": "sandbox"}),
}


def make_objects(tree, admin, viewer):
    asset = media_upload(actor=admin, unit=tree.kab, file=upload("foto.png", image_bytes(64, 48, "PNG")))
    rendition_for(asset, "sandbox")
    folder = Path(settings.MEDIA_ROOT) / "media" / str(tree.kab.uuid)
    atexit.register(shutil.rmtree, folder, True)  # the scope test has no media folder of its own
    return {"asset_uuid": asset.uuid}
