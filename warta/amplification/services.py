"""Writes of amplification: send a package down the tree, accept or decline a task, follow the
sub-units' posts, remind those who have not shared (ADR 0025).

Every write here runs in one transaction and is audited; bad input raises ``ValidationError``
with an Indonesian message and stores nothing. Whether the acting user may send
(``amplification.send``) or respond (``amplification.respond``) is checked by the view or
endpoint through the scope, as everywhere in Warta.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warta.amplification.models import (
    PENDING_STATES,
    AmplificationTask,
    Package,
    PackageState,
    TaskState,
)
from warta.channels import limits
from warta.core.audit import audit_action_register, audit_record
from warta.organisations import tree
from warta.organisations.models import Membership, Unit
from warta.organisations.roles import Role, permission_register

logger = logging.getLogger(__name__)

permission_register("amplification.view", set(Role))
permission_register("amplification.send", {Role.ADMIN, Role.APPROVER})
permission_register("amplification.respond", {Role.ADMIN, Role.APPROVER, Role.EDITOR})

audit_action_register({
    "amplification_package.create": gettext_lazy("Paket amplifikasi dikirim ke unit di bawahnya"),
    "amplification_package.close": gettext_lazy("Paket amplifikasi ditutup"),
    "amplification_task.accept": gettext_lazy("Tugas amplifikasi diterima dan disesuaikan"),
    "amplification_task.decline": gettext_lazy("Tugas amplifikasi ditolak"),
    "amplification_task.state": gettext_lazy("Status tugas amplifikasi mengikuti kontennya"),
    "amplification_task.remind": gettext_lazy("Pengingat tugas amplifikasi dikirim"),
})

TITLE_MAX = 200
NOTE_MAX = 5000
REASON_MAX = 1000
RESPONDER_ROLES = (Role.ADMIN, Role.APPROVER, Role.EDITOR)
REMIND_BEFORE = timedelta(hours=24)
# A published task's reach keeps being refreshed this long after it was shared.
REACH_FOLLOW = timedelta(days=30)
REACH_KEYS = ("reach", "impressions", "views")


def _text(value) -> str:
    return str(value or "").replace("\x00", "").replace("\r\n", "\n").strip()


# --- who hears about it --------------------------------------------------------------------------


def responders(unit: Unit, *, below: Unit | None = None) -> list:
    """The users who answer for ``unit``'s tasks: its own editors, approvers and admins; when it
    has none, those of the nearest unit above it (but below ``below``, the sender)."""
    paths = [p for p in tree.ancestor_paths(unit.path) if below is None or len(p) > len(below.path)]
    rows = (Membership.objects.filter(unit_path__in=paths, role__in=RESPONDER_ROLES, user__is_active=True,
                                      unit__archived_at__isnull=True).select_related("user"))
    by_path: dict[str, list] = {}
    for m in rows:
        by_path.setdefault(m.unit_path, []).append(m.user)
    for path in sorted(by_path, key=len, reverse=True):
        return sorted(by_path[path], key=lambda u: u.email)
    return []


def _task_url(task: AmplificationTask) -> str:
    return reverse("amplification:task-detail", args=[task.unit.uuid, task.uuid])


def _notify_task(task: AmplificationTask, *, kind: str, title: str, body: str) -> int:
    from warta.notifications.services import notify

    users = responders(task.unit, below=task.package.unit)
    notify(users=users, unit=task.unit, kind=kind, title=title, body=body, url=_task_url(task))
    return len(users)


def _deadline_text(package: Package, unit: Unit) -> str:
    if package.deadline is None:
        return _("tanpa batas waktu")
    local = timezone.localtime(package.deadline, unit.zone)
    return f"{local:%d-%m-%Y %H:%M} {unit.zone_label}".strip()


# --- packages ------------------------------------------------------------------------------------


def variants_clean(variants, *, with_media: bool = False) -> dict:
    """Check ``{platform: {text, link}}``: known platforms, text within the platform's limit, a
    valid link. Return the cleaned dict; raise ValidationError."""
    if not isinstance(variants, dict) or not variants:
        raise ValidationError({"variants": _("Pilih paling sedikit satu platform dan tulis teksnya.")})
    out, errors = {}, {}
    for platform, data in variants.items():
        platform = str(platform)
        if platform not in limits.RULES:
            raise ValidationError({"variants": _("Platform tidak dikenal: %(platform)s.") % {"platform": platform}})
        data = data if isinstance(data, dict) else {}
        text, link = _text(data.get("text")), _text(data.get("link"))
        name = limits.PLATFORM_NAMES.get(platform, platform)
        problems = []
        if not text:
            problems.append(_("Teks %(platform)s masih kosong.") % {"platform": name})
        else:
            problems += [f"{name}: {p}" for p in limits.text_problems(platform, text, with_media=with_media)]
        if link:
            try:
                URLValidator(schemes=["http", "https"])(link)
            except ValidationError:
                problems.append(_("Tautan %(platform)s bukan alamat web yang sah (awali dengan https://).")
                                % {"platform": name})
        if problems:
            errors[f"variants.{platform}"] = problems
        out[platform] = {"text": text, "link": link}
    if errors:
        raise ValidationError(errors)
    return {p: out[p] for p in limits.RULES if p in out}


def guideline_errors(*, unit: Unit, variants: dict, when: datetime | None = None) -> tuple[dict, list]:
    """Run ``unit``'s guideline on every variant: (errors by field, warnings as plain dicts)."""
    from warta.publishing.services import finding_dict, guideline_run

    errors: dict[str, list[str]] = {}
    warnings: list[dict] = []
    for platform, data in variants.items():
        result = guideline_run(unit=unit, text=data["text"], platform=platform, links=[data.get("link", "")],
                               when=when)
        name = limits.PLATFORM_NAMES.get(platform, platform)
        messages = [_("%(platform)s — Pedoman: %(message)s") % {"platform": name, "message": finding_dict(f)["message"]}
                    for f in result.errors]
        if messages:
            errors[f"variants.{platform}"] = messages
        warnings += [finding_dict(f, platform=platform) for f in result.warnings]
    return errors, warnings


