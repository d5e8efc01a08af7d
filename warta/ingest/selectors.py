"""Reads of inbound data, always within the acting scope."""

from django.db.models import Q

from warta.ingest.models import Item, Quarantine, TrackedTerm


def item_list(*, scope, kind: str = "", platform: str = "", account_uuid=None, q: str = ""):
    items = Item.objects.for_scope(scope).select_related("account", "unit")
    if kind:
        items = items.filter(kind=kind)
    if platform:
        items = items.filter(platform=platform)
    if account_uuid:
        items = items.filter(account__uuid=account_uuid)
    if q:
        items = items.filter(Q(text__icontains=q) | Q(author_handle__icontains=q) | Q(title__icontains=q))
    return items.order_by("-created_at", "-pk")


def quarantine_list(*, scope):
    return Quarantine.objects.filter(unit__path__startswith=scope.unit.path).select_related("account").order_by("-received_at")


def term_list(*, scope):
    return TrackedTerm.objects.filter(unit=scope.unit).order_by("term")


def term_get(*, scope, term_uuid) -> TrackedTerm:
    return TrackedTerm.objects.filter(unit=scope.unit).get(uuid=term_uuid)


def inbound_summary(*, scope, since) -> dict:
    """Counts for the dashboard: items received since ``since`` by kind, and the latest
    follower count of each official account in the subtree, summed. A subtree without
    accounts costs one query (items only arrive through an account)."""
    from django.db.models import Count, OuterRef, Subquery

    from warta.channels.models import Account
    from warta.ingest.models import AccountMetricSnapshot

    ids = list(Account.objects.for_scope(scope).active().values_list("pk", flat=True))
    if not ids:
        return {"by_kind": {}, "total": 0, "followers": 0}
    by_kind = dict(Item.objects.filter(account_id__in=ids, received_at__gte=since)
                   .values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    latest = AccountMetricSnapshot.objects.filter(account=OuterRef("pk")).order_by("-observed_at")
    followers = Account.objects.filter(pk__in=ids).annotate(f=Subquery(latest.values("followers")[:1]))
    return {"by_kind": by_kind, "total": sum(by_kind.values()),
            "followers": sum(f or 0 for f in followers.values_list("f", flat=True))}
