"""Pages of the press app: releases (edit, preview, approval, versions, outputs, publishing,
sending, the delivery log), media contacts with their CSV import, distribution lists, and the
public page of a published release."""

import difflib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from warta.approvals.services import approval_history
from warta.core.forms import form_errors_add
from warta.organisations.decorators import scoped
from warta.press import outputs, selectors, services
from warta.press.forms import (
    AttachmentForm,
    ContactFilterForm,
    ContactForm,
    DeliveryFilterForm,
    ImportForm,
    ListForm,
    ReleaseFilterForm,
    ReleaseForm,
    SendForm,
)
from warta.press.models import PressAttachment, PressRelease, PressVersion

PAGE_SIZE = 25
FIELD_LABELS = {
    "number": gettext_lazy("Nomor"), "headline": gettext_lazy("Judul"), "place": gettext_lazy("Tempat"),
    "release_date": gettext_lazy("Tanggal"), "lead": gettext_lazy("Teras berita"), "body": gettext_lazy("Isi"),
    "quotes": gettext_lazy("Kutipan"), "contact_name": gettext_lazy("Nama narahubung"),
    "contact_position": gettext_lazy("Jabatan narahubung"), "contact_phone": gettext_lazy("Telepon narahubung"),
    "contact_email": gettext_lazy("Email narahubung"),
}


def _querystring(request) -> str:
    return urlencode({k: v for k, v in request.GET.items() if k != "page" and v})


def _release(request, release_uuid) -> PressRelease:
    return selectors.release_get(scope=request.scope, release_uuid=release_uuid)


# --- releases -------------------------------------------------------------------------------


@scoped("press.view")
def release_list(request):
    scope = request.scope
    form = ReleaseFilterForm(request.GET or None)
    filters = selectors.ReleaseFilter()
    if form.is_valid():
        filters = selectors.ReleaseFilter(query=form.cleaned_data["q"].replace("\x00", "").strip(),
                                          state=form.cleaned_data["state"])
    page = Paginator(selectors.release_list(scope=scope, filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "press/release_list.html", {
        "unit": scope.unit, "form": form, "page": page, "querystring": _querystring(request),
        "can_edit": scope.can("press.edit")})


def _release_form(request, *, release=None):
    scope = request.scope
    initial = ReleaseForm.initial_from(release) if release else {"place": "", "contact_name": ""}
    form = ReleaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if release is None:
                saved = services.release_create(actor=request.user, unit=scope.unit, **form.values())
                messages.success(request, _("Siaran pers disimpan sebagai draf."))
            else:
                before = release.version
                saved = services.release_update(actor=request.user, release=release, **form.values())
                if saved.version != before:
                    messages.warning(request, _("Perubahan disimpan sebagai versi %(v)s; siaran pers kembali "
                                                "menjadi draf dan perlu diajukan ulang.") % {"v": saved.version})
                else:
                    messages.success(request, _("Perubahan disimpan."))
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            return redirect("press:release-detail", scope.unit.uuid, saved.uuid)
    return render(request, "press/release_form.html", {"form": form, "unit": scope.unit, "release": release},
                  status=400 if form.errors else 200)


@scoped("press.edit")
def release_create(request):
    return _release_form(request)


@scoped("press.edit")
def release_edit(request, release_uuid):
    release = _release(request, release_uuid)
    if not release.is_editable:
        messages.error(request, _("Siaran pers yang sudah %(state)s tidak dapat diubah.")
                       % {"state": release.get_state_display()})
        return redirect("press:release-detail", request.scope.unit.uuid, release.uuid)
    return _release_form(request, release=release)


@scoped("press.view")
def release_detail(request, release_uuid):
    scope = request.scope
    release = _release(request, release_uuid)
    attachments = list(release.attachments.all())
    return render(request, "press/release_detail.html", {
        "unit": scope.unit, "release": release, "attachments": attachments,
        "preview": outputs.release_html(release),
        "history": approval_history(release), "attachment_form": AttachmentForm(),
        "can_edit": scope.can("press.edit"), "can_send": scope.can("press.send"),
        "public_url": services.public_url(release) if release.state == PressRelease.State.PUBLISHED else "",
        "counts": selectors.delivery_counts(release=release)})


def _act(request, release_uuid, call, ok: str):
    release = _release(request, release_uuid)
    try:
        call(release)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, ok)
    return redirect("press:release-detail", request.scope.unit.uuid, release.uuid)


