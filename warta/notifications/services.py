"""Writes of notifications: create them (and their email), mark them read.

``notify`` is what every other app calls. The email goes out after the transaction commits,
from a task on the ``alerts`` queue; a mail server that refuses is logged and never reaches
the caller. Marking one's own notifications read is not audited: it is personal and changes
nothing anyone else sees (ADR 0020).
"""

import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from warta.notifications.models import Notification

logger = logging.getLogger(__name__)


def absolute_url(url: str) -> str:
    """Make a path absolute with the installation's address (``SITE_URL``)."""
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + "/" + url.lstrip("/")


def _unique_users(users: Iterable) -> list:
    seen: set[int] = set()
    out = []
    for user in users:
        if user is None or user.pk is None or user.pk in seen or not getattr(user, "is_active", True):
            continue
        seen.add(user.pk)
        out.append(user)
    return out


def notify(*, users: Iterable, unit=None, kind: str, title: str, body: str = "", url: str = "",
           email: bool = True) -> list[Notification]:
    """Create one notification per user (each user once) and, after commit, email each.

    ``url`` is a path inside Warta (``/persetujuan/u/…/``); the email carries it absolute.
    """
    recipients = _unique_users(users)
    if not recipients:
        return []
    with transaction.atomic():
        now = timezone.now()
        rows = Notification.objects.bulk_create([
            Notification(user=u, unit=unit, kind=kind, title=str(title)[:255], body=str(body), url=url[:500],
                         created_at=now)
            for u in recipients
        ])
        if email:
            from warta.notifications.tasks import notification_email_task

            ids = [r.pk for r in rows]
            transaction.on_commit(partial(notification_email_task.enqueue, ids))
    return rows


def email_send(*, subject: str, body: str, recipients: list[str]) -> bool:
    """Send one email; return False (and log) when the mail server refuses. Never raises."""
    recipients = [r for r in recipients if r]
    if not recipients:
        return False
    subject = " ".join(str(subject).split())[:200]  # a newline in a header is refused by Django
    try:
        send_mail(subject, body, None, recipients)
    except Exception:  # an unreachable mail server must never undo or break the caller's work
        logger.exception("Email %r to %d recipient(s) could not be sent", subject, len(recipients))
        return False
    return True


def notification_email_body(notification: Notification) -> str:
    parts = [notification.title]
    if notification.body:
        parts.append(notification.body)
    if notification.url:
        parts.append(_("Buka di Warta: %(url)s") % {"url": absolute_url(notification.url)})
    parts.append(_("Anda menerima email ini karena Anda anggota unit di Warta."))
    return "\n\n".join(parts)


def notifications_email(notification_ids: Iterable[int]) -> int:
    """Email the given notifications not emailed yet; return how many were sent."""
    sent = 0
    rows = Notification.objects.filter(pk__in=list(notification_ids), emailed_at__isnull=True).select_related("user")
    for notification in rows:
        # Claim the row before sending: a second run of the task at the same time (a retried
        # job) finds it claimed and skips it. A refused email gives the claim back.
        claimed_at = timezone.now()
        if not Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(emailed_at=claimed_at):
            continue
        ok = email_send(subject=_("[Warta] %(title)s") % {"title": notification.title},
                        body=notification_email_body(notification), recipients=[notification.user.email])
        if ok:
            sent += 1
        else:
            Notification.objects.filter(pk=notification.pk, emailed_at=claimed_at).update(emailed_at=None)
    return sent


def notification_read(*, user, notification: Notification) -> Notification:
    """Mark one of the user's own notifications read (reading twice keeps the first time)."""
    if notification.user_id != user.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_read_all(*, user, reach=None) -> int:
    """Mark all of the user's unread notifications read (only those about ``reach``'s subtree
    when given); return how many changed."""
    from warta.notifications.selectors import within

    return within(Notification.objects.filter(user=user, read_at__isnull=True), reach).update(read_at=timezone.now())
