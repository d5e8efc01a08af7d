"""Pages of approvals: what waits for me, one request with its history, the chain settings,
and the public page behind a signed single-use link."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from warta.approvals import selectors, services
from warta.approvals.forms import ChainForm, DecideForm
from warta.approvals.models import ApprovalRequest
from warta.approvals.registry import subject_kind, subject_kinds
from warta.core.forms import form_errors_add
from warta.organisations.decorators import scoped

PAGE_SIZE = 20


def _decide(form: DecideForm, *, call) -> tuple[ApprovalRequest | None, int]:
    """Run a decision from a valid form; put its refusal on the form. Returns (request, status)."""
    try:
        return call(decision=form.cleaned_data["decision"], comment=form.cleaned_data["comment"],
                    acknowledged=form.acknowledged, level=form.cleaned_data.get("level")), 200
    except services.ApprovalNotAllowed as exc:
        form.add_error(None, exc.message)
        return None, 403
    except (services.ApprovalClosed, services.ApprovalStale) as exc:
        form.add_error(None, exc.messages)
        return None, 409
    except ValidationError as exc:
        form_errors_add(form, exc)
        return None, 400


@scoped("approval.decide")
def pending(request):
    scope = request.scope
    kind = request.GET.get("jenis", "")
    if kind and subject_kind(kind) is None:
        kind = ""
    rows = services.pending_for(request.user, scope, kind=kind)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = []
    for row in page.object_list:
        view = selectors.request_view(row)
        view["form"] = DecideForm(warnings=row.warnings, level=row.current_level, prefix=str(row.uuid))
        items.append(view)
    return render(request, "approvals/pending.html", {
        "unit": scope.unit, "page": page, "items": items, "kinds": subject_kinds(), "kind": kind,
        "querystring": urlencode({"jenis": kind}) if kind else "",
        "can_configure": scope.can("approval.configure"),
    })


@scoped("approval.decide", write_permission="approval.decide")
def detail(request, approval_uuid):
    scope = request.scope
    row = selectors.request_get(scope=scope, request_uuid=approval_uuid)
    prefix = str(row.uuid) if request.POST.get(f"{row.uuid}-decision") else None
    form = DecideForm(request.POST or None, warnings=row.warnings, level=row.current_level, prefix=prefix)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            done, status = _decide(form, call=lambda **kw: services.approval_decide(actor=request.user, request=row, **kw))
            if done is not None:
                if done.state == ApprovalRequest.State.APPROVED:
                    messages.success(request, _("Disetujui: %(title)s.") % {"title": done.title})
                elif done.state == ApprovalRequest.State.CHANGES_REQUESTED:
                    messages.success(request, _("Perbaikan diminta: %(title)s.") % {"title": done.title})
                else:
                    messages.success(request, _("Tingkat %(n)s disetujui; diteruskan ke tingkat berikutnya.")
                                     % {"n": done.current_level - 1})
                return redirect("approvals:pending", scope.unit.uuid)
        else:
            status = 400
        row = selectors.request_get(scope=scope, request_uuid=approval_uuid)
    view = selectors.request_view(row)
    history = []
    if view["subject"] is not None:
        history = [r for r in services.approval_history(view["subject"]) if scope.contains(r.unit)]
    return render(request, "approvals/detail.html", {
        **view, "unit": scope.unit, "form": form, "history": history or [row],
        "can_decide": services.may_decide(request.user, row, grants=scope.grants),
        "refusal": "" if not row.is_open else services.refusal_reason(user=request.user, request=row, grants=scope.grants),
        "level_unit": services.level_unit(row, row.current_level) if row.current_level else row.unit,
        "level_role": services.role_label(row.level_role(row.current_level)) if row.current_level else "",
        "can_remind": row.is_open and services.may_remind(request.user, row, role=scope.role_on(row.unit)),
    }, status=status)


@require_POST
@scoped("approval.view")
def remind(request, approval_uuid):
    """"Ingatkan sekarang": the submitter or an admin of the unit reminds the current deciders."""
    scope = request.scope
    row = selectors.request_get(scope=scope, request_uuid=approval_uuid)
    if not services.may_remind(request.user, row, role=scope.role_on(row.unit)):
        raise PermissionDenied("approval.remind")
    try:
        users = services.approval_remind(actor=request.user, request=row)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Pengingat dikirim ke %(n)s penyetuju tingkat %(level)s.")
                         % {"n": len(users), "level": row.current_level})
    return redirect("approvals:detail", scope.unit.uuid, row.uuid)


@scoped("approval.configure")
def chains(request):
    scope = request.scope
    unit = scope.unit
    kinds = subject_kinds()
    posted = request.POST.get("content_kind", "") if request.method == "POST" else ""
    status = 200
    rows = []
    for sk in kinds:
        own = selectors.chain_own(unit=unit, kind=sk.kind)
        source = services.chain_source(unit, sk.kind)
        initial = {"inherit": own is None}
        for n, role in enumerate(own.levels if own else [], start=1):
            initial[f"level_{n}"] = role
        bound = posted == sk.kind
        form = ChainForm(request.POST if bound else None, initial=initial, prefix=sk.kind)
        if bound:
            if form.is_valid():
                try:
                    if form.cleaned_data["inherit"]:
                        services.approval_chain_clear(actor=request.user, unit=unit, kind=sk.kind)
                    else:
                        services.approval_chain_set(actor=request.user, unit=unit, kind=sk.kind,
                                                    levels=form.cleaned_data["levels"])
                except ValidationError as exc:
                    form_errors_add(form, exc)
                    status = 400
                else:
                    messages.success(request, _("Alur persetujuan %(kind)s disimpan.") % {"kind": sk.label})
                    return redirect("approvals:chains", unit.uuid)
            else:
                status = 400
        rows.append({"kind": sk, "form": form, "own": own, "source": source,
                     "levels": [services.role_label(r) for r in (source.levels if source else [])]})
    if posted and not any(r["kind"].kind == posted for r in rows):
        messages.error(request, _("Jenis konten tidak dikenal."))
        status = 400
    return render(request, "approvals/chains.html", {"unit": unit, "rows": rows}, status=status)


def _link_page(request, template: str, context: dict, status: int):
    response = render(request, template, context, status=status)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def link(request, token: str):
    """Public: decide one level through a signed single-use link, as the link's user."""
    try:
        found = services.approval_link_find(token)
    except Http404:
        return _link_page(request, "approvals/link_invalid.html", {}, 404)
    except services.LinkGone as exc:
        return _link_page(request, "approvals/link_gone.html", {"message": exc.message}, 410)
    row = found.request
    view = selectors.request_view(row)
    refusal = services.refusal_reason(user=found.user, request=row) if found.user.is_active else _(
        "Akun Anda tidak aktif.")
    if refusal:
        return _link_page(request, "approvals/link_forbidden.html", {"message": refusal, **view}, 403)
    form = DecideForm(request.POST or None, warnings=row.warnings, level=row.current_level)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                done, status = _decide(form, call=lambda level=None, **kw: services.approval_link_decide(raw=token, **kw))
            except services.LinkGone as exc:
                return _link_page(request, "approvals/link_gone.html", {"message": exc.message}, 410)
            if done is not None:
                return _link_page(request, "approvals/link_done.html", {"decider": found.user,
                                                                        **selectors.request_view(done)}, 200)
            if status == 403:
                return _link_page(request, "approvals/link_forbidden.html",
                                  {"message": " ".join(form.non_field_errors()), **view}, 403)
        else:
            status = 400
    return _link_page(request, "approvals/link.html", {
        **view, "form": form, "decider": found.user, "link": found,
        "action": reverse("approvals:link", args=[token]),
    }, status)
