"""Forms of the planning pages. Choices of related rows are scoped to the owner unit's reach;
the services check them again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from warta.channels.models import Account
from warta.planning import selectors
from warta.planning.models import Audience, Campaign, Goal, ImportantDate, Pillar

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "metric", "target", "period_start", "period_end", "notes"]
        widgets = {"period_start": DATE, "period_end": DATE, "notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"target": _("Untuk tingkat keterlibatan dalam persen (0–100); waktu tanggap dalam menit.")}


class AudienceForm(forms.ModelForm):
    class Meta:
        model = Audience
        fields = ["name", "segment", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class PillarForm(forms.ModelForm):
    class Meta:
        model = Pillar
        fields = ["name", "colour", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "colour": forms.RadioSelect}


class ImportantDateForm(forms.ModelForm):
    class Meta:
        model = ImportantDate
        fields = ["date", "title", "yearly", "note"]
        widgets = {"date": DATE, "note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"yearly": _("Mis. hari jadi daerah: tampil di kalender setiap tahun sejak tanggal ini.")}


class CampaignForm(forms.ModelForm):
    hashtags = forms.CharField(
        label=_("Tagar"), required=False, widget=forms.TextInput(attrs={"placeholder": "#BanggaBuatanIndonesia #Bogor"}),
        help_text=_("Pisahkan dengan spasi atau koma; tanda # boleh tidak ditulis."))

    class Meta:
        model = Campaign
        fields = ["name", "programme", "period_start", "period_end", "description", "goals", "pillars", "audiences",
                  "accounts"]
        widgets = {"period_start": DATE, "period_end": DATE, "description": forms.Textarea(attrs={"rows": 3}),
                   "goals": forms.CheckboxSelectMultiple, "pillars": forms.CheckboxSelectMultiple,
                   "audiences": forms.CheckboxSelectMultiple, "accounts": forms.CheckboxSelectMultiple}

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["hashtags"] = " ".join(self.instance.hashtags)
        self.fields["goals"].queryset = selectors.goals_available(owner)
        self.fields["pillars"].queryset = selectors.pillars_available(owner)
        self.fields["audiences"].queryset = selectors.audiences_available(owner)
        self.fields["accounts"].queryset = Account.objects.active().filter(
            unit__path__startswith=owner.path).select_related("unit")
        for name in ("goals", "pillars", "audiences"):
            self.fields[name].label_from_instance = _with_owner(owner)
        self.fields["accounts"].label_from_instance = lambda a: f"{a} — {a.unit.name}"

    def clean_hashtags(self):
        from warta.planning.services import hashtags_normalise

        try:
            return hashtags_normalise(self.cleaned_data.get("hashtags") or "")
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["hashtags"]) from None


def _with_owner(owner):
    def label(row):
        return str(row) if row.unit_id == owner.pk else f"{row} ({row.unit.name})"
    return label


class DuplicateForm(forms.Form):
    name = forms.CharField(label=_("Nama kampanye baru"), max_length=200)
    shift_days = forms.IntegerField(label=_("Geser periode (hari)"), initial=0, min_value=-3660, max_value=3660,
                                    help_text=_("Mis. 365 untuk kampanye yang sama tahun depan; boleh negatif."))


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Cari"), required=False, max_length=200)
    arsip = forms.BooleanField(label=_("Tampilkan arsip"), required=False)
