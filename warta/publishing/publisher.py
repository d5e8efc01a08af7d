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
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, CharField, F, Q, Value, When
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
from warta.core.audit import audit_batch, audit_record
from warta.publishing.fingerprint import fingerprint
from warta.publishing.models import (
    Post,
    PostState,
    Publication,
    PublicationState,
    Variant,
    VariantMedia,
)
from warta.publishing.states import post_transition, posts_moves_apply, transition_allowed

logger = logging.getLogger(__name__)

P = PublicationState
S = PostState
RECORD_FIELDS = ["external_id", "url", "published_at", "notice"]  # what differs between recorded rows
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


def media_rows(variant_ids) -> dict[int, list[VariantMedia]]:
    """The media rows of each variant of ``variant_ids``, in their order, in one query."""
    rows: dict[int, list[VariantMedia]] = {}
    for row in (VariantMedia.objects.filter(variant_id__in=list(variant_ids)).select_related("asset")
                .order_by("position", "pk")):
        rows.setdefault(row.variant_id, []).append(row)
    return rows


def _variant_media_rows(variant: Variant) -> list[VariantMedia]:
    return media_rows([variant.pk]).get(variant.pk, [])


def variant_media_kinds(variant: Variant) -> set[str]:
    """The kinds of media ("image", "video") attached to a variant by the composer."""
    return {str(getattr(row.asset, "kind", "")) for row in _variant_media_rows(variant)} - {""}


def variant_media(variant: Variant, rows: list | None = None) -> tuple[Media, ...]:
    """The variant's media as the connector takes them (the platform's rendition of each file).
    ``rows``: the variant's media rows when the caller has read them already."""
    rows = _variant_media_rows(variant) if rows is None else rows
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


def outbound_build(publication: Publication, variant: Variant, media_rows: list | None = None) -> OutboundPost:
    return OutboundPost(text=variant.text, link=variant.link, media=variant_media(variant, media_rows),
                        first_comment=variant.first_comment, title=variant.title,
                        idempotency_key=str(publication.uuid))


# --- telling other apps ----------------------------------------------------------------------------

PublishedHook = Callable[[list[int]], None]
_PUBLISHED_HOOKS: list[PublishedHook] = []


def published_hook_register(fn: PublishedHook) -> PublishedHook:
    """Register ``fn(post_ids)``, called after the commit that recorded publications of those
    posts as published (the amplification tracker follows re-shares at once this way, since
    publishing may not import it). A hook's error is logged and never undoes the record.
    Registering the same function twice has no effect; returns ``fn``."""
    if fn not in _PUBLISHED_HOOKS:
        _PUBLISHED_HOOKS.append(fn)
    return fn


def _published_tell(post_ids: list[int]) -> None:
    for hook in list(_PUBLISHED_HOOKS):
        try:
            hook(post_ids)
        except Exception:  # the publication is recorded; a follower catches up on its own schedule
            logger.exception("published hook %s failed for posts %s", getattr(hook, "__name__", hook), post_ids)


# --- settling the post ------------------------------------------------------------------------------


def settle_moves(current: str, states: set[str]) -> list[str]:
    """The moves that settle a post in state ``current`` whose publications are in ``states``:
    any uncertain → UNCERTAIN, else any failed → FAILED, else PUBLISHED; publications waiting
    again bring an uncertain or failed post back to PUBLISHING. [] when nothing moves."""
    if states & {P.PENDING, P.CLAIMED}:
        target = S.PUBLISHING
    elif P.UNCERTAIN in states:
        target = S.UNCERTAIN
    elif P.FAILED in states:
        target = S.FAILED
    elif states & {P.PUBLISHED, P.DELETED}:
        target = S.PUBLISHED
    else:
        return []
    if current == target or current not in (S.SCHEDULED, S.PUBLISHING, S.UNCERTAIN, S.FAILED):
        return []
    if target == S.PUBLISHING and current == S.SCHEDULED:
        return []  # the dispatcher (or the claim) moves it when it is due
    if transition_allowed(current, target):
        return [target]
    if transition_allowed(current, S.PUBLISHING) and transition_allowed(S.PUBLISHING, target):
        return [S.PUBLISHING, target]
    logger.warning("Post in %s: no move to %s", current, target)
    return []


def post_settle(post: Post, *, actor=None, locked: bool = False) -> Post:
    """Move the post on once its publications are settled (call inside a transaction holding
    the post's row lock; see ``settle_moves``).
    ``locked``: ``post`` is the row just read under that lock (no need to read it again)."""
    if not locked:
        post = Post.objects.select_related("unit").get(pk=post.pk)
    states = set(Publication.objects.filter(post=post).values_list("state", flat=True))
    for move in settle_moves(post.state, states):
        post = post_transition(post=post, to=move, actor=actor, locked=locked)
    return post


