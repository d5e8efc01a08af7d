"""The publisher: send one publication to its platform, exactly once (ADR 0022).

``publish_one`` works in three steps, each its own committed transaction or call:

1. **claim** — a conditional UPDATE moves the row from PENDING to CLAIMED with a fresh
   ``claim_token``, ``claimed_at``, one more attempt and the fingerprint of the exact text to
   be sent. Only one worker's UPDATE matches; the others stop there.
2. **send** — the connector is called with ``idempotency_key`` = the publication's uuid.
   Before sending again after an *ambiguous* failure (a transient error: the platform may have
   received the post), the account's recent posts are searched for the fingerprint first.
3. **record** — a second UPDATE guarded by the ``claim_token`` stores the outcome: PUBLISHED
   (external id, address, time), PENDING again with a back-off (transient, rate limited) or
   FAILED (permanent, not supported, expired permission, or too many attempts) with the
   platform's message explained and the author notified.

A crash between 2 and 3 leaves the row CLAIMED; ``reconcile.py`` turns it UNCERTAIN after the
lease and looks for it on the platform before anything is sent again.
"""

from __future__ import annotations

import logging
import random
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from warta.channels import connectors as registry
from warta.channels.connectors.base import (
    Capability,
    InboundItem,
    Media,
    OutboundPost,
    PublishResult,
)
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.core.audit import audit_record
from warta.publishing.fingerprint import fingerprint
from warta.publishing.models import Post, PostState, Publication, PublicationState, Variant
from warta.publishing.states import post_transition, transition_allowed

logger = logging.getLogger(__name__)

P = PublicationState
S = PostState
SETTLED = (P.PUBLISHED, P.FAILED, P.UNCERTAIN, P.DELETED, P.CANCELLED)
RETRYABLE = (ErrorKind.TRANSIENT, ErrorKind.RATE_LIMITED)
BACKOFF_BASE_S = 30.0
BACKOFF_CAP_S = 3600.0
RECONCILE_MARGIN = timedelta(minutes=10)  # look this far before the claim for the post
RECONCILE_PAGES = 5
NEEDS_CHECK = "needs_check"  # error_kind of an uncertain publication only a human can settle


def max_attempts() -> int:
    return int(getattr(settings, "WARTA_PUBLISH_MAX_ATTEMPTS", 6))


def backoff(attempts: int, *, retry_after: float | None = None) -> timedelta:
    """Return the wait before the next attempt: the platform's ``retry_after`` when it gave
    one, else exponential (30 s, 60 s, 120 s… up to an hour) with ±50 % jitter."""
    if retry_after is not None and retry_after > 0:
        return timedelta(seconds=min(float(retry_after), BACKOFF_CAP_S * 24))
    base = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** max(0, attempts - 1))
    return timedelta(seconds=base * random.uniform(0.5, 1.5))


# --- adapters to apps written alongside this one ------------------------------------------------


def notify_author(post: Post, *, kind: str, title: str, body: str = "") -> None:
    """Tell the post's author (through the notifications app when it is installed)."""
    if post.created_by_id is None:
        return
    try:
        from warta.notifications.services import notify
    except ImportError:  # the notifications app is not there yet: the audit trail still has it
        logger.info("notification %s for post %s not sent (no notifications app)", kind, post.pk)
        return
    try:
        try:
            url = reverse("publishing:post-detail", args=[post.unit.uuid, post.uuid])
        except NoReverseMatch:
            url = ""
        notify(users=[post.created_by], unit=post.unit, kind=kind, title=title, body=body, url=url)
    except Exception:  # a notification must never undo a publication record
        logger.exception("Could not notify the author of post %s", post.pk)


def _variant_media_rows(variant: Variant) -> list:
    try:
        model = apps.get_model("publishing", "VariantMedia")
    except LookupError:
        return []
    return list(model.objects.filter(variant=variant).select_related("asset").order_by("position", "pk"))


def variant_media_kinds(variant: Variant) -> set[str]:
    """The kinds of media ("image", "video") attached to a variant by the composer."""
    return {str(getattr(row.asset, "kind", "")) for row in _variant_media_rows(variant)} - {""}


def variant_media(variant: Variant) -> tuple[Media, ...]:
    """The variant's media as the connector takes them (the platform's rendition of each file)."""
    rows = _variant_media_rows(variant)
    if not rows:
        return ()
    from warta.media import services as media  # only when media are attached

    out = []
    for row in rows:
        rendition = media.rendition_for(row.asset, variant.platform)
        item = media.outbound_media(rendition, base_url=getattr(settings, "SITE_URL", ""))
        if getattr(row, "alt_text", "") and item.kind == "image":  # this post's own alt text wins
            item = replace(item, alt_text=row.alt_text)
        out.append(item)
    return tuple(out)