def package_media_available(unit: Unit):
    """Media a package of ``unit`` may carry: active files of the unit or of the units above it
    (every recipient below may use them)."""
    from warta.media.models import MediaAsset

    return (MediaAsset.objects.active().filter(unit__path__in=tree.ancestor_paths(unit.path))
            .select_related("unit").order_by("-pk"))


def recipients_available(unit: Unit):
    """The units a package of ``unit`` may go to: every active unit strictly below it."""
    return Unit.objects.subtree_of(unit).exclude(pk=unit.pk).filter(archived_at__isnull=True)


def _clean_recipients(unit: Unit, recipients: Iterable) -> list[Unit]:
    chosen: dict[int, Unit] = {}
    for r in recipients or ():
        if not isinstance(r, Unit):
            raise ValidationError({"recipients": _("Unit penerima tidak dikenal.")})
        if r.pk == unit.pk or not tree.is_within(r.path, unit.path):
            raise ValidationError({"recipients": _("%(unit)s bukan unit di bawah %(sender)s: paket hanya dapat "
                                                   "dikirim ke unit di bawah unit pengirim.")
                                   % {"unit": r.name, "sender": unit.name}})
        if r.archived_at is not None:
            raise ValidationError({"recipients": _("%(unit)s sudah diarsipkan.") % {"unit": r.name}})
        chosen[r.pk] = r
    if not chosen:
        raise ValidationError({"recipients": _("Pilih paling sedikit satu unit penerima.")})
    return sorted(chosen.values(), key=lambda u: u.path)