@require_POST
@scoped("press.edit", write_permission="press.edit")
def release_submit(request, release_uuid):
    return _act(request, release_uuid, lambda r: services.release_submit(actor=request.user, release=r),
                _("Siaran pers diajukan untuk persetujuan."))


@require_POST
@scoped("press.edit", write_permission="press.edit")
def release_publish(request, release_uuid):
    return _act(request, release_uuid, lambda r: services.release_publish(actor=request.user, release=r),
                _("Siaran pers terbit di halaman publik."))


@require_POST
@scoped("press.edit", write_permission="press.edit")
def release_archive(request, release_uuid):
    return _act(request, release_uuid, lambda r: services.release_archive(actor=request.user, release=r),
                _("Siaran pers diarsipkan."))


@scoped("press.view")
def release_pdf(request, release_uuid):
    release = _release(request, release_uuid)
    response = HttpResponse(outputs.release_pdf(release), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{outputs.filename(release, "pdf")}"'
    return response


@scoped("press.view")
def release_docx(request, release_uuid):
    release = _release(request, release_uuid)
    response = HttpResponse(
        outputs.release_docx(release),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = f'attachment; filename="{outputs.filename(release, "docx")}"'
    return response


def _text_of(snapshot: dict, key: str) -> list[str]:
    value = snapshot.get(key, "")
    if key == "quotes":
        return [f"“{q.get('text', '')}” \u2014 {q.get('name', '')}, {q.get('position', '')}"
                for q in value or []]
    if key == "body":
        return [p.strip() for p in str(value).replace("\r\n", "\n").split("\n\n") if p.strip()]
    return [str(value)] if value else []


def version_diff(old: dict, new: dict) -> list[dict]:
    """Per changed field, the lines of a unified diff (kind ``add``, ``del`` or ``same``)."""
    out = []
    for key, label in FIELD_LABELS.items():
        a, b = _text_of(old, key), _text_of(new, key)
        if a == b:
            continue
        lines = []
        for line in difflib.ndiff(a, b):
            tag, text = line[:1], line[2:]
            if tag == "?":
                continue
            lines.append({"kind": {"+": "add", "-": "del"}.get(tag, "same"), "text": text})
        out.append({"field": str(label), "lines": lines})
    return out


@scoped("press.view")
def release_versions(request, release_uuid):
    release = _release(request, release_uuid)
    versions = list(PressVersion.objects.filter(release=release).select_related("created_by"))
    by_number = {v.version: v for v in versions}

    def pick(name, default):
        try:
            return by_number.get(int(request.GET.get(name, default)))
        except (TypeError, ValueError):
            return None

    newest = versions[0].version if versions else 1
    new = pick("b", newest)
    old = pick("a", (new.version - 1) if new else newest - 1)
    diff = version_diff(old.snapshot, new.snapshot) if old and new else []
    return render(request, "press/release_versions.html", {
        "unit": request.scope.unit, "release": release, "versions": versions, "old": old, "new": new,
        "diff": diff})


# --- attachments ----------------------------------------------------------------------------


@require_POST
@scoped("press.edit", write_permission="press.edit")
def attachment_add(request, release_uuid):
    release = _release(request, release_uuid)
    version = release.version
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(actor=request.user, release=release, upload=form.cleaned_data["file"],
                                    title=form.cleaned_data["title"])
        except ValidationError as exc:
            form_errors_add(form, exc)
    if form.errors:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    else:
        messages.success(request, _("Lampiran ditambahkan."))
        _back_to_draft_message(request, release, version)
    return redirect("press:release-detail", request.scope.unit.uuid, release.uuid)


def _back_to_draft_message(request, release, before: int) -> None:
    """Changing the attachments of a release past draft made a new version (see services)."""
    release.refresh_from_db(fields=["version", "state"])
    if release.version != before:
        messages.warning(request, _("Perubahan disimpan sebagai versi %(v)s; siaran pers kembali menjadi draf dan "
                                    "perlu diajukan ulang.") % {"v": release.version})


def _attachment(release, attachment_uuid) -> PressAttachment:
    attachment = release.attachments.filter(uuid=attachment_uuid).first()
    if attachment is None:
        raise Http404
    return attachment


@require_POST
@scoped("press.edit", write_permission="press.edit")
def attachment_remove(request, release_uuid, attachment_uuid):
    release = _release(request, release_uuid)
    version = release.version
    try:
        services.attachment_remove(actor=request.user, attachment=_attachment(release, attachment_uuid))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Lampiran dihapus."))
        _back_to_draft_message(request, release, version)
    return redirect("press:release-detail", request.scope.unit.uuid, release.uuid)


def _file_response(attachment: PressAttachment):
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=attachment.filename, content_type=attachment.mime_type)


@scoped("press.view")
def attachment_download(request, release_uuid, attachment_uuid):
    return _file_response(_attachment(_release(request, release_uuid), attachment_uuid))


# --- sending --------------------------------------------------------------------------------


@scoped("press.send")
def release_send(request, release_uuid):
    scope = request.scope
    release = _release(request, release_uuid)
    form = SendForm(request.POST or None, lists=selectors.list_list(scope=scope))
    if request.method == "POST" and form.is_valid():
        try:
            rows = services.press_send(actor=request.user, release=release,
                                       distribution_list=form.cleaned_data["distribution_list"])
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, _("%(n)s email siaran pers masuk antrean kirim.") % {"n": len(rows)})
            return redirect("press:delivery-list", scope.unit.uuid, release.uuid)
    return render(request, "press/release_send.html", {"unit": scope.unit, "release": release, "form": form},
                  status=400 if form.errors else 200)


