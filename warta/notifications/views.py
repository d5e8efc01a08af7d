"""The signed-in user's own notifications: list, mark one or all read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from warta.notifications import selectors, services
from warta.notifications.models import Notification

PAGE_SIZE = 30


@login_required
def notification_list(request):
    unread_only = request.GET.get("belum") == "1"
    qs = selectors.notification_list(user=request.user, unread_only=unread_only)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/notification_list.html", {
        "page": page, "unread_only": unread_only, "querystring": "belum=1" if unread_only else "",
        "unread": selectors.unread_count(request.user),
    })


@login_required
@require_POST
def notification_read(request, notification_uuid):
    try:
        notification = selectors.notification_get(user=request.user, notification_uuid=notification_uuid)
    except Notification.DoesNotExist:
        raise Http404 from None
    services.notification_read(user=request.user, notification=notification)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    n = services.notifications_read_all(user=request.user)
    if n:
        messages.success(request, _("%(n)s notifikasi ditandai sudah dibaca.") % {"n": n})
    return redirect("notifications:list")