def _clean_media(unit: Unit, media: Iterable) -> list:
    from warta.media.models import MediaAsset

    allowed = package_media_available(unit)
    out = []
    for item in media or ():
        if isinstance(item, MediaAsset):
            asset = allowed.filter(pk=item.pk).first()
        else:
            try:
                asset = allowed.filter(uuid=str(item)).first()
            except (ValueError, ValidationError):
                asset = None
        if asset is None:
            raise ValidationError({"media": _("Media tidak ditemukan di pustaka media unit ini atau unit di "
                                              "atasnya.")})
        if asset not in out:
            out.append(asset)
    return out


def package_create(*, actor, unit: Unit, title: str, variants: dict, recipients: Iterable[Unit],
                   deadline: datetime | None = None, note: str = "", media: Iterable = (),
                   source_post=None) -> Package:
    """Send a content package from ``unit`` to ``recipients`` (units strictly below it).

    Each recipient gets one task, and its editors, approvers and admins a notification (and an
    email) with a link to the task. Refused, with nothing stored: a recipient outside the
    sender's subtree, text over a platform's limit, a guideline error of the sender's unit
    (inherited by every recipient), a deadline in the past, media the recipients cannot reach.
    """
    title = _text(title)
    if not title:
        raise ValidationError({"title": _("Judul wajib diisi.")})
    if len(title) > TITLE_MAX:
        raise ValidationError({"title": _("Judul paling banyak %(n)s karakter.") % {"n": TITLE_MAX}})
    note = _text(note)
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("Catatan paling banyak %(n)s karakter.") % {"n": NOTE_MAX}})
    if deadline is not None:
        if timezone.is_naive(deadline):
            deadline = deadline.replace(tzinfo=unit.zone)
        if deadline <= timezone.now():
            raise ValidationError({"deadline": _("Batas waktu sudah lewat: pilih waktu yang akan datang.")})
    assets = _clean_media(unit, media)
    cleaned = variants_clean(variants, with_media=bool(assets))
    units = _clean_recipients(unit, recipients)
    if source_post is not None and not tree.is_within(source_post.unit.path, unit.path):
        raise ValidationError({"source_post": _("Konten asal bukan milik unit ini.")})
    errors, _warnings = guideline_errors(unit=unit, variants=cleaned)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        package = Package.objects.create(unit=unit, title=title, note=note, deadline=deadline, variants=cleaned,
                                          source_post=source_post, created_by=actor)
        if assets:
            package.media.set(assets)
        AmplificationTask.objects.bulk_create([AmplificationTask(package=package, unit=u) for u in units])
        audit_record(actor=actor, unit=unit, action="amplification_package.create", target=package, changes={
            "title": title, "platforms": list(cleaned), "recipients": len(units),
            "deadline": deadline.isoformat() if deadline else None, "media": len(assets)})
        for task in package.tasks.select_related("unit", "package__unit"):
            _notify_task(task, kind="amplification-task",
                         title=_("Permintaan amplifikasi dari %(sender)s: %(title)s")
                         % {"sender": unit.name, "title": title},
                         body=_("Bagikan ulang konten ini di akun resmi %(unit)s. Batas waktu: %(deadline)s.")
                         % {"unit": task.unit.name, "deadline": _deadline_text(package, task.unit)}
                         + (f"\n\n{note}" if note else ""))
    return package


def package_close(*, actor, package: Package) -> Package:
    """Close a package: its tasks still waiting can no longer be accepted, nor are they reminded."""
    with transaction.atomic():
        locked = Package.objects.select_for_update().get(pk=package.pk)
        if locked.state == PackageState.CLOSED:
            return locked
        locked.state, locked.closed_at = PackageState.CLOSED, timezone.now()
        locked.save(update_fields=["state", "closed_at", "updated_at"])
        audit_record(actor=actor, unit=package.unit, action="amplification_package.close", target=locked,
                     changes={"state": [PackageState.OPEN, PackageState.CLOSED]})
    package.refresh_from_db()
    return package


# --- tasks ---------------------------------------------------------------------------------------


def _locked_task(task: AmplificationTask) -> AmplificationTask:
    return AmplificationTask.objects.select_for_update(of=("self",)).select_related("package__unit", "unit").get(pk=task.pk)


