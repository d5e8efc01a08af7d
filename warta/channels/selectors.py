"""Reads on official accounts, always within an acting scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from warta.channels.models import Account, ConnectionState, NetworkAllow, PlatformApp
from warta.organisations import tree
from warta.organisations.models import Unit
from warta.organisations.scope import Scope


@dataclass(frozen=True)
class AccountFilter:
    """The directory's filters; empty values filter nothing."""

    query: str = ""
    platform: str = ""
    kind: str = ""
    region: str = ""  # a Kemendagri code prefix: "32" (province), "32.01" (regency)
    unit_uuid: str = ""  # a unit inside the scope: its subtree
    state: str = ""
    archived: bool = False


def account_list(*, scope: Scope, filters: AccountFilter | None = None, with_state: bool = True) -> QuerySet[Account]:
    """Return the accounts of the scope's subtree matching ``filters``, by platform and handle.

    ``with_state=False`` leaves the state filter out (for the per-state counts).
    """
    f = filters or AccountFilter()
    qs = Account.objects.for_scope(scope).select_related("unit")
    qs = qs.filter(archived_at__isnull=not f.archived)
    if f.query:
        qs = qs.filter(Q(handle__icontains=f.query) | Q(display_name__icontains=f.query)
                       | Q(unit__name__icontains=f.query))
    if f.platform:
        qs = qs.filter(platform=f.platform)
    if f.kind:
        qs = qs.filter(unit__kind=f.kind)
    if f.region:
        qs = qs.filter(_region_condition(scope, f.region))
    if f.unit_uuid:
        unit = Unit.objects.subtree_of(scope.unit).filter(uuid=f.unit_uuid).first()
        qs = qs.filter(unit__path__startswith=unit.path) if unit else qs.none()
    if with_state and f.state:
        qs = qs.filter(state=f.state)
    return qs.order_by("platform", "handle", "pk")


def _region_condition(scope: Scope, region: str) -> Q:
    """Accounts of units whose region code starts with ``region`` and of everything below
    them (a Dinas under Kabupaten Bogor has no code of its own)."""
    region = region.strip().rstrip(".")
    paths = list(
        Unit.objects.subtree_of(scope.unit)
        .filter(Q(region_code=region) | Q(region_code__startswith=region + "."))
        .order_by("path").values_list("path", flat=True)
    )
    tops: list[str] = []
    for path in paths:  # sorted: a path inside an earlier one adds nothing
        if not tops or not tree.is_within(path, tops[-1]):
            tops.append(path)
    condition = Q(pk__in=[])
    for path in tops:
        condition |= Q(unit__path__startswith=path)
    return condition


def account_state_counts(*, scope: Scope, filters: AccountFilter | None = None) -> dict[str, int]:
    """Count the matching accounts per connection state (every state present, zero or more)."""
    rows = account_list(scope=scope, filters=filters, with_state=False).order_by().values("state") \
        .annotate(n=Count("pk"))
    counts = {state: 0 for state in ConnectionState.values}
    for row in rows:
        counts[row["state"]] = row["n"]
    return counts


def account_get(*, scope: Scope, account_uuid) -> Account:
    """Return one account of the scope's subtree (archived too); Http404 otherwise."""
    account = Account.objects.for_scope(scope).select_related("unit").filter(uuid=account_uuid).first()
    if account is None:
        raise Http404
    return account


def accounts_needing_attention(*, scope: Scope) -> QuerySet[Account]:
    """Active accounts of the subtree that need reconnection, are suspended or expiring."""
    return Account.objects.for_scope(scope).active().filter(
        state__in=[ConnectionState.RECONNECT, ConnectionState.SUSPENDED, ConnectionState.EXPIRING]
    ).select_related("unit").order_by("state", "handle")


def account_export_rows(*, scope: Scope, filters: AccountFilter | None = None):
    """Yield the directory rows for CSV, in chunks (officers prefetched per chunk)."""
    qs = account_list(scope=scope, filters=filters).prefetch_related("officers")
    yield from qs.iterator(chunk_size=500)


def scope_units(*, scope: Scope) -> QuerySet[Unit]:
    """The scope's unit and its direct children (the directory's unit filter)."""
    return Unit.objects.filter(Q(pk=scope.unit.pk) | Q(parent=scope.unit), archived_at__isnull=True).order_by("path")


def platform_app_list() -> dict[str, PlatformApp]:
    return {app.platform: app for app in PlatformApp.objects.all()}


def network_allow_list() -> QuerySet[NetworkAllow]:
    return NetworkAllow.objects.order_by("network")
