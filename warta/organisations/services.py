"""Writes on the unit tree, memberships, invitations and API tokens. Each one is audited."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Concat, Length, Substr
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warta.core.audit import audit_action_register, audit_record
from warta.organisations import tree
from warta.organisations.models import ApiToken, Invitation, Membership, TimeZoneName, Unit
from warta.organisations.roles import Role, role_at_most
from warta.organisations.scope import Scope

audit_action_register({
    "unit.create": gettext_lazy("Unit dibuat"),
    "unit.update": gettext_lazy("Unit diubah"),
    "unit.move": gettext_lazy("Unit dipindahkan"),
    "unit.archive": gettext_lazy("Unit diarsipkan"),
    "unit.restore": gettext_lazy("Unit dipulihkan"),
    "unit.import": gettext_lazy("Daftar wilayah diimpor"),
    "membership.set": gettext_lazy("Peran diberikan"),
    "membership.remove": gettext_lazy("Keanggotaan dicabut"),
    "invitation.create": gettext_lazy("Undangan dikirim"),
    "invitation.accept": gettext_lazy("Undangan diterima"),
    "invitation.revoke": gettext_lazy("Undangan dibatalkan"),
    "token.create": gettext_lazy("Token API dibuat"),
    "token.revoke": gettext_lazy("Token API dicabut"),
})

UNIT_FIELDS = ("kind", "name", "short_name", "region_code", "time_zone", "require_2fa")


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _next_child_path(parent: Unit | None) -> str:
    """Allocate the next free path under ``parent`` (caller holds the parent's lock)."""
    if parent is None:
        last = Unit.objects.filter(depth=1).aggregate(m=Max("path"))["m"]
        prefix = ""
    else:
        last = Unit.objects.filter(parent=parent).aggregate(m=Max("path"))["m"]
        prefix = parent.path
    number = int(last[-tree.SEGMENT:]) + 1 if last else 1
    if number > tree.MAX_SEGMENT:
        raise ValidationError(_("Unit ini sudah memiliki terlalu banyak sub-unit."))
    path = prefix + tree.segment(number)
    if tree.depth_of(path) > tree.MAX_DEPTH:
        raise ValidationError(_("Pohon unit terlalu dalam (paling banyak %(n)d tingkat).") % {"n": tree.MAX_DEPTH})
    return path


def _lock(unit: Unit | None) -> Unit | None:
    if unit is None:
        return None
    return Unit.objects.select_for_update().get(pk=unit.pk)


def _snapshot(unit: Unit) -> dict:
    return {f: getattr(unit, f) for f in UNIT_FIELDS}


def _check_region_code(code: str | None, *, exclude_pk: int | None = None) -> None:
    if not code:
        return
    clash = Unit.objects.filter(region_code=code).exclude(pk=exclude_pk).first()
    if clash is not None:
        raise ValidationError(
            {"region_code": _("Kode wilayah %(code)s sudah dipakai oleh %(unit)s.") % {"code": code, "unit": clash.name}}
        )


def unit_create(*, actor, parent: Unit | None, audit_unit: Unit | None = None, **fields) -> Unit:
    """Create a unit under ``parent`` (a root when None).

    Preconditions: the caller checked the actor's permission on ``parent``. Side effects:
    one audit event. The time zone defaults to the parent's.
    """
    fields = {k: v for k, v in fields.items() if k in UNIT_FIELDS}
    fields["region_code"] = fields.get("region_code") or None
    fields.setdefault("time_zone", parent.time_zone if parent else TimeZoneName.WIB)
    _check_region_code(fields["region_code"])
    with transaction.atomic():
        parent = _lock(parent)
        if parent is not None and parent.is_archived:
            raise ValidationError(_("Tidak bisa menambah sub-unit pada unit yang diarsipkan."))
        path = _next_child_path(parent)
        unit = Unit(parent=parent, path=path, depth=tree.depth_of(path), **fields)
        unit.full_clean(exclude=["path", "depth"])
        try:
            with transaction.atomic():
                unit.save(force_insert=True)
        except IntegrityError as exc:
            raise ValidationError(_("Unit tidak dapat disimpan karena bentrok dengan data lain; coba lagi.")) from exc
        audit_record(actor=actor, unit=audit_unit or parent or unit, action="unit.create", target=unit,
                     changes={"after": _snapshot(unit), "parent": parent.name if parent else None})
    return unit


def unit_update(*, actor, unit: Unit, **fields) -> Unit:
    """Change a unit's own fields (not its place in the tree). Side effects: one audit event."""
    fields = {k: v for k, v in fields.items() if k in UNIT_FIELDS}
    if "region_code" in fields:
        fields["region_code"] = fields["region_code"] or None
        _check_region_code(fields["region_code"], exclude_pk=unit.pk)
    with transaction.atomic():
        unit = _lock(unit)
        before = _snapshot(unit)
        for key, value in fields.items():
            setattr(unit, key, value)
        unit.full_clean(exclude=["path", "depth", "parent"])
        unit.save()
        after = _snapshot(unit)
        diff = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if diff:
            audit_record(actor=actor, unit=unit, action="unit.update", target=unit, changes=diff)
    return unit


def unit_move(*, actor, unit: Unit, new_parent: Unit) -> Unit:
    """Move a unit and its whole subtree under ``new_parent``.

    Refuses a move under the unit itself or one of its descendants. Rewrites the paths of
    the subtree in one UPDATE. Side effects: one audit event.
    """
    with transaction.atomic():
        unit = _lock(unit)
        new_parent = _lock(new_parent)
        if tree.is_within(new_parent.path, unit.path):
            raise ValidationError(
                _("%(unit)s tidak dapat dipindahkan ke bawah %(target)s, karena %(target)s berada di dalam %(unit)s sendiri.")
                % {"unit": unit.name, "target": new_parent.name}
            )
        if new_parent.is_archived:
            raise ValidationError(_("Tidak bisa memindahkan unit ke bawah unit yang diarsipkan."))
        if unit.parent_id == new_parent.pk:
            return unit
        old_parent_name = unit.parent.name if unit.parent else None
        old_path = unit.path
        new_path = _next_child_path(new_parent)
        delta = tree.depth_of(new_path) - tree.depth_of(old_path)
        Membership.objects.filter(unit_path__gte=old_path, unit_path__lt=tree.upper_bound(old_path)).update(
            unit_path=Concat(Value(new_path), Substr("unit_path", len(old_path) + 1, Length("unit_path"))),
        )
        Unit.objects.subtree_of(unit).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1, Length("path"))),
            depth=F("depth") + delta,
        )
        Unit.objects.filter(pk=unit.pk).update(parent=new_parent)
        unit.refresh_from_db()
        audit_record(actor=actor, unit=unit, action="unit.move", target=unit,
                     changes={"parent": [old_parent_name, new_parent.name]})
    return unit