def task_accept(*, actor, task: AmplificationTask, variants: dict, title: str = "", submit: bool = False):
    """The sub-unit adapts the package's text and makes its own draft post from it.

    ``variants`` is ``{platform: {text, link}}`` (the package's platforms or fewer); the
    package's media go with every variant. The text is checked against the sub-unit's own
    guideline: an error refuses (nothing stored), warnings are left for its approver. The draft
    (``publishing.services.post_create``) then goes through the sub-unit's approval and schedule
    as any post; with ``submit`` it is submitted for approval at once. Returns the task.
    """
    from warta.publishing.services import post_create, post_submit

    with transaction.atomic():
        locked = _locked_task(task)
        package = locked.package
        if package.state != PackageState.OPEN:
            raise ValidationError({"task": _("Paket ini sudah ditutup oleh pengirimnya.")})
        if locked.state != TaskState.WAITING:
            raise ValidationError({"task": _("Tugas berstatus “%(state)s” tidak dapat diterima lagi.")
                                   % {"state": locked.get_state_display()}})
        unknown = [p for p in (variants or {}) if p not in package.variants]
        if unknown:
            raise ValidationError({"variants": _("Platform %(platforms)s tidak ada dalam paket ini.")
                                   % {"platforms": ", ".join(map(str, unknown))}})
        assets = list(package.media.all())
        cleaned = variants_clean(variants, with_media=bool(assets))
        errors, _warnings = guideline_errors(unit=locked.unit, variants=cleaned)
        if errors:
            raise ValidationError(errors)
        media = [{"asset": a, "alt_text": a.alt_text} for a in assets]
        post = post_create(actor=actor, unit=locked.unit, title=_text(title) or package.title[:TITLE_MAX],
                           notes=_("Amplifikasi dari %(sender)s: %(title)s")
                           % {"sender": package.unit.name, "title": package.title},
                           variants={p: {**v, "media": media} for p, v in cleaned.items()})
        locked.post, locked.state = post, TaskState.ADAPTED
        locked.responded_by, locked.responded_at = actor, timezone.now()
        locked.save(update_fields=["post", "state", "responded_by", "responded_at", "updated_at"])
        audit_record(actor=actor, unit=locked.unit, action="amplification_task.accept", target=locked, changes={
            "package": str(package.uuid), "post": str(post.uuid), "platforms": list(cleaned),
            "adapted": any(cleaned[p]["text"] != package.variants.get(p, {}).get("text") for p in cleaned)})
        if submit:
            post_submit(actor=actor, post=post)
            task_sync(task=locked)
    task.refresh_from_db()
    return task


def task_decline(*, actor, task: AmplificationTask, reason: str) -> AmplificationTask:
    """The sub-unit declines to share, with a reason the sender sees in the tracker."""
    reason = _text(reason)
    if not reason:
        raise ValidationError({"reason": _("Tuliskan alasan penolakan.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Alasan paling banyak %(n)s karakter.") % {"n": REASON_MAX}})
    with transaction.atomic():
        locked = _locked_task(task)
        if locked.state not in PENDING_STATES:
            raise ValidationError({"task": _("Tugas berstatus “%(state)s” tidak dapat ditolak.")
                                   % {"state": locked.get_state_display()}})
        before = locked.state
        locked.state, locked.declined_reason = TaskState.DECLINED, reason
        locked.responded_by, locked.responded_at = actor, timezone.now()
        locked.save(update_fields=["state", "declined_reason", "responded_by", "responded_at", "updated_at"])
        audit_record(actor=actor, unit=locked.unit, action="amplification_task.decline", target=locked,
                     changes={"state": [before, TaskState.DECLINED], "reason": reason[:500]})
        package = locked.package
        if package.created_by_id and package.created_by_id != getattr(actor, "pk", None):
            from warta.notifications.services import notify

            notify(users=[package.created_by], unit=package.unit, kind="amplification-declined",
                   title=_("%(unit)s menolak paket %(title)s") % {"unit": locked.unit.name, "title": package.title},
                   body=reason[:500], email=False,
                   url=reverse("amplification:package-detail", args=[package.unit.uuid, package.uuid]))
    task.refresh_from_db()
    return task


