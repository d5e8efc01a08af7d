"""Scheduling and the few human actions on publications (ADR 0022).

``post_schedule`` turns an approved post into one ``Publication`` per chosen account, due at a
time entered in the unit's own zone and stored in UTC; the dispatcher (``dispatch.py``) hands
due publications to the publisher (``publisher.py``). ``post_publish_now`` does both at once.
A human resolves what the machine could not: ``publication_mark_published`` (it is on the
platform: here is its address) or ``publication_resend`` (it is not: send it again), and may
remove a published post from its platform (``publication_delete_from_platform``).

These services check the content and the accounts; whether the acting user may schedule
(``publishing.publish``) or delete (``publishing.delete``) is checked by the view or endpoint
through the scope, as everywhere in Warta.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warta.channels import connectors as registry
from warta.channels.connectors.base import Capability, Platform
from warta.channels.connectors.errors import ConnectorError
from warta.channels.models import Account, ConnectionState
from warta.core.audit import audit_action_register, audit_record
from warta.organisations.models import Unit
from warta.organisations.roles import Role, permission_register
from warta.publishing.models import Post, PostState, Publication, PublicationState, Variant
from warta.publishing.states import post_transition, transition_allowed

logger = logging.getLogger(__name__)

# The same table as the composer's (services.py registers it too; registering twice is harmless).
permission_register("publishing.view", set(Role))
permission_register("publishing.edit", {Role.ADMIN, Role.APPROVER, Role.EDITOR})
permission_register("publishing.publish", {Role.ADMIN, Role.APPROVER, Role.EDITOR})
permission_register("publishing.delete", {Role.ADMIN, Role.APPROVER})

audit_action_register({
    "post.schedule": gettext_lazy("Jadwal terbit konten diatur"),
    "post.unschedule": gettext_lazy("Jadwal terbit konten dibatalkan"),
    "post.publish_now": gettext_lazy("Konten diterbitkan sekarang"),
    "publication.published": gettext_lazy("Publikasi terbit di platform"),
    "publication.retry": gettext_lazy("Publikasi akan dicoba lagi"),
    "publication.failed": gettext_lazy("Publikasi gagal"),
    "publication.uncertain": gettext_lazy("Publikasi belum pasti (perlu dicocokkan)"),
    "publication.reconciled": gettext_lazy("Publikasi ditemukan di platform saat pencocokan"),
    "publication.resend": gettext_lazy("Publikasi akan dikirim ulang"),
    "publication.mark_published": gettext_lazy("Publikasi ditandai sudah terbit"),
    "publication.delete": gettext_lazy("Publikasi dihapus dari platform"),
    "publication.cancel": gettext_lazy("Publikasi dibatalkan"),
})

S = PostState
P = PublicationState
SCHEDULABLE = (S.APPROVED, S.SCHEDULED, S.FAILED)
LIVE_ACCOUNT_STATES = (ConnectionState.CONNECTED, ConnectionState.EXPIRING)
# Publications a new schedule may (re)arm; the others are done or in flight.
REARMABLE = (P.PENDING, P.FAILED, P.CANCELLED)


MIN_YEAR, MAX_YEAR = 2000, 2100  # the calendar's bounds (calendar.MIN_YEAR, MAX_YEAR)

# --- time ---------------------------------------------------------------------------------------


def local_to_utc(unit: Unit, value: datetime) -> datetime:
    """Read ``value`` as a wall-clock time in the unit's zone (WIB, WITA, WIT); return it in UTC.

    An aware value is only converted. A year outside 2000–2100 is a typing mistake (and near
    year 1 or 9999 the conversion overflows): ValidationError.
    """
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError({"when": _("Tanggal harus antara tahun %(min)s dan %(max)s.")
                               % {"min": MIN_YEAR, "max": MAX_YEAR}})
    if value.tzinfo is None:
        value = value.replace(tzinfo=unit.zone)
    return value.astimezone(UTC)


def utc_to_local(unit: Unit, value: datetime | None) -> datetime | None:
    """Return ``value`` in the unit's zone (None stays None)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(unit.zone)