def outbound_build(publication: Publication, variant: Variant) -> OutboundPost:
    return OutboundPost(text=variant.text, link=variant.link, media=variant_media(variant),
                        first_comment=variant.first_comment, title=variant.title,
                        idempotency_key=str(publication.uuid))


# --- settling the post ------------------------------------------------------------------------------


def post_settle(post: Post, *, actor=None, locked: bool = False) -> Post:
    """Move the post on once its publications are settled (call inside a transaction holding
    the post's row lock): any uncertain → UNCERTAIN, else any failed → FAILED, else PUBLISHED.
    Publications waiting again bring an uncertain or failed post back to PUBLISHING.
    ``locked``: ``post`` is the row just read under that lock (no need to read it again)."""
    if not locked:
        post = Post.objects.select_related("unit").get(pk=post.pk)
    states = set(Publication.objects.filter(post=post).values_list("state", flat=True))
    if states & {P.PENDING, P.CLAIMED}:
        target = S.PUBLISHING
    elif P.UNCERTAIN in states:
        target = S.UNCERTAIN
    elif P.FAILED in states:
        target = S.FAILED
    elif states & {P.PUBLISHED, P.DELETED}:
        target = S.PUBLISHED
    else:
        return post
    if post.state == target or post.state not in (S.SCHEDULED, S.PUBLISHING, S.UNCERTAIN, S.FAILED):
        return post
    if target == S.PUBLISHING and post.state == S.SCHEDULED:
        return post  # the dispatcher (or the claim) moves it when it is due
    if not transition_allowed(post.state, target):
        if transition_allowed(post.state, S.PUBLISHING) and transition_allowed(S.PUBLISHING, target):
            post = post_transition(post=post, to=S.PUBLISHING, actor=actor, locked=locked)
        else:
            logger.warning("Post %s: no move from %s to %s", post.pk, post.state, target)
            return post
    return post_transition(post=post, to=target, actor=actor, locked=locked)


# --- the three steps ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    token: str
    previous_claimed_at: datetime | None
    previous_error: str
    fingerprint: str


def _claim(publication: Publication, fp: str) -> Claim | None:
    token = secrets.token_hex(16)
    now = timezone.now()
    with transaction.atomic():
        # Due, or handed over (the dispatch mark / a back-off is set): a task enqueued before the
        # post was moved to a later time (re-arming clears the mark) claims nothing.
        taken = Publication.objects.filter(
            Q(due_at__lte=now) | Q(next_attempt_at__isnull=False),
            pk=publication.pk, state=P.PENDING, attempts=publication.attempts).update(
            state=P.CLAIMED, claim_token=token, claimed_at=now, attempts=F("attempts") + 1, fingerprint=fp,
            next_attempt_at=None)
    if not taken:
        return None
    return Claim(token=token, previous_claimed_at=publication.claimed_at, previous_error=publication.error_kind,
                 fingerprint=fp)


def _guarded(publication: Publication, token: str):
    """The row as long as this attempt still holds it (reconciliation may have taken it back
    as uncertain or pending, keeping the token: this attempt's word then still counts)."""
    return Publication.objects.filter(pk=publication.pk, claim_token=token,
                                      state__in=(P.CLAIMED, P.UNCERTAIN, P.PENDING))


def record_published(publication: Publication, token: str, result: PublishResult, *,
                     action: str = "publication.published") -> bool:
    """Store a successful publication (guarded by the claim token); settle the post. Audited."""
    now = timezone.now()
    fields = {"state": P.PUBLISHED, "external_id": result.external_id[:200], "url": (result.url or "")[:1000],
              "published_at": result.published_at or now, "notice": result.notice or "", "error_kind": "",
              "error_message": "", "next_attempt_at": None, "updated_at": now}
    with transaction.atomic():
        post = Post.objects.select_for_update(of=("self",)).select_related("unit").get(pk=publication.post_id)
        if not _guarded(publication, token).update(**fields):
            logger.warning("Publication %s: the claim %s was lost before the record", publication.pk, token[:8])
            return False
        before = publication.state
        for name, value in fields.items():
            setattr(publication, name, value)
        post_settle(post, locked=True)
        # Last: the audit chain is one serialised row, held from here to the commit.
        audit_record(actor=None, unit=post.unit, action=action, target=publication,
                     changes={"state": [before, P.PUBLISHED], "external_id": publication.external_id,
                              "url": publication.url, **({"notice": result.notice} if result.notice else {})})
    return True


