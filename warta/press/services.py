"""Every write of the press app: releases (edit, submit, approval outcome, publish, archive),
attachments, version snapshots, media contacts and their CSV import, distribution lists, and
sending a release to a list with one delivery row per contact.

Releases go through the approvals app as the ``press_release`` kind (registered in
``apps.py``): editing content that is in review or approved bumps ``version``, supersedes the
approval and returns the release to draft. Every write is audited.
"""

import csv
import io
import logging
import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warta.approvals.services import approval_submit, approval_supersede
from warta.core.audit import audit_action_register, audit_record
from warta.notifications.services import absolute_url
from warta.organisations.roles import Role, permission_register
from warta.press import outputs
from warta.press.models import (
    SENDING_LEASE,
    DistributionList,
    MediaContact,
    PressAttachment,
    PressDelivery,
    PressRelease,
    PressVersion,
)

logger = logging.getLogger(__name__)
State = PressRelease.State

permission_register("press.view", set(Role))
permission_register("press.edit", {Role.ADMIN, Role.APPROVER, Role.EDITOR})
permission_register("press.send", {Role.ADMIN, Role.APPROVER})

audit_action_register({
    "press.release_create": gettext_lazy("Siaran pers dibuat"),
    "press.release_update": gettext_lazy("Siaran pers diubah"),
    "press.release_submit": gettext_lazy("Siaran pers diajukan untuk persetujuan"),
    "press.release_decided": gettext_lazy("Keputusan persetujuan siaran pers diterapkan"),
    "press.release_publish": gettext_lazy("Siaran pers diterbitkan di halaman publik"),
    "press.release_archive": gettext_lazy("Siaran pers diarsipkan"),
    "press.attachment_add": gettext_lazy("Lampiran siaran pers ditambahkan"),
    "press.attachment_remove": gettext_lazy("Lampiran siaran pers dihapus"),
    "press.contact_create": gettext_lazy("Kontak media ditambahkan"),
    "press.contact_update": gettext_lazy("Kontak media diubah"),
    "press.contact_import": gettext_lazy("Kontak media diimpor dari CSV"),
    "press.list_save": gettext_lazy("Daftar distribusi disimpan"),
    "press.send": gettext_lazy("Siaran pers dikirim ke daftar distribusi"),
    "press.retry": gettext_lazy("Pengiriman siaran pers yang gagal diulang"),
    "press.delivery_resend": gettext_lazy("Pengiriman siaran pers berstatus tidak pasti dikirim ulang"),
    "press.delivery_mark_sent": gettext_lazy("Pengiriman siaran pers berstatus tidak pasti ditandai terkirim"),
})

