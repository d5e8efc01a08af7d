"""Notifikasi: in-app notifications for one user, also sent by email."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message for one user: shown in the app until read, and (optionally) emailed once."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    unit = models.ForeignKey("organisations.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.SlugField(_("jenis"), max_length=60)
    title = models.CharField(_("judul"), max_length=255)
    body = models.TextField(_("isi"), blank=True)
    url = models.CharField(_("tautan"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("dibaca pada"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
