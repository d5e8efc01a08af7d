from django import forms
from django.utils.translation import gettext_lazy as _

from warta.organisations.models import Unit
from warta.organisations.roles import Role


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["kind", "name", "short_name", "region_code", "time_zone", "require_2fa"]

    def clean_region_code(self):
        code = (self.cleaned_data.get("region_code") or "").strip()
        if code and not all(part.isdigit() for part in code.split(".")):
            raise forms.ValidationError(_("Kode wilayah hanya berisi angka yang dipisahkan titik, misalnya 32.01."))
        return code or None

    def _post_clean(self):  # uniqueness is checked by the service with a clearer message
        pass


class MoveForm(forms.Form):
    target = forms.UUIDField(label=_("Pindahkan ke bawah unit"))


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Peran"), choices=Role.choices, initial=Role.EDITOR)
    unit = forms.UUIDField(label=_("Unit"), required=False)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Peran"), choices=Role.choices)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Nama token"), max_length=100)
    role = forms.ChoiceField(label=_("Peran"), choices=Role.choices, initial=Role.VIEWER)
    days = forms.IntegerField(label=_("Berlaku (hari)"), min_value=1, max_value=366, initial=90)


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Tindakan"), required=False)
    actor = forms.CharField(label=_("Oleh"), required=False,
                            widget=forms.TextInput(attrs={"placeholder": _("email pelaku")}))
    q = forms.CharField(label=_("Cari objek"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("nama unit atau objek")}))
    since = forms.DateField(label=_("Sejak"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Sampai"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=200)
    password = forms.CharField(label=_("Kata sandi"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Ulangi kata sandi"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            raise forms.ValidationError(_("Kedua kata sandi tidak sama."))
        return data

