"""The editorial calendar (ADR 0024): what a unit and its subtree plan and publish, by day.

Reads (always through a scope): ``calendar_entries`` places each post of the subtree on the
local day of its time in the *viewing* unit's zone — ``published_at`` once published, else
``scheduled_at`` (for a draft, its planned time); ``unscheduled_posts`` lists the drafts and
approved posts that have no time yet; ``calendar_build`` gathers a month, week or list range
with the day marks of ``warta.planning.holidays.calendar_marks``.

Writes: ``post_move`` moves a post to another local day keeping its time of day. A scheduled
(or approved, or failed) post is rescheduled through the engine's ``post_schedule`` (every check
of the engine holds: a time in the future, live accounts). A draft (or a post sent back for
changes) only has a *planned* time: its ``scheduled_at`` moves and nothing is armed, since the
dispatcher sends publications, never posts. A post in review is refused (its time is part of
what the approver checks: the guideline's sensitive periods depend on it), and so is anything
already on its way to a platform.

Also the campaign-duplication hook of the planning app: a duplicated campaign gets copies of
the original's planned posts, as new drafts, their planned times shifted.
"""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warta.channels.models import Account
from warta.core.audit import audit_action_register, audit_record
from warta.organisations.models import Unit
from warta.organisations.scope import Scope
from warta.publishing.models import Post, PostState, Publication, PublicationState
from warta.publishing.schedule import SCHEDULABLE, local_to_utc, post_schedule, utc_to_local

S = PostState
VIEWS = ("month", "week", "list")
MAX_API_DAYS = 100
DEFAULT_TIME = time(9, 0)  # a post without a time dropped on a day is planned at 09:00 local
# States whose time is only a plan (nothing is armed): moving them moves the plan.
PLANNED_ONLY = (S.DRAFT, S.CHANGES_REQUESTED)
# Publications that make a post "on its way": never moved by the calendar.
IN_FLIGHT = (PublicationState.CLAIMED, PublicationState.UNCERTAIN)

audit_action_register({
    "post.plan": gettext_lazy("Waktu rencana konten diubah"),
    "post.plan_import": gettext_lazy("Rencana bulanan diimpor"),
    "post.campaign_copy": gettext_lazy("Konten rencana disalin ke kampanye baru"),
})

# Colours of the states (the pillar colour, when a post has a pillar, is shown beside it).
STATE_CLASS = {
    S.DRAFT: "st-draft", S.IN_REVIEW: "st-review", S.CHANGES_REQUESTED: "st-changes", S.APPROVED: "st-approved",
    S.SCHEDULED: "st-scheduled", S.PUBLISHING: "st-publishing", S.PUBLISHED: "st-published", S.FAILED: "st-failed",
    S.UNCERTAIN: "st-uncertain",
}


# --- filters ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarFilter:
    unit: Unit | None = None  # a unit of the scope's subtree (its own subtree is shown)
    account: Account | None = None
    pillar: object = None
    campaign: object = None
    state: str = ""


def has_plan_fields() -> bool:
    """Whether posts carry a campaign and a pillar (the planning link of the composer)."""
    return hasattr(Post, "campaign_id") and hasattr(Post, "pillar_id")


def filter_choices(scope: Scope) -> dict:
    """What the filters offer: units of the subtree, accounts, and (when posts have them) the
    pillars and campaigns available to the unit."""
    units = Unit.objects.subtree_of(scope.unit).filter(archived_at__isnull=True).order_by("path")
    accounts = (Account.objects.active().filter(unit__path__startswith=scope.unit.path).select_related("unit")
                .order_by("platform", "handle"))
    pillars = campaigns = None
    if has_plan_fields():
        from warta.planning.selectors import campaigns_available, pillars_available

        pillars, campaigns = pillars_available(scope.unit), campaigns_available(scope.unit)
    return {"units": units, "accounts": accounts, "pillars": pillars, "campaigns": campaigns}


def _filtered(scope: Scope, f: CalendarFilter) -> QuerySet[Post]:
    qs = Post.objects.for_scope(scope).filter(archived_at__isnull=True)
    if f.unit is not None:
        if not scope.contains(f.unit):
            return qs.none()
        qs = qs.filter(unit__path__startswith=f.unit.path)
    if f.account is not None:
        qs = qs.filter(publications__account=f.account,
                       publications__state__in=[s for s in PublicationState if s != PublicationState.CANCELLED])
    if f.state:
        qs = qs.filter(state=f.state)
    if has_plan_fields():
        if f.pillar is not None:
            qs = qs.filter(pillar=f.pillar)
        if f.campaign is not None:
            qs = qs.filter(campaign=f.campaign)
    related = ["unit"] + (["pillar", "campaign"] if has_plan_fields() else [])
    return qs.distinct().select_related(*related).prefetch_related("variants", "publications__account")


