"""The notifications endpoints of the JSON API: the token owner's own notifications only, and
of those only the ones about the token's reach (its unit's subtree) or about no unit.

Another user's notification, or one about a unit outside the token's reach, does not exist for
the caller (404)."""

from uuid import UUID

from django.http import Http404
from ninja import Query, Router

from warta.notifications import selectors, services
from warta.notifications.models import Notification
from warta.notifications.schemas import NotificationOut, NotificationPage, ReadAllOut
from warta.organisations.api import paginate, responses, token_scope
from warta.organisations.schemas import PageIn

router = Router(tags=["notifikasi"])


@router.get("/notifications", response=responses({200: NotificationPage}, 422), url_name="notification-list",
            summary="Notifikasi saya")
def notification_list(request, paging: Query[PageIn], unread: bool = False):
    """List the token owner's notifications, unread first; ``unread=true`` lists only unread ones."""
    reach = token_scope(request).unit
    return paginate(selectors.notification_list(user=request.user, unread_only=unread, reach=reach), paging)


@router.post("/notifications/read-all", response=responses({200: ReadAllOut}), url_name="notification-read-all",
             summary="Tandai semua notifikasi sudah dibaca")
def notification_read_all(request):
    return {"marked": services.notifications_read_all(user=request.user, reach=token_scope(request).unit)}


@router.post("/notifications/{notification_uuid}/read", response=responses({200: NotificationOut}, 404),
             url_name="notification-read", summary="Tandai satu notifikasi sudah dibaca")
def notification_read(request, notification_uuid: UUID):
    try:
        notification = selectors.notification_get(user=request.user, notification_uuid=notification_uuid,
                                                  reach=token_scope(request).unit)
    except Notification.DoesNotExist:
        raise Http404 from None
    return services.notification_read(user=request.user, notification=notification)