# --- checks ---------------------------------------------------------------------------------------


def _required_capabilities(variant: Variant) -> set[Capability]:
    from warta.publishing.publisher import variant_media_kinds

    kinds = variant_media_kinds(variant)
    needed: set[Capability] = set()
    if "image" in kinds:
        needed.add(Capability.PUBLISH_IMAGE)
    if "video" in kinds:
        needed.add(Capability.PUBLISH_VIDEO)
    if not kinds:
        needed.add(Capability.PUBLISH_TEXT)
    if variant.link and not kinds:
        needed.add(Capability.PUBLISH_LINK)
    return needed


def _account_problems(post: Post, account: Account, variants: dict[str, Variant]) -> list[str]:
    handle = account.handle
    if not post.unit.contains(account.unit):
        return [_("Akun %(handle)s bukan milik unit ini atau unit di bawahnya.") % {"handle": handle}]
    if account.archived_at is not None:
        return [_("Akun %(handle)s sudah diarsipkan.") % {"handle": handle}]
    if account.state not in LIVE_ACCOUNT_STATES:
        return [_("Akun %(handle)s belum terhubung atau perlu dihubungkan ulang.") % {"handle": handle}]
    variant = variants.get(account.platform)
    if variant is None:
        return [_("Konten belum punya varian untuk %(platform)s, platform akun %(handle)s.") % {
            "platform": account.get_platform_display(), "handle": handle}]
    try:
        capabilities = registry.capabilities(account.platform)
    except (ImportError, KeyError, ValueError):
        capabilities = frozenset()
    missing = _required_capabilities(variant) - set(capabilities)
    if missing:
        return [_("%(platform)s tidak dapat menerbitkan konten seperti ini lewat Warta (akun %(handle)s): "
                  "periksa media dan tautan varian.") % {"platform": account.get_platform_display(), "handle": handle}]
    return []


def _instagram_quota(post: Post, accounts: list[Account], when: datetime) -> tuple[list[str], list[str]]:
    """Check Instagram's daily cap of API posts for each Instagram account; (errors, warnings).

    The platform tells how many posts the account published in the last 24 hours; Warta adds
    the publications it already has due on the same local day. Called outside any transaction
    (one HTTP call per Instagram account).
    """
    from warta.channels.services import connector_for

    errors, warnings = [], []
    zone = post.unit.zone
    local_day = when.astimezone(zone).date()
    day_start = datetime.combine(local_day, datetime.min.time(), tzinfo=zone).astimezone(UTC)
    day_end = day_start + timedelta(days=1)
    for account in accounts:
        if account.platform != Platform.INSTAGRAM:
            continue
        try:
            used, total = connector_for(account, purpose="publishing_quota").publishing_quota()
        except (ConnectorError, AttributeError) as error:
            logger.info("Instagram quota of account %s unknown: %r", account.pk, error)
            warnings.append(_("Kuota harian Instagram untuk %(handle)s tidak dapat diperiksa; pastikan belum "
                              "melebihi batas platform.") % {"handle": account.handle})
            continue
        if not total:
            continue
        planned = (Publication.objects.filter(account=account, state__in=(P.PENDING, P.CLAIMED),
                                              due_at__gte=day_start, due_at__lt=day_end)
                   .exclude(post=post).count())
        recent = used if when - timezone.now() < timedelta(hours=24) else 0
        left = total - recent - planned
        if left <= 0:
            errors.append(_("Kuota harian Instagram untuk %(handle)s pada %(day)s sudah habis (%(count)s dari "
                            "%(total)s kiriman). Pilih hari lain.") % {
                "handle": account.handle, "day": local_day.strftime("%d-%m-%Y"), "count": recent + planned,
                "total": total})
        else:
            warnings.append(_("Sisa kuota harian Instagram untuk %(handle)s pada %(day)s: %(left)s dari %(total)s "
                              "kiriman.") % {"handle": account.handle, "day": local_day.strftime("%d-%m-%Y"),
                                             "left": left - 1, "total": total})
    return errors, warnings


