"""Amplifikasi: content packages a unit hands down its tree, and each sub-unit's task.

A ``Package`` is what a unit (the sender) asks its sub-units to re-share: text variants per
platform, media of its library, a deadline and a note. Each chosen sub-unit gets one
``AmplificationTask``; accepting it makes the sub-unit's own draft ``publishing.Post``, which
then goes through that sub-unit's approval and schedule like any post. The task follows its
post (``services.task_sync``) and caches the reach its publications got (ADR 0025).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PackageState(models.TextChoices):
    OPEN = "open", _("Terbuka")
    CLOSED = "closed", _("Ditutup")


class TaskState(models.TextChoices):
    WAITING = "waiting", _("Belum ditanggapi")
    ADAPTED = "adapted", _("Disesuaikan (draf)")
    SUBMITTED = "submitted", _("Dalam proses terbit")
    PUBLISHED = "published", _("Sudah dibagikan")
    DECLINED = "declined", _("Ditolak")


# Tasks still owed: they are reminded, and shown as overdue after the deadline.
PENDING_STATES = (TaskState.WAITING, TaskState.ADAPTED)
OPEN_STATES = (TaskState.WAITING, TaskState.ADAPTED, TaskState.SUBMITTED)


class PackageQuerySet(models.QuerySet):
    def for_scope(self, scope):
        """Packages sent by units in the scope's subtree."""
        return self.filter(unit__path__startswith=scope.unit.path)


class Package(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="amplification_packages",
                             verbose_name=_("unit pengirim"))
    title = models.CharField(_("judul"), max_length=200)
    note = models.TextField(_("catatan untuk unit penerima"), blank=True)
    deadline = models.DateTimeField(_("batas waktu"), null=True, blank=True)
    # {platform: {"text": …, "link": …}}
    variants = models.JSONField(_("varian teks"), default=dict)
    media = models.ManyToManyField("media.MediaAsset", blank=True, related_name="amplification_packages",
                                   verbose_name=_("media"))
    source_post = models.ForeignKey("publishing.Post", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("konten asal"))
    state = models.CharField(_("status"), max_length=10, choices=PackageState.choices, default=PackageState.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = PackageQuerySet.as_manager()

    class Meta:
        verbose_name = _("paket amplifikasi")
        verbose_name_plural = _("paket amplifikasi")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "-created_at"]), models.Index(fields=["state", "deadline"])]

    def __str__(self):
        return self.title


class TaskQuerySet(models.QuerySet):
    def for_scope(self, scope):
        """Tasks received by units in the scope's subtree."""
        return self.filter(unit__path__startswith=scope.unit.path)


class AmplificationTask(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="tasks")
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="amplification_tasks",
                             verbose_name=_("unit penerima"))
    state = models.CharField(_("status"), max_length=10, choices=TaskState.choices, default=TaskState.WAITING)
    post = models.ForeignKey("publishing.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("konten unit"))
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    responded_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("dibagikan pada"), null=True, blank=True)
    reach = models.PositiveBigIntegerField(_("jangkauan"), null=True, blank=True)  # None: no metrics yet
    reach_updated_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(_("terakhir diingatkan"), null=True, blank=True)
    declined_reason = models.TextField(_("alasan penolakan"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("tugas amplifikasi")
        verbose_name_plural = _("tugas amplifikasi")
        ordering = ["package", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["package", "unit"], name="amplification_task_once_per_unit")]
        indexes = [models.Index(fields=["unit", "state"]), models.Index(fields=["state"])]

    def __str__(self):
        return f"{self.package} → {self.unit}"

    def is_overdue(self, now=None) -> bool:
        from django.utils import timezone

        deadline = self.package.deadline
        return bool(deadline and self.state in PENDING_STATES + (TaskState.SUBMITTED,)
                    and deadline < (now or timezone.now()))
