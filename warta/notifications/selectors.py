"""Reads of notifications: always the signed-in user's own rows."""

from django.db.models import F, Q, QuerySet

from warta.notifications.models import Notification


def within(qs: QuerySet[Notification], unit) -> QuerySet[Notification]:
    """Only the notifications about ``unit``'s subtree (and those about no unit): what an API
    token whose reach is ``unit`` may see of its owner's notifications."""
    if unit is None:
        return qs
    return qs.filter(Q(unit__isnull=True) | Q(unit__path__startswith=unit.path))


def notification_list(*, user, unread_only: bool = False, reach=None) -> QuerySet[Notification]:
    """The user's notifications, unread first, newest first within each group (only those
    about ``reach``'s subtree when given)."""
    qs = within(Notification.objects.filter(user=user), reach).select_related("unit")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by(F("read_at").desc(nulls_first=True), "-created_at", "-pk")


def notification_get(*, user, notification_uuid, reach=None) -> Notification:
    """One of the user's own notifications; another user's (or none, or one outside ``reach``)
    raises DoesNotExist."""
    return within(Notification.objects.filter(user=user), reach).get(uuid=notification_uuid)


def unread_count(user) -> int:
    """How many unread notifications the user has (0 for an anonymous visitor)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
