"""Sign-in (password, then a TOTP code where the user has one), two-factor setup,
password change and reset, profile."""

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from warta.accounts import services
from warta.accounts.forms import LoginForm, ProfileForm, TokenForm

PENDING_USER = "warta_pending_user"
PENDING_BACKEND = "warta_pending_backend"


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("shell:home")


def _confirmed_device(user):
    return next(iter(devices_for_user(user, confirmed=True)), None)


def login_view(request):
    """Step one: email and password (throttled and locked out by django-axes)."""
    form = LoginForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.user
        if _confirmed_device(user) is not None:
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_BACKEND] = user.backend
            return redirect(reverse("accounts:login-verify") + "?next=" + _next(request))
        login(request, user)
        return redirect(_next(request))
    return render(request, "accounts/login.html", {"form": form, "next": _next(request)},
                  status=400 if form.errors else 200)


def login_verify(request):
    """Step two: the TOTP code. Also used to re-verify a signed-in, unverified session."""
    from django.contrib.auth import get_user_model

    user = request.user if request.user.is_authenticated else None
    if user is None and request.session.get(PENDING_USER):
        user = get_user_model().objects.filter(pk=request.session[PENDING_USER], is_active=True).first()
    if user is None:
        return redirect("accounts:login")
    device = _confirmed_device(user)
    if device is None:
        return redirect("accounts:two-factor")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if not request.user.is_authenticated:
                login(request, user, backend=request.session.get(PENDING_BACKEND))
            otp_login(request, device)
            request.session.pop(PENDING_USER, None)
            return redirect(_next(request))
        form.add_error("token", _("Kode verifikasi salah atau sudah kedaluwarsa. Periksa jam di ponsel Anda, lalu coba lagi."))
    return render(request, "accounts/login_verify.html", {"form": form, "next": _next(request)},
                  status=400 if form.errors else 200)


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("Anda telah keluar."))
    return redirect("accounts:login")


@login_required
def two_factor(request):
    """Set up (or replace) the TOTP device: show the QR code, confirm with a code."""
    confirmed = _confirmed_device(request.user)
    device = services.two_factor_begin(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.two_factor_confirm(user=request.user, token=form.cleaned_data["token"])
        except ValidationError as exc:
            form.add_error("token", exc.messages)
        else:
            otp_login(request, device)
            messages.success(request, _("Verifikasi dua langkah aktif. Mulai sekarang, masuk memerlukan kode dari aplikasi Anda."))
            return redirect("shell:home")
    qr = segno.make(device.config_url, error="m")
    return render(request, "accounts/two_factor.html", {
        "form": form, "confirmed": confirmed, "required": request.GET.get("required") == "1",
        "qr_svg": qr.svg_data_uri(scale=4), "secret": _b32(device),
    }, status=400 if form.errors else 200)


def _b32(device: TOTPDevice) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")


@require_POST
@login_required
def two_factor_disable(request):
    # The organisations app's middleware knows whether roles or units require 2FA.
    if getattr(request, "two_factor_required", False):
        messages.error(request, _("Verifikasi dua langkah wajib untuk peran atau unit Anda dan tidak dapat dimatikan."))
        return redirect("accounts:two-factor")
    services.two_factor_disable(user=request.user)
    messages.success(request, _("Verifikasi dua langkah dimatikan."))
    return redirect("accounts:profile")


@login_required
def profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, initial={
        "full_name": user.full_name, "job_title": user.job_title, "language": user.language or "id"})
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=user, **form.cleaned_data)
        messages.success(request, _("Profil disimpan."))
        response = redirect("accounts:profile")
        from django.conf import settings

        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.cleaned_data["language"], samesite="Lax")
        return response
    return render(request, "accounts/profile.html", {
        "form": form, "has_2fa": _confirmed_device(user) is not None}, status=400 if form.errors else 200)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_form.html"
    extra_context = {"heading": gettext_lazy("Ganti kata sandi")}
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=self.request.user)
        messages.success(self.request, _("Kata sandi diganti."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_form.html"
    extra_context = {"heading": gettext_lazy("Lupa kata sandi")}
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_form.html"
    extra_context = {"heading": gettext_lazy("Atur kata sandi baru")}
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=form.user)
        return response


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes lockout response."""
    return render(request, "accounts/locked_out.html", status=429)
