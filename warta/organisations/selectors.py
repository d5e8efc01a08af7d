"""Reads on the unit tree and memberships, always within an acting scope."""

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from warta.core.audit import audit_action_label
from warta.core.models import AuditEvent
from warta.organisations import tree
from warta.organisations.models import ApiToken, Invitation, Membership, Unit
from warta.organisations.roles import Role
from warta.organisations.scope import Scope


def unit_get(*, scope: Scope, unit_uuid) -> Unit:
    """Return a unit inside the scope's subtree; Http404 otherwise."""
    unit = Unit.objects.subtree_of(scope.unit).filter(uuid=unit_uuid).first()
    if unit is None:
        raise Http404
    return unit


def unit_ancestors(*, scope: Scope, unit: Unit) -> list[Unit]:
    """Return the unit's ancestors the user may see (from their highest reach), root first."""
    visible = [p for p in tree.ancestor_paths(unit.path)[:-1] if any(tree.is_within(p, g.path) for g in scope.grants)]
    return list(Unit.objects.filter(path__in=visible).order_by("path"))


def unit_children(*, scope: Scope, unit: Unit, include_archived: bool = False, query: str = "") -> QuerySet[Unit]:
    """Return the unit's direct children by name (``units_count_below`` adds their sizes)."""
    qs = Unit.objects.filter(parent=unit)
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(short_name__icontains=query) | Q(region_code__startswith=query))
    return qs.order_by("name")


def units_count_below(*, units: list[Unit]) -> list[Unit]:
    """Set ``child_count`` (active direct children) and ``subtree_count`` (every unit below)
    on sibling units, in one query with one index range per unit.

    Written as SQL because building the same query from 2 × 50 ORM lookups cost more
    Python time than the database took to answer it (bench, province tree page).
    """
    if not units:
        return units
    width, child_depth = len(units[0].path), units[0].depth + 1
    ranges = " OR ".join(["(path > %s AND path < %s)"] * len(units))
    params: list = [width, child_depth]
    for u in units:
        params += [u.path, tree.upper_bound(u.path)]
    sql = (
        f"SELECT substr(path, 1, %s), COUNT(*), "  # noqa: S608 (no user text: fixed columns, bound values)
        f"SUM(CASE WHEN depth = %s AND archived_at IS NULL THEN 1 ELSE 0 END) "
        f"FROM {Unit._meta.db_table} WHERE {ranges} GROUP BY 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        by_head = {head: (total, children) for head, total, children in cursor.fetchall()}
    for u in units:
        u.subtree_count, u.child_count = (int(v or 0) for v in by_head.get(u.path, (0, 0)))
    return units


def unit_move_targets(*, scope: Scope, unit: Unit, query: str, limit: int = 20) -> list[Unit]:
    """Units the user administers that match ``query`` and may take ``unit`` (not inside it)."""
    admin_paths = [g.path for g in scope.grants if g.role == Role.ADMIN]
    if not admin_paths:
        return []
    qs = (
        Unit.objects.within_paths(admin_paths).filter(archived_at__isnull=True)
        .exclude(path__gte=unit.path, path__lt=tree.upper_bound(unit.path))
        .filter(Q(name__icontains=query) | Q(short_name__icontains=query) | Q(region_code__startswith=query))
    )
    return list(qs.order_by("depth", "name")[:limit])


def membership_list(*, scope: Scope, unit: Unit) -> QuerySet[Membership]:
    """Memberships on ``unit`` and below it."""
    return (
        Membership.objects.filter(unit_path__gte=unit.path, unit_path__lt=tree.upper_bound(unit.path))
        .select_related("user", "unit")
        .order_by("unit_path", "user__email")
    )


def membership_get(*, scope: Scope, pk: int) -> Membership:
    membership = (
        Membership.objects.select_related("user", "unit")
        .filter(pk=pk, unit__in=Unit.objects.subtree_of(scope.unit).values("pk"))
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def invitation_list(*, scope: Scope, unit: Unit) -> QuerySet[Invitation]:
    return Invitation.objects.filter(unit__in=Unit.objects.subtree_of(unit).values("pk")).select_related("unit", "invited_by")


def invitation_get(*, scope: Scope, invitation_uuid) -> Invitation:
    invitation = invitation_list(scope=scope, unit=scope.unit).filter(uuid=invitation_uuid).first()
    if invitation is None:
        raise Http404
    return invitation


def api_token_list(*, scope: Scope) -> QuerySet[ApiToken]:
    """The acting user's own tokens on units inside the scope's subtree."""
    return ApiToken.objects.filter(
        user=scope.user, unit__in=Unit.objects.subtree_of(scope.unit).values("pk")
    ).select_related("unit")


def api_token_get(*, scope: Scope, token_uuid) -> ApiToken:
    token = api_token_list(scope=scope).filter(uuid=token_uuid).first()
    if token is None:
        raise Http404
    return token


def unit_dashboard_counts(*, scope: Scope) -> dict[str, int]:
    """Counts for the unit dashboard: subtree size, direct children, members, invitations."""
    subtree = Unit.objects.subtree_of(scope.unit).filter(archived_at__isnull=True)
    sizes = subtree.aggregate(total=Count("id"), children=Count("id", filter=Q(parent=scope.unit)))
    return {
        "subunits": sizes["total"] - 1,
        "children": sizes["children"],
        "members": Membership.objects.filter(unit_path__gte=scope.unit.path,
                                             unit_path__lt=tree.upper_bound(scope.unit.path)).count(),
        "pending_invitations": Invitation.objects.filter(
            unit__in=subtree.values("pk"), accepted_at__isnull=True, revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).count(),
    }


def audit_list(*, scope: Scope, action: str = "", actor: str = "", query: str = "",
               since=None, until=None) -> QuerySet[AuditEvent]:
    """Audit events acted for units in the scope's subtree, newest first, filtered.

    An event belongs where its unit stood in the tree when it happened (``unit_path`` is
    copied then, see ADR 0003): one indexed range, and history stays with its unit's
    old parent after a move.
    """
    qs = AuditEvent.objects.filter(unit_path__gte=scope.unit.path, unit_path__lt=tree.upper_bound(scope.unit.path))
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if query:
        qs = qs.filter(Q(target_label__icontains=query) | Q(unit_label__icontains=query))
    if since:
        qs = qs.filter(created_at__gte=since)
    if until:
        qs = qs.filter(created_at__lt=until)
    return qs.order_by("-seq")


def audit_actions() -> list[tuple[str, str]]:
    """The action codes present in the trail, with their labels, for the filter."""
    codes = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
    return sorted(((code, audit_action_label(code)) for code in codes), key=lambda pair: pair[1])