def _resolve_accounts(post: Post, accounts: Iterable[Account] | None) -> list[Account]:
    if accounts is None:  # keep the accounts already chosen (a move in the calendar)
        # The chosen ones are those still waiting (or failed); an account taken off the schedule
        # stays off. Only when none waits (unscheduled, or sent back) do the cancelled ones count.
        ids = list(post.publications.filter(state__in=(P.PENDING, P.FAILED)).values_list("account_id", flat=True))
        if not ids:
            ids = list(post.publications.filter(state=P.CANCELLED).values_list("account_id", flat=True))
        return list(Account.objects.select_related("unit").filter(pk__in=ids))
    unique: dict[int, Account] = {}
    for account in accounts:
        unique.setdefault(account.pk, account)
    return list(unique.values())


# --- scheduling -----------------------------------------------------------------------------------


def _arm(*, post: Post, accounts: list[Account], when: datetime) -> list[Publication]:
    """Create or re-arm one pending publication per account; cancel the pending others."""
    existing = {p.account_id: p for p in Publication.objects.select_for_update().filter(post=post)}
    busy = [p for p in existing.values() if p.account_id in {a.pk for a in accounts}
            and p.state in (P.CLAIMED, P.UNCERTAIN)]
    if busy:
        raise ValidationError({"accounts": _("Publikasi ke %(handle)s sedang dikirim atau belum pasti; selesaikan "
                                             "dulu sebelum menjadwalkan ulang.") % {"handle": busy[0].account.handle}})
    armed = []
    for account in accounts:
        publication = existing.get(account.pk)
        if publication is None:
            publication = Publication.objects.create(post=post, account=account, state=P.PENDING, due_at=when)
        elif publication.state in REARMABLE:
            publication.state = P.PENDING
            publication.due_at = when
            publication.next_attempt_at = None
            publication.attempts = 0
            publication.error_kind = publication.error_message = publication.notice = ""
            publication.claim_token = ""
            publication.save(update_fields=["state", "due_at", "next_attempt_at", "attempts", "error_kind",
                                            "error_message", "notice", "claim_token", "updated_at"])
        else:  # already published (or deleted): never sent again by a new schedule
            continue
        armed.append(publication)
    chosen = {a.pk for a in accounts}
    for publication in existing.values():
        if publication.account_id not in chosen and publication.state == P.PENDING:
            publication.state = P.CANCELLED
            publication.save(update_fields=["state", "updated_at"])
            audit_record(actor=None, unit=post.unit, action="publication.cancel", target=publication,
                         changes={"reason": "account removed from the schedule"})
    return armed


def _validate(*, post: Post, when: datetime, accounts: list[Account], now: datetime, allow_now: bool) -> None:
    errors: dict[str, list[str]] = {}
    if post.state not in SCHEDULABLE:
        errors.setdefault("post", []).append(
            _("Hanya konten yang sudah disetujui yang dapat dijadwalkan (status sekarang: %(state)s).")
            % {"state": PostState(post.state).label})
    if when.tzinfo is None:
        raise ValueError("post_schedule takes an aware time; use local_to_utc(unit, naive)")
    if not allow_now and when <= now:
        errors.setdefault("when", []).append(_("Jadwal tidak boleh di masa lalu."))
    if not accounts:
        errors.setdefault("accounts", []).append(_("Pilih paling sedikit satu akun resmi."))
    variants = {v.platform: v for v in post.variants.all()}
    for account in accounts:
        errors.setdefault("accounts", []).extend(_account_problems(post, account, variants))
    errors = {k: v for k, v in errors.items() if v}
    if not errors:
        errors = {"when": _guideline_time_problems(post, when)}
        errors = {k: v for k, v in errors.items() if v}
    if errors:
        raise ValidationError(errors)


