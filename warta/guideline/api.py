"""The guideline endpoints of the JSON API: the effective rules, a unit's own rules, and the check.

Same auth and scope rules as the organisations API. A rule is changed only through its own
unit's URL: an ancestor's rule is 404 there (inherited rules cannot be changed down the tree).
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from warta.channels.connectors.base import Platform
from warta.guideline import selectors, services
from warta.guideline.engine import guideline_check
from warta.guideline.params import MAX_YEAR, MIN_YEAR
from warta.guideline.schemas import CheckIn, CheckOut, RuleIn, RuleOut, RulePage, RulePatch
from warta.organisations.api import aware, paginate, responses, unit_scope
from warta.organisations.schemas import PageIn

router = Router(tags=["pedoman"])


class _Listed(list):
    """A list that ``paginate`` can count and slice."""

    def count(self, *args):  # noqa: D102 — QuerySet-like
        return len(self) if not args else super().count(*args)


def _params_errors(exc: ValidationError) -> ValidationError:
    """Name a settings error after its place in the body (``params.phrases``)."""
    if not hasattr(exc, "error_dict"):
        return exc
    top = {"kind", "severity", "platforms", "message", "params"}
    return ValidationError({(k if k in top else f"params.{k}"): v for k, v in exc.message_dict.items()})


@router.get("/units/{unit_uuid}/guideline/rules", response=responses({200: RulePage}, 403, 404, 422),
            url_name="guideline-rule-list", summary="Aturan pedoman yang berlaku")
def rule_list(request, unit_uuid: UUID, paging: Query[PageIn]):
    """The unit's effective guideline: ancestors' active rules first (``inherited``), then its own."""
    scope = unit_scope(request, unit_uuid)
    scope.require("guideline.view")
    rules = selectors.rules_listed(scope=scope)
    for rule in rules:
        rule.inherited = rule.unit_id != scope.unit.pk
    return paginate(_Listed(rules), paging)


@router.post("/units/{unit_uuid}/guideline/rules", response=responses({201: RuleOut}, 403, 404, 422),
             url_name="guideline-rule-create", summary="Tambah aturan pedoman")
def rule_create(request, unit_uuid: UUID, payload: RuleIn):
    """Add a rule to the unit's own guideline. Needs the admin role."""
    scope = unit_scope(request, unit_uuid)
    scope.require("guideline.manage")
    try:
        rule = services.rule_create(actor=request.user, unit=scope.unit, kind=payload.kind.value,
                                    severity=payload.severity.value, params=payload.params, message=payload.message,
                                    platforms=payload.platforms, active=payload.active)
    except ValidationError as exc:
        raise _params_errors(exc) from None
    return Status(201, rule)


@router.patch("/units/{unit_uuid}/guideline/rules/{rule_uuid}", response=responses({200: RuleOut}, 403, 404, 422),
              url_name="guideline-rule-update", summary="Ubah aturan pedoman")
def rule_update(request, unit_uuid: UUID, rule_uuid: UUID, payload: RulePatch):
    """Change one of the unit's own rules; only the fields sent change. The kind never changes."""
    scope = unit_scope(request, unit_uuid)
    scope.require("guideline.manage")
    rule = selectors.rule_own_get(scope=scope, rule_uuid=rule_uuid)
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    try:
        return services.rule_update(actor=request.user, rule=rule, **fields)
    except ValidationError as exc:
        raise _params_errors(exc) from None


@router.delete("/units/{unit_uuid}/guideline/rules/{rule_uuid}", response=responses({204: None}, 403, 404),
               url_name="guideline-rule-delete", summary="Hapus aturan pedoman")
def rule_delete(request, unit_uuid: UUID, rule_uuid: UUID):
    scope = unit_scope(request, unit_uuid)
    scope.require("guideline.manage")
    services.rule_delete(actor=request.user, rule=selectors.rule_own_get(scope=scope, rule_uuid=rule_uuid))
    return Status(204, None)


@router.post("/units/{unit_uuid}/guideline/check", response=responses({200: CheckOut}, 403, 404, 422),
             url_name="guideline-check", summary="Periksa teks terhadap pedoman")
def check(request, unit_uuid: UUID, payload: CheckIn):
    """Check a text (and extra ``links``, for ``platform``, to be published at ``when``) against the
    unit's effective guideline. Writes nothing; every role may call it."""
    scope = unit_scope(request, unit_uuid)
    scope.require("guideline.view")
    if payload.platform and payload.platform not in {p.value for p in Platform}:
        raise ValidationError({"platform": _("Platform tidak dikenal.")})
    if payload.when is not None and not MIN_YEAR <= payload.when.year <= MAX_YEAR:
        # year 1 or 9999 with an offset cannot be shown in the unit's zone
        raise ValidationError({"when": _("Tahun harus antara %(min)s dan %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}})
    result = guideline_check(unit=scope.unit, text=payload.text.replace("\x00", ""), platform=payload.platform,
                             links=payload.links, when=aware(payload.when, scope))
    return result.as_dict()