# --- entries ---------------------------------------------------------------------------------------


@dataclass
class Entry:
    post: Post
    at: datetime | None  # in the viewing unit's zone
    platforms: list[str]
    accounts: list[str]
    movable: bool

    @property
    def time_label(self) -> str:
        return self.at.strftime("%H:%M") if self.at else ""

    @property
    def iso(self) -> str:
        return self.at.isoformat() if self.at else ""

    @property
    def state_class(self) -> str:
        return STATE_CLASS.get(self.post.state, "")

    @property
    def pillar(self):
        return getattr(self.post, "pillar", None) if has_plan_fields() else None

    @property
    def campaign(self):
        return getattr(self.post, "campaign", None) if has_plan_fields() else None

    def as_dict(self) -> dict:
        pillar, campaign = self.pillar, self.campaign
        return {
            "post_uuid": self.post.uuid, "title": self.post.title, "state": self.post.state,
            "state_label": str(PostState(self.post.state).label), "at": self.at, "local_date": self.at.date(),
            "local_time": self.at.strftime("%H:%M"), "platforms": self.platforms, "accounts": self.accounts,
            "unit_uuid": self.post.unit.uuid, "unit_name": self.post.unit.name, "movable": self.movable,
            "pillar": pillar.name if pillar else None, "pillar_colour": pillar.colour if pillar else None,
            "campaign": campaign.name if campaign else None,
        }


def post_time(post: Post) -> datetime | None:
    """Where a post sits in the calendar: its publication time once published, else its
    scheduled (or, for a draft, planned) time."""
    if post.state == S.PUBLISHED and post.published_at:
        return post.published_at
    return post.scheduled_at or post.published_at


def movable(post: Post, *, can_publish: bool) -> bool:
    """Whether the calendar offers to move ``post`` (role and state; the move still checks all)."""
    if not can_publish or post.archived_at is not None:
        return False
    return post.state in PLANNED_ONLY or post.state in SCHEDULABLE


def _entry(post: Post, zone, can_publish: bool) -> Entry:
    at = post_time(post)
    live = [p for p in post.publications.all() if p.state != PublicationState.CANCELLED]
    return Entry(post=post, at=at.astimezone(zone) if at else None,
                 platforms=sorted({v.platform for v in post.variants.all()}),
                 accounts=sorted({p.account.handle for p in live}), movable=movable(post, can_publish=can_publish))


def day_bounds(unit: Unit, start: date, end: date) -> tuple[datetime, datetime]:
    """UTC instants of the start of ``start`` and the end of ``end`` (exclusive) in the unit's zone."""
    zone = unit.zone
    return (datetime.combine(start, time.min, tzinfo=zone).astimezone(UTC),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC))


def calendar_entries(*, scope: Scope, start: date, end: date, filters: CalendarFilter | None = None) -> list[Entry]:
    """Posts of the scope's subtree whose calendar time falls from ``start`` to ``end`` (local
    days of the scope's unit, both included), sorted by time."""
    f = filters or CalendarFilter()
    lo, hi = day_bounds(scope.unit, start, end)
    qs = _filtered(scope, f).filter(Q(scheduled_at__gte=lo, scheduled_at__lt=hi)
                                    | Q(published_at__gte=lo, published_at__lt=hi))
    can_publish = scope.can("publishing.publish")
    out = []
    for post in qs:
        at = post_time(post)
        if at is not None and lo <= at < hi:
            out.append(_entry(post, scope.unit.zone, can_publish))
    return sorted(out, key=lambda e: (e.at, e.post.title, e.post.pk))


def unscheduled_posts(*, scope: Scope, filters: CalendarFilter | None = None, limit: int = 50) -> list[Entry]:
    """Drafts and approved posts of the subtree without a time ("belum dijadwalkan"), newest first."""
    f = filters or CalendarFilter()
    qs = (_filtered(scope, f).filter(scheduled_at__isnull=True, published_at__isnull=True)
          .filter(state__in=(S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED)).order_by("-updated_at"))
    can_publish = scope.can("publishing.publish")
    return [_entry(p, scope.unit.zone, can_publish) for p in qs[:limit]]