MAX_QUOTES = 3
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENT_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
}
REGION_RE = re.compile(r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$")
IMPORT_MAX_BYTES = 2 * 1024 * 1024
IMPORT_MAX_ROWS = 5000
CONTENT_FIELDS = ("number", "headline", "place", "release_date", "lead", "body", "quotes", "contact_name",
                  "contact_position", "contact_phone", "contact_email")


# --- releases -------------------------------------------------------------------------------


def _clean_quotes(quotes) -> list[dict]:
    out = []
    for i, q in enumerate(quotes or [], start=1):
        if not isinstance(q, dict):
            raise ValidationError({"quotes": _("Kutipan %(n)s harus berisi nama, jabatan dan teks.") % {"n": i}})
        item = {k: str(q.get(k) or "").strip() for k in ("name", "position", "text")}
        if not any(item.values()):
            continue
        if not item["text"]:
            raise ValidationError({"quotes": _("Kutipan %(n)s belum berisi teks kutipan.") % {"n": i}})
        if not item["name"]:
            raise ValidationError({"quotes": _("Kutipan %(n)s belum menyebut nama narasumber.") % {"n": i}})
        if len(item["text"]) > 3000 or len(item["name"]) > 150 or len(item["position"]) > 150:
            raise ValidationError({"quotes": _("Kutipan %(n)s terlalu panjang.") % {"n": i}})
        out.append(item)
    if len(out) > MAX_QUOTES:
        raise ValidationError({"quotes": _("Paling banyak %(n)s kutipan.") % {"n": MAX_QUOTES}})
    return out


def _clean_release(unit, fields: dict, *, instance: PressRelease | None = None) -> dict:
    """Validate release fields; raise one ValidationError naming every bad field."""
    errors: dict[str, list[str]] = {}
    data = dict(fields)
    for name in ("number", "headline", "place", "lead", "body", "contact_name", "contact_position",
                 "contact_phone", "contact_email"):
        if name in data:
            data[name] = str(data[name] or "").replace("\x00", "").strip()
    limits = {"number": 80, "headline": 300, "place": 120, "lead": 3000, "body": 50000, "contact_name": 150,
              "contact_position": 150, "contact_phone": 40}
    for name, limit in limits.items():
        if len(data.get(name, "")) > limit:
            errors.setdefault(name, []).append(_("Paling banyak %(n)s karakter.") % {"n": limit})
    for name, message in (("headline", _("Judul wajib diisi.")), ("place", _("Tempat wajib diisi.")),
                          ("lead", _("Teras berita wajib diisi."))):
        if name in data and not data[name]:
            errors.setdefault(name, []).append(message)
    if "release_date" in data and not isinstance(data["release_date"], date):
        errors.setdefault("release_date", []).append(_("Tanggal wajib diisi."))
    if data.get("contact_email"):
        try:
            validate_email(data["contact_email"])
        except ValidationError:
            errors.setdefault("contact_email", []).append(_("Alamat email narahubung tidak sah."))
    if "quotes" in data:
        try:
            data["quotes"] = _clean_quotes(data["quotes"])
        except ValidationError as exc:
            errors.setdefault("quotes", []).extend(exc.message_dict["quotes"])
    if data.get("number"):
        taken = PressRelease.objects.filter(unit=unit, number=data["number"])
        if instance is not None:
            taken = taken.exclude(pk=instance.pk)
        if taken.exists():
            errors.setdefault("number", []).append(
                _("Nomor %(number)s sudah dipakai siaran pers lain di unit ini.") % {"number": data["number"]})
    if errors:
        raise ValidationError(errors)
    return data


def _snapshot(release: PressRelease) -> dict:
    snap = {name: getattr(release, name) for name in CONTENT_FIELDS}
    snap["release_date"] = release.release_date.isoformat()
    return snap


def _save_version(release: PressRelease, *, actor) -> None:
    PressVersion.objects.update_or_create(release=release, version=release.version,
                                          defaults={"snapshot": _snapshot(release), "created_by": actor})


def _slug(headline: str) -> str:
    return f"{slugify(headline)[:80].strip('-') or 'siaran'}-{uuid.uuid4().hex[:8]}"


def release_create(*, actor, unit, headline: str, place: str, release_date: date, lead: str, body: str = "",
                   number: str = "", quotes=(), contact_name: str = "", contact_position: str = "",
                   contact_phone: str = "", contact_email: str = "") -> PressRelease:
    """Create a draft release of ``unit`` (version 1, with its first snapshot)."""
    data = _clean_release(unit, {
        "number": number, "headline": headline, "place": place, "release_date": release_date, "lead": lead,
        "body": body, "quotes": list(quotes or []), "contact_name": contact_name,
        "contact_position": contact_position, "contact_phone": contact_phone, "contact_email": contact_email})
    with transaction.atomic():
        release = PressRelease.objects.create(unit=unit, slug=_slug(data["headline"]), created_by=actor, **data)
        _save_version(release, actor=actor)
        audit_record(actor=actor, unit=unit, action="press.release_create", target=release,
                     changes={"headline": release.headline, "number": release.number})
    return release


def release_update(*, actor, release: PressRelease, **fields) -> PressRelease:
    """Change a release's content. Only fields given change.

    A release in review, approved or sent back for changes gets a new version; its approval
    no longer holds (superseded) and it returns to draft. Published and archived releases
    cannot be edited.
    """
    unknown = set(fields) - set(CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"not release fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = PressRelease.objects.select_for_update().get(pk=release.pk)
        if not locked.is_editable:
            raise ValidationError(_("Siaran pers yang sudah %(state)s tidak dapat diubah.")
                                  % {"state": locked.get_state_display()})
        data = _clean_release(locked.unit, fields, instance=locked)
        changed = {k: v for k, v in data.items() if getattr(locked, k) != v}
        if not changed:
            return locked
        before_state = locked.state
        for key, value in changed.items():
            setattr(locked, key, value)
        if before_state != State.DRAFT:
            locked.version += 1
            locked.state = State.DRAFT
            approval_supersede(subject=locked, actor=actor)
        locked.save()
        _save_version(locked, actor=actor)
        audit_record(actor=actor, unit=locked.unit, action="press.release_update", target=locked, changes={
            "fields": sorted(changed), "version": locked.version, "state_before": before_state})
    release.refresh_from_db()
    return locked


# Rules about when a post goes out say nothing about a press release's text.
NOT_FOR_RELEASES = {"posting_hours"}


def guideline_findings(*, unit, text: str) -> list:
    """The guideline engine's findings on ``text`` (``guideline.engine.Finding``), minus the
    posting-hour rules, which are about when a post goes out, not about a release's text."""
    from warta.guideline.engine import guideline_check

    result = guideline_check(unit=unit, text=text)
    return [f for f in result.findings if getattr(f, "kind", "") not in NOT_FOR_RELEASES]


def _severity(finding) -> str:
    value = finding.get("severity") if isinstance(finding, dict) else getattr(finding, "severity", "warning")
    return str(getattr(value, "value", value) or "warning")


def _message(finding) -> str:
    if isinstance(finding, dict):
        return str(finding.get("message", ""))
    return str(getattr(finding, "message", finding))


def release_text(release: PressRelease) -> str:
    quotes = "\n\n".join(q.get("text", "") for q in release.quotes)
    return "\n\n".join(x for x in (release.headline, release.lead, release.body, quotes) if x)


def release_submit(*, actor, release: PressRelease):
    """Send a draft (or a release sent back for changes) for approval through the approvals app.

    The guideline runs over the text first: an error blocks (ValidationError, nothing stored),
    warnings travel with the request for the approver to acknowledge. Returns the request.
    """
    findings = guideline_findings(unit=release.unit, text=release_text(release))
    errors = [_message(f) for f in findings if _severity(f) == "error"]
    if errors:
        raise ValidationError(_("Siaran pers melanggar pedoman: %(errors)s") % {"errors": "; ".join(errors)})
    warnings = [f for f in findings if _severity(f) != "error"]
    escalate = any(bool(f.get("escalate") if isinstance(f, dict) else getattr(f, "escalate", False))
                   for f in findings)
    with transaction.atomic():
        locked = PressRelease.objects.select_for_update().get(pk=release.pk)
        if locked.state not in (State.DRAFT, State.CHANGES_REQUESTED):
            raise ValidationError(_("Hanya draf atau siaran pers yang perlu perbaikan yang dapat diajukan; "
                                    "status sekarang %(state)s.") % {"state": locked.get_state_display()})
        locked.state = State.IN_REVIEW
        locked.save(update_fields=["state", "updated_at"])
        audit_record(actor=actor, unit=locked.unit, action="press.release_submit", target=locked,
                     changes={"version": locked.version, "warnings": len(warnings)})
        request = approval_submit(actor=actor, subject=locked, warnings=warnings, escalate=escalate)
    release.refresh_from_db()
    return request


def release_on_decided(release: PressRelease, *, outcome: str, actor, request=None, comment: str = "") -> None:
    """Apply an approval outcome (called by approvals inside its transaction)."""
    if release.state != State.IN_REVIEW or (request is not None and request.version != release.version):
        return  # edited meanwhile: that version's decision no longer applies
    new = State.APPROVED if outcome == "approved" else State.CHANGES_REQUESTED
    release.state = new
    release.save(update_fields=["state", "updated_at"])
    audit_record(actor=actor, unit=release.unit, action="press.release_decided", target=release,
                 changes={"outcome": outcome, "version": release.version})


def release_publish(*, actor, release: PressRelease) -> PressRelease:
    """Put an approved release on its public page (``/siaran-pers/p/<slug>/``)."""
    with transaction.atomic():
        locked = PressRelease.objects.select_for_update().get(pk=release.pk)
        if locked.state != State.APPROVED:
            raise ValidationError(_("Hanya siaran pers yang sudah disetujui yang dapat diterbitkan; "
                                    "status sekarang %(state)s.") % {"state": locked.get_state_display()})
        locked.state, locked.published_at = State.PUBLISHED, timezone.now()
        locked.save(update_fields=["state", "published_at", "updated_at"])
        audit_record(actor=actor, unit=locked.unit, action="press.release_publish", target=locked,
                     changes={"version": locked.version, "slug": locked.slug})
    release.refresh_from_db()
    return locked


def release_archive(*, actor, release: PressRelease) -> PressRelease:
    """Archive a release: its public page goes away and it can no longer be edited or sent."""
    with transaction.atomic():
        locked = PressRelease.objects.select_for_update().get(pk=release.pk)
        if locked.state == State.ARCHIVED:
            return locked
        before = locked.state
        if before in (State.IN_REVIEW, State.APPROVED):
            approval_supersede(subject=locked, actor=actor)
        locked.state = State.ARCHIVED
        locked.save(update_fields=["state", "updated_at"])
        audit_record(actor=actor, unit=locked.unit, action="press.release_archive", target=locked,
                     changes={"state_before": before})
    release.refresh_from_db()
    return locked


def public_url(release: PressRelease) -> str:
    return absolute_url(reverse("press:public", args=[release.slug]))


# --- attachments ----------------------------------------------------------------------------


def attachment_add(*, actor, release: PressRelease, upload, title: str = "") -> PressAttachment:
    """Attach a file to a release; its type is judged by its bytes (PDF, JPEG, PNG, DOCX, XLSX), 20 MB at most."""
    import filetype

    name = getattr(upload, "name", "") or "berkas"
    if not release.is_editable:
        raise ValidationError(_("Siaran pers yang sudah %(state)s tidak dapat diberi lampiran.")
                              % {"state": release.get_state_display()})
    size = getattr(upload, "size", None) or 0
    if size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": _("Berkas “%(name)s” terlalu besar (%(mb).1f MB); paling besar 20 MB.")
                               % {"name": name, "mb": size / 1024 / 1024}})
    if size == 0:
        raise ValidationError({"file": _("Berkas “%(name)s” kosong.") % {"name": name}})
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    guess = filetype.guess(head)
    mime = guess.mime if guess else ""
    if mime not in ATTACHMENT_TYPES:
        raise ValidationError({"file": _("Isi berkas “%(name)s” bukan %(types)s (dinilai dari isinya, "
                                         "bukan dari namanya).") % {"name": name,
                                                                   "types": ", ".join(ATTACHMENT_TYPES.values())}})
    title = (title or "").strip()[:200] or name[:200]
    with transaction.atomic():
        state_before = _attachments_changing(release, actor=actor)
        attachment = PressAttachment(release=release, title=title, filename=name[-200:], mime_type=mime, size=size,
                                     created_by=actor)
        attachment.file.save(name[-80:], upload, save=False)
        attachment.save()
        audit_record(actor=actor, unit=release.unit, action="press.attachment_add", target=release,
                     changes={"title": title, "mime_type": mime, "size": size, "version": release.version,
                              "state_before": state_before})
    return attachment


