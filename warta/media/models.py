"""Pustaka media: each unit's files (checked by content on the way in) and their platform renditions.

Files live under ``MEDIA_ROOT/media/<unit uuid>/`` with random names; nothing under
``MEDIA_ROOT`` is served publicly: pages show files through scoped views and platforms fetch
them through signed, expiring links (``warta.channels.media``).
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from warta.channels.models import PLATFORM_CHOICES

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp",
              "video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm", "video/x-msvideo": "avi",
              "video/x-matroska": "mkv", "video/mpeg": "mpg"}


class MediaKind(models.TextChoices):
    IMAGE = "image", _("Gambar")
    VIDEO = "video", _("Video")


def _random_name(unit_uuid, mime_type: str, *parts: str) -> str:
    ext = EXTENSIONS.get(mime_type, "bin")
    return "/".join(("media", str(unit_uuid), *parts, f"{secrets.token_hex(16)}.{ext}"))


def original_path(instance: "MediaAsset", filename: str) -> str:
    """``media/<unit uuid>/<random>.<ext from the sniffed type>``: the uploaded name is never used."""
    return _random_name(instance.unit.uuid, instance.mime_type)


def rendition_path(instance: "Rendition", filename: str) -> str:
    return _random_name(instance.asset.unit.uuid, instance.mime_type, "r", instance.platform)


class MediaAssetQuerySet(models.QuerySet):
    def for_scope(self, scope):
        """Assets of units in the scope's subtree."""
        return self.filter(unit__path__startswith=scope.unit.path)

    def active(self):
        return self.filter(archived=False)


class MediaAsset(models.Model):
    """One uploaded original: an image or a video, measured and hashed."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="media_assets",
                             verbose_name=_("unit"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("diunggah oleh"))
    kind = models.CharField(_("jenis"), max_length=10, choices=MediaKind.choices)
    title = models.CharField(_("judul"), max_length=200, blank=True)
    alt_text = models.TextField(_("teks alternatif"), max_length=1000, blank=True,
                                help_text=_("Deskripsi gambar untuk pembaca layar."))
    original = models.FileField(_("berkas asli"), upload_to=original_path, max_length=255)
    mime_type = models.CharField(_("tipe MIME"), max_length=100)
    size_bytes = models.PositiveBigIntegerField(_("ukuran (bita)"))
    width = models.PositiveIntegerField(_("lebar"), null=True, blank=True)
    height = models.PositiveIntegerField(_("tinggi"), null=True, blank=True)
    duration_s = models.FloatField(_("durasi (detik)"), null=True, blank=True)
    sha256 = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    archived = models.BooleanField(_("diarsipkan"), default=False)

    objects = MediaAssetQuerySet.as_manager()

    class Meta:
        verbose_name = _("aset media")
        verbose_name_plural = _("aset media")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["unit", "sha256"], name="media_asset_unique_sha256")]
        indexes = [models.Index(fields=["unit", "archived", "kind"])]

    def __str__(self):
        return self.title or f"{self.get_kind_display()} {str(self.uuid)[:8]}"


class Rendition(models.Model):
    """The file sent to one platform: the original adapted to what the platform accepts."""

    asset = models.ForeignKey(MediaAsset, on_delete=models.CASCADE, related_name="renditions")
    platform = models.CharField(_("platform"), max_length=20, choices=PLATFORM_CHOICES)
    file = models.FileField(_("berkas"), upload_to=rendition_path, max_length=255)
    mime_type = models.CharField(_("tipe MIME"), max_length=100)
    size_bytes = models.PositiveBigIntegerField(_("ukuran (bita)"))
    width = models.PositiveIntegerField(_("lebar"), null=True, blank=True)
    height = models.PositiveIntegerField(_("tinggi"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rendisi media")
        verbose_name_plural = _("rendisi media")
        ordering = ["platform"]
        constraints = [models.UniqueConstraint(fields=["asset", "platform"], name="media_rendition_unique_platform")]

    def __str__(self):
        return f"{self.asset} — {self.get_platform_display()}"

    @property
    def kind(self) -> str:
        return self.asset.kind

    @property
    def duration_s(self):
        return self.asset.duration_s
