"""Recovery and reconciliation: what happens after a worker died mid-publication (ADR 0022).

A publication CLAIMED for longer than the lease (``WARTA_PUBLISH_LEASE_S``, default 300 s) was
claimed by a worker that never recorded the outcome: it crashed, was killed, or lost its
database between "sent" and "recorded". Nobody knows whether the platform has the post, so
the row becomes UNCERTAIN, and then each uncertain publication is reconciled:

* the account's recent posts (from a little before the claim) are fetched from the platform
  and searched for the content fingerprint: **found** → PUBLISHED with that id (audited
  ``publication.reconciled``); **not found** → PENDING again, for one resend;
* the platform cannot list posts, or the text has no fingerprint → it stays UNCERTAIN
  (``error_kind`` = ``needs_check``) and the author is asked to check and settle it by hand
  (``schedule.publication_mark_published`` or ``schedule.publication_resend``);
* the platform fails to answer → it stays UNCERTAIN and the next run tries again.

Nothing is ever sent twice without that check.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from warta.channels.connectors.base import Capability
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.core.audit import audit_record
from warta.publishing.models import Post, Publication, PublicationState
from warta.publishing.publisher import (
    NEEDS_CHECK,
    RECONCILE_MARGIN,
    find_on_platform,
    notify_author,
    post_settle,
    record_published,
    result_from_item,
)

logger = logging.getLogger(__name__)

P = PublicationState


def lease() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "WARTA_PUBLISH_LEASE_S", 300)))


def publications_expire(*, now: datetime | None = None, limit: int = 1000) -> list[int]:
    """Mark every publication claimed longer than the lease UNCERTAIN; return their ids."""
    now = now or timezone.now()
    stale = list(Publication.objects.filter(state=P.CLAIMED, claimed_at__lt=now - lease())
                 .select_related("post__unit").order_by("claimed_at")[:limit])
    expired = []
    for publication in stale:
        with transaction.atomic():
            Post.objects.select_for_update().filter(pk=publication.post_id).first()
            if not Publication.objects.filter(pk=publication.pk, state=P.CLAIMED,
                                              claim_token=publication.claim_token).update(
                    state=P.UNCERTAIN, error_kind="", updated_at=now):
                continue  # recorded meanwhile
            audit_record(actor=None, unit=publication.post.unit, action="publication.uncertain", target=publication,
                         changes={"state": [P.CLAIMED, P.UNCERTAIN], "reason": "lease expired",
                                  "claimed_at": publication.claimed_at.isoformat()})
        expired.append(publication.pk)
    return expired


def _to_pending(publication: Publication, *, now: datetime) -> bool:
    with transaction.atomic():
        post = Post.objects.select_for_update(of=("self",)).select_related("unit").get(pk=publication.post_id)
        if not Publication.objects.filter(pk=publication.pk, state=P.UNCERTAIN,
                                          claim_token=publication.claim_token).update(
                state=P.PENDING, next_attempt_at=None, error_kind="", updated_at=now):
            return False
        audit_record(actor=None, unit=post.unit, action="publication.resend", target=publication,
                     changes={"state": [P.UNCERTAIN, P.PENDING], "by": "reconciliation",
                              "reason": "not found on the platform"})
        post_settle(post)
    return True


def _needs_check(publication: Publication, *, reason: str, now: datetime) -> bool:
    with transaction.atomic():
        post = Post.objects.select_for_update(of=("self",)).select_related("unit").get(pk=publication.post_id)
        if not Publication.objects.filter(pk=publication.pk, state=P.UNCERTAIN).exclude(error_kind=NEEDS_CHECK).update(
                error_kind=NEEDS_CHECK, updated_at=now,
                error_message=_("Warta tidak dapat memastikan apakah kiriman ini sudah terbit. Periksa akun di "
                                "platform: tandai sudah terbit dengan alamatnya, atau kirim ulang.")):
            return False
        audit_record(actor=None, unit=post.unit, action="publication.uncertain", target=publication,
                     changes={"state": [P.UNCERTAIN, P.UNCERTAIN], "reason": reason, "needs": "human check"})
        post_settle(post)
    notify_author(post, kind="publishing.uncertain",
                  title=_("Periksa apakah “%(title)s” sudah terbit di %(handle)s") % {
                      "title": post.title, "handle": publication.account.handle},
                  body=_("Warta tidak dapat memeriksanya sendiri. Jika kiriman sudah ada di platform, tandai sudah "
                         "terbit dengan alamatnya; jika belum, kirim ulang."))
    return True


def publication_reconcile(publication: Publication, *, now: datetime | None = None) -> str:
    """Settle one uncertain publication against the platform; return "published", "pending",
    "needs_check", "retry" (the platform did not answer: try on the next run) or "skipped"."""
    from warta.channels.services import connector_for

    now = now or timezone.now()
    publication = (Publication.objects.select_related("post__unit", "account__unit")
                   .filter(pk=publication.pk, state=P.UNCERTAIN).first())
    if publication is None or publication.error_kind == NEEDS_CHECK:
        return "skipped"
    if not publication.fingerprint:
        return "needs_check" if _needs_check(publication, reason="no fingerprint", now=now) else "skipped"
    try:
        connector = connector_for(publication.account, purpose="reconcile")
        if Capability.FETCH_POSTS not in connector.capabilities:
            return "needs_check" if _needs_check(publication, reason="cannot fetch posts", now=now) else "skipped"
        since = (publication.claimed_at or now) - RECONCILE_MARGIN
        found = find_on_platform(connector, publication=publication, fp=publication.fingerprint, since=since)
    except ConnectorError as error:
        if error.kind in (ErrorKind.TRANSIENT, ErrorKind.RATE_LIMITED):
            logger.info("Reconciling publication %s: platform unavailable (%r)", publication.pk, error)
            return "retry"
        return "needs_check" if _needs_check(publication, reason=f"fetch failed: {error.kind}", now=now) else "skipped"
    if found is not None:
        recorded = record_published(publication, publication.claim_token, result_from_item(found),
                                    action="publication.reconciled")
        return "published" if recorded else "skipped"
    return "pending" if _to_pending(publication, now=now) else "skipped"


def publications_recover(*, now: datetime | None = None, limit: int = 500) -> dict:
    """Expire stale claims, then reconcile every uncertain publication not waiting for a human.

    Pending ones found absent are handed to the publisher right away.
    """
    from warta.publishing.dispatch import publications_enqueue

    now = now or timezone.now()
    report = {"expired": len(publications_expire(now=now, limit=limit)), "published": 0, "pending": 0,
              "needs_check": 0, "retry": 0, "skipped": 0}
    todo = list(Publication.objects.filter(state=P.UNCERTAIN).exclude(error_kind=NEEDS_CHECK)
                .order_by("updated_at")[:limit])
    resend = []
    for publication in todo:
        outcome = publication_reconcile(publication, now=now)
        report[outcome] += 1
        if outcome == "pending":
            resend.append(publication.pk)
    if resend:
        with transaction.atomic():
            publications_enqueue(resend, now=now)
    if any(report.values()):
        logger.info("publication recovery: %s", report)
    return report