def unit_archive(*, actor, unit: Unit, archived: bool = True) -> Unit:
    """Archive (or restore) a unit and its subtree. History stays; nothing is deleted."""
    with transaction.atomic():
        unit = _lock(unit)
        if archived:
            Unit.objects.subtree_of(unit).filter(archived_at__isnull=True).update(archived_at=timezone.now())
        else:
            if unit.parent is not None and unit.parent.is_archived:
                raise ValidationError(_("Pulihkan dulu unit induknya."))
            Unit.objects.subtree_of(unit).update(archived_at=None)
        unit.refresh_from_db()
        audit_record(actor=actor, unit=unit, action="unit.archive" if archived else "unit.restore", target=unit)
    return unit


def membership_set(*, scope: Scope, user, unit: Unit, role: str) -> Membership:
    """Give ``user`` a role on ``unit`` (or change it). The actor must be admin there and
    may not grant more than they hold. Side effects: one audit event."""
    scope.require("member.manage")
    if not scope.contains(unit):
        raise ValidationError(_("Unit berada di luar wewenang Anda."))
    if not role_at_most(role, scope.role_on(unit) or Role.VIEWER):
        raise ValidationError(_("Anda tidak dapat memberi peran yang lebih tinggi dari peran Anda sendiri."))
    with transaction.atomic():
        membership = Membership.objects.filter(user=user, unit=unit).first()
        before = membership.role if membership else None
        if membership is None:
            membership = Membership.objects.create(user=user, unit=unit, role=role)
        elif membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
        if before != role:
            audit_record(actor=scope.user, unit=unit, action="membership.set", target=membership,
                         changes={"user": user.email, "role": [before, role]})
    return membership


def membership_remove(*, scope: Scope, membership: Membership) -> None:
    """Remove a membership; the last admin of the root of the actor's scope stays."""
    scope.require("member.manage")
    if membership.user_id == scope.user.pk and membership.role == Role.ADMIN:
        raise ValidationError(_("Anda tidak dapat mencabut peran admin Anda sendiri."))
    with transaction.atomic():
        audit_record(actor=scope.user, unit=membership.unit, action="membership.remove", target=membership,
                     changes={"user": membership.user.email, "role": [membership.role, None]})
        membership.delete()


