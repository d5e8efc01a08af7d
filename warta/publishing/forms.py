"""Forms of the composer, the post list filters, comments and templates."""

from django import forms
from django.utils.translation import gettext_lazy as _

from warta.channels import limits
from warta.publishing.models import PostState, TemplateKind

PLATFORM_CHOICES = [(p, limits.PLATFORM_NAMES.get(p, p)) for p in limits.RULES]


class ComposerForm(forms.Form):
    """The post's own fields; the per-platform variant fields are read by ``variants_from_data``."""

    title = forms.CharField(label=_("Judul internal"), max_length=200,
                            help_text=_("Hanya terlihat di Warta, mis. “Imbauan mudik Lebaran”."))
    platforms = forms.MultipleChoiceField(label=_("Platform"), choices=PLATFORM_CHOICES,
                                          widget=forms.CheckboxSelectMultiple,
                                          error_messages={"required": _("Pilih paling sedikit satu platform.")})
    notes = forms.CharField(label=_("Catatan untuk tim"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, campaigns=None, pillars=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].error_messages["required"] = _("Judul internal wajib diisi.")
        if campaigns is not None:
            self.fields["campaign"] = forms.ModelChoiceField(label=_("Kampanye"), queryset=campaigns, required=False,
                                                             empty_label=_("— tanpa kampanye —"))
        if pillars is not None:
            self.fields["pillar"] = forms.ModelChoiceField(label=_("Pilar konten"), queryset=pillars, required=False,
                                                           empty_label=_("— tanpa pilar —"))


def variants_from_data(data, platforms) -> dict:
    """The variants as the services take them, from the composer's fields
    (``text_<platform>``, ``link_<platform>``, ``first_comment_<platform>``, ``title_<platform>``,
    ``media_<platform>`` repeated, ``alt_<platform>_<asset uuid>``)."""
    variants = {}
    for platform in platforms:
        if platform not in limits.RULES:
            continue
        media = []
        for asset in dict.fromkeys(data.getlist(f"media_{platform}") if hasattr(data, "getlist") else []):
            media.append({"asset": asset, "alt_text": data.get(f"alt_{platform}_{asset}", "")})
        variants[platform] = {"text": data.get(f"text_{platform}", ""), "link": data.get(f"link_{platform}", ""),
                              "first_comment": data.get(f"first_comment_{platform}", ""),
                              "title": data.get(f"title_{platform}", ""), "media": media}
    return variants


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Cari"), required=False)
    state = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Semua"))] + PostState.choices)
    platform = forms.ChoiceField(label=_("Platform"), required=False, choices=[("", _("Semua"))] + PLATFORM_CHOICES)
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, choices=(), empty_value=None)
    arsip = forms.BooleanField(label=_("Tampilkan yang diarsipkan"), required=False)

    def __init__(self, *args, units=(), campaigns=None, pillars=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("Semua unit"))] + [(str(u.uuid), u.name) for u in units]
        if campaigns is not None:
            self.fields["campaign"] = forms.ModelChoiceField(label=_("Kampanye"), queryset=campaigns, required=False,
                                                             empty_label=_("Semua"))
        if pillars is not None:
            self.fields["pillar"] = forms.ModelChoiceField(label=_("Pilar"), queryset=pillars, required=False,
                                                           empty_label=_("Semua"))


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Komentar"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Komentar tidak boleh kosong.")})


class TemplateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis"), choices=TemplateKind.choices)
    name = forms.CharField(label=_("Nama"), max_length=120, error_messages={"required": _("Nama wajib diisi.")})
    text = forms.CharField(label=_("Teks"), widget=forms.Textarea(attrs={"rows": 6}),
                           error_messages={"required": _("Teks wajib diisi.")})
