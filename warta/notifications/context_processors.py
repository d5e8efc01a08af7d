"""The unread count for the header's bell, computed only when a template uses it."""

from django.utils.functional import SimpleLazyObject

from warta.notifications.selectors import unread_count


def notifications(request):
    user = getattr(request, "user", None)
    return {"notifications_unread": SimpleLazyObject(lambda: unread_count(user))}
