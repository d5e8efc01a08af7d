"""The guideline app's URLs: the effective guideline, the rule forms, and the check."""

from tests.url_routes import UNIT, Route
from warta.guideline import services
from warta.guideline.models import RuleKind

ROUTES = {
    "guideline:home": Route(UNIT),
    "guideline:rule-create": Route(UNIT, write=True, get_forbidden=True),
    "guideline:rule-edit": Route(UNIT, write=True, get_forbidden=True, objects=("rule_uuid",)),
    "guideline:rule-toggle": Route(UNIT, write=True, post_only=True, objects=("rule_uuid",)),
    "guideline:rule-delete": Route(UNIT, write=True, post_only=True, objects=("rule_uuid",)),
    "guideline:check": Route(UNIT, post_only=True),  # writes nothing: every role may check
}


def make_objects(tree, admin, viewer):
    rule = services.rule_create(actor=admin, unit=tree.kab, kind=RuleKind.FORBIDDEN_PHRASE, severity="error",
                                params={"phrases": ["hoaks"]})
    return {"rule_uuid": rule.uuid}
