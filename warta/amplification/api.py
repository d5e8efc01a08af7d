"""The amplification endpoints of the JSON API: packages sent down the tree, their tracker, the
inbox of tasks, accept and decline. Same rules as the rest of the API: outside the token's
reach is 404, a role without the permission is 403, bad input is 422 (problem+json)."""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from warta.amplification import selectors, services
from warta.amplification.models import AmplificationTask, Package, TaskState
from warta.amplification.schemas import (
    AcceptIn,
    DeclineIn,
    PackageIn,
    PackageOut,
    PackagePage,
    TaskFilterIn,
    TaskOut,
    TaskPage,
    TrackerOut,
)
from warta.organisations.api import aware, paginate, responses, token_scope, unit_scope
from warta.organisations.models import UnitKind
from warta.organisations.schemas import PageIn
from warta.organisations.scope import Scope, scope_for_unit

router = Router(tags=["amplification"])


def _counts(package: Package) -> dict:
    if hasattr(package, "n_tasks"):
        return {"tasks": package.n_tasks, "published": package.n_published, "declined": package.n_declined}
    c = package.tasks.aggregate(tasks=Count("pk"), published=Count("pk", filter=Q(state=TaskState.PUBLISHED)),
                                declined=Count("pk", filter=Q(state=TaskState.DECLINED)))
    return c


def package_out(package: Package) -> dict:
    return {
        "uuid": package.uuid, "unit_uuid": package.unit.uuid, "unit_name": package.unit.name,
        "title": package.title, "note": package.note, "deadline": package.deadline, "state": package.state,
        "variants": package.variants, "media": [m.uuid for m in package.media.all()],
        "source_post": package.source_post.uuid if package.source_post_id else None,
        "created_by": getattr(package.created_by, "email", None), "created_at": package.created_at,
        **_counts(package),
    }


def task_out(task: AmplificationTask, now=None) -> dict:
    package = task.package
    return {
        "uuid": task.uuid, "package_uuid": package.uuid, "package_title": package.title,
        "sender_uuid": package.unit.uuid, "sender_name": package.unit.name, "unit_uuid": task.unit.uuid,
        "unit_name": task.unit.name, "unit_kind": task.unit.kind, "state": task.state, "deadline": package.deadline,
        "overdue": task.is_overdue(now), "post": task.post.uuid if task.post_id else None,
        "post_state": task.post.state if task.post_id else None, "published_at": task.published_at,
        "reach": task.reach, "reminded_at": task.reminded_at, "declined_reason": task.declined_reason,
    }


def _package(request, package_uuid: UUID) -> tuple[Scope, Package]:
    reach = token_scope(request)
    package = selectors.package_get(scope=reach, package_uuid=package_uuid)
    scope = scope_for_unit(user=request.user, unit=package.unit, grants=reach.grants, ceiling=request.api_token.role)
    scope.require("amplification.view")
    return scope, package


def _task(request, task_uuid: UUID) -> tuple[Scope, AmplificationTask]:
    reach = token_scope(request)
    task = selectors.task_get(scope=reach, task_uuid=task_uuid)
    scope = scope_for_unit(user=request.user, unit=task.unit, grants=reach.grants, ceiling=request.api_token.role)
    return scope, task


def _variants(payload_variants) -> dict:
    return {str(p): {"text": v.text, "link": v.link} for p, v in (payload_variants or {}).items()}


@router.get("/units/{unit_uuid}/amplification/packages", response=responses({200: PackagePage}, 403, 404, 422),
            url_name="amplification-package-list", summary="Daftar paket amplifikasi")
def package_list(request, unit_uuid: UUID, paging: Query[PageIn], q: str = "", own: bool = False):
    """Packages sent by the unit and the units below it, newest first; ``own=true``: the unit's only."""
    scope = unit_scope(request, unit_uuid)
    scope.require("amplification.view")
    page = paginate(selectors.package_list(scope=scope, q=q.strip()[:200], own=own)
                    .select_related("created_by", "source_post").prefetch_related("media"), paging)
    page["items"] = [package_out(p) for p in page["items"]]
    return page


@router.post("/units/{unit_uuid}/amplification/packages", response=responses({201: PackageOut}, 403, 404, 422),
             url_name="amplification-package-create", summary="Kirim paket amplifikasi ke unit di bawahnya")
