"""Pages of the guideline: the effective rules, the rule forms, and the "Coba pedoman" check."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from warta.core.forms import form_errors_add
from warta.guideline import selectors, services
from warta.guideline.engine import guideline_check
from warta.guideline.forms import FORMS, CheckForm, FilterForm
from warta.guideline.models import RuleKind
from warta.organisations.decorators import scoped

PAGE_SIZE = 50


@scoped("guideline.view", write_permission="guideline.manage")
def guideline_home(request):
    """The unit's effective guideline: inherited rules (read-only, with their unit) and its own."""
    scope = request.scope
    form = FilterForm(request.GET or None)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    rules = selectors.rules_listed(scope=scope, kind=kind)
    page = Paginator(rules, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {"unit": scope.unit, "page": page, "form": form, "querystring": urlencode(query),
               "can_manage": scope.can("guideline.manage"), "kinds": RuleKind.choices,
               "check_form": CheckForm()}
    return render(request, "guideline/guideline.html", context)


def _kind_or_404(kind: str) -> str:
    if kind not in FORMS:
        raise Http404
    return kind


@scoped("guideline.manage")
def rule_create(request):
    scope = request.scope
    kind = request.GET.get("jenis") or request.POST.get("jenis") or ""
    if not kind:
        return render(request, "guideline/rule_kind.html", {"unit": scope.unit, "kinds": RuleKind.choices})
    form_class = FORMS[_kind_or_404(kind)]
    form = form_class(request.POST or None, unit=scope.unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.rule_create(actor=request.user, unit=scope.unit, kind=kind, severity=data["severity"],
                                 params=data["params"], message=data["message"], platforms=data["platforms"])
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, _("Aturan pedoman ditambahkan."))
            return redirect("guideline:home", scope.unit.uuid)
    return render(request, "guideline/rule_form.html",
                  {"unit": scope.unit, "form": form, "kind": kind, "kind_label": RuleKind(kind).label, "rule": None},
                  status=400 if form.errors else 200)


@scoped("guideline.manage")
def rule_edit(request, rule_uuid):
    scope = request.scope
    rule = selectors.rule_own_get(scope=scope, rule_uuid=rule_uuid)
    form = FORMS[rule.kind](request.POST or None, unit=scope.unit, rule=rule)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.rule_update(actor=request.user, rule=rule, severity=data["severity"], params=data["params"],
                                 message=data["message"], platforms=data["platforms"])
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, _("Perubahan aturan disimpan."))
            return redirect("guideline:home", scope.unit.uuid)
    return render(request, "guideline/rule_form.html",
                  {"unit": scope.unit, "form": form, "kind": rule.kind, "kind_label": rule.get_kind_display(),
                   "rule": rule}, status=400 if form.errors else 200)


@require_POST
@scoped("guideline.manage")
def rule_toggle(request, rule_uuid):
    scope = request.scope
    rule = selectors.rule_own_get(scope=scope, rule_uuid=rule_uuid)
    services.rule_set_active(actor=request.user, rule=rule, active=not rule.active)
    messages.success(request, _("Aturan diaktifkan.") if rule.active else _("Aturan dinonaktifkan."))
    return redirect("guideline:home", scope.unit.uuid)


@require_POST
@scoped("guideline.manage")
def rule_delete(request, rule_uuid):
    scope = request.scope
    rule = selectors.rule_own_get(scope=scope, rule_uuid=rule_uuid)
    services.rule_delete(actor=request.user, rule=rule)
    messages.success(request, _("Aturan dihapus."))
    return redirect("guideline:home", scope.unit.uuid)


@require_POST
@scoped("guideline.view")
def check(request):
    """Check a text against the effective guideline; answers the partial ``guideline/_findings.html``.

    Writes nothing, so any role may use it. Fields: ``text``, ``platform``, ``when`` (ISO local
    date-time in the unit's zone; empty = now). Bad input answers the partial with the message."""
    scope = request.scope
    form = CheckForm(request.POST)
    context = {"unit": scope.unit, "result": None, "check_errors": []}
    if not form.is_valid():
        context["check_errors"] = [m for errs in form.errors.values() for m in errs]
        return render(request, "guideline/_findings.html", context)
    data = form.cleaned_data
    when = data["when"]
    if when is not None:
        when = when.replace(tzinfo=scope.unit.zone)  # the wall-clock time typed, in the unit's zone
    context["result"] = guideline_check(unit=scope.unit, text=data["text"], platform=data["platform"] or None,
                                        when=when)
    return render(request, "guideline/_findings.html", context)
