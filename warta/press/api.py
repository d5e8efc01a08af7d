"""The press endpoints of the JSON API: releases (with submit, PDF and DOCX), media contacts and
their CSV import, distribution lists, sending and the delivery log.

Same auth and scope rules as the organisations API: a row outside the token's reach is 404, a
role without the permission is 403, bad input is 422 problem+json and stores nothing.
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from warta.organisations.api import paginate, responses, token_scope, unit_scope
from warta.organisations.schemas import PageIn
from warta.organisations.scope import Scope, scope_for_unit
from warta.press import outputs, selectors, services
from warta.press.models import PressRelease
from warta.press.schemas import (
    ContactFilterIn,
    ContactIn,
    ContactOut,
    ContactPage,
    DeliveryPage,
    ImportIn,
    ImportOut,
    ListIn,
    ListOut,
    ListPage,
    ReleaseFilterIn,
    ReleaseIn,
    ReleaseOut,
    ReleasePage,
    ReleasePatch,
    SendIn,
    SubmitOut,
)

router = Router(tags=["siaran pers"])
FILE_RESPONSE = {"responses": {200: {"description": "Berkas", "content": {
    "application/pdf": {}, "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {}}}}}


def _text(value: str) -> str:
    return value.replace("\x00", "").strip()


def _release_scope(request, release_uuid: UUID) -> tuple[Scope, PressRelease]:
    """The scope on the release's unit (capped by the token) and the release."""
    reach = token_scope(request)
    release = selectors.release_get(scope=reach, release_uuid=release_uuid)
    scope = scope_for_unit(user=request.user, unit=release.unit, grants=reach.grants, ceiling=request.api_token.role)
    return scope, release


# --- releases -------------------------------------------------------------------------------


@router.get("/units/{unit_uuid}/press-releases", response=responses({200: ReleasePage}, 403, 404, 422),
            url_name="press-release-list", summary="Daftar siaran pers")
def release_list(request, unit_uuid: UUID, filters: Query[ReleaseFilterIn], paging: Query[PageIn]):
    """List the releases of a unit and every unit below it; ``q`` searches headline, number and lead."""
    scope = unit_scope(request, unit_uuid)
    scope.require("press.view")
    state = _text(filters.state)
    if state and state not in PressRelease.State.values:
        raise ValidationError({"state": _("Status tidak dikenal. Pilihan: %(choices)s.")
                               % {"choices": ", ".join(PressRelease.State.values)}})
    rows = selectors.release_list(scope=scope, filters=selectors.ReleaseFilter(query=_text(filters.q), state=state))
    return paginate(rows, paging)


@router.post("/units/{unit_uuid}/press-releases", response=responses({201: ReleaseOut}, 403, 404, 422),
             url_name="press-release-create", summary="Buat siaran pers")
def release_create(request, unit_uuid: UUID, payload: ReleaseIn):
    """Create a draft release of the unit."""
    scope = unit_scope(request, unit_uuid)
    scope.require("press.edit")
    data = payload.dict()
    release = services.release_create(actor=request.user, unit=scope.unit, **data)
    return Status(201, release)


@router.get("/press-releases/{release_uuid}", response=responses({200: ReleaseOut}, 403, 404),
            url_name="press-release-detail", summary="Satu siaran pers")
def release_detail(request, release_uuid: UUID):
    scope, release = _release_scope(request, release_uuid)
    scope.require("press.view")
    return release


@router.patch("/press-releases/{release_uuid}", response=responses({200: ReleaseOut}, 403, 404, 422),
              url_name="press-release-update", summary="Ubah siaran pers")
def release_update(request, release_uuid: UUID, payload: ReleasePatch):
    """Change the fields sent. A release in review or approved gets a new version and returns to draft."""
    scope, release = _release_scope(request, release_uuid)
    scope.require("press.edit")
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items()}
    for key in ("headline", "place", "lead", "release_date"):
        if key in fields and fields[key] is None:
            raise ValidationError({key: _("Tidak boleh kosong.")})
    fields = {k: ("" if v is None else v) for k, v in fields.items()}
    if "quotes" in fields and fields["quotes"] == "":
        fields["quotes"] = []
    return services.release_update(actor=request.user, release=release, **fields)


@router.post("/press-releases/{release_uuid}/submit", response=responses({200: SubmitOut}, 403, 404, 422),
             url_name="press-release-submit", summary="Ajukan siaran pers untuk persetujuan")
def release_submit(request, release_uuid: UUID):
    """Send the release for approval; a guideline error refuses it (422)."""
    scope, release = _release_scope(request, release_uuid)
    scope.require("press.edit")
    approval = services.release_submit(actor=request.user, release=release)
    release.refresh_from_db()
    return {"approval_uuid": approval.uuid, "approval_state": approval.state, "release": release}


@router.get("/press-releases/{release_uuid}/pdf", response=responses({}, 403, 404), openapi_extra=FILE_RESPONSE,
            url_name="press-release-pdf", summary="Siaran pers sebagai PDF")