# The guideline's rules that depend on the time of publication: the approver checked the time
# planned at submission, so a new time is checked again here.
TIME_RULES = ("posting_hours", "sensitive_period")


def _guideline_time_problems(post: Post, when: datetime) -> list[str]:
    """The guideline's findings on ``when`` that forbid it: a time rule's error (outside the
    posting hours), or a sensitive period that needs a higher approver the post did not have."""
    from warta.publishing.services import guideline_run, platform_name

    problems: list[str] = []
    for variant in post.variants.all():
        text = "\n\n".join(t for t in (variant.text, variant.first_comment) if t)
        if not (text or variant.link):
            continue
        result = guideline_run(unit=post.unit, text=text, platform=variant.platform, links=[variant.link],
                               when=when)
        findings = [f for f in (*result.errors, *result.warnings) if getattr(f, "kind", "") in TIME_RULES]
        for finding in findings:
            if getattr(finding, "severity", "") == "error":
                problems.append(f"{platform_name(variant.platform)}: {finding.message}")
            elif getattr(finding, "escalate", False) and not post.needs_escalation:
                problems.append(_("%(platform)s: %(message)s Waktu ini perlu persetujuan pimpinan: tarik konten, "
                                  "atur waktunya, lalu ajukan ulang.") % {
                    "platform": platform_name(variant.platform), "message": finding.message})
    return list(dict.fromkeys(problems))


def post_schedule(*, actor, post: Post, when: datetime, accounts: Iterable[Account] | None = None,
                  check_quota: bool = True) -> Post:
    """Schedule an approved post (or move a scheduled one) to ``when`` (aware; see ``local_to_utc``)
    on ``accounts`` (None: the accounts already chosen).

    Preconditions: the post is approved, scheduled or failed; ``when`` is in the future; every
    account is a live account of the post's unit or below, on a platform the post has a variant
    for, able to publish its media. An Instagram account's daily cap is checked with the platform
    (refused when exhausted that day). Any failed check raises ValidationError and changes nothing.

    Side effects: one pending publication per account (the pending ones of other accounts are
    cancelled; published ones are never re-armed), ``scheduled_at`` set, the post moved to
    SCHEDULED; audited. Returns the post, with ``schedule_warnings`` (a list of messages).
    """
    return _schedule(actor=actor, post=post, when=when, accounts=accounts, check_quota=check_quota,
                     allow_now=False)


def _schedule(*, actor, post: Post, when: datetime, accounts, check_quota: bool, allow_now: bool) -> Post:
    now = timezone.now()
    post = Post.objects.select_related("unit").get(pk=post.pk)
    chosen = _resolve_accounts(post, accounts)
    _validate(post=post, when=when, accounts=chosen, now=now, allow_now=allow_now)
    warnings: list[str] = []
    if check_quota and any(a.platform == Platform.INSTAGRAM for a in chosen):
        errors, warnings = _instagram_quota(post, chosen, when)
        if errors:
            raise ValidationError({"accounts": errors})
    with transaction.atomic():
        locked = Post.objects.select_for_update(of=("self",)).select_related("unit").get(pk=post.pk)
        if locked.state != post.state:  # moved meanwhile: check again under the lock
            _validate(post=locked, when=when, accounts=chosen, now=now, allow_now=allow_now)
        before = locked.scheduled_at
        armed = _arm(post=locked, accounts=chosen, when=when)
        Post.objects.filter(pk=locked.pk).update(scheduled_at=when, updated_at=now)
        locked.scheduled_at = when
        changes = {"scheduled_at": [before.isoformat() if before else None, when.isoformat()],
                   "accounts": sorted(a.handle for a in chosen)}
        if not allow_now:
            if locked.state == S.SCHEDULED:
                audit_record(actor=actor, unit=locked.unit, action="post.schedule", target=locked, changes=changes)
            else:
                locked = post_transition(post=locked, to=S.SCHEDULED, actor=actor, changes=changes)
        else:
            locked = post_transition(post=locked, to=S.PUBLISHING, actor=actor, changes=changes)
            from warta.publishing.dispatch import publications_enqueue

            publications_enqueue([p.pk for p in armed])
    locked.schedule_warnings = warnings
    return locked