def invitation_create(*, scope: Scope, email: str, unit: Unit, role: str) -> tuple[Invitation, str]:
    """Invite ``email`` to ``role`` on ``unit`` and send the link by email.

    Returns the invitation and the raw token (only ever in the email). Side effects: one
    audit event and one email, sent after commit.
    """
    scope.require("member.manage")
    email = email.strip().lower()
    if not scope.contains(unit):
        raise ValidationError(_("Unit berada di luar wewenang Anda."))
    if not role_at_most(role, scope.role_on(unit) or Role.VIEWER):
        raise ValidationError(_("Anda tidak dapat memberi peran yang lebih tinggi dari peran Anda sendiri."))
    user = get_user_model().objects.filter(email=email).first()
    if user is not None and Membership.objects.filter(user=user, unit=unit).exists():
        raise ValidationError(_("%(email)s sudah menjadi anggota %(unit)s.") % {"email": email, "unit": unit.name})
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email, unit=unit, role=role, token_hash=token_hash(raw), invited_by=scope.user,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
        )
        audit_record(actor=scope.user, unit=unit, action="invitation.create", target=invitation,
                     changes={"email": email, "role": role})
        link = settings.SITE_URL.rstrip("/") + reverse("organisations:invitation-accept", args=[raw])
        body = render_to_string("organisations/email/invitation.txt", {
            "invitation": invitation, "link": link, "inviter": scope.user, "days": settings.INVITATION_DAYS,
        })
        transaction.on_commit(lambda: send_mail(
            _("Undangan bergabung ke Warta: %(unit)s") % {"unit": unit.name}, body,
            settings.DEFAULT_FROM_EMAIL, [email],
        ))
    return invitation, raw


def invitation_find(raw: str) -> Invitation:
    """Return the pending invitation for a raw token, or raise ValidationError saying why not."""
    invitation = Invitation.objects.select_related("unit").filter(token_hash=token_hash(raw)).first()
    if invitation is None:
        raise ValidationError(_("Tautan undangan tidak dikenal. Minta admin unit Anda mengirim undangan baru."))
    if invitation.status == "accepted":
        raise ValidationError(_("Undangan ini sudah dipakai. Silakan masuk dengan akun Anda."))
    if invitation.status == "revoked":
        raise ValidationError(_("Undangan ini sudah dibatalkan oleh admin unit."))
    if invitation.status == "expired":
        raise ValidationError(_("Undangan ini sudah kedaluwarsa. Minta admin unit Anda mengirim undangan baru."))
    return invitation


def invitation_accept(*, raw: str, full_name: str = "", password: str = "", user=None):
    """Accept an invitation: create the account (or use the signed-in one) and the membership.

    Nothing changes when the token is unknown, used, revoked or expired, or when the
    password is too weak. Side effects: one audit event.
    """
    with transaction.atomic():
        invitation = invitation_find(raw)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        User = get_user_model()
        if user is None:
            user = User.objects.filter(email=invitation.email).first()
        if user is None:
            candidate = User(email=invitation.email, full_name=full_name.strip())
            validate_password(password, candidate)
            candidate.set_password(password)
            candidate.save()
            user = candidate
        elif user.email != invitation.email:
            raise ValidationError(_("Undangan ini untuk %(email)s, bukan akun Anda.") % {"email": invitation.email})
        membership, _created = Membership.objects.get_or_create(
            user=user, unit=invitation.unit, defaults={"role": invitation.role}
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit_record(actor=user, unit=invitation.unit, action="invitation.accept", target=invitation,
                     changes={"email": invitation.email, "role": invitation.role})
    return user, membership


def invitation_revoke(*, scope: Scope, invitation: Invitation) -> Invitation:
    scope.require("member.manage")
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(actor=scope.user, unit=invitation.unit, action="invitation.revoke", target=invitation,
                     changes={"email": invitation.email})
    return invitation


def api_token_create(*, scope: Scope, name: str, role: str, days: int) -> tuple[ApiToken, str]:
    """Create a personal API token on the scope's unit, with at most the scope's role.

    Returns the token row and the raw token, which is shown once and never stored.
    """
    scope.require("token.manage")
    if scope.via_token:
        raise ValidationError(_("Token API tidak dapat membuat token lain."))
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Beri nama token, misalnya nama aplikasi yang memakainya.")})
    if not 1 <= days <= 366:
        raise ValidationError({"days": _("Masa berlaku token antara 1 dan 366 hari.")})
    if not role_at_most(role, scope.role):
        raise ValidationError({"role": _("Token tidak boleh memiliki peran lebih tinggi dari peran Anda.")})
    raw = "wrt_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=scope.user, unit=scope.unit, role=role, name=name, prefix=raw[:12],
            token_hash=token_hash(raw), expires_at=timezone.now() + timedelta(days=days),
        )
        audit_record(actor=scope.user, unit=scope.unit, action="token.create", target=token,
                     changes={"name": name, "role": role, "days": days})
    return token, raw


def api_token_revoke(*, scope: Scope, token: ApiToken) -> ApiToken:
    if token.user_id != scope.user.pk:
        scope.require("member.manage")
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(actor=scope.user, unit=token.unit, action="token.revoke", target=token,
                         changes={"name": token.name})
    return token


def api_token_authenticate(raw: str) -> ApiToken | None:
    """Return the active token for ``raw`` (and mark its use), or None."""
    if not raw or not raw.startswith("wrt_"):
        return None
    token = ApiToken.objects.select_related("user", "unit").filter(token_hash=token_hash(raw)).first()
    if token is None or not token.is_active or not token.user.is_active or token.unit.is_archived:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
