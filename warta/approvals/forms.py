"""Forms of approvals: a decision (with one checkbox per warning) and a chain."""

from django import forms
from django.utils.translation import gettext_lazy as _

from warta.approvals.models import MAX_LEVELS, ApprovalDecision
from warta.organisations.roles import Role

LEVEL_CHOICES = [("", _("— tidak ada —")), (Role.EDITOR, _("Editor")), (Role.APPROVER, _("Penyetuju")),
                 (Role.ADMIN, _("Admin"))]


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Keputusan"), choices=ApprovalDecision.Decision.choices,
                                 error_messages={"required": _("Pilih setujui atau minta perbaikan."),
                                                 "invalid_choice": _("Keputusan tidak dikenal.")})
    comment = forms.CharField(label=_("Komentar"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Wajib diisi bila meminta perbaikan."))

    level = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=4)

    def __init__(self, *args, warnings=(), level=None, **kwargs):
        kwargs.setdefault("initial", {"level": level})
        super().__init__(*args, **kwargs)
        self.warnings = list(warnings or ())
        for i, w in enumerate(self.warnings):
            self.fields[f"ack_{i}"] = forms.BooleanField(label=str(w.get("message", "")), required=False)

    @property
    def ack_fields(self):
        return [self[f"ack_{i}"] for i in range(len(self.warnings))]

    @property
    def acknowledged(self) -> bool:
        return all(self.cleaned_data.get(f"ack_{i}") for i in range(len(self.warnings)))


class ChainForm(forms.Form):
    inherit = forms.BooleanField(label=_("Ikuti alur unit induk"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, MAX_LEVELS + 1):
            self.fields[f"level_{n}"] = forms.ChoiceField(label=_("Tingkat %(n)s") % {"n": n}, choices=LEVEL_CHOICES,
                                                          required=False)

    def clean(self):
        data = super().clean()
        chosen = [data.get(f"level_{n}") or "" for n in range(1, MAX_LEVELS + 1)]
        while chosen and not chosen[-1]:
            chosen.pop()
        if "" in chosen:
            raise forms.ValidationError(_("Isi tingkat persetujuan berurutan mulai dari tingkat 1, tanpa tingkat kosong di tengah."))
        data["levels"] = chosen
        return data