def _explain(error: ConnectorError) -> str:
    from warta.channels.services import error_explain

    what, fix = error_explain(error)
    said = f" {_('Pesan platform')}: “{error.platform_message}”." if error.platform_message else ""
    return f"{what}{said} {fix}".strip()


def record_error(publication: Publication, token: str, error: ConnectorError, *, sent: bool,
                 recheck: bool = False) -> str:
    """Store a failed attempt: back to PENDING with a back-off while retries remain for a
    transient or rate-limited error, else FAILED (the author is told why and what to do).

    ``sent`` says the platform may have received the post; a transient error then marks the
    row so that the next attempt looks for the post before sending it again — or, where the
    platform cannot list posts and gave no answer at all, makes it UNCERTAIN for a human.
    ``recheck``: an earlier attempt was ambiguous and this one did not settle it (keep the mark).
    """
    from warta.channels.services import account_error_record

    now = timezone.now()
    publication = Publication.objects.select_related("post__unit", "account__unit").get(pk=publication.pk)
    message = _explain(error)
    can_check = Capability.FETCH_POSTS in _capabilities(publication.account.platform)
    ambiguous = sent and error.kind == ErrorKind.TRANSIENT
    if ambiguous and not can_check and error.status is None:
        outcome = P.UNCERTAIN
    elif error.kind in RETRYABLE and publication.attempts < max_attempts():
        outcome = P.PENDING
    else:
        outcome = P.FAILED
    with transaction.atomic():
        post = Post.objects.select_for_update(of=("self",)).select_related("unit").get(pk=publication.post_id)
        fields = {"state": outcome, "error_kind": error.kind.value, "error_message": message[:4000],
                  "updated_at": now}
        if outcome == P.PENDING:
            fields["next_attempt_at"] = now + backoff(publication.attempts, retry_after=error.retry_after)
            # The mark that makes the next attempt look on the platform before sending again.
            fields["error_kind"] = ErrorKind.TRANSIENT.value if (ambiguous or recheck) else error.kind.value
        if outcome == P.UNCERTAIN:
            fields["error_kind"] = NEEDS_CHECK
        if not _guarded(publication, token).update(**fields):
            logger.warning("Publication %s: the claim %s was lost before the error record", publication.pk, token[:8])
            return "lost"
        post_settle(post, locked=True)
        action = {P.PENDING: "publication.retry", P.FAILED: "publication.failed",
                  P.UNCERTAIN: "publication.uncertain"}[outcome]
        audit_record(actor=None, unit=post.unit, action=action, target=publication,
                     changes={"state": [P.CLAIMED, outcome], "kind": error.kind.value, "status": error.status,
                              "code": error.code, "attempts": publication.attempts,
                              **({"next_attempt_at": fields["next_attempt_at"].isoformat()}
                                 if "next_attempt_at" in fields else {})})
    if error.kind in (ErrorKind.AUTH_EXPIRED, ErrorKind.PERMANENT):
        account_error_record(publication.account, error)
    if outcome == P.FAILED:
        notify_author(post, kind="publishing.failed",
                      title=_("Gagal terbit di %(handle)s: %(title)s") % {"handle": publication.account.handle,
                                                                          "title": post.title},
                      body=message)
    elif outcome == P.UNCERTAIN:
        notify_author(post, kind="publishing.uncertain",
                      title=_("Periksa apakah “%(title)s” sudah terbit di %(handle)s") % {
                          "title": post.title, "handle": publication.account.handle},
                      body=_("Warta tidak mendapat jawaban dari platform dan tidak dapat memeriksanya sendiri. Buka "
                             "akun di platform: jika kiriman sudah ada, tandai sudah terbit dengan alamatnya; jika "
                             "belum, kirim ulang."))
    return outcome


def _capabilities(platform: str) -> frozenset:
    try:
        return registry.capabilities(platform)
    except (ImportError, KeyError, ValueError):
        return frozenset()


def _fail_before_send(publication: Publication, message: str) -> str:
    """Fail a pending publication that cannot be sent at all (no variant for its platform)."""
    with transaction.atomic():
        post = Post.objects.select_for_update(of=("self",)).select_related("unit").get(pk=publication.post_id)
        if not Publication.objects.filter(pk=publication.pk, state=P.PENDING).update(
                state=P.FAILED, error_kind=ErrorKind.PERMANENT.value, error_message=message, updated_at=timezone.now()):
            return "skipped"
        audit_record(actor=None, unit=post.unit, action="publication.failed", target=publication,
                     changes={"state": [P.PENDING, P.FAILED], "reason": message})
        post_settle(post)
    notify_author(post, kind="publishing.failed", title=_("Gagal terbit: %(title)s") % {"title": post.title},
                  body=message)
    return P.FAILED


