from django.contrib.auth import views as auth_views
from django.urls import path

from warta.accounts import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.login_view, name="login"),
    path("masuk/verifikasi/", views.login_verify, name="login-verify"),
    path("keluar/", views.logout_view, name="logout"),
    path("profil/", views.profile, name="profile"),
    path("dua-langkah/", views.two_factor, name="two-factor"),
    path("dua-langkah/matikan/", views.two_factor_disable, name="two-factor-disable"),
    path("sandi/ganti/", views.PasswordChangeView.as_view(), name="password-change"),
    path("sandi/lupa/", views.PasswordResetView.as_view(), name="password-reset"),
    path("sandi/lupa/terkirim/", auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"), name="password-reset-done"),
    path("sandi/atur/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path("sandi/atur/selesai/", auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"), name="password-reset-complete"),
]
