"""Roles and permissions: one table, extended by features through ``permission_register``.

A membership gives a role on a unit; the role holds over the unit's whole subtree.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    APPROVER = "approver", _("Penyetuju")
    EDITOR = "editor", _("Editor")
    ANALYST = "analyst", _("Analis")
    VIEWER = "viewer", _("Peninjau (baca saja)")


# Higher rank wins when several memberships reach the same unit.
ROLE_RANK = {Role.VIEWER: 1, Role.ANALYST: 2, Role.EDITOR: 3, Role.APPROVER: 4, Role.ADMIN: 5}

ALL = frozenset(Role)
_PERMISSIONS: dict[str, frozenset[str]] = {
    "unit.view": ALL,
    "unit.manage": frozenset({Role.ADMIN}),
    "member.view": ALL,
    "member.manage": frozenset({Role.ADMIN}),
    "audit.view": frozenset({Role.ADMIN, Role.APPROVER, Role.ANALYST, Role.VIEWER}),
    "token.manage": ALL,
    "health.view": ALL,
}


def permission_register(name: str, roles: set[str] | frozenset[str]) -> None:
    """Declare a feature's permission and the roles that hold it."""
    _PERMISSIONS[name] = frozenset(Role(r) for r in roles)


def role_has(role: str | None, permission: str) -> bool:
    """Return whether ``role`` holds ``permission``; an unknown permission is held by none."""
    if role is None:
        return False
    return role in _PERMISSIONS.get(permission, frozenset())


def role_at_most(role: str, ceiling: str) -> bool:
    """Return whether ``role`` grants nothing beyond ``ceiling`` (for tokens and invitations)."""
    return ROLE_RANK[Role(role)] <= ROLE_RANK[Role(ceiling)]
