"""The notifications app's URLs: the signed-in user's own notifications."""

from tests.url_routes import PERSONAL, Route

ROUTES = {
    "notifications:list": Route(PERSONAL),
    "notifications:read": Route(PERSONAL, write=True, post_only=True, objects=("notification_uuid",)),
    "notifications:read-all": Route(PERSONAL, write=True, post_only=True),
}


def make_objects(tree, admin, viewer):
    from warta.notifications.models import Notification

    notification = Notification.objects.create(user=admin, unit=tree.kab, kind="uji", title="Uji")
    return {"notification_uuid": notification.uuid}
