"""Perencanaan: a unit's communication goals, audiences, content pillars, campaigns and its
own important dates.

Pillars, audiences and campaigns defined on a unit are available to its whole subtree (see
``selectors``); each row is edited only through a scope that contains its owner unit.
Archived rows (``archived_at``) stay for history and free their name for reuse.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    ENGAGEMENT_RATE = "engagement_rate", _("Tingkat keterlibatan (%)")
    REACH = "reach", _("Jangkauan (akun)")
    IMPRESSIONS = "impressions", _("Tayangan")
    RESPONSE_TIME = "response_time", _("Waktu tanggap (menit)")
    FOLLOWER_GROWTH = "follower_growth", _("Pertambahan pengikut")
    POSTS_PUBLISHED = "posts_published", _("Jumlah unggahan terbit")
    OTHER = "other", _("Lainnya")


# A target of 0 or less makes no sense for these metrics (all of them but "other").
POSITIVE_METRICS = frozenset(Metric) - {Metric.OTHER}
PERCENT_METRICS = frozenset({Metric.ENGAGEMENT_RATE})


class Segment(models.TextChoices):
    GENERAL_PUBLIC = "general_public", _("Masyarakat umum")
    YOUTH = "youth", _("Pelajar dan generasi muda")
    MEDIA = "media", _("Jurnalis dan media massa")
    CIVIL_SOCIETY = "civil_society", _("Organisasi masyarakat sipil")
    BUSINESS = "business", _("Pelaku usaha")
    CIVIL_SERVANTS = "civil_servants", _("Aparatur sipil negara (ASN)")
    OTHER = "other", _("Lainnya")


class Colour(models.TextChoices):
    """A fixed palette; each colour carries white text at a contrast of at least 4.5:1."""

    BLUE = "#1d4ed8", _("Biru")
    GREEN = "#15803d", _("Hijau")
    RED = "#b91c1c", _("Merah")
    PURPLE = "#7e22ce", _("Ungu")
    ORANGE = "#c2410c", _("Jingga")
    TEAL = "#0f766e", _("Hijau toska")
    PINK = "#be185d", _("Merah muda")
    SLATE = "#334155", _("Abu-abu gelap")


class PlanningQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def in_subtree(self, unit):
        """Rows owned by ``unit`` or any unit below it."""
        return self.filter(unit__path__startswith=unit.path)


class PlanningRow(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("unit pemilik"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    archived_at = models.DateTimeField(_("diarsipkan pada"), null=True, blank=True)

    objects = PlanningQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Goal(PlanningRow):
    """A measurable communication goal of a unit for a period."""

    title = models.CharField(_("judul"), max_length=200)
    metric = models.CharField(_("ukuran"), max_length=30, choices=Metric.choices)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    period_start = models.DateField(_("awal periode"))
    period_end = models.DateField(_("akhir periode"))
    notes = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("tujuan komunikasi")
        verbose_name_plural = _("tujuan komunikasi")
        ordering = ["-period_start", "title"]
        constraints = [models.UniqueConstraint(Lower("title"), "unit", condition=models.Q(archived_at__isnull=True),
                                               name="planning_goal_unique_title")]

    def __str__(self):
        return self.title


class Audience(PlanningRow):
    """A target audience of a unit (inherited by its subtree)."""

    name = models.CharField(_("nama"), max_length=200)
    segment = models.CharField(_("segmen"), max_length=30, choices=Segment.choices)
    description = models.TextField(_("keterangan"), blank=True)

    class Meta:
        verbose_name = _("khalayak sasaran")
        verbose_name_plural = _("khalayak sasaran")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), "unit", condition=models.Q(archived_at__isnull=True),
                                               name="planning_audience_unique_name")]

    def __str__(self):
        return self.name


class Pillar(PlanningRow):
    """A content pillar (kanalisasi konten) of a unit (inherited by its subtree)."""

    name = models.CharField(_("nama"), max_length=120)
    description = models.TextField(_("keterangan"), blank=True)
    colour = models.CharField(_("warna"), max_length=7, choices=Colour.choices, default=Colour.BLUE)

    class Meta:
        verbose_name = _("pilar konten")
        verbose_name_plural = _("pilar konten")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), "unit", condition=models.Q(archived_at__isnull=True),
                                               name="planning_pillar_unique_name")]

    def __str__(self):
        return self.name


class Campaign(PlanningRow):
    """A campaign serving a government programme over a period."""

    name = models.CharField(_("nama"), max_length=200)
    programme = models.CharField(_("program pemerintah"), max_length=255, blank=True)
    period_start = models.DateField(_("awal periode"))
    period_end = models.DateField(_("akhir periode"))
    description = models.TextField(_("keterangan"), blank=True)
    hashtags = models.JSONField(_("tagar"), default=list, blank=True)
    goals = models.ManyToManyField(Goal, blank=True, related_name="campaigns", verbose_name=_("tujuan"))
    pillars = models.ManyToManyField(Pillar, blank=True, related_name="campaigns", verbose_name=_("pilar konten"))
    audiences = models.ManyToManyField(Audience, blank=True, related_name="campaigns", verbose_name=_("khalayak"))
    accounts = models.ManyToManyField("channels.Account", blank=True, related_name="campaigns",
                                      verbose_name=_("akun resmi"))

    class Meta:
        verbose_name = _("kampanye")
        verbose_name_plural = _("kampanye")
        ordering = ["-period_start", "name"]
        constraints = [models.UniqueConstraint(Lower("name"), "unit", condition=models.Q(archived_at__isnull=True),
                                               name="planning_campaign_unique_name")]

    def __str__(self):
        return self.name


class ImportantDate(PlanningRow):
    """A unit's own important date (its anniversary, a regional day); ``yearly`` repeats it."""

    date = models.DateField(_("tanggal"))
    title = models.CharField(_("nama hari"), max_length=200)
    note = models.TextField(_("catatan"), blank=True)
    yearly = models.BooleanField(_("berulang setiap tahun"), default=False)

    class Meta:
        verbose_name = _("tanggal penting")
        verbose_name_plural = _("tanggal penting")
        ordering = ["date", "title"]
        indexes = [models.Index(fields=["unit", "date"])]

    def __str__(self):
        return self.title
