"""Writes on planning rows: validate first, change rows in one transaction, record an audit event.

Callers (views, API) decide *whether* the actor may write on a unit (``planning.manage`` on a
scope containing it); these functions check *what* is written: periods, targets, names unique
per unit, hashtag syntax, and that a campaign only refers to goals, pillars and audiences its
unit may use and to official accounts of its own subtree.

Other apps extend campaign duplication through :func:`campaign_duplicate_hook_register`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warta.channels.models import Account
from warta.core.audit import audit_action_register, audit_record
from warta.organisations.models import Unit
from warta.organisations.roles import Role, permission_register
from warta.planning import selectors
from warta.planning.models import (
    PERCENT_METRICS,
    POSITIVE_METRICS,
    Audience,
    Campaign,
    Colour,
    Goal,
    ImportantDate,
    Metric,
    Pillar,
    Segment,
)

permission_register("planning.view", set(Role))
permission_register("planning.manage", {Role.ADMIN, Role.APPROVER, Role.EDITOR})

audit_action_register({
    "planning.goal.create": gettext_lazy("Tujuan komunikasi dibuat"),
    "planning.goal.update": gettext_lazy("Tujuan komunikasi diubah"),
    "planning.goal.archive": gettext_lazy("Tujuan komunikasi diarsipkan"),
    "planning.goal.restore": gettext_lazy("Tujuan komunikasi dipulihkan"),
    "planning.audience.create": gettext_lazy("Khalayak sasaran dibuat"),
    "planning.audience.update": gettext_lazy("Khalayak sasaran diubah"),
    "planning.audience.archive": gettext_lazy("Khalayak sasaran diarsipkan"),
    "planning.audience.restore": gettext_lazy("Khalayak sasaran dipulihkan"),
    "planning.pillar.create": gettext_lazy("Pilar konten dibuat"),
    "planning.pillar.update": gettext_lazy("Pilar konten diubah"),
    "planning.pillar.archive": gettext_lazy("Pilar konten diarsipkan"),
    "planning.pillar.restore": gettext_lazy("Pilar konten dipulihkan"),
    "planning.campaign.create": gettext_lazy("Kampanye dibuat"),
    "planning.campaign.update": gettext_lazy("Kampanye diubah"),
    "planning.campaign.archive": gettext_lazy("Kampanye diarsipkan"),
    "planning.campaign.restore": gettext_lazy("Kampanye dipulihkan"),
    "planning.campaign.duplicate": gettext_lazy("Kampanye diduplikat"),
    "planning.date.create": gettext_lazy("Tanggal penting dibuat"),
    "planning.date.update": gettext_lazy("Tanggal penting diubah"),
    "planning.date.archive": gettext_lazy("Tanggal penting diarsipkan"),
    "planning.date.restore": gettext_lazy("Tanggal penting dipulihkan"),
})

MAX_HASHTAGS = 30
MAX_HASHTAG_LENGTH = 100
MAX_SHIFT_DAYS = 3660
HASHTAG_RE = re.compile(r"#[^\W_]\w*|#_\w*[^\W_]\w*")  # letters, digits, underscore; not only "_"

# --- the duplicate hooks -------------------------------------------------------------------------

DuplicateHook = Callable[..., None]
_DUPLICATE_HOOKS: list[DuplicateHook] = []


def campaign_duplicate_hook_register(fn: DuplicateHook) -> DuplicateHook:
    """Register ``fn(*, old, new, actor, shift_days)``, called inside the duplication's
    transaction after the new campaign and its relations exist (the publishing app copies
    the campaign's planned posts). An exception in ``fn`` rolls the whole duplication back.
    Registering the same function twice has no effect; returns ``fn`` (usable as decorator)."""
    if fn not in _DUPLICATE_HOOKS:
        _DUPLICATE_HOOKS.append(fn)
    return fn


def campaign_duplicate_hook_unregister(fn: DuplicateHook) -> None:
    """Remove a registered hook (for tests)."""
    if fn in _DUPLICATE_HOOKS:
        _DUPLICATE_HOOKS.remove(fn)


# --- validation helpers --------------------------------------------------------------------------


def hashtags_normalise(values: Iterable[str] | str | None) -> list[str]:
    """Return hashtags as stored: each ``#tag`` once (case-insensitively), in order given.

    Accepts a list or a text separated by spaces, commas or new lines; a missing ``#`` is
    added. Raises ValidationError on ``hashtags`` naming the bad tags.
    """
    if values is None:
        return []
    if isinstance(values, str):
        values = re.split(r"[\s,;]+", values)
    out: list[str] = []
    seen: set[str] = set()
    bad: list[str] = []
    for raw in values:
        if not isinstance(raw, str):
            bad.append(str(raw))
            continue
        tag = raw.strip()
        if not tag:
            continue
        if not tag.startswith("#"):
            tag = "#" + tag
        if len(tag) > MAX_HASHTAG_LENGTH or not HASHTAG_RE.fullmatch(tag) or tag[1:].isdigit():
            bad.append(raw.strip())
            continue
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            out.append(tag)
    if bad:
        raise ValidationError({"hashtags": _(
            "Tagar tidak sah: %(tags)s. Tagar hanya berisi huruf, angka, atau garis bawah, tanpa spasi atau "
            "tanda baca, dan tidak boleh hanya angka (mis. #BanggaBuatanIndonesia).") % {"tags": ", ".join(bad)}})
    if len(out) > MAX_HASHTAGS:
        raise ValidationError({"hashtags": _("Paling banyak %(n)s tagar.") % {"n": MAX_HASHTAGS}})
    return out


def _text(value, field: str, *, required: bool = True) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else value
    if not isinstance(value, str):
        raise ValidationError({field: _("Harus berupa teks.")})
    if "\x00" in value:
        raise ValidationError({field: _("Teks berisi karakter yang tidak sah.")})
    if required and not value:
        raise ValidationError({field: _("Wajib diisi.")})
    return value


def _period(start: date | None, end: date | None) -> None:
    errors = {}
    if start is None:
        errors["period_start"] = _("Isi awal periode.")
    if end is None:
        errors["period_end"] = _("Isi akhir periode.")
    if errors:
        raise ValidationError(errors)
    if end < start:
        raise ValidationError({"period_end": _("Akhir periode tidak boleh sebelum awal periode.")})


def _unique(model, *, unit: Unit, field: str, value: str, exclude_pk: int | None, message: str) -> None:
    qs = model.objects.active().filter(unit=unit, **{f"{field}__iexact": value})
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ValidationError({field: message})


def _clean(obj) -> None:
    """Model field checks (lengths, choices, decimals) with Django's translated messages."""
    obj.full_clean(exclude=["unit", "created_by"], validate_unique=False, validate_constraints=False)


def _audit(*, actor, row, action: str, changes: dict | None = None) -> None:
    audit_record(actor=actor, unit=row.unit, action=action, target=row,
                 changes={k: _plain(v) for k, v in (changes or {}).items()})


def _plain(value):
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def _apply(row, fields: dict, allowed: tuple[str, ...]) -> dict:
    """Set ``fields`` on ``row``; return what changed, as {field: [old, new]}."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({name: _("Kolom ini tidak dapat diubah.") for name in sorted(unknown)})
    changed = {}
    for name, value in fields.items():
        old = getattr(row, name)
        if old != value:
            changed[name] = [old, value]
            setattr(row, name, value)
    return changed


_UNIQUE_FIELD = {Goal: "title", Audience: "name", Pillar: "name", Campaign: "name"}


def _save(row, **kwargs) -> None:
    """Save ``row``. When another request took the same name a moment ago (after our check),
    the database constraint refuses the row: a clear ValidationError, not a server error."""
    try:
        with transaction.atomic():
            row.save(**kwargs)
    except IntegrityError:
        field = _UNIQUE_FIELD.get(type(row))
        if field is None:
            raise
        raise ValidationError({field: _("Unit ini baru saja mendapat isian aktif dengan nama itu; pilih nama "
                                        "lain.")}) from None


def _update(row, *, actor, fields: dict, allowed: tuple[str, ...], validate: Callable, kind: str):
    """Re-read ``row`` (a failed check leaves the caller's copy alone), apply ``fields``, check,
    and save with an audit event naming what changed; nothing is written when nothing changed."""
    row = type(row).objects.select_related("unit").get(pk=row.pk)
    changed = _apply(row, fields, allowed)
    validate(row)
    if changed:
        with transaction.atomic():
            _save(row)
            _audit(actor=actor, row=row, action=f"planning.{kind}.update", changes=changed)
    return row


def _archive(row, *, actor, archived: bool, kind: str, check_restore: Callable[[], None] | None = None):
    if archived == row.is_archived:
        return row
    if not archived and check_restore is not None:
        check_restore()
    row.archived_at = timezone.now() if archived else None
    with transaction.atomic():
        _save(row, update_fields=["archived_at", "updated_at"])
        _audit(actor=actor, row=row, action=f"planning.{kind}.{'archive' if archived else 'restore'}")
    return row


# --- goals ---------------------------------------------------------------------------------------

GOAL_FIELDS = ("title", "metric", "target", "period_start", "period_end", "notes")


def _goal_validate(goal: Goal) -> None:
    goal.title = _text(goal.title, "title")
    goal.notes = _text(goal.notes, "notes", required=False)
    if goal.metric not in Metric.values:
        raise ValidationError({"metric": _("Ukuran tidak dikenal.")})
    try:
        goal.target = Decimal(str(goal.target)) if goal.target is not None else None
    except (InvalidOperation, ValueError):
        raise ValidationError({"target": _("Target harus berupa angka.")}) from None
    if goal.target is None or not goal.target.is_finite():
        raise ValidationError({"target": _("Target harus berupa angka.")})
    if goal.metric in POSITIVE_METRICS and goal.target <= 0:
        raise ValidationError({"target": _("Target untuk ukuran ini harus lebih dari nol.")})
    if goal.metric in PERCENT_METRICS and goal.target > 100:
        raise ValidationError({"target": _("Target persentase paling besar 100.")})
    _period(goal.period_start, goal.period_end)
    _clean(goal)
    _unique(Goal, unit=goal.unit, field="title", value=goal.title, exclude_pk=goal.pk,
            message=_("Unit ini sudah punya tujuan dengan judul itu."))


def goal_create(*, actor, unit: Unit, title: str, metric: str, target, period_start: date, period_end: date,
                notes: str = "") -> Goal:
    goal = Goal(unit=unit, title=title, metric=metric, target=target, period_start=period_start,
                period_end=period_end, notes=notes, created_by=actor)
    _goal_validate(goal)
    with transaction.atomic():
        _save(goal)
        _audit(actor=actor, row=goal, action="planning.goal.create",
               changes={"metric": goal.metric, "target": goal.target, "period_start": goal.period_start,
                        "period_end": goal.period_end})
    return goal


def goal_update(*, actor, goal: Goal, **fields) -> Goal:
    return _update(goal, actor=actor, fields=fields, allowed=GOAL_FIELDS, validate=_goal_validate, kind="goal")


def goal_archive(*, actor, goal: Goal, archived: bool = True) -> Goal:
    return _archive(goal, actor=actor, archived=archived, kind="goal", check_restore=lambda: _unique(
        Goal, unit=goal.unit, field="title", value=goal.title, exclude_pk=goal.pk,
        message=_("Unit ini sudah punya tujuan aktif dengan judul itu; ubah judulnya dulu.")))


# --- audiences -----------------------------------------------------------------------------------

AUDIENCE_FIELDS = ("name", "segment", "description")


def _audience_validate(audience: Audience) -> None:
    audience.name = _text(audience.name, "name")
    audience.description = _text(audience.description, "description", required=False)
    if audience.segment not in Segment.values:
        raise ValidationError({"segment": _("Segmen tidak dikenal.")})
    _clean(audience)
    _unique(Audience, unit=audience.unit, field="name", value=audience.name, exclude_pk=audience.pk,
            message=_("Unit ini sudah punya khalayak dengan nama itu."))


def audience_create(*, actor, unit: Unit, name: str, segment: str, description: str = "") -> Audience:
    audience = Audience(unit=unit, name=name, segment=segment, description=description, created_by=actor)
    _audience_validate(audience)
    with transaction.atomic():
        _save(audience)
        _audit(actor=actor, row=audience, action="planning.audience.create", changes={"segment": audience.segment})
    return audience


def audience_update(*, actor, audience: Audience, **fields) -> Audience:
    return _update(audience, actor=actor, fields=fields, allowed=AUDIENCE_FIELDS, validate=_audience_validate, kind="audience")


def audience_archive(*, actor, audience: Audience, archived: bool = True) -> Audience:
    return _archive(audience, actor=actor, archived=archived, kind="audience", check_restore=lambda: _unique(
        Audience, unit=audience.unit, field="name", value=audience.name, exclude_pk=audience.pk,
        message=_("Unit ini sudah punya khalayak aktif dengan nama itu; ubah namanya dulu.")))


# --- pillars -------------------------------------------------------------------------------------

PILLAR_FIELDS = ("name", "description", "colour")


def _pillar_validate(pillar: Pillar) -> None:
    pillar.name = _text(pillar.name, "name")
    pillar.description = _text(pillar.description, "description", required=False)
    if pillar.colour not in Colour.values:
        raise ValidationError({"colour": _("Pilih salah satu warna yang tersedia.")})
    _clean(pillar)
    _unique(Pillar, unit=pillar.unit, field="name", value=pillar.name, exclude_pk=pillar.pk,
            message=_("Unit ini sudah punya pilar konten dengan nama itu."))


def pillar_create(*, actor, unit: Unit, name: str, description: str = "", colour: str = Colour.BLUE) -> Pillar:
    pillar = Pillar(unit=unit, name=name, description=description, colour=colour, created_by=actor)
    _pillar_validate(pillar)
    with transaction.atomic():
        _save(pillar)
        _audit(actor=actor, row=pillar, action="planning.pillar.create", changes={"colour": pillar.colour})
    return pillar


def pillar_update(*, actor, pillar: Pillar, **fields) -> Pillar:
    return _update(pillar, actor=actor, fields=fields, allowed=PILLAR_FIELDS, validate=_pillar_validate, kind="pillar")


def pillar_archive(*, actor, pillar: Pillar, archived: bool = True) -> Pillar:
    return _archive(pillar, actor=actor, archived=archived, kind="pillar", check_restore=lambda: _unique(
        Pillar, unit=pillar.unit, field="name", value=pillar.name, exclude_pk=pillar.pk,
        message=_("Unit ini sudah punya pilar aktif dengan nama itu; ubah namanya dulu.")))


# --- campaigns -----------------------------------------------------------------------------------

CAMPAIGN_FIELDS = ("name", "programme", "period_start", "period_end", "description", "hashtags")
CAMPAIGN_RELATIONS = ("goals", "pillars", "audiences", "accounts")


def _within_reach(unit: Unit, *, goals=None, pillars=None, audiences=None, accounts=None) -> dict:
    """Check the related rows a campaign of ``unit`` refers to; return them as lists."""
    out = {}
    checks = (
        ("goals", goals, selectors.goals_available(unit),
         _("Tujuan berikut tidak tersedia untuk unit ini: %(names)s.")),
        ("pillars", pillars, selectors.pillars_available(unit),
         _("Pilar berikut tidak tersedia untuk unit ini: %(names)s.")),
        ("audiences", audiences, selectors.audiences_available(unit),
         _("Khalayak berikut tidak tersedia untuk unit ini: %(names)s.")),
        ("accounts", accounts, Account.objects.active().filter(unit__path__startswith=unit.path),
         _("Akun berikut bukan akun aktif unit ini atau unit di bawahnya: %(names)s.")),
    )
    errors = {}
    for name, rows, allowed, message in checks:
        if rows is None:
            continue
        rows = list(rows)
        allowed_pks = set(allowed.filter(pk__in=[r.pk for r in rows]).values_list("pk", flat=True))
        outside = [str(r) for r in rows if r.pk not in allowed_pks]
        if outside:
            errors[name] = message % {"names": ", ".join(outside)}
        out[name] = rows
    if errors:
        raise ValidationError(errors)
    return out


def _campaign_validate(campaign: Campaign) -> None:
    campaign.name = _text(campaign.name, "name")
    campaign.programme = _text(campaign.programme, "programme", required=False)
    campaign.description = _text(campaign.description, "description", required=False)
    campaign.hashtags = hashtags_normalise(campaign.hashtags)
    _period(campaign.period_start, campaign.period_end)
    _clean(campaign)
    _unique(Campaign, unit=campaign.unit, field="name", value=campaign.name, exclude_pk=campaign.pk,
            message=_("Unit ini sudah punya kampanye dengan nama itu."))


def _relations_set(campaign: Campaign, relations: dict) -> dict:
    changed = {}
    for name, rows in relations.items():
        manager = getattr(campaign, name)
        before = set(manager.values_list("pk", flat=True))
        after = {r.pk for r in rows}
        if before != after:
            manager.set(rows)
            changed[name] = [str(r) for r in rows]
    return changed


def campaign_create(*, actor, unit: Unit, name: str, period_start: date, period_end: date, programme: str = "",
                    description: str = "", hashtags=(), goals=(), pillars=(), audiences=(), accounts=()) -> Campaign:
    campaign = Campaign(unit=unit, name=name, programme=programme, period_start=period_start, period_end=period_end,
                        description=description, hashtags=hashtags, created_by=actor)
    _campaign_validate(campaign)
    relations = _within_reach(unit, goals=goals, pillars=pillars, audiences=audiences, accounts=accounts)
    with transaction.atomic():
        _save(campaign)
        _relations_set(campaign, relations)
        _audit(actor=actor, row=campaign, action="planning.campaign.create",
               changes={"programme": campaign.programme, "period_start": campaign.period_start,
                        "period_end": campaign.period_end, "hashtags": campaign.hashtags})
    return campaign


def campaign_update(*, actor, campaign: Campaign, **fields) -> Campaign:
    """Change a campaign; fields not given stay. Relations (``goals``, ``pillars``,
    ``audiences``, ``accounts``) given are replaced whole."""
    campaign = Campaign.objects.select_related("unit").get(pk=campaign.pk)
    relations = {k: fields.pop(k) for k in CAMPAIGN_RELATIONS if k in fields}
    if "hashtags" in fields:
        fields["hashtags"] = hashtags_normalise(fields["hashtags"])
    changed = _apply(campaign, fields, CAMPAIGN_FIELDS)
    _campaign_validate(campaign)
    relations = _within_reach(campaign.unit, **relations)
    with transaction.atomic():
        if changed:
            _save(campaign)
        changed |= _relations_set(campaign, relations)
        if changed:
            Campaign.objects.filter(pk=campaign.pk).update(updated_at=timezone.now())
            _audit(actor=actor, row=campaign, action="planning.campaign.update", changes=changed)
    return campaign


def campaign_archive(*, actor, campaign: Campaign, archived: bool = True) -> Campaign:
    return _archive(campaign, actor=actor, archived=archived, kind="campaign", check_restore=lambda: _unique(
        Campaign, unit=campaign.unit, field="name", value=campaign.name, exclude_pk=campaign.pk,
        message=_("Unit ini sudah punya kampanye aktif dengan nama itu; ubah namanya dulu.")))


def campaign_duplicate(*, actor, campaign: Campaign, name: str, shift_days: int = 0) -> Campaign:
    """Copy a campaign into a new one named ``name`` on the same unit, its period shifted by
    ``shift_days`` (may be negative), with the same goals, pillars, audiences, hashtags and the
    accounts that are still active; then call every registered duplicate hook, all in one
    transaction."""
    if isinstance(shift_days, bool) or not isinstance(shift_days, int):
        raise ValidationError({"shift_days": _("Pergeseran harus bilangan bulat (hari).")})
    if abs(shift_days) > MAX_SHIFT_DAYS:
        raise ValidationError({"shift_days": _("Pergeseran paling banyak %(n)s hari.") % {"n": MAX_SHIFT_DAYS}})
    old = Campaign.objects.select_related("unit").get(pk=campaign.pk)
    shift = timedelta(days=shift_days)
    new = Campaign(unit=old.unit, name=name, programme=old.programme, description=old.description,
                   hashtags=list(old.hashtags), created_by=actor)
    try:
        new.period_start, new.period_end = old.period_start + shift, old.period_end + shift
    except OverflowError:
        raise ValidationError({"shift_days": _("Periode hasil pergeseran di luar rentang tanggal.")}) from None
    _campaign_validate(new)
    relations = {
        "goals": list(selectors.goals_available(old.unit).filter(campaigns=old)),
        "pillars": list(selectors.pillars_available(old.unit).filter(campaigns=old)),
        "audiences": list(selectors.audiences_available(old.unit).filter(campaigns=old)),
        "accounts": list(Account.objects.active().filter(unit__path__startswith=old.unit.path, campaigns=old)),
    }
    with transaction.atomic():
        _save(new)
        _relations_set(new, relations)
        _audit(actor=actor, row=new, action="planning.campaign.duplicate",
               changes={"source": str(old.uuid), "source_name": old.name, "shift_days": shift_days})
        for hook in list(_DUPLICATE_HOOKS):
            hook(old=old, new=new, actor=actor, shift_days=shift_days)
    return new


# --- important dates -----------------------------------------------------------------------------

DATE_FIELDS = ("date", "title", "note", "yearly")


def _date_validate(row: ImportantDate) -> None:
    row.title = _text(row.title, "title")
    row.note = _text(row.note, "note", required=False)
    if row.date is None:
        raise ValidationError({"date": _("Isi tanggal.")})
    if not isinstance(row.yearly, bool):
        raise ValidationError({"yearly": _("Harus ya atau tidak.")})
    _clean(row)


def important_date_create(*, actor, unit: Unit, date: date, title: str, note: str = "",
                          yearly: bool = False) -> ImportantDate:
    row = ImportantDate(unit=unit, date=date, title=title, note=note, yearly=yearly, created_by=actor)
    _date_validate(row)
    with transaction.atomic():
        row.save()
        _audit(actor=actor, row=row, action="planning.date.create", changes={"date": row.date, "yearly": row.yearly})
    return row


def important_date_update(*, actor, important_date: ImportantDate, **fields) -> ImportantDate:
    return _update(important_date, actor=actor, fields=fields, allowed=DATE_FIELDS, validate=_date_validate, kind="date")


def important_date_archive(*, actor, important_date: ImportantDate, archived: bool = True) -> ImportantDate:
    return _archive(important_date, actor=actor, archived=archived, kind="date")
