"""Pages of the unit tree, members and invitations, API tokens and the audit trail."""

import csv

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from warta.core.csvsafe import csv_safe, csv_safe_row
from warta.core.forms import form_errors_add
from warta.organisations import selectors, services
from warta.organisations.decorators import scoped
from warta.organisations.forms import (
    AcceptInvitationForm,
    AuditFilterForm,
    InviteForm,
    MoveForm,
    RoleForm,
    TokenForm,
    UnitForm,
)
from warta.organisations.roles import Role
from warta.organisations.scope import scope_for_uuid

PAGE_SIZE = 50


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


@scoped("unit.view")
def unit_tree(request):
    scope = request.scope
    unit = scope.unit
    query = request.GET.get("q", "").strip()
    include_archived = request.GET.get("arsip") == "1"
    page = Paginator(selectors.unit_children(scope=scope, unit=unit, include_archived=include_archived, query=query),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    children = selectors.units_count_below(units=list(page.object_list))
    context = {
        "unit": unit, "page": page, "children": children, "query": query, "include_archived": include_archived,
        "ancestors": selectors.unit_ancestors(scope=scope, unit=unit), "can_manage": scope.can("unit.manage"),
    }
    template = "organisations/unit_tree.html#children" if request.htmx else "organisations/unit_tree.html"
    return render(request, template, context)


def _unit_form(request, *, form, save, success: str, creating: bool):
    """Validate ``form``, call ``save`` (a service) and report, for create and edit alike."""
    unit = request.scope.unit
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(**form.cleaned_data)
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, success % {"name": saved.name})
            return redirect("organisations:unit-tree", unit.uuid)
    return render(request, "organisations/unit_form.html", {"form": form, "unit": unit, "creating": creating},
                  status=400 if form.errors else 200)


@scoped("unit.manage")
def unit_create(request):
    parent = request.scope.unit
    return _unit_form(
        request, form=UnitForm(request.POST or None, initial={"time_zone": parent.time_zone}),
        save=lambda **data: services.unit_create(actor=request.user, parent=parent, **data),
        success=_("Unit %(name)s dibuat."), creating=True,
    )


@scoped("unit.manage")
def unit_edit(request):
    unit = request.scope.unit
    return _unit_form(
        request, form=UnitForm(request.POST or None, instance=unit),
        save=lambda **data: services.unit_update(actor=request.user, unit=unit, **data),
        success=_("Perubahan pada %(name)s disimpan."), creating=False,
    )


@scoped("unit.manage")
def unit_move(request):
    """Pick a new parent, among the units the user administers, for this unit's subtree."""
    scope = request.scope
    unit = scope.unit
    if unit.parent_id is None or scope.role_on(unit.parent) is None:
        # Moving one's own top unit would take it out of one's reach.
        messages.error(request, _("Unit teratas wewenang Anda tidak dapat dipindahkan dari sini."))
        return redirect("organisations:unit-tree", unit.uuid)
    form = MoveForm(request.POST or None)
    query = request.GET.get("q", "").strip()
    candidates = selectors.unit_move_targets(scope=scope, unit=unit, query=query) if query else []
    if request.method == "POST" and form.is_valid():
        target = scope_for_uuid(user=request.user, unit_uuid=form.cleaned_data["target"], grants=scope.grants)
        target.require("unit.manage")
        try:
            services.unit_move(actor=request.user, unit=unit, new_parent=target.unit)
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("%(unit)s sekarang berada di bawah %(target)s.") % {
                "unit": unit.name, "target": target.unit.name})
            return redirect("organisations:unit-tree", unit.uuid)
    return render(request, "organisations/unit_move.html",
                  {"form": form, "unit": unit, "candidates": candidates, "query": query},
                  status=400 if form.errors else 200)


@require_POST
@scoped("unit.manage")
def unit_archive(request):
    scope = request.scope
    archived = request.POST.get("archived", "1") == "1"
    if archived and (scope.unit.parent_id is None or scope.role_on(scope.unit.parent) is None):
        messages.error(request, _("Unit teratas wewenang Anda tidak dapat diarsipkan dari sini."))
        return redirect("organisations:unit-tree", scope.unit.uuid)
    try:
        unit = services.unit_archive(actor=request.user, unit=scope.unit, archived=archived)
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
        return redirect("organisations:unit-tree", scope.unit.uuid)
    if archived:
        messages.success(request, _("%(name)s dan seluruh unit di bawahnya diarsipkan. Riwayatnya tetap tersimpan.") % {"name": unit.name})
        return redirect("organisations:unit-tree", unit.parent.uuid)
    messages.success(request, _("%(name)s dipulihkan.") % {"name": unit.name})
    return redirect("organisations:unit-tree", unit.uuid)


@scoped("member.view", write_permission="member.manage")
def member_list(request):
    scope = request.scope
    page = Paginator(selectors.membership_list(scope=scope, unit=scope.unit), PAGE_SIZE).get_page(request.GET.get("page"))
    invitations = selectors.invitation_list(scope=scope, unit=scope.unit).filter(
        accepted_at__isnull=True, revoked_at__isnull=True)[:100]
    return render(request, "organisations/member_list.html", {
        "unit": scope.unit, "page": page, "invitations": invitations, "can_manage": scope.can("member.manage"),
        "roles": Role.choices, "now": timezone.now(),
    })


