"""Reads on planning rows, always scoped.

Two reaches: what a unit *owns and may edit* is its subtree's rows (``*_editable``); what a
unit may *use* is that plus the pillars, audiences and campaigns of its ancestors
(``*_available``): a province's pillars are there for every regency below it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404

from warta.organisations import tree
from warta.organisations.models import Unit
from warta.organisations.scope import Scope
from warta.planning.models import Audience, Campaign, Goal, ImportantDate, Pillar


def _up_and_down(unit: Unit) -> Q:
    """Rows owned by ``unit``, its ancestors (inherited) or its subtree (its own reach)."""
    return Q(unit__path__in=tree.ancestor_paths(unit.path)) | Q(unit__path__startswith=unit.path)


def _inherited(unit: Unit) -> Q:
    """Rows owned by ``unit`` or one of its ancestors: what the unit inherits."""
    return Q(unit__path__in=tree.ancestor_paths(unit.path))


def pillars_available(unit: Unit) -> QuerySet[Pillar]:
    """Active pillars a unit may use: its own and its ancestors', nearest owner first."""
    return Pillar.objects.active().filter(_inherited(unit)).select_related("unit").order_by("-unit__path", "name")


def audiences_available(unit: Unit) -> QuerySet[Audience]:
    """Active audiences a unit may use: its own and its ancestors'."""
    return Audience.objects.active().filter(_inherited(unit)).select_related("unit").order_by("-unit__path", "name")


def campaigns_available(unit: Unit) -> QuerySet[Campaign]:
    """Active campaigns a unit may plan posts under: its own and its ancestors'."""
    return Campaign.objects.active().filter(_inherited(unit)).select_related("unit").order_by("-period_start", "name")


def goals_available(unit: Unit) -> QuerySet[Goal]:
    """Active goals a campaign of ``unit`` may serve: the unit's own and its ancestors'."""
    return Goal.objects.active().filter(_inherited(unit)).select_related("unit").order_by("-period_start", "title")


@dataclass(frozen=True)
class ListFilter:
    query: str = ""
    archived: bool = False
    inherited: bool = True  # include the ancestors' rows (read-only here)


_SEARCH = {Goal: ("title", "notes"), Audience: ("name", "description"), Pillar: ("name", "description"),
           Campaign: ("name", "programme", "description"), ImportantDate: ("title", "note")}
_ORDER = {Goal: ("-period_start", "title"), Audience: ("name",), Pillar: ("name",),
          Campaign: ("-period_start", "name"), ImportantDate: ("date", "title")}


def row_list(model, *, scope: Scope, filters: ListFilter | None = None) -> QuerySet:
    """List rows of ``model`` the scope sees: its subtree's and (when asked) its ancestors'."""
    f = filters or ListFilter()
    where = _up_and_down(scope.unit) if f.inherited else Q(unit__path__startswith=scope.unit.path)
    qs = model.objects.filter(where).select_related("unit")
    qs = qs.filter(archived_at__isnull=not f.archived)
    if f.query:
        condition = Q()
        for name in _SEARCH[model]:
            condition |= Q(**{f"{name}__icontains": f.query})
        qs = qs.filter(condition)
    return qs.order_by(*_ORDER[model], "pk")


def row_get(model, *, scope: Scope, uuid, editable: bool = False):
    """Return one row the scope sees (its subtree's or an ancestor's); with ``editable`` only
    the subtree's. Http404 otherwise."""
    where = Q(unit__path__startswith=scope.unit.path) if editable else _up_and_down(scope.unit)
    row = model.objects.filter(where).select_related("unit").filter(uuid=uuid).first()
    if row is None:
        raise Http404
    return row


def is_editable(row, scope: Scope) -> bool:
    """Whether ``row`` belongs to the scope's subtree (an ancestor's row is read-only here)."""
    return scope.contains(row.unit)


def goals_current(*, scope: Scope, today: date) -> QuerySet[Goal]:
    """Goals of the scope's unit and ancestors whose period includes ``today``."""
    return goals_available(scope.unit).filter(period_start__lte=today, period_end__gte=today)


def campaigns_active(*, scope: Scope, today: date) -> QuerySet[Campaign]:
    """Campaigns (own, subtree and ancestors') running on ``today``."""
    return (Campaign.objects.active().filter(_up_and_down(scope.unit))
            .filter(period_start__lte=today, period_end__gte=today).select_related("unit")
            .order_by("period_end", "name"))


def important_dates_for(unit: Unit) -> QuerySet[ImportantDate]:
    """Active important dates of ``unit`` and its ancestors (what its calendar shows)."""
    return ImportantDate.objects.active().filter(_inherited(unit)).select_related("unit")