# --- the three steps ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    token: str
    previous_claimed_at: datetime | None
    previous_error: str
    fingerprint: str


def _claim(publication: Publication, fp: str) -> Claim | None:
    """Claim one publication that will send text of fingerprint ``fp`` (see ``_claim_many``)."""
    return _claim_many([(publication, fp)]).get(publication.pk)


def _claim_many(ready: list[tuple[Publication, str]]) -> dict[int, Claim]:
    """Claim the publications of ``ready`` (each with the fingerprint of the exact text it will
    send) in one statement, committed at once (autocommit), so that each claim exists before
    its platform is called; return the claims taken, by id.

    A row is taken only while it is pending with the attempt count read, and due or handed
    over (the dispatch mark / a back-off is set): a task enqueued before the post was moved to
    a later time (re-arming clears the mark) claims nothing. Each row keeps its fingerprint."""
    if not ready:
        return {}
    token = secrets.token_hex(16)
    now = timezone.now()
    fps = {publication.pk: fp for publication, fp in ready}
    rows = Q()
    for publication, _fp in ready:
        rows |= Q(pk=publication.pk, attempts=publication.attempts)
    fingerprint_of = Case(*[When(pk=pk, then=Value(fp)) for pk, fp in fps.items()], output_field=CharField())
    taken = Publication.objects.filter(rows, Q(due_at__lte=now) | Q(next_attempt_at__isnull=False),
                                       state=P.PENDING).update(
        state=P.CLAIMED, claim_token=token, claimed_at=now, attempts=F("attempts") + 1, fingerprint=fingerprint_of,
        next_attempt_at=None)
    if not taken:
        return {}
    if taken == len(ready):
        ids = set(fps)
    else:
        ids = set(Publication.objects.filter(pk__in=list(fps), claim_token=token).values_list("pk", flat=True))
    return {publication.pk: Claim(token=token, previous_claimed_at=publication.claimed_at,
                                  previous_error=publication.error_kind, fingerprint=fps[publication.pk])
            for publication, _fp in ready if publication.pk in ids}


def _guarded(publication: Publication, token: str):
    """The row as long as this attempt still holds it (reconciliation may have taken it back
    as uncertain or pending, keeping the token: this attempt's word then still counts)."""
    return Publication.objects.filter(pk=publication.pk, claim_token=token,
                                      state__in=(P.CLAIMED, P.UNCERTAIN, P.PENDING))


def record_published(publication: Publication, token: str, result: PublishResult, *,
                     action: str = "publication.published") -> bool:
    """Store a successful publication (guarded by the claim token); settle the post. Audited."""
    return record_published_many([(publication, token, result)], action=action)[0]


def record_published_many(items: list[tuple[Publication, str, PublishResult]], *,
                          action: str = "publication.published") -> list[bool]:
    """Store several successful publications in one transaction (a group commit: the worker
    records what it sent together, see ``publish_batch``), each guarded by its claim token;
    settle their posts; audit each publication and each move of a post. Return, per item,
    whether its claim still held (False: the claim was lost before the record)."""
    if not items:
        return []
    now = timezone.now()
    post_ids = sorted({publication.post_id for publication, _token, _result in items})
    with transaction.atomic(), audit_batch():
        # Row locks in one order (posts by id, then publications), as every other writer takes them.
        posts = {post.pk: post for post in Post.objects.select_for_update(of=("self",)).select_related("unit")
                 .filter(pk__in=post_ids).order_by("pk")}
        tokens = dict(Publication.objects.select_for_update()
                      .filter(pk__in=[publication.pk for publication, _t, _r in items],
                              state__in=(P.CLAIMED, P.UNCERTAIN, P.PENDING))
                      .order_by("pk").values_list("pk", "claim_token"))
        held, changed = [], []
        for publication, token, result in items:
            ok = tokens.get(publication.pk) == token
            held.append(ok)
            if not ok:
                logger.warning("Publication %s: the claim %s was lost before the record", publication.pk, token[:8])
                continue
            before = publication.state
            publication.state, publication.external_id = P.PUBLISHED, result.external_id[:200]
            publication.url, publication.notice = (result.url or "")[:1000], result.notice or ""
            publication.published_at = result.published_at or now
            publication.error_kind = publication.error_message = ""
            publication.next_attempt_at, publication.updated_at = None, now
            changed.append((publication, before, result))
        if not changed:
            return held
        # What every row gets in one plain UPDATE; what differs per row in one CASE per field.
        Publication.objects.filter(pk__in=[publication.pk for publication, _b, _r in changed]).update(
            state=P.PUBLISHED, error_kind="", error_message="", next_attempt_at=None, updated_at=now)
        Publication.objects.bulk_update([publication for publication, _b, _r in changed], RECORD_FIELDS)
        states: dict[int, set[str]] = {}
        for post_id, state in Publication.objects.filter(post_id__in=post_ids).values_list("post_id", "state"):
            states.setdefault(post_id, set()).add(state)
        posts_moves_apply({post: settle_moves(post.state, states.get(post.pk, set())) for post in posts.values()})
        for publication, before, result in changed:
            audit_record(actor=None, unit=posts[publication.post_id].unit, action=action, target=publication,
                         changes={"state": [before, P.PUBLISHED], "external_id": publication.external_id,
                                  "url": publication.url, **({"notice": result.notice} if result.notice else {})})
        if _PUBLISHED_HOOKS:
            published_posts = sorted({publication.post_id for publication, _b, _r in changed})
            transaction.on_commit(lambda: _published_tell(published_posts))
    return held


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


