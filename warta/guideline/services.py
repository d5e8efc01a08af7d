"""Writes of the guideline: create, change, (de)activate and delete a unit's own rules.

Permission is checked by the caller (``guideline.manage`` on the rule's unit); every write is
audited and clears this process's rule cache.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy

from warta.core.audit import audit_action_register, audit_record
from warta.guideline import selectors
from warta.guideline.models import Rule
from warta.guideline.params import message_clean, params_clean, platforms_clean, severity_clean
from warta.organisations.roles import Role, permission_register

permission_register("guideline.view", set(Role))
permission_register("guideline.manage", {Role.ADMIN})

audit_action_register({
    "guideline.rule.create": gettext_lazy("Aturan pedoman dibuat"),
    "guideline.rule.update": gettext_lazy("Aturan pedoman diubah"),
    "guideline.rule.activate": gettext_lazy("Aturan pedoman diaktifkan"),
    "guideline.rule.deactivate": gettext_lazy("Aturan pedoman dinonaktifkan"),
    "guideline.rule.delete": gettext_lazy("Aturan pedoman dihapus"),
})


def _summary(rule: Rule) -> dict:
    return {"kind": rule.kind, "severity": rule.severity, "params": rule.params, "platforms": rule.platforms,
            "message": rule.message, "active": rule.active}


def rule_create(*, actor, unit, kind: str, severity: str, params: dict, message: str = "",
                platforms=(), active: bool = True) -> Rule:
    """Add a rule to ``unit``'s guideline; ``ValidationError`` (nothing stored) on bad settings."""
    rule = Rule(unit=unit, kind=kind, severity=severity_clean(severity),
                params=params_clean(kind, params, zone=unit.zone), message=message_clean(message),
                platforms=platforms_clean(list(platforms)), active=bool(active),
                created_by=actor if getattr(actor, "pk", None) else None)
    with transaction.atomic():
        rule.save()
        audit_record(actor=actor, unit=unit, action="guideline.rule.create", target=rule, changes=_summary(rule))
    selectors.cache_clear()
    return rule


def rule_update(*, actor, rule: Rule, **fields) -> Rule:
    """Change a rule's severity, settings, message, platforms or state; its kind never changes."""
    unknown = set(fields) - {"severity", "params", "message", "platforms", "active"}
    if unknown:
        raise TypeError(f"rule_update: unknown fields {sorted(unknown)}")
    before = _summary(rule)
    cleaned = {}
    if "severity" in fields:
        cleaned["severity"] = severity_clean(fields["severity"])
    if "params" in fields:
        cleaned["params"] = params_clean(rule.kind, fields["params"], zone=rule.unit.zone)
    if "message" in fields:
        cleaned["message"] = message_clean(fields["message"])
    if "platforms" in fields:
        cleaned["platforms"] = platforms_clean(fields["platforms"])
    if "active" in fields:
        cleaned["active"] = bool(fields["active"])
    for name, value in cleaned.items():
        setattr(rule, name, value)
    after = _summary(rule)
    changes = {k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]}
    if not changes:
        return rule
    with transaction.atomic():
        rule.save()
        action = "guideline.rule.update"
        if set(changes) == {"active"}:
            action = "guideline.rule.activate" if rule.active else "guideline.rule.deactivate"
        audit_record(actor=actor, unit=rule.unit, action=action, target=rule, changes=changes)
    selectors.cache_clear()
    return rule


def rule_set_active(*, actor, rule: Rule, active: bool) -> Rule:
    return rule_update(actor=actor, rule=rule, active=active)


def rule_delete(*, actor, rule: Rule) -> None:
    with transaction.atomic():
        audit_record(actor=actor, unit=rule.unit, action="guideline.rule.delete", target=rule,
                     changes=_summary(rule))
        rule.delete()
    selectors.cache_clear()
