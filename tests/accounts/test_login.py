import re

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import add_totp, totp_code
from tests.factories import PASSWORD, make_member
from warta.core.models import AuditEvent
from warta.organisations.roles import Role

LOGIN = "/akun/masuk/"


def test_login_without_2fa_for_editor(client, editor):
    response = client.post(LOGIN, {"username": editor.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("shell:home")).status_code == 302  # to the unit dashboard


def test_wrong_password_gives_clear_message_in_indonesian(client, editor):
    response = client.post(LOGIN, {"username": editor.email, "password": "salah"})
    assert response.status_code == 400
    assert "Email atau kata sandi salah" in response.content.decode()


def test_wrong_password_message_in_english_when_chosen(client, editor):
    client.cookies["warta_language"] = "en"
    response = client.post(LOGIN, {"username": editor.email, "password": "salah"})
    assert "Incorrect email or password" in response.content.decode()


def test_lockout_after_repeated_failures(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": editor.email, "password": "salah"})
    response = client.post(LOGIN, {"username": editor.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "dikunci sementara" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_must_enter_totp(client, admin, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp slows retries after a wrong code
    response = client.post(LOGIN, {"username": admin.email, "password": PASSWORD})
    assert response["Location"].startswith(reverse("accounts:login-verify"))
    assert "_auth_user_id" not in client.session  # not signed in before the code
    bad = client.post(reverse("accounts:login-verify"), {"token": "000000"})
    assert bad.status_code == 400
    assert "Kode verifikasi salah" in bad.content.decode()
    assert "_auth_user_id" not in client.session
    good = client.post(reverse("accounts:login-verify"), {"token": totp_code(admin.totp)})
    assert good.status_code == 302
    assert client.get(reverse("shell:dashboard", args=[admin.memberships.get().unit.uuid])).status_code == 200


def test_admin_without_device_is_sent_to_setup_and_cannot_work(client, tree, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    admin = make_member(tree.kab, Role.ADMIN, email="baru@bogorkab.go.id")
    client.post(LOGIN, {"username": admin.email, "password": PASSWORD})
    response = client.get(reverse("shell:dashboard", args=[tree.kab.uuid]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two-factor"))
    page = client.get(response["Location"])
    assert "wajib" in page.content.decode()
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    wrong = client.post(reverse("accounts:two-factor"), {"token": "123456"})
    assert wrong.status_code == 400
    device.refresh_from_db()
    assert not device.confirmed
    client.post(reverse("accounts:two-factor"), {"token": totp_code(device)})
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("shell:dashboard", args=[tree.kab.uuid])).status_code == 200
    assert AuditEvent.objects.filter(action="account.2fa.enable", actor=admin).exists()


def test_unit_setting_requires_2fa_for_everyone_below(client, tree, editor):
    tree.jabar.require_2fa = True
    tree.jabar.save()
    client.post(LOGIN, {"username": editor.email, "password": PASSWORD})
    response = client.get(reverse("shell:dashboard", args=[tree.kab.uuid]))
    assert response["Location"].startswith(reverse("accounts:two-factor"))


def test_editor_may_disable_optional_2fa_but_admin_may_not(client, editor, admin):
    device = add_totp(editor)
    client.post(LOGIN, {"username": editor.email, "password": PASSWORD})
    client.post(reverse("accounts:login-verify"), {"token": totp_code(device)})
    client.post(reverse("accounts:two-factor-disable"))
    assert not TOTPDevice.objects.filter(user=editor).exists()
    client.logout()
    client.post(LOGIN, {"username": admin.email, "password": PASSWORD})
    client.post(reverse("accounts:login-verify"), {"token": totp_code(admin.totp)})
    response = client.post(reverse("accounts:two-factor-disable"))
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).exists()


def test_password_reset_by_email(client, editor):
    response = client.post(reverse("accounts:password-reset"), {"email": editor.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+", mail.outbox[0].body).group(0)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    weak = client.post(form_page.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": "Baru-Sekali-2026", "new_password2": "Baru-Sekali-2026"})
    editor.refresh_from_db()
    assert editor.check_password("Baru-Sekali-2026")
    assert AuditEvent.objects.filter(action="account.password", actor=editor).exists()


def test_password_reset_for_unknown_email_reveals_nothing(client, db):
    response = client.post(reverse("accounts:password-reset"), {"email": "tidak.ada@contoh.go.id"})
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.parametrize(("password", "fragment"), [
    ("pendek", "terlalu pendek"),
    ("semuahurufkecil", "tiga dari"),
])
def test_password_strength(password, fragment, db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        validate_password(password)
    assert fragment in " ".join(exc.value.messages)


def test_session_expires_at_browser_close_and_after_hours(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600


def test_logout_is_post_only(client, editor):
    client.post(LOGIN, {"username": editor.email, "password": PASSWORD})
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session