def record_group() -> int:
    """How many sent publications a worker records together (``WARTA_PUBLISH_RECORD_GROUP``)."""
    return max(1, int(getattr(settings, "WARTA_PUBLISH_RECORD_GROUP", 25)))


RECORD_WAIT_S = 2.0  # a sent publication waits at most this long for its group's record


class _Recorder:
    """Successes waiting to be recorded together (a group commit). Only publications whose
    platform can list its posts wait here: if the worker dies before the record, recovery finds
    them there by their fingerprint (``reconcile.py``) and nothing is sent twice. The others are
    recorded at once, as is every error."""

    def __init__(self, group: int):
        self.group = group
        self.items: list[tuple[Publication, str, PublishResult]] = []
        self.since = 0.0
        self.outcomes: dict[int, str] = {}

    def add(self, publication: Publication, token: str, result: PublishResult) -> None:
        if not self.items:
            self.since = time.monotonic()
        self.items.append((publication, token, result))
        if len(self.items) >= self.group or time.monotonic() - self.since >= RECORD_WAIT_S:
            self.flush()

    def flush(self) -> None:
        items, self.items = self.items, []
        for (publication, _token, _result), held in zip(items, record_published_many(items), strict=True):
            self.outcomes[publication.pk] = "published" if held else "lost"


def _prefetch(publication_ids: list[int]) -> tuple[dict[int, Publication], dict, dict[int, list]]:
    """Read a batch's publications (with post, unit and account), their variants and media rows
    in three queries."""
    publications = Publication.objects.select_related("post__unit", "account__unit").in_bulk(publication_ids)
    post_ids = {publication.post_id for publication in publications.values()}
    variants: dict[tuple[int, str], Variant] = {}
    for variant in Variant.objects.filter(post_id__in=post_ids):
        variants.setdefault((variant.post_id, variant.platform), variant)
    media = media_rows(variant.pk for variant in variants.values()) if variants else {}
    return publications, variants, media


def publish_batch(publication_ids: list[int], *, connectors: dict | None = None,
                  group: int | None = None) -> dict[int, str]:
    """Publish several publications (a task's batch: whole accounts, each account's in order);
    return what happened to each (see ``publish_one``). The batch is read in three queries, claimed in one statement
    (each row with its own attempt count and fingerprint) and what was sent is recorded in
    groups of ``group`` (default ``record_group()``)."""
    connectors = {} if connectors is None else connectors
    publication_ids = list(publication_ids)
    publications, variants, media = _prefetch(publication_ids)
    outcomes: dict[int, str] = {}
    ready: list[tuple[Publication, OutboundPost]] = []
    for pk in publication_ids:
        publication = publications.get(pk)
        try:
            variant = variants.get((publication.post_id, publication.account.platform)) if publication else None
            prepared = _prepare(publication, variant=variant, media_rows=media.get(getattr(variant, "pk", None), []))
        except Exception:  # one publication's fault must not hold back the account's others
            logger.exception("Publication %s could not be prepared", pk)
            prepared = "error"
        if isinstance(prepared, str):
            outcomes[pk] = prepared
        else:
            ready.append((publication, prepared))
    claims = _claim_many([(publication, fingerprint(outbound.text)) for publication, outbound in ready])
    _connectors_open({publication.account_id: publication.account for publication, _o in ready
                      if publication.pk in claims}, connectors)
    recorder = _Recorder(group or record_group())
    for publication, outbound in ready:
        claim = claims.get(publication.pk)
        if claim is None:
            outcomes[publication.pk] = "skipped"
            continue
        try:
            outcomes[publication.pk] = _send(publication, outbound, claim, connectors=connectors, recorder=recorder)
        except Exception:
            logger.exception("Publication %s could not be published", publication.pk)
            outcomes[publication.pk] = "error"
    recorder.flush()
    outcomes.update(recorder.outcomes)
    return outcomes


