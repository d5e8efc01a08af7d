"""Forms of the press pages. They parse; the services validate and store."""

from django import forms
from django.utils.translation import gettext_lazy as _

from warta.press.models import PressDelivery, PressRelease
from warta.press.services import MAX_QUOTES


class ReleaseForm(forms.Form):
    number = forms.CharField(label=_("Nomor"), max_length=80, required=False,
                             help_text=_("Mis. 001/HUMAS/XI/2026 (boleh kosong)."))
    headline = forms.CharField(label=_("Judul"), max_length=300)
    place = forms.CharField(label=_("Tempat"), max_length=120)
    release_date = forms.DateField(label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    lead = forms.CharField(label=_("Teras berita"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Paragraf pertama: apa, siapa, kapan, di mana, mengapa, bagaimana."))
    body = forms.CharField(label=_("Isi"), max_length=50000, required=False,
                           widget=forms.Textarea(attrs={"rows": 12}),
                           help_text=_("Pisahkan paragraf dengan satu baris kosong."))
    contact_name = forms.CharField(label=_("Nama narahubung"), max_length=150, required=False)
    contact_position = forms.CharField(label=_("Jabatan narahubung"), max_length=150, required=False)
    contact_phone = forms.CharField(label=_("Telepon narahubung"), max_length=40, required=False)
    contact_email = forms.EmailField(label=_("Email narahubung"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, MAX_QUOTES + 1):
            self.fields[f"quote_{i}_name"] = forms.CharField(label=_("Narasumber %(n)s") % {"n": i}, max_length=150,
                                                             required=False)
            self.fields[f"quote_{i}_position"] = forms.CharField(label=_("Jabatan"), max_length=150, required=False)
            self.fields[f"quote_{i}_text"] = forms.CharField(label=_("Kutipan"), max_length=3000, required=False,
                                                             widget=forms.Textarea(attrs={"rows": 2}))

    @staticmethod
    def initial_from(release: PressRelease) -> dict:
        data = {k: getattr(release, k) for k in ("number", "headline", "place", "release_date", "lead", "body",
                                                  "contact_name", "contact_position", "contact_phone",
                                                  "contact_email")}
        for i, q in enumerate(release.quotes[:MAX_QUOTES], start=1):
            for key in ("name", "position", "text"):
                data[f"quote_{i}_{key}"] = q.get(key, "")
        return data

    def quote_rows(self):
        return [(self[f"quote_{i}_name"], self[f"quote_{i}_position"], self[f"quote_{i}_text"])
                for i in range(1, MAX_QUOTES + 1)]

    def values(self) -> dict:
        d = self.cleaned_data
        quotes = [{k: d[f"quote_{i}_{k}"] for k in ("name", "position", "text")} for i in range(1, MAX_QUOTES + 1)]
        return {k: d[k] for k in ("number", "headline", "place", "release_date", "lead", "body", "contact_name",
                                  "contact_position", "contact_phone", "contact_email")} | {"quotes": quotes}


class ReleaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Cari"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"placeholder": _("judul, nomor, atau teras")}))
    state = forms.ChoiceField(label=_("Status"), required=False,
                              choices=[("", _("Semua status")), *PressRelease.State.choices])


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Berkas"), help_text=_("PDF, JPEG, PNG, DOCX atau XLSX; paling besar 20 MB."))
    title = forms.CharField(label=_("Judul lampiran"), max_length=200, required=False)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Nama"), max_length=150)
    outlet = forms.CharField(label=_("Media"), max_length=150, required=False)
    email = forms.CharField(label=_("Email"), max_length=254)
    phone = forms.CharField(label=_("Telepon"), max_length=40, required=False)
    beats = forms.CharField(label=_("Desk liputan"), max_length=500, required=False,
                            help_text=_("Pisahkan dengan koma, mis. pemerintahan, kesehatan."))
    region_code = forms.CharField(label=_("Kode wilayah"), max_length=20, required=False,
                                  help_text=_("Mis. 32.01 (boleh kosong)."))
    notes = forms.CharField(label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    archived = forms.BooleanField(label=_("Arsipkan (tidak dikirimi siaran pers)"), required=False)


class ContactFilterForm(forms.Form):
    q = forms.CharField(label=_("Cari"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"placeholder": _("nama, media, atau email")}))
    beat = forms.CharField(label=_("Desk liputan"), required=False, max_length=60)
    arsip = forms.BooleanField(label=_("Tampilkan yang diarsipkan"), required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Berkas CSV"), required=False,
                           help_text=_("UTF-8, dipisah ; atau ,. Kolom: nama, media, email, telepon, desk, "
                                       "kode_wilayah, catatan."))
    content = forms.CharField(required=False, widget=forms.HiddenInput)


class ListForm(forms.Form):
    name = forms.CharField(label=_("Nama daftar"), max_length=150)
    contacts = forms.ModelMultipleChoiceField(label=_("Kontak"), queryset=None, required=False,
                                              widget=forms.CheckboxSelectMultiple, to_field_name="uuid")

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = contacts


class SendForm(forms.Form):
    distribution_list = forms.ModelChoiceField(label=_("Daftar distribusi"), queryset=None, to_field_name="uuid",
                                               empty_label=None)

    def __init__(self, *args, lists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["distribution_list"].queryset = lists


class DeliveryFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Status"), required=False,
                              choices=[("", _("Semua status")), *PressDelivery.State.choices])
