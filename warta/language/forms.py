from django import forms
from django.utils.translation import gettext_lazy as _

from warta.language.models import Task

TASK_FILTER = [("", _("Semua tugas"))] + list(Task.choices)


class CorrectionForm(forms.Form):
    """A label for one text, given where Warta shows the model's label (embedded by other apps).

    The label itself is validated by the service against the task's labels; for ``abuse``
    several ``label`` values may be sent (none = no abusive content).
    """

    task = forms.ChoiceField(label=_("Tugas"), choices=Task.choices)
    text = forms.CharField(label=_("Teks"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    source_kind = forms.CharField(label=_("Jenis sumber"), required=False, max_length=40, widget=forms.HiddenInput)
    source_id = forms.CharField(label=_("Nomor sumber"), required=False, max_length=128, widget=forms.HiddenInput)
    predicted_label = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    predicted_score = forms.FloatField(required=False, min_value=0, max_value=1, widget=forms.HiddenInput)
    next = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not (data.get("source_kind") and data.get("source_id")):
            raise forms.ValidationError(_("Isi teks yang diberi label, atau sertakan rujukan sumbernya."))
        return data


class AnnotationFilterForm(forms.Form):
    task = forms.ChoiceField(label=_("Tugas"), choices=TASK_FILTER, required=False)
    label = forms.ChoiceField(label=_("Label"), required=False)
    q = forms.CharField(label=_("Cari teks"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        from warta.language.annotation import label_name, task_labels

        super().__init__(*args, **kwargs)
        labels = dict.fromkeys(label for task in Task.values for label in task_labels(task))
        self.fields["label"].choices = [("", _("Semua label"))] + [(label, label_name(label)) for label in labels]


class RetrainForm(forms.Form):
    task = forms.ChoiceField(label=_("Tugas"), choices=Task.choices)


class TryTextForm(forms.Form):
    text = forms.CharField(
        label=_("Teks"), max_length=2000, strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("mis. jln rusak parah bangettt, kpn diperbaiki @pemkab?")}),
        error_messages={"required": _("Tulis teks yang ingin diuji."),
                        "max_length": _("Teks paling panjang %(limit_value)d karakter (sekarang %(show_value)d).")})
