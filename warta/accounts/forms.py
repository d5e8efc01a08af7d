from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("Kata sandi"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        self.user = authenticate(self.request, username=data["username"].lower(), password=data["password"])
        if self.user is None:
            raise forms.ValidationError(
                _("Email atau kata sandi salah. Setelah beberapa kali gagal, akun dikunci sementara."),
                code="invalid_login",
            )
        if not self.user.is_active:
            raise forms.ValidationError(_("Akun ini dinonaktifkan."), code="inactive")
        return data


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Kode verifikasi (6 angka)"), max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError(_("Kode verifikasi terdiri atas 6 angka."))
        return token


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=200, required=False)
    job_title = forms.CharField(label=_("Jabatan"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("Bahasa"), choices=[("id", "Bahasa Indonesia"), ("en", "English")])