def _connectors_open(accounts: dict, connectors: dict) -> None:
    """Open the connectors of a batch's accounts at once, their credential uses audited in one
    append (``audit_batch``). An account whose connector cannot be opened is left out: its
    publication meets the error again when it is sent, and records it. Nothing is kept when
    the audit could not be written (a credential is never used unaudited)."""
    from warta.channels.services import connector_for

    missing = [account for pk, account in accounts.items() if pk not in connectors]
    if len(missing) < 2:
        return  # one account: ``_send`` opens it
    opened: dict = {}
    try:
        with transaction.atomic(), audit_batch():
            for account in missing:
                try:
                    opened[account.pk] = connector_for(account, purpose="publish")
                except ConnectorError:
                    continue
    except Exception:
        logger.exception("Could not open the connectors of accounts %s together", [a.pk for a in missing])
        return
    connectors.update(opened)


def publish_one(publication_id: int, *, connectors: dict | None = None) -> str:
    """Publish one publication if it is still pending; return what happened: "published",
    "reconciled", "pending" (retry later), "failed", "uncertain", "skipped" (someone else has
    it, or nothing to do), "lost" (the claim expired before the record) or "claimed" (the
    send ended in an unexpected error: recovery reconciles it after the lease).

    ``connectors``: a dict kept by the caller across one account's publications, so that the
    account's credential is opened (and its use audited) once per batch, not once per post."""
    return publish_batch([publication_id], connectors=connectors, group=1)[publication_id]


def _prepare(publication: Publication | None, *, variant: Variant | None, media_rows: list) -> OutboundPost | str:
    """What to send for a pending publication, or why nothing will be (an outcome)."""
    if publication is None or publication.state != P.PENDING:
        return "skipped"
    if publication.post.state not in (S.SCHEDULED, S.PUBLISHING):
        return "skipped"
    if publication.account.archived_at is not None:
        return _fail_before_send(publication, _("Akun %(handle)s sudah diarsipkan; pilih akun lain lalu jadwalkan "
                                                "ulang.") % {"handle": publication.account.handle})
    if variant is None:
        return _fail_before_send(publication, _("Konten tidak punya varian untuk platform akun ini."))
    try:
        return outbound_build(publication, variant, media_rows)
    except Exception as exc:  # a media file that cannot be prepared: nothing was sent
        logger.exception("Publication %s: media could not be prepared", publication.pk)
        problems = " ".join(str(p) for p in getattr(exc, "problems", None) or [exc])
        return _fail_before_send(publication, _("Media konten tidak dapat disiapkan untuk platform ini: "
                                                "%(problems)s") % {"problems": problems})


def _send(publication: Publication, outbound: OutboundPost, claim: Claim, *, connectors: dict,
          recorder: _Recorder) -> str:
    """Send one claimed publication and record the outcome ("deferred": sent, and waiting in
    ``recorder`` for its group's record)."""
    from warta.channels.services import connector_for

    publication.state = P.CLAIMED
    if publication.post.state == S.SCHEDULED:
        try:
            post_transition(post=publication.post, to=S.PUBLISHING, reason="due")
        except ValueError:
            logger.info("Post %s already moved on", publication.post_id)
    sent = False
    recheck = claim.previous_error == ErrorKind.TRANSIENT.value and claim.previous_claimed_at is not None
    try:
        connector = connectors.get(publication.account_id)
        if connector is None:
            connector = connectors[publication.account_id] = connector_for(publication.account, purpose="publish")
        if recheck and Capability.FETCH_POSTS in connector.capabilities:
            found = find_on_platform(connector, publication=publication, fp=claim.fingerprint,
                                     since=claim.previous_claimed_at - RECONCILE_MARGIN)
            if found is not None:
                recorded = record_published(publication, claim.token, result_from_item(found),
                                            action="publication.reconciled")
                return "reconciled" if recorded else "lost"
            recheck = False  # looked: the earlier attempt did not reach the platform
        if outbound.media:  # an upload can take minutes: what was sent before is recorded first
            recorder.flush()
        sent = True
        result = connector.publish(outbound)
    except ConnectorError as error:
        recorder.flush()  # what was sent before is recorded before this error is
        return record_error(publication, claim.token, error, sent=sent, recheck=recheck)
    except Exception as exc:
        if not sent:
            logger.exception("Publication %s failed before sending", publication.pk)
            error = ConnectorError(ErrorKind.TRANSIENT, f"internal error before sending: {type(exc).__name__}")
            return record_error(publication, claim.token, error, sent=False, recheck=recheck)
        # The platform may or may not have it: leave the claim; recovery reconciles after the lease.
        logger.exception("Publication %s: unexpected error while sending; left for reconciliation", publication.pk)
        return "claimed"
    if recorder.group > 1 and Capability.FETCH_POSTS in connector.capabilities:
        recorder.add(publication, claim.token, result)
        return "deferred"
    return "published" if record_published(publication, claim.token, result) else "lost"
