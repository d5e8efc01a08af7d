"""The calendar's endpoints of the JSON API (ADR 0024): the calendar of a unit (entries and day
marks, at most 100 days), moving a post to another day, and the month-plan import (preview,
apply, status). Same auth and scope rules as the organisations API: outside the token's reach
is 404, a role without the permission is 403, bad input is 422 (problem+json).

Mounted by ``warta/api.py``: ``api.add_router("/", calendar_router)``.
"""

import datetime as dt
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from warta.channels.models import Account
from warta.organisations.api import responses, token_scope, unit_scope
from warta.organisations.models import Unit
from warta.organisations.schemas import BodyIn
from warta.organisations.scope import Scope, scope_for_unit
from warta.publishing import calendar as cal
from warta.publishing import plan_import
from warta.publishing.models import Post, PostState

router = Router(tags=["kalender"])


# --- schemas ---------------------------------------------------------------------------------------


class CalendarQuery(Schema):
    start: dt.date = Field(description="Hari pertama (waktu unit), TTTT-BB-HH.")
    end: dt.date = Field(description="Hari terakhir (termasuk); paling lama 100 hari dari start.")
    unit: UUID | None = Field(None, description="Hanya unit ini dan di bawahnya.")
    account: UUID | None = Field(None, description="Hanya konten ke akun ini.")
    pillar: UUID | None = None
    campaign: UUID | None = None
    state: PostState | None = None


class EntryOut(Schema):
    post_uuid: UUID
    title: str
    state: str
    state_label: str
    at: dt.datetime
    local_date: dt.date
    local_time: str
    platforms: list[str]
    accounts: list[str]
    unit_uuid: UUID
    unit_name: str
    movable: bool
    pillar: str | None = None
    pillar_colour: str | None = None
    campaign: str | None = None


class MarkOut(Schema):
    date: dt.date
    title: str
    kind: str = Field(description="holiday, cuti_bersama, commemoration atau unit.")
    unit: str | None = Field(None, description="Unit yang menetapkan tanggal penting (kind unit).")
    inherited: bool = Field(False, description="Tanggal penting dari unit induk.")


class CalendarOut(Schema):
    start: dt.date
    end: dt.date
    time_zone: str
    entries: list[EntryOut]
    marks: list[MarkOut]


class RescheduleIn(BodyIn):
    date: dt.date = Field(description="Hari baru (waktu unit konten).")
    time: dt.time | None = Field(None, description="Jam baru (waktu unit); kosong: jam semula.")


class RescheduleOut(Schema):
    post_uuid: UUID
    state: str
    scheduled_at: dt.datetime | None
    message: str


class PlanRowOut(Schema):
    row: int
    date: dt.date | None
    time: str | None
    title: str
    platforms: list[str]
    text: str
    pillar: str | None
    campaign: str | None
    accounts: list[str]
    errors: list[str]


class PlanPreviewOut(Schema):
    ok: bool
    month: str
    token: str | None = Field(None, description="Kirim ke /plan-import/apply bila ok.")
    rows: list[PlanRowOut]


class PlanApplyIn(BodyIn):
    token: UUID
    month: str = Field(description="Bulan rencana, TTTT-BB.")


class PlanApplyOut(Schema):
    state: str = Field(description="done (draf sudah dibuat) atau queued (diproses di latar belakang).")
    created: int
    posts: list[UUID]
    status_url: str | None = None


class PlanStatusOut(Schema):
    state: str
    created: int | None = None
    errors: list[str] = []
    progress: list[int] | None = None


# --- helpers ---------------------------------------------------------------------------------------


def _row(model, uuid_value: UUID | None, queryset):
    if uuid_value is None:
        return None
    row = queryset.filter(uuid=uuid_value).first()
    if row is None:
        raise ValidationError({model: _("Pilihan tidak ditemukan di unit ini.")})
    return row


def _filters(scope: Scope, q: CalendarQuery) -> cal.CalendarFilter:
    choices = cal.filter_choices(scope)
    pillar = campaign = None
    if choices["pillars"] is not None:
        pillar = _row("pillar", q.pillar, choices["pillars"])
        campaign = _row("campaign", q.campaign, choices["campaigns"])
    return cal.CalendarFilter(unit=_row("unit", q.unit, Unit.objects.subtree_of(scope.unit)),
                              account=_row("account", q.account, Account.objects.filter(
                                  unit__path__startswith=scope.unit.path)),
                              pillar=pillar, campaign=campaign, state=q.state or "")


def _post_scope(request, post_uuid: UUID) -> tuple[Scope, Post]:
    reach = token_scope(request)
    post = Post.objects.for_scope(reach).select_related("unit").filter(uuid=post_uuid).first()
    if post is None:
        raise Http404
    scope = scope_for_unit(user=request.user, unit=post.unit, grants=reach.grants, ceiling=request.api_token.role)
    return scope, post