@scoped("press.view")
def delivery_list(request, release_uuid):
    scope = request.scope
    release = _release(request, release_uuid)
    form = DeliveryFilterForm(request.GET or None)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    page = Paginator(selectors.delivery_list(release=release, state=state), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "press/delivery_list.html", {
        "unit": scope.unit, "release": release, "page": page, "form": form, "querystring": _querystring(request),
        "counts": selectors.delivery_counts(release=release), "can_send": scope.can("press.send")})


@require_POST
@scoped("press.send", write_permission="press.send")
def delivery_retry(request, release_uuid):
    release = _release(request, release_uuid)
    try:
        n = services.deliveries_retry(actor=request.user, release=release)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(n)s pengiriman yang gagal diantrekan ulang.") % {"n": n})
    return redirect("press:delivery-list", request.scope.unit.uuid, release.uuid)


def _delivery_decide(request, release_uuid, delivery_uuid, *, service, done: str):
    release = _release(request, release_uuid)
    delivery = selectors.delivery_get(release=release, delivery_uuid=delivery_uuid)
    try:
        service(actor=request.user, delivery=delivery)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done % {"email": delivery.email})
    return redirect("press:delivery-list", request.scope.unit.uuid, release.uuid)


@require_POST
@scoped("press.send", write_permission="press.send")
def delivery_resend(request, release_uuid, delivery_uuid):
    """An uncertain delivery: the person decides it did not go out, and queues it again."""
    return _delivery_decide(request, release_uuid, delivery_uuid, service=services.delivery_resend,
                            done=_("Pengiriman ke %(email)s diantrekan ulang."))


@require_POST
@scoped("press.send", write_permission="press.send")
def delivery_mark_sent(request, release_uuid, delivery_uuid):
    """An uncertain delivery: the person decides it did go out."""
    return _delivery_decide(request, release_uuid, delivery_uuid, service=services.delivery_mark_sent,
                            done=_("Pengiriman ke %(email)s ditandai terkirim."))


# --- contacts -------------------------------------------------------------------------------


@scoped("press.view")
def contact_list(request):
    scope = request.scope
    form = ContactFilterForm(request.GET or None)
    query, beat, archived = "", "", False
    if form.is_valid():
        query = form.cleaned_data["q"].replace("\x00", "").strip()
        beat = form.cleaned_data["beat"].strip()
        archived = form.cleaned_data["arsip"]
    rows = selectors.contact_list(scope=scope, query=query, archived=archived, beat=beat)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "press/contact_list.html", {
        "unit": scope.unit, "form": form, "page": page, "querystring": _querystring(request),
        "can_edit": scope.can("press.edit")})


