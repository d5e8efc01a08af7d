"""Reads of the guideline, always through a unit (and its ancestors) or a scope."""

import threading
import time

from django.http import Http404

from warta.guideline.models import Rule
from warta.organisations import tree
from warta.organisations.models import Unit

CACHE_SECONDS = 5.0
_cache: dict[tuple[int, str], tuple[float, tuple[Rule, ...]]] = {}
_lock = threading.Lock()


def rules_effective(unit: Unit) -> list[Rule]:
    """Return the active rules that bind ``unit``: its ancestors' first (root down), then its own.

    One query. A unit adds rules to what it inherits; it cannot remove or edit an ancestor's.
    """
    return list(
        Rule.objects.filter(unit__path__in=tree.ancestor_paths(unit.path), active=True)
        .select_related("unit").order_by("unit__path", "created_at", "pk")
    )


def rules_for_check(unit: Unit) -> tuple[Rule, ...]:
    """``rules_effective`` cached in this process for a few seconds (the composer checks as one types)."""
    key = (unit.pk, unit.path)
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    rules = tuple(rules_effective(unit))
    with _lock:
        if len(_cache) > 10_000:
            _cache.clear()
        _cache[key] = (now + CACHE_SECONDS, rules)
    return rules


def cache_clear() -> None:
    """Forget cached rules (after a write in this process)."""
    with _lock:
        _cache.clear()


def rules_listed(*, scope, kind: str = "", inactive: bool = True) -> list[Rule]:
    """The guideline page: ancestors' active rules (read-only) and the unit's own (active or not)."""
    unit = scope.unit
    own = Rule.objects.filter(unit=unit)
    if not inactive:
        own = own.filter(active=True)
    inherited = Rule.objects.filter(unit__path__in=tree.ancestor_paths(unit.path)[:-1], active=True)
    qs = (own | inherited).select_related("unit", "created_by").order_by("unit__path", "created_at", "pk")
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs)


def rule_own_get(*, scope, rule_uuid) -> Rule:
    """One of the scope unit's own rules; Http404 for anything else (an ancestor's rule included)."""
    rule = Rule.objects.filter(unit=scope.unit, uuid=rule_uuid).select_related("unit").first()
    if rule is None:
        raise Http404
    return rule
