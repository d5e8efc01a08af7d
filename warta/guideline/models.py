"""Pedoman: the rules a unit sets for everything it publishes, inherited down the tree."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RuleKind(models.TextChoices):
    FORBIDDEN_PHRASE = "forbidden_phrase", _("Kata atau frasa terlarang")
    ABUSIVE_LANGUAGE = "abusive_language", _("Bahasa kasar")
    SARA = "sara", _("Ujaran SARA")
    REQUIRED_HASHTAG = "required_hashtag", _("Tagar wajib")
    REQUIRED_SIGNATURE = "required_signature", _("Tanda tangan wajib")
    LINK_DOMAINS = "link_domains", _("Domain tautan yang diizinkan")
    POSTING_HOURS = "posting_hours", _("Jam unggah")
    SENSITIVE_PERIOD = "sensitive_period", _("Masa sensitif")


class Severity(models.TextChoices):
    ERROR = "error", _("Galat (memblokir)")
    WARNING = "warning", _("Peringatan (harus diakui penyetuju)")


class Rule(models.Model):
    """One rule of a unit's guideline; ``params`` hold the kind's settings (see ``params.py``)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE, related_name="guideline_rules")
    kind = models.CharField(_("jenis"), max_length=30, choices=RuleKind.choices)
    severity = models.CharField(_("tingkat"), max_length=10, choices=Severity.choices, default=Severity.WARNING)
    params = models.JSONField(_("pengaturan"), default=dict, blank=True)
    platforms = models.JSONField(
        _("platform"), default=list, blank=True,
        help_text=_("Kosongkan agar aturan berlaku di semua platform."),
    )
    message = models.CharField(
        _("pesan untuk petugas"), max_length=500, blank=True,
        help_text=_("Teks tambahan yang ditampilkan kepada petugas saat aturan ini dilanggar."),
    )
    active = models.BooleanField(_("aktif"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit__path", "created_at", "pk"]
        verbose_name = _("aturan pedoman")
        verbose_name_plural = _("aturan pedoman")
        indexes = [models.Index(fields=["unit", "active"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.unit}"

    def summary(self) -> str:
        """A short plain-language account of the settings, for lists."""
        p = self.params or {}
        if self.kind in (RuleKind.FORBIDDEN_PHRASE,):
            return ", ".join(p.get("phrases", ()))
        if self.kind in (RuleKind.ABUSIVE_LANGUAGE, RuleKind.SARA):
            text = _("ambang %(t)s") % {"t": p.get("threshold", 0.5)}
            if p.get("words"):
                text += "; " + _("kata tambahan: %(w)s") % {"w": ", ".join(p["words"])}
            if p.get("ignore"):
                text += "; " + _("tidak diperiksa: %(w)s") % {"w": ", ".join(p["ignore"])}
            return text
        if self.kind == RuleKind.REQUIRED_HASHTAG:
            return " ".join(p.get("hashtags", ()))
        if self.kind == RuleKind.REQUIRED_SIGNATURE:
            return p.get("text", "")
        if self.kind == RuleKind.LINK_DOMAINS:
            return ", ".join(p.get("domains", ()))
        if self.kind == RuleKind.POSTING_HOURS:
            return ", ".join(f"{w['start']}–{w['end']}" for w in p.get("windows", ()))
        if self.kind == RuleKind.SENSITIVE_PERIOD and p.get("start"):
            from datetime import datetime

            zone = self.unit.zone
            start = timezone.localtime(datetime.fromisoformat(p["start"]), zone).strftime("%d-%m-%Y %H:%M")
            end = timezone.localtime(datetime.fromisoformat(p["end"]), zone).strftime("%d-%m-%Y %H:%M")
            text = f"{p.get('name', '')}: {start} – {end} {self.unit.zone_label}"
            if p.get("keywords"):
                text += "; " + _("kata kunci: %(w)s") % {"w": ", ".join(p["keywords"])}
            return text
        return ""
