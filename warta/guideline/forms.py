"""One form per rule kind, with plain fields (never raw JSON); the service validates again."""

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warta.channels.models import PLATFORM_CHOICES
from warta.guideline.models import RuleKind, Severity
from warta.guideline.params import params_clean

LINES_HELP = _("Satu per baris.")


def _lines(value) -> str:
    return "\n".join(value or ())


class RuleForm(forms.Form):
    """The fields every rule has; subclasses add the kind's settings and ``params()``."""

    kind: str = ""
    severity = forms.ChoiceField(label=_("Tingkat"), choices=Severity.choices, initial=Severity.WARNING)
    platforms = forms.MultipleChoiceField(
        label=_("Berlaku di platform"), choices=PLATFORM_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("Kosongkan agar aturan berlaku di semua platform."))
    message = forms.CharField(
        label=_("Pesan untuk petugas"), max_length=500, required=False,
        help_text=_("Opsional: ditampilkan bersama temuan, misalnya alasan atau rujukan peraturan."))

    def __init__(self, *args, unit=None, rule=None, **kwargs):
        self.unit = unit
        if rule is not None and "initial" not in kwargs:
            kwargs["initial"] = {"severity": rule.severity, "platforms": rule.platforms, "message": rule.message,
                                 **self.initial_params(rule.params)}
        super().__init__(*args, **kwargs)

    # subclasses
    def raw_params(self, data: dict) -> dict:
        raise NotImplementedError

    def initial_params(self, params: dict) -> dict:
        return dict(params)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["params"] = params_clean(self.kind, self.raw_params(data), zone=self.unit.zone if self.unit else None)
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errs)
        return data


class ForbiddenPhraseForm(RuleForm):
    kind = RuleKind.FORBIDDEN_PHRASE
    phrases = forms.CharField(label=_("Kata atau frasa terlarang"), widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("Satu per baris. Dicocokkan tanpa membedakan huruf besar-kecil, juga "
                                          "ejaan seperti k0rupsi."))

    def raw_params(self, data):
        return {"phrases": data["phrases"]}

    def initial_params(self, params):
        return {"phrases": _lines(params.get("phrases"))}


