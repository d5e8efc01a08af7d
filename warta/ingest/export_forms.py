"""Forms of the export-file import pages: the upload, and the column mapping with its options."""

from django import forms
from django.utils.translation import gettext_lazy as _

from warta.ingest.exports import reader
from warta.ingest.exports.formats import FORMATS, GENERIC, TARGETS, formats_for
from warta.ingest.exports.services import TIME_ZONES

DATE_ORDER_CHOICES = [
    ("auto", _("Otomatis (dari isi berkas)")),
    ("mdy", _("Bulan/hari/tahun (09/16/2026)")),
    ("dmy", _("Hari/bulan/tahun (16/09/2026)")),
]
ZONE_LABELS = {"Asia/Jakarta": _("WIB (Asia/Jakarta)"), "Asia/Makassar": _("WITA (Asia/Makassar)"),
               "Asia/Jayapura": _("WIT (Asia/Jayapura)"), "UTC": _("UTC")}


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_platform_display()} · {obj.handle} — {obj.unit.name}"


class ExportUploadForm(forms.Form):
    account = AccountChoiceField(label=_("Akun"), queryset=None, to_field_name="uuid",
                                 empty_label=_("— pilih akun —"),
                                 error_messages={"required": _("Pilih akun yang datanya diekspor."),
                                                 "invalid_choice": _("Akun ini tidak ada atau di luar wewenang Anda.")})
    file = forms.FileField(
        label=_("Berkas ekspor (CSV atau XLSX)"),
        help_text=_("Ekspor unggahan dari Meta Business Suite (Facebook, Instagram), X Analytics, atau tabel konten "
                    "YouTube Studio."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv,"
                                               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
        error_messages={"required": _("Pilih berkas yang akan diunggah."), "empty": _("Berkas kosong.")},
    )
    observed_at = forms.DateTimeField(
        label=_("Data per tanggal (boleh dikosongkan)"), required=False,
        help_text=_("Kapan ekspor ini diunduh dari platform. Kosong: waktu unggah."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > reader.max_bytes():
            from django.template.defaultfilters import filesizeformat

            raise forms.ValidationError(_("Berkas terlalu besar; paling besar %(max)s.") % {
                "max": filesizeformat(reader.max_bytes())})
        return upload


class ExportMappingForm(forms.Form):
    """One select per Warta field (the file's columns to choose from) and the reading options."""

    format = forms.ChoiceField(label=_("Format berkas"))
    date_order = forms.ChoiceField(label=_("Urutan tanggal"), choices=DATE_ORDER_CHOICES)
    timezone = forms.ChoiceField(label=_("Zona waktu di berkas"),
                                 choices=[(z, ZONE_LABELS[z]) for z in TIME_ZONES])
    observed_at = forms.DateTimeField(
        label=_("Data per tanggal"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, **kwargs)
        headers = [h for h in record.report.get("file", {}).get("headers", []) if h]
        self.fields["format"].choices = [(f.code, f.label) for f in formats_for(record.account.platform)]
        columns = [("", _("— tidak dipakai —"))] + [(h, h) for h in headers]
        self.target_fields = []
        fmt = FORMATS.get(record.format, GENERIC)
        shown = set(TARGETS) if fmt is GENERIC else {c.target for c in fmt.columns} | set(record.mapping)
        for key, target in TARGETS.items():
            if key not in shown:
                continue
            name = f"col_{key}"
            self.fields[name] = forms.ChoiceField(label=target.label, choices=columns, required=False)
            self.target_fields.append(name)

    def mapping(self) -> dict[str, str]:
        return {name.removeprefix("col_"): self.cleaned_data.get(name) or "" for name in self.target_fields}

    @classmethod
    def initial_for(cls, record) -> dict:
        options = record.report.get("options", {})
        initial = {"format": record.format, "date_order": options.get("date_order", "auto"),
                   "timezone": options.get("timezone", record.unit.time_zone)}
        initial |= {f"col_{key}": record.mapping.get(key, "") for key in TARGETS}
        return initial