# --- endpoints -------------------------------------------------------------------------------------


@router.get("/units/{unit_uuid}/calendar", response=responses({200: CalendarOut}, 403, 404, 422),
            url_name="calendar", summary="Kalender editorial")
def calendar(request, unit_uuid: UUID, q: Query[CalendarQuery]):
    """Posts of the unit and below placed on their local day (published, scheduled or planned
    time), and the day marks (national holidays, cuti bersama, commemoration days, the important
    dates of the unit and its ancestors)."""
    from warta.planning.holidays import calendar_marks

    scope = unit_scope(request, unit_uuid)
    scope.require("publishing.view")
    cal.api_range_check(q.start, q.end)
    entries = cal.calendar_entries(scope=scope, start=q.start, end=q.end, filters=_filters(scope, q))
    marks = calendar_marks(scope.unit, q.start, q.end)
    return {"start": q.start, "end": q.end, "time_zone": scope.unit.time_zone,
            "entries": [e.as_dict() for e in entries],
            "marks": [{"date": m.date, "title": m.title, "kind": m.kind, "unit": m.unit or None,
                       "inherited": m.inherited} for m in marks]}


@router.post("/posts/{post_uuid}/reschedule", response=responses({200: RescheduleOut}, 403, 404, 422),
             url_name="post-reschedule", summary="Pindahkan konten ke hari lain")
def reschedule(request, post_uuid: UUID, payload: RescheduleIn):
    """Move a post to another day, keeping its time of day unless ``time`` is given: a scheduled
    post is rescheduled on its accounts, a draft's planned time moves (see ADR 0024)."""
    scope, post = _post_scope(request, post_uuid)
    scope.require("publishing.publish")
    post = cal.post_move(actor=request.user, post=post, new_day=payload.date, new_time=payload.time)
    return {"post_uuid": post.uuid, "state": post.state, "scheduled_at": post.scheduled_at,
            "message": cal.move_message(post)}


@router.post("/units/{unit_uuid}/plan-import/preview", response=responses({200: PlanPreviewOut}, 403, 404, 422),
             url_name="plan-import-preview", summary="Pratinjau impor rencana bulanan")
def plan_preview(request, unit_uuid: UUID, month: Form[str], file: File[UploadedFile]):
    """Check a month's plan (CSV or XLSX, multipart ``file`` and ``month`` as TTTT-BB): every
    row with its problems. When all rows are right, the answer carries a token for apply."""
    scope = unit_scope(request, unit_uuid)
    scope.require("publishing.edit")
    if file.size > 5 * 1024 * 1024:
        raise ValidationError({"file": _("Berkas terlalu besar; paling besar 5 MB.")})
    content = file.read()
    evaluation, record = plan_import.plan_preview(actor=request.user, unit=scope.unit, content=content, month=month,
                                                  file_name=file.name or "")
    token = str(record.token) if record.token else None
    return {"ok": evaluation.ok, "month": evaluation.month.strftime("%Y-%m"), "token": token,
            "rows": [r.as_dict() for r in evaluation.rows]}


@router.post("/units/{unit_uuid}/plan-import/apply",
             response=responses({201: PlanApplyOut, 202: PlanApplyOut}, 403, 404, 422),
             url_name="plan-import-apply", summary="Terapkan impor rencana bulanan")
def plan_apply(request, unit_uuid: UUID, payload: PlanApplyIn):
    """Create the drafts of a previewed plan, all or nothing (a big plan: 202 and a status URL)."""
    scope = unit_scope(request, unit_uuid)
    scope.require("publishing.edit")
    state, posts = plan_import.plan_import_start(actor=request.user, unit=scope.unit, token=payload.token,
                                                 month=payload.month)
    if state == "queued":
        return Status(202, {"state": state, "created": 0, "posts": [],
                            "status_url": f"/api/v1/units/{unit_uuid}/plan-import/{payload.token}"})
    return Status(201, {"state": state, "created": len(posts), "posts": [p.uuid for p in posts]})


@router.get("/units/{unit_uuid}/plan-import/{token}", response=responses({200: PlanStatusOut}, 403, 404),
            url_name="plan-import-status", summary="Status impor rencana bulanan")
def plan_status(request, unit_uuid: UUID, token: UUID):
    scope = unit_scope(request, unit_uuid)
    scope.require("publishing.edit")
    status = plan_import.plan_status_read(unit=scope.unit, token=token)
    if status is None:
        raise Http404
    progress = status.get("progress")
    return {"state": status.get("state", ""), "created": status.get("created"), "errors": status.get("errors", []),
            "progress": list(progress) if progress else None}
