"""The amplification app's URLs: packages sent down the tree, the tracker, the inbox of tasks."""

from tests.url_routes import UNIT, Route
from warta.amplification.models import AmplificationTask, Package

ROUTES = {
    "amplification:package-list": Route(UNIT),
    "amplification:package-create": Route(UNIT, write=True, get_forbidden=True),
    "amplification:package-detail": Route(UNIT, objects=("package_uuid",)),
    "amplification:package-export": Route(UNIT, objects=("package_uuid",)),
    "amplification:package-remind": Route(UNIT, write=True, post_only=True, objects=("package_uuid",)),
    "amplification:package-close": Route(UNIT, write=True, post_only=True, objects=("package_uuid",)),
    "amplification:task-list": Route(UNIT),
    "amplification:task-detail": Route(UNIT, objects=("task_uuid",)),
    "amplification:task-accept": Route(UNIT, write=True, post_only=True, objects=("task_uuid",)),
    "amplification:task-decline": Route(UNIT, write=True, post_only=True, objects=("task_uuid",)),
    "amplification:task-check": Route(UNIT, post_only=True, objects=("task_uuid",)),
}


def make_objects(tree, admin, viewer):
    package = Package.objects.create(unit=tree.kab, title="Imbauan mudik aman",
                                     variants={"sandbox": {"text": "Mudik aman, keluarga senang.", "link": ""}})
    task = AmplificationTask.objects.create(package=package, unit=tree.kec)
    return {"package_uuid": package.uuid, "task_uuid": task.uuid}