# --- ranges ----------------------------------------------------------------------------------------


@dataclass
class Day:
    date: date
    in_month: bool = True
    today: bool = False
    entries: list[Entry] = field(default_factory=list)
    marks: list = field(default_factory=list)

    @property
    def weekend(self) -> bool:
        return self.date.weekday() >= 5


def view_range(view: str, day: date) -> tuple[date, date]:
    """The first and last day shown: a month grid (whole weeks, Monday first), a week, or a month's list."""
    if view == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    first = day.replace(day=1)
    last = day.replace(day=pycalendar.monthrange(day.year, day.month)[1])
    if view == "list":
        return first, last
    return first - timedelta(days=first.weekday()), last + timedelta(days=6 - last.weekday())


def _shift_month(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, pycalendar.monthrange(year, month)[1]))


def navigation(view: str, day: date) -> dict:
    if view == "week":
        return {"prev": day - timedelta(days=7), "next": day + timedelta(days=7)}
    return {"prev": _shift_month(day, -1).replace(day=1), "next": _shift_month(day, 1).replace(day=1)}


def calendar_build(*, scope: Scope, view: str, day: date, filters: CalendarFilter | None = None) -> dict:
    """Everything a calendar page shows: the days (with entries and marks), the weeks of a
    month grid, the posts without a time, and the navigation dates."""
    from warta.planning.holidays import calendar_marks

    view = view if view in VIEWS else "month"
    start, end = view_range(view, day)
    today = timezone.now().astimezone(scope.unit.zone).date()
    days = {start + timedelta(days=i): Day(date=start + timedelta(days=i)) for i in range((end - start).days + 1)}
    for d in days.values():
        d.in_month = view == "week" or d.date.month == day.month
        d.today = d.date == today
    for entry in calendar_entries(scope=scope, start=start, end=end, filters=filters):
        days[entry.at.date()].entries.append(entry)
    for mark in calendar_marks(scope.unit, start, end):
        days[mark.date].marks.append(mark)
    ordered = list(days.values())
    return {
        "view": view, "day": day, "start": start, "end": end, "today": today, "days": ordered,
        "weeks": [ordered[i:i + 7] for i in range(0, len(ordered), 7)],
        "list_days": [d for d in ordered if d.entries or d.marks],
        "unscheduled": unscheduled_posts(scope=scope, filters=filters),
        **navigation(view, day),
    }


MIN_YEAR, MAX_YEAR = 2000, 2100  # days outside this are typing mistakes (and overflow near year 1 or 9999)


def day_sane(day: date) -> bool:
    return MIN_YEAR <= day.year <= MAX_YEAR


def api_range_check(start: date, end: date) -> None:
    if not (day_sane(start) and day_sane(end)):
        raise ValidationError({"start": _("Tanggal harus antara tahun %(min)s dan %(max)s.")
                               % {"min": MIN_YEAR, "max": MAX_YEAR}})
    if end < start:
        raise ValidationError({"end": _("Tanggal akhir tidak boleh sebelum tanggal awal.")})
    if (end - start).days + 1 > MAX_API_DAYS:
        raise ValidationError({"end": _("Rentang paling panjang %(n)s hari.") % {"n": MAX_API_DAYS}})


# --- moving a post ---------------------------------------------------------------------------------


def move_target(post: Post, new_day: date, new_time: time | None = None) -> datetime:
    """The UTC instant of ``new_day`` at the post's local time of day (or ``new_time``, or 09:00)
    in the post's unit's zone."""
    current = utc_to_local(post.unit, post_time(post))
    at = new_time or (current.time().replace(tzinfo=None) if current else DEFAULT_TIME)
    return local_to_utc(post.unit, datetime.combine(new_day, at))


def move_message(post: Post) -> str:
    """What the user is told after a move: rescheduled (on its accounts) or only re-planned."""
    local = utc_to_local(post.unit, post.scheduled_at)
    when = f"{local.strftime('%d-%m-%Y %H:%M')} {post.unit.zone_label}"
    if post.state == S.SCHEDULED:
        return _("“%(title)s” dijadwalkan ulang ke %(when)s.") % {"title": post.title, "when": when}
    return _("Waktu rencana “%(title)s” dipindah ke %(when)s.") % {"title": post.title, "when": when}


