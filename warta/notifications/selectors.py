"""Reads of notifications: always the signed-in user's own rows."""

from django.db.models import F, QuerySet

from warta.notifications.models import Notification


def notification_list(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, unread first, newest first within each group."""
    qs = Notification.objects.filter(user=user).select_related("unit")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by(F("read_at").desc(nulls_first=True), "-created_at", "-pk")


def notification_get(*, user, notification_uuid) -> Notification:
    """One of the user's own notifications; another user's (or none) raises DoesNotExist."""
    return Notification.objects.get(user=user, uuid=notification_uuid)


def unread_count(user) -> int:
    """How many unread notifications the user has (0 for an anonymous visitor)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