def post_publish_now(*, actor, post: Post, accounts: Iterable[Account] | None = None) -> Post:
    """Publish an approved (or scheduled, or failed) post now on ``accounts`` (None: the chosen ones).

    Same checks as ``post_schedule`` but for the time; the post moves to PUBLISHING and one
    publishing task per account is enqueued after commit. Audited.
    """
    return _schedule(actor=actor, post=post, when=timezone.now(), accounts=accounts, check_quota=True,
                     allow_now=True)


def post_unschedule(*, actor, post: Post) -> Post:
    """Take a scheduled post off the schedule: its pending publications are cancelled and the
    post is approved again (still approved, ready for a new time). Audited."""
    with transaction.atomic():
        locked = Post.objects.select_for_update(of=("self",)).select_related("unit").get(pk=post.pk)
        if locked.state != S.SCHEDULED:
            raise ValidationError({"post": _("Konten ini tidak sedang terjadwal.")})
        if Publication.objects.filter(post=locked, state__in=(P.CLAIMED, P.PUBLISHED, P.UNCERTAIN)).exists():
            raise ValidationError({"post": _("Konten ini sudah mulai diterbitkan; jadwalnya tidak dapat dibatalkan.")})
        pending = list(Publication.objects.select_for_update().filter(post=locked, state=P.PENDING))
        Publication.objects.filter(pk__in=[p.pk for p in pending]).update(state=P.CANCELLED, updated_at=timezone.now())
        audit_record(actor=actor, unit=locked.unit, action="post.unschedule", target=locked,
                     changes={"cancelled": len(pending),
                              "scheduled_at": locked.scheduled_at.isoformat() if locked.scheduled_at else None})
        locked = post_transition(post=locked, to=S.APPROVED, actor=actor, reason="unschedule")
    return locked


# --- human actions on one publication --------------------------------------------------------------


def _locked_publication(publication: Publication) -> Publication:
    return (Publication.objects.select_for_update(of=("self",)).select_related("post__unit", "account__unit")
            .get(pk=publication.pk))


def publication_mark_published(*, actor, publication: Publication, url: str, external_id: str = "") -> Publication:
    """Record that an uncertain (or failed) publication IS on the platform, at ``url``.

    For the case reconciliation could not decide (the platform cannot list posts). Refused for
    a publication in any other state or with an address that is not http(s). Audited; the post
    moves on when all its publications are settled.
    """
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError({"url": _("Isi alamat kiriman di platform (URL http:// atau https:// yang lengkap).")}) \
            from None
    from warta.publishing.publisher import post_settle

    with transaction.atomic():
        Post.objects.select_for_update().filter(pk=publication.post_id).first()
        locked = _locked_publication(publication)
        if locked.state not in (P.UNCERTAIN, P.FAILED):
            raise ValidationError({"publication": _("Hanya publikasi yang belum pasti atau gagal yang dapat ditandai "
                                                    "sudah terbit.")})
        before = locked.state
        locked.state = P.PUBLISHED
        locked.url = url[:1000]
        locked.external_id = (external_id or "").strip()[:200] or locked.external_id
        locked.published_at = locked.published_at or timezone.now()
        locked.error_kind = ""
        locked.next_attempt_at = None
        locked.save(update_fields=["state", "url", "external_id", "published_at", "error_kind", "next_attempt_at",
                                   "updated_at"])
        audit_record(actor=actor, unit=locked.post.unit, action="publication.mark_published", target=locked,
                     changes={"state": [before, P.PUBLISHED], "url": locked.url})
        post_settle(locked.post, actor=actor)
    return locked