def post_plan_set(*, actor, post: Post, when: datetime | None) -> Post:
    """Set (or clear) the *planned* time of a draft: only the calendar reads it; nothing is armed.

    Refused for a post past drafting (it is scheduled through the engine) and for a time in
    the past. Audited as ``post.plan``.
    """
    if when is not None and when <= timezone.now():
        raise ValidationError({"when": _("Jadwal tidak boleh di masa lalu.")})
    with transaction.atomic():
        locked = Post.objects.select_for_update(of=("self",)).select_related("unit").get(pk=post.pk)
        if locked.state not in PLANNED_ONLY or locked.archived_at is not None:
            raise ValidationError({"post": _("Hanya draf yang waktu rencananya dapat diubah di sini.")})
        before = locked.scheduled_at
        if before == when:
            return locked
        locked.scheduled_at = when
        locked.save(update_fields=["scheduled_at", "updated_at"])
        audit_record(actor=actor, unit=locked.unit, action="post.plan", target=locked,
                     changes={"scheduled_at": [before.isoformat() if before else None,
                                               when.isoformat() if when else None]})
    return locked


def post_move(*, actor, post: Post, new_day: date, new_time: time | None = None) -> Post:
    """Move ``post`` to ``new_day`` (a local day of its unit), keeping its time of day unless
    ``new_time`` is given. See the module docstring for which posts move how; every refusal
    raises ValidationError with an Indonesian message and changes nothing."""
    post = Post.objects.select_related("unit").get(pk=post.pk)
    if post.archived_at is not None:
        raise ValidationError({"post": _("Konten yang diarsipkan tidak dapat dipindah.")})
    if not day_sane(new_day):
        raise ValidationError({"date": _("Tanggal harus antara tahun %(min)s dan %(max)s.")
                               % {"min": MIN_YEAR, "max": MAX_YEAR}})
    when = move_target(post, new_day, new_time)
    if when <= timezone.now():
        raise ValidationError({"when": _("Jadwal tidak boleh di masa lalu.")})
    if post.state in PLANNED_ONLY:
        return post_plan_set(actor=actor, post=post, when=when)
    if post.state == S.IN_REVIEW:
        raise ValidationError({"post": _("Konten ini sedang menunggu persetujuan dan belum disetujui; waktunya "
                                         "tidak dapat dipindah. Tarik pengajuannya dulu, atau tunggu keputusan.")})
    if post.state not in SCHEDULABLE:
        raise ValidationError({"post": _("Konten berstatus “%(state)s” tidak dapat dipindah.")
                               % {"state": PostState(post.state).label}})
    if Publication.objects.filter(post=post, state__in=IN_FLIGHT).exists():
        raise ValidationError({"post": _("Konten ini sedang dikirim ke platform; tunggu hasilnya dulu.")})
    if not post.publications.filter(state__in=(PublicationState.PENDING, PublicationState.FAILED,
                                               PublicationState.CANCELLED)).exists():
        raise ValidationError({"post": _("Konten ini belum punya akun tujuan. Jadwalkan dari halaman konten dan "
                                         "pilih akunnya.")})
    return post_schedule(actor=actor, post=post, when=when)


# --- campaign duplication --------------------------------------------------------------------------


def campaign_posts_copy(*, old, new, actor, shift_days: int) -> None:
    """Copy the planned posts of campaign ``old`` into ``new`` as drafts, times shifted by
    ``shift_days`` (a time that would fall in the past is dropped: the copy is unplanned).
    Nothing happens while posts carry no campaign."""
    if not has_plan_fields():
        return
    from warta.publishing.services import post_create, post_snapshot

    now = timezone.now()
    for post in Post.objects.filter(campaign=old, archived_at__isnull=True).select_related("unit", "pillar"):
        snap = post_snapshot(post)
        # Like the campaign's own relations, only what is still active is copied: a pillar
        # archived since is left off the copy (post_create would refuse it, and with it the
        # whole duplication).
        pillar = post.pillar if post.pillar is not None and post.pillar.archived_at is None else None
        copy = post_create(actor=actor, unit=post.unit, title=post.title, variants=snap["variants"],
                           notes=post.notes, campaign=new, pillar=pillar)
        at = post.scheduled_at
        if at is not None:
            at = at + timedelta(days=shift_days)
            if at > now:
                Post.objects.filter(pk=copy.pk).update(scheduled_at=at)
        audit_record(actor=actor, unit=post.unit, action="post.campaign_copy", target=copy,
                     changes={"from": str(post.uuid), "campaign": str(new.uuid), "shift_days": shift_days})


def hooks_register() -> None:
    from warta.planning.services import campaign_duplicate_hook_register

    campaign_duplicate_hook_register(campaign_posts_copy)


hooks_register()
