"""``{% notification_bell %}``: the header link to the user's notifications with the unread count."""

from django import template

from warta.notifications.selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"notifications_unread": unread_count(user), "user": user}