# --- following the sub-units' posts --------------------------------------------------------------


def task_state_from_post(post) -> str:
    """The task's state as its post's: draft → adapted, in approval or on its way → submitted,
    on a platform → published."""
    from warta.publishing.models import PostState as S
    from warta.publishing.models import PublicationState as P

    if post is None:
        return TaskState.WAITING
    if post.state == S.PUBLISHED or post.publications.filter(state=P.PUBLISHED).exists():
        return TaskState.PUBLISHED
    if post.state in (S.DRAFT, S.CHANGES_REQUESTED) or post.archived_at is not None:
        return TaskState.ADAPTED
    return TaskState.SUBMITTED


def post_reach(post) -> int | None:
    """The sum of the latest reach of each publication of ``post`` that is on its platform
    (ingest's post metric snapshots, else its stored item's metrics); None when no figure yet."""
    from warta.ingest.models import Item, PostMetricSnapshot
    from warta.publishing.models import PublicationState as P

    total, seen = 0, False
    for pub in post.publications.filter(state__in=(P.PUBLISHED, P.DELETED)).exclude(external_id="") \
            .select_related("account"):
        values = None
        snap = (PostMetricSnapshot.objects.filter(account=pub.account_id, external_id=pub.external_id)
                .order_by("-observed_at").first())
        if snap is not None:
            values = snap.values
        else:
            item = Item.objects.filter(platform=pub.account.platform, external_id=pub.external_id).first()
            values = item.metrics if item is not None and item.metrics else None
        if not values:
            continue
        for key in REACH_KEYS:
            value = values.get(key)
            if isinstance(value, int | float) and value >= 0:
                total += int(value)
                seen = True
                break
    return total if seen else None


def _first_published_at(post):
    from warta.publishing.models import PublicationState as P

    first = (post.publications.filter(state__in=(P.PUBLISHED, P.DELETED), published_at__isnull=False)
             .order_by("published_at").values_list("published_at", flat=True).first())
    return first or post.published_at or timezone.now()


def task_sync(*, task: AmplificationTask) -> AmplificationTask:
    """Bring a task in line with its post: its state, when it was shared, its reach. Safe to run
    any number of times; a change of state is audited (by the system)."""
    if task.post_id is None or task.state == TaskState.DECLINED:
        return task
    with transaction.atomic():
        locked = (AmplificationTask.objects.select_for_update(of=("self",)).select_related("post", "unit")
                  .filter(pk=task.pk).first())
        if locked is None or locked.post is None or locked.state == TaskState.DECLINED:
            return task
        state = task_state_from_post(locked.post)
        fields = []
        if state != locked.state:
            audit_record(actor=None, unit=locked.unit, action="amplification_task.state", target=locked,
                         changes={"state": [locked.state, state], "post_state": locked.post.state})
            locked.state = state
            fields.append("state")
        if state == TaskState.PUBLISHED:
            if locked.published_at is None:
                locked.published_at = _first_published_at(locked.post)
                fields.append("published_at")
            reach = post_reach(locked.post)
            if reach != locked.reach or locked.reach_updated_at is None:
                locked.reach, locked.reach_updated_at = reach, timezone.now()
                fields += ["reach", "reach_updated_at"]
        if fields:
            locked.save(update_fields=fields + ["updated_at"])
    task.refresh_from_db()
    return task


def tasks_sync_for_posts(post_ids: list[int]) -> int:
    """Sync the tasks of posts just recorded as published (a publishing hook: the tracker shows
    a re-share at once instead of at the next periodic sync). Return how many changed."""
    changed = 0
    for task in AmplificationTask.objects.filter(post_id__in=post_ids).exclude(state=TaskState.DECLINED):
        before = task.state
        changed += task_sync(task=task).state != before
    return changed


