"""The export-file import pages (warta.ingest.export_views)."""

import hashlib

from tests.url_routes import UNIT, Route
from warta.channels.models import Account
from warta.ingest.models import ExportImport

ROUTES = {
    "ingest:export-import-list": Route(UNIT, write=True, get_forbidden=True),
    "ingest:export-import-detail": Route(UNIT, write=True, get_forbidden=True, objects=("export_uuid",)),
    "ingest:export-import-mapping": Route(UNIT, write=True, post_only=True, objects=("export_uuid",)),
    "ingest:export-import-apply": Route(UNIT, write=True, post_only=True, objects=("export_uuid",)),
}

CONTENT = b"Post ID,Publish time,Reach\n1_2,11/18/2026 08:15,100\n"


def make_objects(tree, admin, viewer):
    account = Account.objects.create(unit=tree.kab, platform="facebook", handle="uji-impor-ekspor",
                                     external_id="uji-impor-ekspor-1")
    record = ExportImport.objects.create(
        unit=tree.kab, account=account, format="meta_facebook_posts", filename="ekspor.csv",
        sha256=hashlib.sha256(CONTENT).hexdigest(), content=CONTENT, created_by=admin,
        mapping={"post_id": "Post ID", "published_at": "Publish time", "reach": "Reach"},
        report={"options": {"observed_at": "2026-11-20T00:00:00+00:00", "timezone": "Asia/Jakarta",
                            "date_order": "auto"},
                "file": {"headers": ["Post ID", "Publish time", "Reach"]}, "counts": {"rows": 1, "valid": 1, "bad": 0}})
    return {"export_uuid": record.uuid}
