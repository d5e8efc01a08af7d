"""Forms of the media library pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from warta.media.models import MediaKind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by the service, not here."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,video/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        files = [f for f in files if f]
        if not files:
            raise forms.ValidationError(_("Pilih paling sedikit satu berkas gambar atau video."), code="required")
        return files


class UploadForm(forms.Form):
    files = MultipleFileField(label=_("Berkas"), help_text=_(
        "Gambar (JPEG, PNG, GIF, WebP) atau video (MP4, MOV, WebM). Jenis berkas diperiksa dari isinya."))
    title = forms.CharField(label=_("Judul"), max_length=200, required=False,
                            help_text=_("Kosongkan untuk memakai nama berkas."))
    alt_text = forms.CharField(label=_("Teks alternatif"), max_length=1000, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}),
                               help_text=_("Deskripsi gambar untuk pembaca layar; berlaku untuk semua berkas ini."))


class EditForm(forms.Form):
    title = forms.CharField(label=_("Judul"), max_length=200, required=False)
    alt_text = forms.CharField(label=_("Teks alternatif"), max_length=1000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("Deskripsi gambar untuk pembaca layar."))


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Cari judul"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Jenis"), required=False,
                             choices=[("", _("Semua jenis")), *MediaKind.choices])
    arsip = forms.BooleanField(label=_("Tampilkan yang diarsipkan"), required=False)
