"""The editorial calendar's URLs (H7): the calendar, moving a post, the month-plan import.

``calendar-move-form`` names a post by ``post_uuid``: the post made by ``publishing.py``'s
``make_objects`` (a draft of Kabupaten Bogor)."""

from tests.url_routes import UNIT, Route
from warta.publishing import plan_import

ROUTES = {
    "publishing:calendar": Route(UNIT),
    "publishing:calendar-move": Route(UNIT, write=True, post_only=True),
    "publishing:calendar-move-form": Route(UNIT, write=True, get_forbidden=True, objects=("post_uuid",)),
    "publishing:plan-import": Route(UNIT, write=True, get_forbidden=True),
    "publishing:plan-import-apply": Route(UNIT, write=True, post_only=True),
    "publishing:plan-import-template": Route(UNIT),
    "publishing:plan-import-status": Route(UNIT, objects=("token",)),
    "publishing:plan-import-history": Route(UNIT),
    "publishing:plan-import-detail": Route(UNIT, objects=("plan_import_uuid",)),
}


def make_objects(tree, admin, viewer):
    from datetime import date

    from warta.publishing.models import PlanImport

    token = plan_import.plan_upload_store(unit=tree.kab, content=b"tanggal,judul,platform,teks\n")
    plan_import.plan_status_write(unit=tree.kab, token=token, status={"state": "done", "created": 0,
                                                                      "month": "2026-12-01"})
    record = PlanImport.objects.create(unit=tree.kab, created_by=admin, month=date(2026, 12, 1), file_name="rencana.csv")
    return {"token": token, "plan_import_uuid": record.uuid}