class _ThresholdForm(RuleForm):
    threshold = forms.FloatField(label=_("Ambang keyakinan model"), min_value=0.05, max_value=1, initial=0.5,
                                 help_text=_("0,05 sampai 1. Makin kecil, makin peka."))
    words = forms.CharField(label=_("Kata tambahan"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                            help_text=LINES_HELP)

    def initial_params(self, params):
        return {"threshold": params.get("threshold", 0.5), "words": _lines(params.get("words"))}


class AbusiveLanguageForm(_ThresholdForm):
    kind = RuleKind.ABUSIVE_LANGUAGE
    ignore = forms.CharField(
        label=_("Kata yang tidak diperiksa"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        help_text=_("Kata dari daftar kata kasar yang lazim dalam tugas unit Anda. Satu per baris."))

    def raw_params(self, data):
        return {"threshold": data["threshold"], "words": data["words"], "ignore": data["ignore"]}

    def initial_params(self, params):
        return {**super().initial_params(params), "ignore": _lines(params.get("ignore"))}


class SaraForm(_ThresholdForm):
    kind = RuleKind.SARA

    def raw_params(self, data):
        return {"threshold": data["threshold"], "words": data["words"]}


class RequiredHashtagForm(RuleForm):
    kind = RuleKind.REQUIRED_HASHTAG
    hashtags = forms.CharField(label=_("Tagar wajib"), max_length=2000,
                               help_text=_("Pisahkan dengan spasi, misalnya #BogorKabMaju #HumasBogor."))

    def raw_params(self, data):
        return {"hashtags": data["hashtags"]}

    def initial_params(self, params):
        return {"hashtags": " ".join(params.get("hashtags", ()))}


class RequiredSignatureForm(RuleForm):
    kind = RuleKind.REQUIRED_SIGNATURE
    text = forms.CharField(label=_("Tanda tangan"), max_length=300,
                           help_text=_("Teks yang wajib ada, misalnya #HumasBogor — Diskominfo Kab. Bogor."))

    def raw_params(self, data):
        return {"text": data["text"]}


class LinkDomainsForm(RuleForm):
    kind = RuleKind.LINK_DOMAINS
    domains = forms.CharField(label=_("Domain yang diizinkan"), widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Satu per baris, misalnya go.id. Subdomain ikut diizinkan."))

    def raw_params(self, data):
        return {"domains": data["domains"]}

    def initial_params(self, params):
        return {"domains": _lines(params.get("domains"))}


class PostingHoursForm(RuleForm):
    kind = RuleKind.POSTING_HOURS
    windows = forms.CharField(label=_("Jam unggah yang diizinkan"), widget=forms.Textarea(attrs={"rows": 2}),
                              initial="06:00-21:00",
                              help_text=_("Satu rentang per baris, misalnya 06:00-21:00, menurut waktu setempat "
                                          "unit yang mengunggah."))

    def raw_params(self, data):
        return {"windows": data["windows"]}

    def initial_params(self, params):
        return {"windows": "\n".join(f"{w['start']}-{w['end']}" for w in params.get("windows", ()))}


class SensitivePeriodForm(RuleForm):
    kind = RuleKind.SENSITIVE_PERIOD
    name = forms.CharField(label=_("Nama masa sensitif"), max_length=120,
                           help_text=_("Misalnya Masa tenang Pilkada."))
    start = forms.DateTimeField(label=_("Mulai"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                             format="%Y-%m-%dT%H:%M"))
    end = forms.DateTimeField(label=_("Selesai"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                             format="%Y-%m-%dT%H:%M"))
    keywords = forms.CharField(
        label=_("Kata kunci"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        help_text=_("Opsional, satu per baris. Kosongkan agar semua konten pada masa ini perlu persetujuan pejabat "
                    "yang lebih tinggi."))

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, unit=unit, **kwargs)
        # the form shows and reads times in the unit's own zone (WIB, WITA or WIT)
        for name in ("start", "end"):
            self.fields[name].help_text = unit.zone_label if unit else ""

    def _local(self, value: datetime) -> datetime:
        value = value.replace(tzinfo=None) if timezone.is_aware(value) else value
        return value.replace(tzinfo=self.unit.zone)

    def raw_params(self, data):
        return {"name": data["name"], "start": self._local(data["start"]), "end": self._local(data["end"]),
                "keywords": data["keywords"]}

    def initial_params(self, params):
        zone = self.unit.zone if self.unit else None
        return {"name": params.get("name", ""),
                "start": timezone.localtime(datetime.fromisoformat(params["start"]), zone).replace(tzinfo=None),
                "end": timezone.localtime(datetime.fromisoformat(params["end"]), zone).replace(tzinfo=None),
                "keywords": _lines(params.get("keywords"))}


FORMS: dict[str, type[RuleForm]] = {f.kind: f for f in (
    ForbiddenPhraseForm, AbusiveLanguageForm, SaraForm, RequiredHashtagForm, RequiredSignatureForm,
    LinkDomainsForm, PostingHoursForm, SensitivePeriodForm)}


class FilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis"), choices=[("", _("Semua jenis")), *RuleKind.choices], required=False)


class CheckForm(forms.Form):
    """The "Coba pedoman" box, and what the composer posts: text, platform, when (local time)."""

    text = forms.CharField(label=_("Teks"), widget=forms.Textarea(attrs={"rows": 5}), required=False,
                           max_length=20000, strip=False)
    platform = forms.ChoiceField(label=_("Platform"), choices=[("", _("Semua platform")), *PLATFORM_CHOICES],
                                 required=False)
    when = forms.DateTimeField(label=_("Jadwal unggah"), required=False,
                               widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                               help_text=_("Kosongkan untuk memeriksa seolah diunggah sekarang."))