def _attachments_changing(release: PressRelease, *, actor) -> str:
    """The attachments are part of what the approver saw and of the public page: changing them on
    a release in review, approved or sent back is an edit like any other (a new version, the
    approval superseded, back to draft). Returns the state before. Call inside a transaction."""
    locked = PressRelease.objects.select_for_update().get(pk=release.pk)
    before = locked.state
    if not locked.is_editable:
        raise ValidationError(_("Siaran pers yang sudah %(state)s tidak dapat diubah lampirannya.")
                              % {"state": locked.get_state_display()})
    if before != State.DRAFT:
        locked.version += 1
        locked.state = State.DRAFT
        approval_supersede(subject=locked, actor=actor)
        locked.save(update_fields=["version", "state", "updated_at"])
        _save_version(locked, actor=actor)
    release.version, release.state = locked.version, locked.state
    return before


def attachment_remove(*, actor, attachment: PressAttachment) -> None:
    release = attachment.release
    if not release.is_editable:
        raise ValidationError(_("Lampiran siaran pers yang sudah %(state)s tidak dapat dihapus.")
                              % {"state": release.get_state_display()})
    with transaction.atomic():
        state_before = _attachments_changing(release, actor=actor)
        audit_record(actor=actor, unit=release.unit, action="press.attachment_remove", target=release,
                     changes={"title": attachment.title, "version": release.version, "state_before": state_before})
        stored = attachment.file.name
        attachment.delete()
        transaction.on_commit(partial(attachment.file.storage.delete, stored))


