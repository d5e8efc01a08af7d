"""Reads of amplification, always through the acting scope: packages sent by units of the
scope's subtree, tasks received by units of it, and the tracker of one package."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from warta.amplification.models import (
    OPEN_STATES,
    PENDING_STATES,
    AmplificationTask,
    Package,
    TaskState,
)
from warta.organisations.models import Unit, UnitKind
from warta.organisations.scope import Scope


def _uuid_or_404(value):
    try:
        import uuid

        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise Http404 from None


def package_list(*, scope: Scope, q: str = "", state: str = "", own: bool = False) -> QuerySet[Package]:
    """Packages sent by the scope's unit and the units below it, newest first, with their
    counts (``n_tasks``, ``n_published``, ``n_declined``)."""
    rows = Package.objects.for_scope(scope)
    if own:
        rows = rows.filter(unit=scope.unit)
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(note__icontains=q))
    if state:
        rows = rows.filter(state=state)
    return (rows.select_related("unit")
            .annotate(n_tasks=Count("tasks", distinct=True),
                      n_published=Count("tasks", filter=Q(tasks__state=TaskState.PUBLISHED), distinct=True),
                      n_declined=Count("tasks", filter=Q(tasks__state=TaskState.DECLINED), distinct=True))
            .order_by("-created_at", "-pk"))


def package_get(*, scope: Scope, package_uuid) -> Package:
    package = (Package.objects.for_scope(scope).select_related("unit", "created_by", "source_post")
               .filter(uuid=_uuid_or_404(package_uuid)).first())
    if package is None:
        raise Http404
    return package


@dataclass
class TrackerSummary:
    total: int
    published: int
    declined: int
    counts: list[tuple[str, str, int]]  # (state, label, n)
    overdue: int
    reach: int
    reach_known: int


def tracker_rows(*, package: Package, state: str = "", q: str = "", overdue: bool = False) -> QuerySet:
    rows = package.tasks.select_related("unit", "post", "responded_by").order_by("unit__path")
    if state:
        rows = rows.filter(state=state)
    if q:
        rows = rows.filter(Q(unit__name__icontains=q) | Q(unit__short_name__icontains=q))
    if overdue:
        rows = rows.filter(state__in=OPEN_STATES, package__deadline__lt=timezone.now())
    return rows


def tracker_summary(*, package: Package) -> TrackerSummary:
    by_state = dict(package.tasks.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    total = sum(by_state.values())
    now = timezone.now()
    overdue = (package.tasks.filter(state__in=OPEN_STATES).count()
               if package.deadline and package.deadline < now else 0)
    reach = package.tasks.filter(reach__isnull=False).aggregate(total=Sum("reach"), n=Count("pk"))
    return TrackerSummary(
        total=total, published=by_state.get(TaskState.PUBLISHED, 0), declined=by_state.get(TaskState.DECLINED, 0),
        counts=[(value, label, by_state.get(value, 0)) for value, label in TaskState.choices], overdue=overdue,
        reach=reach["total"] or 0, reach_known=reach["n"] or 0)


def task_inbox(*, scope: Scope, state: str = "", q: str = "", pending: bool = False) -> QuerySet[AmplificationTask]:
    """Tasks received by the scope's unit and the units below it: what superiors asked to share."""
    rows = AmplificationTask.objects.for_scope(scope)
    if state:
        rows = rows.filter(state=state)
    if pending:
        rows = rows.filter(state__in=PENDING_STATES)
    if q:
        rows = rows.filter(Q(package__title__icontains=q) | Q(unit__name__icontains=q))
    return (rows.select_related("package__unit", "unit", "post")
            .order_by("-package__created_at", "unit__path"))


def task_get(*, scope: Scope, task_uuid) -> AmplificationTask:
    task = (AmplificationTask.objects.for_scope(scope).select_related("package__unit", "unit", "post")
            .filter(uuid=_uuid_or_404(task_uuid)).first())
    if task is None:
        raise Http404
    return task


# Shortcuts of the recipient picker: "all kecamatan", "all dinas"… (the kinds that have units).
SHORTCUT_KINDS = (UnitKind.KECAMATAN, UnitKind.DINAS, UnitKind.BADAN, UnitKind.DESA, UnitKind.KELURAHAN,
                  UnitKind.KABUPATEN, UnitKind.KOTA, UnitKind.KANTOR_WILAYAH, UnitKind.UNIT_UTAMA, UnitKind.BAGIAN)


def recipient_kinds(unit: Unit) -> list[tuple[str, str, int]]:
    """The unit kinds below ``unit`` with how many active units each has: (kind, label, n)."""
    from warta.amplification.services import recipients_available

    counts = dict(recipients_available(unit).values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    labels = dict(UnitKind.choices)
    return [(k.value, str(labels[k]), counts[k]) for k in SHORTCUT_KINDS if counts.get(k)]
