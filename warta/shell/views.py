import uuid
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from warta.channels.selectors import accounts_needing_attention
from warta.core.health import health_report
from warta.ingest.selectors import inbound_summary
from warta.organisations.decorators import scoped
from warta.organisations.scope import scope_for_uuid
from warta.organisations.selectors import audit_list, unit_dashboard_counts
from warta.shell.areas import AREA_BY_SLUG, AREAS
from warta.shell.context_processors import current_unit_for


@login_required
def home(request):
    """Send the user to the dashboard of the unit they act for."""
    unit = current_unit_for(request)
    if unit is None:
        return render(request, "shell/no_membership.html")
    return redirect("shell:dashboard", unit.uuid)


@require_POST
@login_required
def switch_unit(request):
    """Switch the unit the user acts for (the unit switcher)."""
    unit_uuid = request.POST.get("unit", "")
    if not _is_uuid(unit_uuid):
        raise Http404
    scope = scope_for_uuid(user=request.user, unit_uuid=unit_uuid, grants=tuple(request.grants))
    request.session["warta_unit"] = str(scope.unit.uuid)
    return redirect("shell:dashboard", scope.unit.uuid)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, TypeError):
        return False
    return True


@scoped("unit.view")
def dashboard(request):
    scope = request.scope
    can_audit = scope.can("audit.view")
    return render(request, "shell/dashboard.html", {
        "unit": scope.unit,
        "role": scope.role,
        "counts": unit_dashboard_counts(scope=scope),
        "events": list(audit_list(scope=scope)[:8]) if can_audit else [],
        "can_audit": can_audit,
        "areas": AREAS,
        "inbound": inbound_summary(scope=scope, since=timezone.now() - timedelta(days=1)),
        "attention_accounts": list(accounts_needing_attention(scope=scope)[:10]) if scope.can("account.view") else [],
    })


@scoped("unit.view")
def area(request, slug: str):
    item = AREA_BY_SLUG.get(slug)
    if item is None:
        raise Http404
    if item.url_name:
        return redirect(item.url_name, unit_uuid=request.scope.unit.uuid)
    return render(request, "shell/area_empty.html", {"unit": request.scope.unit, "area": item})


@scoped("unit.view")
def unit_settings(request):
    return render(request, "shell/settings.html", {"unit": request.scope.unit, "scope": request.scope})


@login_required
def health(request):
    report = health_report()
    return render(request, "shell/health.html", {"report": report}, status=200 if report.database_ok else 503)