def tasks_sync(*, package: Package | None = None, now: datetime | None = None) -> int:
    """Sync every task that has a post and is still followed: not declined, not shared longer
    ago than ``REACH_FOLLOW``. Return how many changed."""
    now = now or timezone.now()
    rows = (AmplificationTask.objects.filter(post__isnull=False).exclude(state=TaskState.DECLINED)
            .filter(Q(published_at__isnull=True) | Q(published_at__gte=now - REACH_FOLLOW)))
    if package is not None:
        rows = rows.filter(package=package)
    changed = 0
    for task in rows.iterator():
        before = (task.state, task.reach, task.published_at)
        try:
            after = task_sync(task=task)
        except Exception:  # one broken row must not stop the others
            logger.exception("amplification: task %s could not be synced", task.pk)
            continue
        changed += (after.state, after.reach, after.published_at) != before
    return changed


# --- reminders -----------------------------------------------------------------------------------


def _reminded_today(task: AmplificationTask, now: datetime) -> bool:
    if task.reminded_at is None:
        return False
    zone = task.unit.zone
    return timezone.localtime(task.reminded_at, zone).date() == timezone.localtime(now, zone).date()


def _remind(task: AmplificationTask, *, actor, now: datetime) -> bool:
    package = task.package
    overdue = package.deadline is not None and package.deadline < now
    if overdue:
        title = _("Batas waktu amplifikasi sudah lewat: %(title)s") % {"title": package.title}
    else:
        title = _("Pengingat amplifikasi: %(title)s") % {"title": package.title}
    body = _("%(sender)s meminta %(unit)s membagikan ulang konten ini. Batas waktu: %(deadline)s.") % {
        "sender": package.unit.name, "unit": task.unit.name, "deadline": _deadline_text(package, task.unit)}
    with transaction.atomic():
        locked = AmplificationTask.objects.select_for_update().filter(pk=task.pk, state__in=PENDING_STATES).first()
        if locked is None:
            return False
        locked.unit = task.unit
        if _reminded_today(locked, now):
            return False
        locked.reminded_at = now
        locked.save(update_fields=["reminded_at", "updated_at"])
        audit_record(actor=actor, unit=task.unit, action="amplification_task.remind", target=locked,
                     changes={"package": str(package.uuid), "overdue": overdue})
        _notify_task(task, kind="amplification-reminder", title=title, body=body)
    task.reminded_at = now
    return True


def reminders_due(now: datetime):
    """Tasks still waiting or adapted, of open packages whose deadline is within 24 h or passed."""
    return (AmplificationTask.objects.filter(state__in=PENDING_STATES, package__state=PackageState.OPEN,
                                             package__deadline__isnull=False,
                                             package__deadline__lte=now + REMIND_BEFORE)
            .select_related("package__unit", "unit").order_by("pk"))


def reminders_send(*, now: datetime | None = None) -> int:
    """The daily job: remind every due task not yet reminded today (in its unit's zone)."""
    now = now or timezone.now()
    tasks_sync(now=now)  # a task whose post went out since the last sync is not reminded
    sent = 0
    for task in reminders_due(now):
        if not _reminded_today(task, now):
            sent += _remind(task, actor=None, now=now)
    return sent


def package_remind(*, actor, package: Package, now: datetime | None = None) -> tuple[int, int]:
    """"Ingatkan sekarang": remind the package's tasks still waiting or adapted, each at most once
    a day. Return (reminded, skipped because already reminded today)."""
    now = now or timezone.now()
    if package.state != PackageState.OPEN:
        raise ValidationError({"package": _("Paket ini sudah ditutup.")})
    tasks_sync(package=package, now=now)
    sent = skipped = 0
    for task in package.tasks.filter(state__in=PENDING_STATES).select_related("package__unit", "unit"):
        if _reminded_today(task, now):
            skipped += 1
        else:
            sent += _remind(task, actor=actor, now=now)
    return sent, skipped
