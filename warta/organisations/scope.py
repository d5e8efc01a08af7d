"""The acting scope: a user, the unit they act for, and the role they hold there.

Every selector takes a scope; no view looks a row up by id alone. A user reaches a unit
when one of their memberships is on the unit or an ancestor of it; the highest such role
is theirs. Anything outside their memberships' subtrees does not exist for them (404);
something inside that their role may not do is forbidden (403).
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.http import Http404

from warta.organisations import tree
from warta.organisations.models import Membership, Unit
from warta.organisations.roles import ROLE_RANK, Role, role_at_most, role_has


@dataclass(frozen=True)
class Grant:
    unit_id: int
    path: str
    role: str


@dataclass(frozen=True)
class Scope:
    """Who acts, for which unit, with which role; ``grants`` are all their reaches."""

    user: object
    unit: Unit
    role: str
    grants: tuple[Grant, ...] = field(default_factory=tuple)
    via_token: bool = False

    def can(self, permission: str) -> bool:
        return role_has(self.role, permission)

    def require(self, permission: str) -> None:
        """Raise PermissionDenied (403) unless the role holds ``permission``."""
        if not self.can(permission):
            raise PermissionDenied(permission)

    def role_on(self, unit: Unit) -> str | None:
        return role_for_path(self.grants, unit.path)

    def contains(self, unit: Unit) -> bool:
        return tree.is_within(unit.path, self.unit.path)


def memberships_for(user) -> list[Membership]:
    """The user's memberships on active units, with their units, in tree order: one query."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Membership.objects.filter(user=user, unit__archived_at__isnull=True)
        .select_related("unit").order_by("unit__path")
    )


def grants_from(memberships) -> tuple[Grant, ...]:
    return tuple(Grant(m.unit_id, m.unit.path, m.role) for m in memberships)


def grants_for(user) -> tuple[Grant, ...]:
    """Load a user's memberships once, as plain grants."""
    return grants_from(memberships_for(user))


def role_for_path(grants: tuple[Grant, ...], path: str) -> str | None:
    """Return the highest role any grant gives on the unit at ``path``, or None."""
    best: str | None = None
    for grant in grants:
        if tree.is_within(path, grant.path) and (best is None or ROLE_RANK[Role(grant.role)] > ROLE_RANK[Role(best)]):
            best = grant.role
    return best


def scope_for_unit(*, user, unit: Unit, grants: tuple[Grant, ...] | None = None, ceiling: str | None = None) -> Scope:
    """Return the user's scope on ``unit``; Http404 when they do not reach it.

    ``ceiling`` caps the role (an API token never exceeds the role it was made with).
    """
    grants = grants_for(user) if grants is None else grants
    role = role_for_path(grants, unit.path)
    if role is None:
        raise Http404
    if ceiling is not None and not role_at_most(role, ceiling):
        role = ceiling
    return Scope(user=user, unit=unit, role=role, grants=grants, via_token=ceiling is not None)


def scope_for_uuid(*, user, unit_uuid, grants: tuple[Grant, ...] | None = None) -> Scope:
    """Look a unit up by UUID within the user's reach, in one query; Http404 otherwise."""
    grants = grants_for(user) if grants is None else grants
    if not grants:
        raise Http404
    unit = Unit.objects.within_paths([g.path for g in grants]).filter(uuid=unit_uuid).first()
    if unit is None:
        raise Http404
    return scope_for_unit(user=user, unit=unit, grants=grants)