def package_create(request, unit_uuid: UUID, payload: PackageIn):
    """Send a package to units strictly below the unit (``recipients`` and/or every unit of
    ``recipient_kinds``); each gets a task and a notification. Nothing is stored on error."""
    scope = unit_scope(request, unit_uuid)
    scope.require("amplification.send")
    unit = scope.unit
    available = services.recipients_available(unit)
    recipients = list(available.filter(uuid__in=payload.recipients))
    if len(recipients) != len(set(payload.recipients)):
        raise ValidationError({"recipients": _("Sebagian unit penerima bukan unit di bawah unit pengirim.")})
    if payload.recipient_kinds:
        unknown = sorted(set(payload.recipient_kinds) - set(UnitKind.values))
        if unknown:
            raise ValidationError({"recipient_kinds": _("Jenis unit tidak dikenal: %(kinds)s.")
                                   % {"kinds": ", ".join(unknown)}})
        recipients += list(available.filter(kind__in=payload.recipient_kinds))
    source = None
    if payload.source_post is not None:
        from warta.publishing.selectors import post_get

        try:
            source = post_get(scope=scope, post_uuid=payload.source_post)
        except Http404:
            raise ValidationError({"source_post": _("Konten asal tidak ditemukan di unit ini.")}) from None
    package = services.package_create(
        actor=request.user, unit=unit, title=payload.title, note=payload.note,
        deadline=aware(payload.deadline, scope), variants=_variants(payload.variants), recipients=recipients,
        media=payload.media, source_post=source)
    return Status(201, package_out(package))


@router.get("/amplification/packages/{package_uuid}", response=responses({200: PackageOut}, 403, 404),
            url_name="amplification-package-detail", summary="Satu paket amplifikasi")
def package_detail(request, package_uuid: UUID):
    _scope, package = _package(request, package_uuid)
    return package_out(package)


@router.get("/amplification/packages/{package_uuid}/tracker", response=responses({200: TrackerOut}, 403, 404, 422),
            url_name="amplification-package-tracker", summary="Pelacak paket: status tiap unit penerima")
def package_tracker(request, package_uuid: UUID, filters: Query[TaskFilterIn], paging: Query[PageIn]):
    """Every recipient unit with its state, when it shared and the reach it got (null: no data yet)."""
    _scope, package = _package(request, package_uuid)
    summary = selectors.tracker_summary(package=package)
    rows = selectors.tracker_rows(package=package, state=filters.state.value if filters.state else "",
                                  q=filters.q.strip())
    page = paginate(rows, paging)
    now = timezone.now()
    items = []
    for task in page["items"]:
        task.package = package
        items.append(task_out(task, now))
    page["items"] = items
    return {"package": package_out(package), "total": summary.total, "published": summary.published,
            "declined": summary.declined, "overdue": summary.overdue, "reach": summary.reach,
            "counts": {value: n for value, _label, n in summary.counts}, "tasks": page}


@router.get("/units/{unit_uuid}/amplification/tasks", response=responses({200: TaskPage}, 403, 404, 422),
            url_name="amplification-task-list", summary="Tugas amplifikasi yang diterima")
def task_list(request, unit_uuid: UUID, filters: Query[TaskFilterIn], paging: Query[PageIn]):
    """Tasks received by the unit and the units below it: what superiors asked them to share."""
    scope = unit_scope(request, unit_uuid)
    scope.require("amplification.view")
    page = paginate(selectors.task_inbox(scope=scope, state=filters.state.value if filters.state else "",
                                         q=filters.q.strip()), paging)
    now = timezone.now()
    page["items"] = [task_out(t, now) for t in page["items"]]
    return page


@router.post("/amplification/tasks/{task_uuid}/accept", response=responses({200: TaskOut}, 403, 404, 422),
             url_name="amplification-task-accept", summary="Terima tugas: buat draf konten unit dari paket")
def task_accept(request, task_uuid: UUID, payload: AcceptIn):
    """Adapt the package's text (checked against the unit's guideline; an error refuses) and
    make the unit's own draft post, which then goes through its approval and schedule."""
    scope, task = _task(request, task_uuid)
    scope.require("amplification.respond")
    task = services.task_accept(actor=request.user, task=task, variants=_variants(payload.variants),
                                title=payload.title, submit=payload.submit)
    task = AmplificationTask.objects.select_related("package__unit", "unit", "post").get(pk=task.pk)
    return task_out(task)


@router.post("/amplification/tasks/{task_uuid}/decline", response=responses({200: TaskOut}, 403, 404, 422),
             url_name="amplification-task-decline", summary="Tolak tugas amplifikasi")
def task_decline(request, task_uuid: UUID, payload: DeclineIn):
    scope, task = _task(request, task_uuid)
    scope.require("amplification.respond")
    task = services.task_decline(actor=request.user, task=task, reason=payload.reason)
    task = AmplificationTask.objects.select_related("package__unit", "unit", "post").get(pk=task.pk)
    return task_out(task)
