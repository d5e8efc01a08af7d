"""Forms of amplification: the package form (recipients, variants, media), filters, decline."""

from django import forms
from django.utils.translation import gettext_lazy as _

from warta.amplification.models import PackageState, TaskState
from warta.channels import limits

PLATFORM_CHOICES = [(p, limits.PLATFORM_NAMES.get(p, p)) for p in limits.RULES]


class PackageForm(forms.Form):
    """The package's own fields; recipients, variants and media are read from the raw data
    (``recipients`` and ``all_kind`` repeated, ``text_<platform>``, ``link_<platform>``, ``media``)."""

    title = forms.CharField(label=_("Judul paket"), max_length=200,
                            error_messages={"required": _("Judul wajib diisi.")})
    platforms = forms.MultipleChoiceField(label=_("Platform"), choices=PLATFORM_CHOICES,
                                          widget=forms.CheckboxSelectMultiple,
                                          error_messages={"required": _("Pilih paling sedikit satu platform.")})
    deadline = forms.DateTimeField(label=_("Batas waktu"), required=False,
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                                   error_messages={"invalid": _("Tanggal dan jam batas waktu tidak sah.")})
    note = forms.CharField(label=_("Catatan untuk unit penerima"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))


def variants_from_data(data, platforms) -> dict:
    return {p: {"text": data.get(f"text_{p}", ""), "link": data.get(f"link_{p}", "")}
            for p in platforms if p in limits.RULES}


class PackageFilterForm(forms.Form):
    q = forms.CharField(label=_("Cari"), required=False)
    state = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Semua")), *PackageState.choices])
    own = forms.BooleanField(label=_("Hanya yang dikirim unit ini"), required=False)


class TrackerFilterForm(forms.Form):
    q = forms.CharField(label=_("Cari unit"), required=False)
    state = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Semua")), *TaskState.choices])
    overdue = forms.BooleanField(label=_("Hanya yang lewat batas waktu"), required=False)


class InboxFilterForm(forms.Form):
    q = forms.CharField(label=_("Cari"), required=False)
    state = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Semua")), *TaskState.choices])


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Alasan penolakan"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Tuliskan alasan penolakan.")})
