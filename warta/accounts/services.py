"""Changes to a person's own account: profile, two-factor devices. Each one is audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from warta.core.audit import audit_action_register, audit_record

audit_action_register({
    "account.2fa.enable": gettext_lazy("Verifikasi dua langkah diaktifkan"),
    "account.2fa.disable": gettext_lazy("Verifikasi dua langkah dimatikan"),
    "account.profile": gettext_lazy("Profil diubah"),
    "account.password": gettext_lazy("Kata sandi diganti"),
})


def two_factor_begin(*, user) -> TOTPDevice:
    """Return the user's unconfirmed TOTP device, making one if needed (nothing audited yet)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Warta", confirmed=False)
    return device


def two_factor_confirm(*, user, token: str) -> TOTPDevice:
    """Confirm the pending device with a code from the app; a wrong code changes nothing."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        raise ValidationError(_("Mulai ulang pengaturan verifikasi dua langkah."))
    if not device.verify_token(token):
        raise ValidationError(_("Kode verifikasi salah atau sudah kedaluwarsa. Periksa jam di ponsel Anda, lalu coba lagi."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=user, action="account.2fa.enable", target=user)
    return device


def two_factor_disable(*, user) -> None:
    with transaction.atomic():
        deleted, _n = TOTPDevice.objects.filter(user=user).delete()
        if deleted:
            audit_record(actor=user, action="account.2fa.disable", target=user)


def profile_update(*, user, full_name: str, job_title: str, language: str):
    before = {"full_name": user.full_name, "job_title": user.job_title, "language": user.language}
    user.full_name, user.job_title, user.language = full_name.strip(), job_title.strip(), language
    with transaction.atomic():
        user.save(update_fields=["full_name", "job_title", "language"])
        after = {"full_name": user.full_name, "job_title": user.job_title, "language": user.language}
        diff = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if diff:
            audit_record(actor=user, action="account.profile", target=user, changes=diff)
    return user


def password_changed(*, user) -> None:
    audit_record(actor=user, action="account.password", target=user)