def _contact_form(request, *, contact=None):
    scope = request.scope
    initial = {}
    if contact is not None:
        initial = {k: getattr(contact, k) for k in ("name", "outlet", "email", "phone", "region_code", "notes",
                                                     "archived")} | {"beats": ", ".join(contact.beats)}
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if contact is None:
                data.pop("archived")
                services.contact_create(actor=request.user, unit=scope.unit, **data)
                messages.success(request, _("Kontak media ditambahkan."))
            else:
                services.contact_update(actor=request.user, contact=contact, **data)
                messages.success(request, _("Kontak media disimpan."))
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            return redirect("press:contact-list", scope.unit.uuid)
    return render(request, "press/contact_form.html", {"form": form, "unit": scope.unit, "contact": contact},
                  status=400 if form.errors else 200)


@scoped("press.edit")
def contact_create(request):
    return _contact_form(request)


@scoped("press.edit")
def contact_edit(request, contact_uuid):
    return _contact_form(request, contact=selectors.contact_get(scope=request.scope, contact_uuid=contact_uuid))


@scoped("press.edit")
def contact_import(request):
    scope = request.scope
    form = ImportForm(request.POST or None, request.FILES or None)
    plan, status, content = None, 200, ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload is not None:
                data = upload.read(services.IMPORT_MAX_BYTES + 1)
                plan = services.contacts_import_plan(unit=scope.unit, data=data)
                content = data.decode("utf-8-sig") if plan.ok else ""
                status = 200 if plan.ok else 400
            elif form.cleaned_data["content"]:
                plan = services.contacts_import(actor=request.user, unit=scope.unit,
                                                data=form.cleaned_data["content"].encode())
                messages.success(request, _("%(new)s kontak baru dan %(upd)s kontak diperbarui.")
                                 % {"new": plan.new_count, "upd": plan.update_count})
                return redirect("press:contact-list", scope.unit.uuid)
            else:
                form.add_error("file", _("Pilih berkas CSV."))
                status = 400
        except ValidationError as exc:
            form_errors_add(form, exc)
            plan, status = None, 400
    return render(request, "press/contact_import.html", {
        "unit": scope.unit, "form": form, "plan": plan, "confirm": ImportForm(initial={"content": content}),
        "content": content}, status=status)


# --- distribution lists ---------------------------------------------------------------------


@scoped("press.view")
def list_list(request):
    scope = request.scope
    page = Paginator(selectors.list_list(scope=scope), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "press/list_list.html", {"unit": scope.unit, "page": page, "querystring": "",
                                                    "can_edit": scope.can("press.edit")})


def _list_form(request, *, dlist=None):
    scope = request.scope
    owner = dlist.unit if dlist else scope.unit
    contacts = selectors.contact_list(scope=scope).filter(unit__path__startswith=owner.path)
    if dlist is not None:
        # An archived contact stays in the list (it is simply not sent to): saving the list's
        # name must not silently drop it, so it stays a choice, ticked.
        contacts = contacts | dlist.contacts.filter(unit__path__startswith=owner.path)
        contacts = contacts.distinct()
    initial = {"name": dlist.name, "contacts": list(dlist.contacts.all())} if dlist else {}
    form = ListForm(request.POST or None, initial=initial, contacts=contacts)
    if request.method == "POST" and form.is_valid():
        try:
            if dlist is None:
                services.list_create(actor=request.user, unit=scope.unit, name=form.cleaned_data["name"],
                                     contacts=form.cleaned_data["contacts"])
            else:
                services.list_update(actor=request.user, dlist=dlist, name=form.cleaned_data["name"],
                                     contacts=form.cleaned_data["contacts"])
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, _("Daftar distribusi disimpan."))
            return redirect("press:list-list", scope.unit.uuid)
    return render(request, "press/list_form.html", {"form": form, "unit": scope.unit, "dlist": dlist},
                  status=400 if form.errors else 200)


@scoped("press.edit")
def list_create(request):
    return _list_form(request)


@scoped("press.edit")
def list_edit(request, list_uuid):
    return _list_form(request, dlist=selectors.list_get(scope=request.scope, list_uuid=list_uuid))


# --- the public page ------------------------------------------------------------------------


def public_release(request, slug):
    """A published release for anyone, without signing in; 404 unless published."""
    release = selectors.public_release_get(slug=slug)
    body = outputs.release_html(release, attachments=list(release.attachments.all()),
                                attachment_url="press:public-attachment")
    return render(request, "press/public_release.html", {"release": release, "body": body})


def public_attachment(request, slug, attachment_uuid):
    release = selectors.public_release_get(slug=slug)
    return _file_response(_attachment(release, attachment_uuid))
