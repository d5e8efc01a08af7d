"""Forms of the channels pages. Secret fields are write-only: never rendered back."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from warta.channels.models import PLATFORM_CHOICES, ConnectionState
from warta.organisations.models import UnitKind

# The range of a 64-bit signed integer: the widest primary key the databases store. A larger
# number overflows SQLite's INTEGER when used in a query (an OverflowError, not a ValueError).
PK_MIN, PK_MAX = -(2**63), 2**63 - 1


def _check_pk_range(field: forms.Field, values) -> None:
    """Refuse a submitted id that no integer primary key can hold, before any query sees it."""
    pk = field.queryset.model._meta.pk
    if field.to_field_name or pk.get_internal_type() not in ("AutoField", "BigAutoField", "IntegerField",
                                                               "BigIntegerField", "SmallAutoField"):
        return
    for value in values:
        if value in field.empty_values:
            continue
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            continue  # Django's own check gives its "not a valid value" message
        if not PK_MIN <= number <= PK_MAX:
            raise forms.ValidationError(field.error_messages["out_of_range"], code="out_of_range")


class BoundedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose out-of-range ids are a validation error, never a server error."""

    default_error_messages = {"out_of_range": _("Pilihan tidak sah: nomor itu tidak dikenal.")}

    def to_python(self, value):
        _check_pk_range(self, [value])
        return super().to_python(value)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField whose out-of-range ids are a validation error."""

    default_error_messages = {"out_of_range": _("Pilihan tidak sah: salah satu nomor tidak dikenal.")}

    def clean(self, value):
        if isinstance(value, list | tuple):
            _check_pk_range(self, value)
        return super().clean(value)


class AccountForm(forms.Form):
    platform = forms.ChoiceField(label=_("Platform"), choices=PLATFORM_CHOICES)
    unit = BoundedModelChoiceField(label=_("Unit pemilik"), queryset=None, empty_label=None)
    handle = forms.CharField(label=_("Nama akun"), max_length=200, required=False,
                             help_text=_("Mis. @humasbogorkab. Untuk berita daring: nama singkat sumber (boleh kosong)."))
    display_name = forms.CharField(label=_("Nama tampilan"), max_length=200, required=False)
    url = forms.URLField(label=_("Alamat"), max_length=500, required=False, assume_scheme="https",
                         help_text=_("Alamat profil; untuk berita daring: alamat umpan RSS/Atom (diperiksa saat disimpan)."))
    verified = forms.BooleanField(label=_("Terverifikasi (centang biru)"), required=False)
    officers = BoundedModelMultipleChoiceField(label=_("Petugas penanggung jawab"), queryset=None, required=False)

    def __init__(self, *args, units, officers, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["officers"].queryset = officers
        if editing:
            del self.fields["platform"]


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Cari"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("nama akun, nama tampilan, atau unit")}))
    platform = forms.ChoiceField(label=_("Platform"), required=False, choices=[("", _("Semua platform")), *PLATFORM_CHOICES])
    kind = forms.ChoiceField(label=_("Jenis unit"), required=False, choices=[("", _("Semua jenis")), *UnitKind.choices])
    region = forms.CharField(label=_("Kode wilayah"), required=False, max_length=20,
                             widget=forms.TextInput(attrs={"placeholder": _("mis. 32 atau 32.01")}))
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    state = forms.ChoiceField(label=_("Status koneksi"), required=False,
                              choices=[("", _("Semua status")), *ConnectionState.choices])
    arsip = forms.BooleanField(label=_("Tampilkan arsip"), required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("Seluruh unit"))] + [(str(u.uuid), u.name) for u in units]

    def clean_region(self):
        value = (self.cleaned_data.get("region") or "").strip()
        if value and not all(part.isdigit() for part in value.rstrip(".").split(".")):
            raise forms.ValidationError(_("Kode wilayah hanya berisi angka yang dipisahkan titik, misalnya 32.01."))
        return value


class TelegramConnectForm(forms.Form):
    bot_token = forms.CharField(
        label=_("Token bot"), widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Dari @BotFather. Bot harus admin kanal. Token disimpan terenkripsi dan tidak ditampilkan lagi."),
    )
    webhook = forms.BooleanField(label=_("Terima pembaruan lewat webhook"), required=False,
                                 help_text=_("Perlu alamat Warta yang dapat dijangkau dari internet (HTTPS)."))


class ChooseForm(forms.Form):
    external_id = forms.ChoiceField(label=_("Akun yang dihubungkan"), widget=forms.RadioSelect)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["external_id"].choices = [
            (c.external_id, f"{c.display_name or c.handle} ({c.handle})") for c in choices]


class PlatformAppForm(forms.Form):
    client_id = forms.CharField(label=_("Client ID / App ID"), max_length=200, required=False)
    client_secret = forms.CharField(
        label=_("Client secret / App secret"), required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Kosongkan untuk mempertahankan rahasia yang tersimpan."))
    clear_client_secret = forms.BooleanField(label=_("Hapus client secret yang tersimpan"), required=False)
    webhook_verify_token = forms.CharField(
        label=_("Token verifikasi webhook (Meta)"), required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Kosongkan untuk mempertahankan yang tersimpan."))
    clear_webhook_verify_token = forms.BooleanField(label=_("Hapus token verifikasi webhook"), required=False)
    api_version = forms.CharField(label=_("Versi API"), max_length=20, required=False,
                                  widget=forms.TextInput(attrs={"placeholder": _("mis. v21.0")}))
    base_url = forms.URLField(label=_("Alamat dasar API"), required=False, assume_scheme="https",
                              help_text=_("Kosongkan untuk API publik platform."))
    options = forms.CharField(label=_("Pengaturan lain (JSON)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Mis. {\"audited\": true} untuk aplikasi TikTok yang sudah diaudit."))

    def clean_options(self):
        text = (self.cleaned_data.get("options") or "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("Bukan JSON yang sah.")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Harus objek JSON, mis. {\"audited\": true}."))
        return value


class NetworkAllowForm(forms.Form):
    network = forms.CharField(label=_("Host atau jaringan (CIDR)"), max_length=255,
                              widget=forms.TextInput(attrs={"placeholder": _("mis. portal.intranet.go.id atau 10.20.0.0/16")}))
    note = forms.CharField(label=_("Catatan"), max_length=255, required=False)