# --- finding our own post on the platform ---------------------------------------------------------------


def find_on_platform(connector, *, publication: Publication, fp: str, since: datetime | None) -> InboundItem | None:
    """Look through the account's recent posts for one with fingerprint ``fp`` that no other
    publication of the account already owns; None when none is found."""
    if not fp:
        return None
    cursor = ""
    for _page in range(RECONCILE_PAGES):
        page = connector.fetch_posts(cursor=cursor, since=since)
        for item in page.items:
            if fingerprint(item.text) != fp:
                continue
            owned = (Publication.objects.filter(account_id=publication.account_id, external_id=item.external_id)
                     .exclude(pk=publication.pk).exists())
            if not owned:
                return item
        if not page.next_cursor:
            return None
        cursor = page.next_cursor
    return None


def result_from_item(item: InboundItem) -> PublishResult:
    return PublishResult(external_id=item.external_id, url=item.url, published_at=item.created_at)


# --- the worker's entry point ------------------------------------------------------------------------


def publish_one(publication_id: int, *, connectors: dict | None = None) -> str:
    """Publish one publication if it is still pending; return what happened: "published",
    "reconciled", "pending" (retry later), "failed", "uncertain", "skipped" (someone else has
    it, or nothing to do) or "lost" (the claim expired before the record).

    ``connectors``: a dict kept by the caller across one account's publications, so that the
    account's credential is opened (and its use audited) once per batch, not once per post."""
    from warta.channels.services import connector_for

    publication = (Publication.objects.select_related("post__unit", "account__unit")
                   .filter(pk=publication_id).first())
    if publication is None or publication.state != P.PENDING:
        return "skipped"
    if publication.post.state not in (S.SCHEDULED, S.PUBLISHING):
        return "skipped"
    if publication.account.archived_at is not None:
        return _fail_before_send(publication, _("Akun %(handle)s sudah diarsipkan; pilih akun lain lalu jadwalkan "
                                                "ulang.") % {"handle": publication.account.handle})
    variant = Variant.objects.filter(post_id=publication.post_id, platform=publication.account.platform).first()
    if variant is None:
        return _fail_before_send(publication, _("Konten tidak punya varian untuk platform akun ini."))
    try:
        outbound = outbound_build(publication, variant)
    except Exception as exc:  # a media file that cannot be prepared: nothing was sent
        logger.exception("Publication %s: media could not be prepared", publication.pk)
        problems = " ".join(str(p) for p in getattr(exc, "problems", None) or [exc])
        return _fail_before_send(publication, _("Media konten tidak dapat disiapkan untuk platform ini: "
                                                "%(problems)s") % {"problems": problems})
    claim = _claim(publication, fingerprint(outbound.text))
    if claim is None:
        return "skipped"
    publication.state = P.CLAIMED
    if publication.post.state == S.SCHEDULED:
        try:
            post_transition(post=publication.post, to=S.PUBLISHING, reason="due")
        except ValueError:
            logger.info("Post %s already moved on", publication.post_id)
    sent = False
    recheck = claim.previous_error == ErrorKind.TRANSIENT.value and claim.previous_claimed_at is not None
    try:
        connector = (connectors or {}).get(publication.account_id)
        if connector is None:
            connector = connector_for(publication.account, purpose="publish")
            if connectors is not None:
                connectors[publication.account_id] = connector
        if recheck and Capability.FETCH_POSTS in connector.capabilities:
            found = find_on_platform(connector, publication=publication, fp=claim.fingerprint,
                                     since=claim.previous_claimed_at - RECONCILE_MARGIN)
            if found is not None:
                recorded = record_published(publication, claim.token, result_from_item(found),
                                            action="publication.reconciled")
                return "reconciled" if recorded else "lost"
            recheck = False  # looked: the earlier attempt did not reach the platform
        sent = True
        result = connector.publish(outbound)
    except ConnectorError as error:
        return record_error(publication, claim.token, error, sent=sent, recheck=recheck)
    except Exception as exc:
        if not sent:
            logger.exception("Publication %s failed before sending", publication.pk)
            error = ConnectorError(ErrorKind.TRANSIENT, f"internal error before sending: {type(exc).__name__}")
            return record_error(publication, claim.token, error, sent=False, recheck=recheck)
        # The platform may or may not have it: leave the claim; recovery reconciles after the lease.
        logger.exception("Publication %s: unexpected error while sending; left for reconciliation", publication.pk)
        return "claimed"
    return "published" if record_published(publication, claim.token, result) else "lost"