# --- media contacts -------------------------------------------------------------------------


def _split_beats(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        items = value
    else:
        items = re.split(r"[|;,]", str(value or ""))
    out = []
    for item in items:
        text = str(item).strip()[:60]
        if text and text.lower() not in {b.lower() for b in out}:
            out.append(text)
    return out[:20]


def _clean_contact(unit, data: dict, *, instance: MediaContact | None = None, check_unique: bool = True) -> dict:
    errors: dict[str, list[str]] = {}
    out = {}
    for name, limit in (("name", 150), ("outlet", 150), ("email", 254), ("phone", 40), ("region_code", 20),
                        ("notes", 5000)):
        if name in data:
            out[name] = str(data[name] or "").replace("\x00", "").strip()
            if len(out[name]) > limit:
                errors.setdefault(name, []).append(_("Paling banyak %(n)s karakter.") % {"n": limit})
    if "email" in out:
        out["email"] = out["email"].lower()
    if "name" in out and not out["name"]:
        errors.setdefault("name", []).append(_("Nama wajib diisi."))
    if "email" in out:
        if not out["email"]:
            errors.setdefault("email", []).append(_("Email wajib diisi."))
        else:
            try:
                validate_email(out["email"])
            except ValidationError:
                errors.setdefault("email", []).append(_("Alamat email “%(email)s” tidak sah.")
                                                      % {"email": out["email"]})
    if out.get("region_code") and not REGION_RE.match(out["region_code"]):
        errors.setdefault("region_code", []).append(
            _("Kode wilayah “%(code)s” tidak sah; contoh 32 atau 32.01.") % {"code": out["region_code"]})
    if "beats" in data:
        out["beats"] = _split_beats(data["beats"])
    if "archived" in data:
        out["archived"] = bool(data["archived"])
    if check_unique and out.get("email") and "email" not in errors:
        taken = MediaContact.objects.filter(unit=unit, email__iexact=out["email"])
        if instance is not None:
            taken = taken.exclude(pk=instance.pk)
        if taken.exists():
            errors.setdefault("email", []).append(_("Email %(email)s sudah terdaftar sebagai kontak unit ini.")
                                                  % {"email": out["email"]})
    if errors:
        raise ValidationError(errors)
    return out


def contact_create(*, actor, unit, name: str, email: str, outlet: str = "", phone: str = "", beats=(),
                   region_code: str = "", notes: str = "") -> MediaContact:
    """Add a media contact to ``unit``; the email is unique within the unit."""
    data = _clean_contact(unit, {"name": name, "email": email, "outlet": outlet, "phone": phone, "beats": beats,
                                 "region_code": region_code, "notes": notes})
    with transaction.atomic():
        contact = MediaContact.objects.create(unit=unit, **data)
        audit_record(actor=actor, unit=unit, action="press.contact_create", target=contact,
                     changes={"email": contact.email, "outlet": contact.outlet})
    return contact


def contact_update(*, actor, contact: MediaContact, **fields) -> MediaContact:
    """Change a contact's fields (only those given), including ``archived``."""
    data = _clean_contact(contact.unit, fields, instance=contact)
    with transaction.atomic():
        changed = sorted(k for k, v in data.items() if getattr(contact, k) != v)
        for key, value in data.items():
            setattr(contact, key, value)
        contact.save()
        audit_record(actor=actor, unit=contact.unit, action="press.contact_update", target=contact,
                     changes={"fields": changed})
    return contact


HEADERS = {
    "nama": "name", "name": "name",
    "media": "outlet", "outlet": "outlet",
    "email": "email", "surel": "email", "e-mail": "email",
    "telepon": "phone", "phone": "phone", "hp": "phone",
    "desk": "beats", "beats": "beats", "liputan": "beats", "desk_liputan": "beats",
    "kode_wilayah": "region_code", "wilayah": "region_code", "region_code": "region_code",
    "catatan": "notes", "notes": "notes",
}


@dataclass
class ImportRow:
    line: int
    data: dict
    existing: MediaContact | None = None


@dataclass
class ImportPlan:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def new_count(self) -> int:
        return sum(1 for r in self.rows if r.existing is None)

    @property
    def update_count(self) -> int:
        return sum(1 for r in self.rows if r.existing is not None)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError({"file": _("Berkas bukan teks UTF-8. Simpan ulang CSV sebagai UTF-8.")}) from exc


def contacts_import_plan(*, unit, data: bytes) -> ImportPlan:
    """Read a contacts CSV (UTF-8 with or without BOM, ``;`` or ``,``) into a plan; nothing is stored.

    Columns (Indonesian or English names): nama, media, email, telepon, desk (several with
    ``|``), kode_wilayah, catatan. A row whose email is already a contact of the unit updates
    it. Each problem is named with its line number.
    """
    if len(data) > IMPORT_MAX_BYTES:
        raise ValidationError({"file": _("Berkas terlalu besar; paling besar 2 MB.")})
    text = _decode(data).replace("\x00", "")
    if not text.strip():
        raise ValidationError({"file": _("Berkas kosong.")})
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return _import_rows(unit, csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:  # a field over the csv module's limit (128 KB), a stray quote at the end…
        raise ValidationError({"file": _("Berkas CSV tidak dapat dibaca: ada kolom yang terlalu panjang atau "
                                         "tanda kutip yang tidak ditutup.")}) from exc


def _import_rows(unit, reader) -> ImportPlan:
    header = next(reader)
    columns = [HEADERS.get(h.strip().lower().replace(" ", "_")) for h in header]
    plan = ImportPlan()
    missing = [label for key, label in (("name", "nama"), ("email", "email")) if key not in columns]
    if missing:
        plan.errors.append(_("Baris 1: kolom wajib tidak ada: %(cols)s. Kolom yang dikenal: nama, media, email, "
                             "telepon, desk, kode_wilayah, catatan.") % {"cols": ", ".join(missing)})
        return plan
    existing = {c.email.lower(): c for c in MediaContact.objects.filter(unit=unit)}
    seen: dict[str, int] = {}
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(plan.rows) + len(plan.errors) >= IMPORT_MAX_ROWS:
            plan.errors.append(_("Baris %(line)s: paling banyak %(n)s baris per impor.")
                               % {"line": line, "n": IMPORT_MAX_ROWS})
            break
        if len(values) > len(header):
            plan.errors.append(_("Baris %(line)s: ada %(got)s kolom, padahal judul kolom hanya %(want)s.")
                               % {"line": line, "got": len(values), "want": len(header)})
            continue
        # A short row reads as empty cells, so a missing name or email is named, not skipped.
        row = {key: values[i] if i < len(values) else "" for i, key in enumerate(columns) if key}
        try:
            cleaned = _clean_contact(unit, row, check_unique=False)
        except ValidationError as exc:
            for messages in exc.message_dict.values():
                for message in messages:
                    plan.errors.append(_("Baris %(line)s: %(message)s") % {"line": line, "message": message})
            continue
        email = cleaned["email"]
        if email in seen:
            plan.errors.append(_("Baris %(line)s: email %(email)s sudah ada di baris %(first)s.")
                               % {"line": line, "email": email, "first": seen[email]})
            continue
        seen[email] = line
        plan.rows.append(ImportRow(line=line, data=cleaned, existing=existing.get(email)))
    if not plan.rows and not plan.errors:
        plan.errors.append(_("Berkas tidak berisi satu baris kontak pun."))
    return plan


def contacts_import(*, actor, unit, data: bytes) -> ImportPlan:
    """Apply a contacts CSV all-or-nothing: any row error stores nothing (ValidationError)."""
    plan = contacts_import_plan(unit=unit, data=data)
    if not plan.ok:
        raise ValidationError({"file": plan.errors})
    with transaction.atomic():
        for row in plan.rows:
            if row.existing is None:
                MediaContact.objects.create(unit=unit, **row.data)
            else:
                contact = MediaContact.objects.select_for_update().get(pk=row.existing.pk)
                for key, value in row.data.items():
                    setattr(contact, key, value)
                contact.archived = False
                contact.save()
        audit_record(actor=actor, unit=unit, action="press.contact_import", target_type="press.mediacontact",
                     changes={"new": plan.new_count, "updated": plan.update_count})
    return plan


# --- distribution lists ---------------------------------------------------------------------


def _clean_list(unit, name: str, contacts, *, instance=None) -> tuple[str, list]:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Nama daftar wajib diisi.")})
    if len(name) > 150:
        raise ValidationError({"name": _("Paling banyak %(n)s karakter.") % {"n": 150}})
    taken = DistributionList.objects.filter(unit=unit, name__iexact=name)
    if instance is not None:
        taken = taken.exclude(pk=instance.pk)
    if taken.exists():
        raise ValidationError({"name": _("Daftar bernama %(name)s sudah ada.") % {"name": name}})
    contacts = list(contacts or [])
    outside = [c for c in contacts if not unit.contains(c.unit)]
    if outside:
        raise ValidationError({"contacts": _("Kontak %(names)s bukan milik unit ini atau unit di bawahnya.")
                               % {"names": ", ".join(str(c) for c in outside)}})
    return name, contacts


def list_create(*, actor, unit, name: str, contacts=()) -> DistributionList:
    name, contacts = _clean_list(unit, name, contacts)
    with transaction.atomic():
        dlist = DistributionList.objects.create(unit=unit, name=name)
        dlist.contacts.set(contacts)
        audit_record(actor=actor, unit=unit, action="press.list_save", target=dlist,
                     changes={"name": name, "contacts": len(contacts)})
    return dlist


def list_update(*, actor, dlist: DistributionList, name: str, contacts=()) -> DistributionList:
    name, contacts = _clean_list(dlist.unit, name, contacts, instance=dlist)
    with transaction.atomic():
        dlist.name = name
        dlist.save(update_fields=["name"])
        dlist.contacts.set(contacts)
        audit_record(actor=actor, unit=dlist.unit, action="press.list_save", target=dlist,
                     changes={"name": name, "contacts": len(contacts)})
    return dlist


# --- sending --------------------------------------------------------------------------------


def _enqueue(ids: list[int]) -> None:
    from warta.press.tasks import press_deliver_task

    if ids:
        transaction.on_commit(partial(press_deliver_task.enqueue, ids))


def press_send(*, actor, release: PressRelease, distribution_list: DistributionList) -> list[PressDelivery]:
    """Queue one email per active contact of the list (approved or published releases only).

    A contact already sent this version of the release is skipped. The emails go out from a
    task on the default queue; each delivery records its own success or failure.
    """
    if not release.is_sendable:
        raise ValidationError(_("Hanya siaran pers yang sudah disetujui atau terbit yang dapat dikirim; "
                                "status sekarang %(state)s.") % {"state": release.get_state_display()})
    if not release.unit.contains(distribution_list.unit) and not distribution_list.unit.contains(release.unit):
        raise ValidationError({"distribution_list": _("Daftar distribusi ini bukan milik unit siaran pers.")})
    contacts = list(distribution_list.contacts.filter(archived=False))
    if not contacts:
        raise ValidationError({"distribution_list": _("Daftar distribusi ini belum berisi kontak aktif.")})
    with transaction.atomic():
        # Two sends at once (a double click) must not both see "nobody sent yet": the release is
        # locked while its deliveries are counted and made.
        locked = PressRelease.objects.select_for_update().get(pk=release.pk)
        if not locked.is_sendable or locked.version != release.version:
            raise ValidationError(_("Siaran pers ini baru saja berubah (status %(state)s, versi %(v)s); muat ulang "
                                    "halaman lalu kirim lagi.") % {"state": locked.get_state_display(),
                                                                   "v": locked.version})
        done = set(PressDelivery.objects.filter(release=release, version=release.version,
                                                state__in=[PressDelivery.State.QUEUED, PressDelivery.State.SENDING,
                                                           PressDelivery.State.SENT])
                   .values_list("contact_id", flat=True))
        rows = [PressDelivery(release=release, contact=c, distribution_list=distribution_list, email=c.email,
                              version=release.version, created_by=actor)
                for c in contacts if c.pk not in done]
        PressDelivery.objects.bulk_create(rows)
        rows = list(PressDelivery.objects.filter(release=release, state=PressDelivery.State.QUEUED,
                                                 contact__in=[r.contact for r in rows], version=release.version))
        audit_record(actor=actor, unit=release.unit, action="press.send", target=release,
                     changes={"list": distribution_list.name, "queued": len(rows), "skipped": len(contacts) - len(rows),
                              "version": release.version})
        _enqueue([r.pk for r in rows])
    return rows


def deliveries_retry(*, actor, release: PressRelease) -> int:
    """Queue the release's failed deliveries again; returns how many."""
    if not release.is_sendable:
        raise ValidationError(_("Siaran pers berstatus %(state)s tidak dapat dikirim.")
                              % {"state": release.get_state_display()})
    with transaction.atomic():
        ids = list(PressDelivery.objects.select_for_update().filter(release=release, state=PressDelivery.State.FAILED)
                   .values_list("pk", flat=True))
        PressDelivery.objects.filter(pk__in=ids).update(state=PressDelivery.State.QUEUED, error="")
        audit_record(actor=actor, unit=release.unit, action="press.retry", target=release, changes={"queued": len(ids)})
        _enqueue(ids)
    return len(ids)


def delivery_email(delivery: PressDelivery, *, pdf: bytes) -> EmailMessage:
    release = delivery.release
    lines = [release.headline, "", f"{outputs.dateline(release)} \u2013 {release.lead}", ""]
    if release.state == State.PUBLISHED:
        lines += [_("Baca selengkapnya: %(url)s") % {"url": public_url(release)}, ""]
    lines += [_("Siaran pers lengkap terlampir (PDF)."), ""]
    lines += outputs.contact_lines(release) + ["", release.unit.name]
    # A line break in a header is refused (BadHeaderError): the subject is the headline on one line.
    message = EmailMessage(subject=" ".join(release.headline.split()), body="\n".join(lines), from_email=settings.DEFAULT_FROM_EMAIL,
                           to=[delivery.email], reply_to=[release.contact_email] if release.contact_email else None)
    message.attach(outputs.filename(release, "pdf"), pdf, "application/pdf")
    return message


def delivery_claim(delivery: PressDelivery, *, now=None) -> str:
    """Claim a queued delivery for one send: a conditional UPDATE (queued → sending), committed
    before the email goes out. Returns the claim token, or "" when another run (or a person)
    got there first."""
    token = uuid.uuid4().hex
    with transaction.atomic():
        claimed = PressDelivery.objects.filter(pk=delivery.pk, state=PressDelivery.State.QUEUED).update(
            state=PressDelivery.State.SENDING, claim=token, claimed_at=now or timezone.now(),
            attempts=F("attempts") + 1)
    return token if claimed else ""


def _delivery_record(delivery: PressDelivery, *, claim: str, **fields) -> bool:
    """Record a send's outcome, only while the row is still this run's claim (a person may have
    decided an uncertain row meanwhile: then their decision stands)."""
    done = PressDelivery.objects.filter(pk=delivery.pk, state=PressDelivery.State.SENDING, claim=claim).update(
        claim="", **fields)
    if not done:
        logger.warning("press delivery %s: outcome %s not recorded, the claim is gone", delivery.pk,
                       fields.get("state"))
    return bool(done)


def deliveries_send(delivery_ids: list[int]) -> dict:
    """Email each queued delivery exactly once; mark it sent, or failed with the mail server's message.

    Each row is claimed (queued → sending, committed) before its email goes out, so two runs of
    the task at once send it once: the second finds it claimed and skips it. The outcome is
    recorded only under the claim. A run that dies between the claim and the record leaves the
    row "sending"; past ``SENDING_LEASE`` it shows as uncertain for a person to decide
    (``delivery_resend`` / ``delivery_mark_sent``): it is never sent again by itself.
    """
    report = {"sent": 0, "failed": 0, "skipped": 0}
    pdfs: dict[int, bytes] = {}
    for pk in delivery_ids:
        delivery = (PressDelivery.objects.select_related("release__unit__parent")
                    .filter(pk=pk, state=PressDelivery.State.QUEUED).first())
        if delivery is None:
            continue
        release = delivery.release
        try:
            # The PDF is made before the claim, so a slow render does not eat into the lease.
            if release.pk not in pdfs:
                pdfs[release.pk] = outputs.release_pdf(release)
            message = delivery_email(delivery, pdf=pdfs[release.pk])
        except Exception as exc:
            pdf_error = exc
        else:
            pdf_error = None
        claim = delivery_claim(delivery)
        if not claim:
            report["skipped"] += 1
            continue
        try:
            if pdf_error is not None:
                raise pdf_error
            message.send(fail_silently=False)
        except Exception as exc:  # any mail failure is this contact's failure, not the batch's
            logger.warning("press delivery %s failed: %s", delivery.pk, exc)
            if _delivery_record(delivery, claim=claim, state=PressDelivery.State.FAILED,
                                error=f"{type(exc).__name__}: {exc}"[:2000]):
                report["failed"] += 1
        else:
            if _delivery_record(delivery, claim=claim, state=PressDelivery.State.SENT, error="",
                                sent_at=timezone.now()):
                report["sent"] += 1
    return report


def _uncertain_locked(delivery: PressDelivery, *, now) -> PressDelivery:
    locked = (PressDelivery.objects.select_for_update(of=("self",)).select_related("release__unit")
              .filter(pk=delivery.pk).first())
    if locked is None or not locked.is_uncertain(now):
        raise ValidationError(_("Hanya pengiriman berstatus tidak pasti (sedang dikirim lebih dari %(m)s menit) "
                                "yang dapat diputuskan; status sekarang %(state)s.") % {
            "m": int(SENDING_LEASE.total_seconds() // 60),
            "state": locked.get_state_display() if locked else "-"})
    return locked


def delivery_resend(*, actor, delivery: PressDelivery, now=None) -> PressDelivery:
    """A person decided that an uncertain delivery did not go out: queue it again (it may then
    reach the contact twice, which the person accepted). Refused unless the row is uncertain
    and the release can still be sent."""
    now = now or timezone.now()
    if not delivery.release.is_sendable:
        raise ValidationError(_("Siaran pers berstatus %(state)s tidak dapat dikirim.")
                              % {"state": delivery.release.get_state_display()})
    with transaction.atomic():
        locked = _uncertain_locked(delivery, now=now)
        claimed_at = locked.claimed_at
        locked.state, locked.claim, locked.claimed_at, locked.error = PressDelivery.State.QUEUED, "", None, ""
        locked.save(update_fields=["state", "claim", "claimed_at", "error"])
        audit_record(actor=actor, unit=locked.release.unit, action="press.delivery_resend", target=locked.release,
                     changes={"delivery": str(locked.uuid), "email": locked.email,
                              "claimed_at": claimed_at.isoformat(), "attempts": locked.attempts})
        _enqueue([locked.pk])
    return locked


def delivery_mark_sent(*, actor, delivery: PressDelivery, now=None) -> PressDelivery:
    """A person decided that an uncertain delivery did go out (the contact got it, or the mail
    server's log says so): record it as sent, at the time it was claimed."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _uncertain_locked(delivery, now=now)
        locked.state, locked.claim, locked.sent_at, locked.error = (PressDelivery.State.SENT, "", locked.claimed_at,
                                                                    "")
        locked.save(update_fields=["state", "claim", "sent_at", "error"])
        audit_record(actor=actor, unit=locked.release.unit, action="press.delivery_mark_sent",
                     target=locked.release, changes={"delivery": str(locked.uuid), "email": locked.email,
                                                     "claimed_at": locked.claimed_at.isoformat()})
    return locked