def publication_resend(*, actor, publication: Publication) -> Publication:
    """Send an uncertain or failed publication again, now: the human has checked that it is NOT
    on the platform. Audited; the post moves back to PUBLISHING and the task is enqueued."""
    from warta.publishing.dispatch import publications_enqueue

    with transaction.atomic():
        post = Post.objects.select_for_update(of=("self",)).select_related("unit").get(pk=publication.post_id)
        locked = _locked_publication(publication)
        if locked.state not in (P.UNCERTAIN, P.FAILED):
            raise ValidationError({"publication": _("Hanya publikasi yang belum pasti atau gagal yang dapat dikirim "
                                                    "ulang.")})
        if locked.account.archived_at is not None or locked.account.state not in LIVE_ACCOUNT_STATES:
            raise ValidationError({"publication": _("Akun %(handle)s belum terhubung; hubungkan ulang dulu.")
                                   % {"handle": locked.account.handle}})
        if post.state != S.PUBLISHING:
            if not transition_allowed(post.state, S.PUBLISHING):
                raise ValidationError({"publication": _("Konten berstatus “%(state)s” tidak dapat dikirim ulang.")
                                       % {"state": PostState(post.state).label}})
            post_transition(post=post, to=S.PUBLISHING, actor=actor, reason="resend")
        before = locked.state
        now = timezone.now()
        locked.state = P.PENDING
        locked.due_at = now
        locked.attempts = 0
        locked.next_attempt_at = None
        locked.error_kind = locked.error_message = locked.notice = ""
        locked.save(update_fields=["state", "due_at", "attempts", "next_attempt_at", "error_kind", "error_message",
                                   "notice", "updated_at"])
        audit_record(actor=actor, unit=post.unit, action="publication.resend", target=locked,
                     changes={"state": [before, P.PENDING], "by": "human"})
        publications_enqueue([locked.pk])
    return locked


def publication_delete_from_platform(*, actor, publication: Publication) -> Publication:
    """Remove a published post from its platform (the platform call first, then the record).

    Refused when the publication is not published or the platform cannot delete through its
    API; a platform failure is explained in plain words and changes nothing. Audited.
    """
    from warta.channels.services import account_error_record, connector_for, error_explain

    publication = Publication.objects.select_related("post__unit", "account__unit").get(pk=publication.pk)
    if publication.state != P.PUBLISHED or not publication.external_id:
        raise ValidationError({"publication": _("Hanya publikasi yang sudah terbit yang dapat dihapus dari platform.")})
    account = publication.account
    try:
        capabilities = registry.capabilities(account.platform)
    except (ImportError, KeyError, ValueError):
        capabilities = frozenset()
    if Capability.DELETE not in capabilities:
        raise ValidationError({"publication": _("%(platform)s tidak mengizinkan Warta menghapus kiriman; hapus langsung "
                                                "di aplikasi platform.") % {"platform": account.get_platform_display()}})
    try:
        connector_for(account, purpose="delete", actor=actor).delete(publication.external_id)
    except ConnectorError as error:
        account_error_record(account, error)
        what, fix = error_explain(error)
        detail = f" ({error.platform_message})" if error.platform_message else ""
        raise ValidationError({"publication": f"{what}{detail} {fix}"}) from None
    with transaction.atomic():
        locked = _locked_publication(publication)
        if locked.state != P.PUBLISHED:
            return locked
        locked.state = P.DELETED
        locked.save(update_fields=["state", "updated_at"])
        audit_record(actor=actor, unit=locked.post.unit, action="publication.delete", target=locked,
                     changes={"external_id": locked.external_id, "url": locked.url})
    return locked