@scoped("member.manage")
def member_invite(request):
    scope = request.scope
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = scope.unit
        if form.cleaned_data.get("unit"):
            target = selectors.unit_get(scope=scope, unit_uuid=form.cleaned_data["unit"])
        try:
            invitation, _raw = services.invitation_create(
                scope=scope, email=form.cleaned_data["email"], unit=target, role=form.cleaned_data["role"])
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, _("Undangan dikirim ke %(email)s.") % {"email": invitation.email})
            return redirect("organisations:member-list", scope.unit.uuid)
    return render(request, "organisations/member_invite.html", {"form": form, "unit": scope.unit},
                  status=400 if form.errors else 200)


@require_POST
@scoped("member.manage")
def member_update(request, pk: int):
    scope = request.scope
    membership = selectors.membership_get(scope=scope, pk=pk)
    try:
        if request.POST.get("remove"):
            services.membership_remove(scope=scope, membership=membership)
            messages.success(request, _("Keanggotaan dicabut."))
        else:
            form = RoleForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Peran tidak dikenal."))
            services.membership_set(scope=scope, user=membership.user, unit=membership.unit, role=form.cleaned_data["role"])
            messages.success(request, _("Peran diperbarui."))
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
    return redirect("organisations:member-list", scope.unit.uuid)


@require_POST
@scoped("member.manage")
def invitation_revoke(request, invitation_uuid):
    scope = request.scope
    invitation = selectors.invitation_get(scope=scope, invitation_uuid=invitation_uuid)
    services.invitation_revoke(scope=scope, invitation=invitation)
    messages.success(request, _("Undangan untuk %(email)s dibatalkan.") % {"email": invitation.email})
    return redirect("organisations:member-list", scope.unit.uuid)


def invitation_accept(request, token: str):
    """Public page behind the emailed link: set a name and password, or join with the
    account already signed in."""
    try:
        invitation = services.invitation_find(token)
    except ValidationError as exc:
        return render(request, "organisations/invitation_invalid.html", {"errors": _errors(exc)}, status=410)
    from django.contrib.auth import get_user_model

    existing = get_user_model().objects.filter(email=invitation.email).first()
    form = AcceptInvitationForm(request.POST or None) if existing is None else None
    if request.method == "POST":
        try:
            if existing is not None:
                if not request.user.is_authenticated or request.user.pk != existing.pk:
                    raise ValidationError(_("Masuk dulu sebagai %(email)s untuk menerima undangan ini.") % {"email": existing.email})
                user, _m = services.invitation_accept(raw=token, user=request.user)
            elif form.is_valid():
                user, _m = services.invitation_accept(raw=token, full_name=form.cleaned_data["full_name"],
                                                      password=form.cleaned_data["password"])
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                raise ValidationError([])
        except ValidationError as exc:
            if form is not None and exc.messages:
                form.add_error("password" if "password" in " ".join(exc.messages).lower() or "sandi" in " ".join(exc.messages).lower() else None, exc.messages)
            elif exc.messages:
                messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Selamat datang di %(unit)s.") % {"unit": invitation.unit.name})
            request.session["warta_unit"] = str(invitation.unit.uuid)
            return redirect("shell:home")
    return render(request, "organisations/invitation_accept.html",
                  {"invitation": invitation, "form": form, "existing": existing},
                  status=400 if form is not None and form.errors else 200)


@scoped("token.manage")
def token_list(request):
    scope = request.scope
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.api_token_create(scope=scope, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            created = {"token": token, "raw": raw}
    return render(request, "organisations/token_list.html", {
        "unit": scope.unit, "form": form, "created": created, "tokens": selectors.api_token_list(scope=scope),
        "role": scope.role,
    }, status=400 if form.errors else 200)


@require_POST
@scoped("token.manage")
def token_revoke(request, token_uuid):
    scope = request.scope
    token = selectors.api_token_get(scope=scope, token_uuid=token_uuid)
    services.api_token_revoke(scope=scope, token=token)
    messages.success(request, _("Token %(name)s dicabut.") % {"name": token.name})
    return redirect("organisations:token-list", scope.unit.uuid)


def _audit_filtered(request):
    form = AuditFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        from datetime import datetime, time, timedelta

        zone = request.scope.unit.zone
        data = form.cleaned_data
        filters = {"action": data["action"], "actor": data["actor"], "query": data["q"]}
        if data["since"]:
            filters["since"] = datetime.combine(data["since"], time.min, tzinfo=zone)
        if data["until"]:
            filters["until"] = datetime.combine(data["until"] + timedelta(days=1), time.min, tzinfo=zone)
    return form, selectors.audit_list(scope=request.scope, **filters)


@scoped("audit.view")
def audit_list(request):
    form, events = _audit_filtered(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "organisations/audit_list.html", {
        "unit": request.scope.unit, "form": form, "page": page, "actions": selectors.audit_actions(),
        "querystring": query.urlencode(),
    })


class _Echo:
    def write(self, value):
        return value


@scoped("audit.view")
def audit_export(request):
    """Stream the filtered audit trail as CSV (constant memory for any size)."""
    _form, events = _audit_filtered(request)
    writer = csv.writer(_Echo())
    header = ["seq", "waktu_utc", "oleh", "unit", "tindakan", "jenis_objek", "id_objek", "objek", "perubahan", "alamat_ip", "hash"]

    def rows():
        yield writer.writerow(header)
        for e in events.iterator(chunk_size=2000):
            yield writer.writerow([e.seq, e.created_at.isoformat(), *csv_safe_row([e.actor_label, e.unit_label]),
                                   e.action, e.target_type, csv_safe(e.target_id), csv_safe(e.target_label),
                                   csv_safe(e.changes), e.ip or "", e.hash])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="jejak-audit-{request.scope.unit.uuid}.csv"'
    return response