def release_pdf(request, release_uuid: UUID):
    scope, release = _release_scope(request, release_uuid)
    scope.require("press.view")
    response = HttpResponse(outputs.release_pdf(release), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{outputs.filename(release, "pdf")}"'
    return response


@router.get("/press-releases/{release_uuid}/docx", response=responses({}, 403, 404), openapi_extra=FILE_RESPONSE,
            url_name="press-release-docx", summary="Siaran pers sebagai DOCX")
def release_docx(request, release_uuid: UUID):
    scope, release = _release_scope(request, release_uuid)
    scope.require("press.view")
    response = HttpResponse(outputs.release_docx(release),
                            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = f'attachment; filename="{outputs.filename(release, "docx")}"'
    return response


@router.post("/press-releases/{release_uuid}/send", response=responses({202: DeliveryPage}, 403, 404, 422),
             url_name="press-release-send", summary="Kirim siaran pers ke daftar distribusi")
def release_send(request, release_uuid: UUID, payload: SendIn):
    """Queue one email per active contact of the list; the release must be approved or published."""
    scope, release = _release_scope(request, release_uuid)
    scope.require("press.send")
    try:
        dlist = selectors.list_get(scope=token_scope(request), list_uuid=payload.distribution_list)
    except Http404 as exc:
        raise ValidationError({"distribution_list": _("Daftar distribusi tidak ditemukan atau di luar wewenang "
                                                      "Anda.")}) from exc
    rows = services.press_send(actor=request.user, release=release, distribution_list=dlist)
    return Status(202, {"count": len(rows), "page": 1, "page_size": max(len(rows), 1), "pages": 1, "items": rows})


@router.get("/press-releases/{release_uuid}/deliveries", response=responses({200: DeliveryPage}, 403, 404, 422),
            url_name="press-delivery-list", summary="Log pengiriman siaran pers")
def delivery_list(request, release_uuid: UUID, paging: Query[PageIn], state: str = ""):
    scope, release = _release_scope(request, release_uuid)
    scope.require("press.view")
    return paginate(selectors.delivery_list(release=release, state=_text(state)), paging)


# --- contacts and lists ---------------------------------------------------------------------


@router.get("/units/{unit_uuid}/media-contacts", response=responses({200: ContactPage}, 403, 404, 422),
            url_name="press-contact-list", summary="Daftar kontak media")
def contact_list(request, unit_uuid: UUID, filters: Query[ContactFilterIn], paging: Query[PageIn]):
    scope = unit_scope(request, unit_uuid)
    scope.require("press.view")
    return paginate(selectors.contact_list(scope=scope, query=_text(filters.q), archived=filters.archived), paging)


@router.post("/units/{unit_uuid}/media-contacts", response=responses({201: ContactOut}, 403, 404, 422),
             url_name="press-contact-create", summary="Tambah kontak media")
def contact_create(request, unit_uuid: UUID, payload: ContactIn):
    scope = unit_scope(request, unit_uuid)
    scope.require("press.edit")
    return Status(201, services.contact_create(actor=request.user, unit=scope.unit, **payload.dict()))


@router.post("/units/{unit_uuid}/media-contacts/import", response=responses({200: ImportOut}, 403, 404, 422),
             url_name="press-contact-import", summary="Impor kontak media dari CSV")
def contact_import(request, unit_uuid: UUID, payload: ImportIn):
    """Import all rows or none; each bad row is named with its line number (422)."""
    scope = unit_scope(request, unit_uuid)
    scope.require("press.edit")
    data = payload.csv.encode()
    if payload.dry_run:
        plan = services.contacts_import_plan(unit=scope.unit, data=data)
        if not plan.ok:
            raise ValidationError({"csv": plan.errors})
    else:
        try:
            plan = services.contacts_import(actor=request.user, unit=scope.unit, data=data)
        except ValidationError as exc:
            raise ValidationError({"csv": exc.message_dict.get("file", exc.messages)}) from exc
    return {"created": plan.new_count, "updated": plan.update_count, "dry_run": payload.dry_run}


@router.get("/units/{unit_uuid}/distribution-lists", response=responses({200: ListPage}, 403, 404, 422),
            url_name="press-list-list", summary="Daftar distribusi")
def list_list(request, unit_uuid: UUID, paging: Query[PageIn]):
    scope = unit_scope(request, unit_uuid)
    scope.require("press.view")
    return paginate(selectors.list_list(scope=scope).prefetch_related("contacts"), paging)


@router.post("/units/{unit_uuid}/distribution-lists", response=responses({201: ListOut}, 403, 404, 422),
             url_name="press-list-create", summary="Buat daftar distribusi")
def list_create(request, unit_uuid: UUID, payload: ListIn):
    scope = unit_scope(request, unit_uuid)
    scope.require("press.edit")
    contacts = selectors.contacts_by_uuid(scope=scope, uuids=payload.contacts)
    missing = sorted(str(u) for u in set(payload.contacts) - {c.uuid for c in contacts})
    if missing:
        raise ValidationError({"contacts": _("Kontak tidak ditemukan: %(ids)s.") % {"ids": ", ".join(missing)}})
    return Status(201, services.list_create(actor=request.user, unit=scope.unit, name=payload.name, contacts=contacts))
