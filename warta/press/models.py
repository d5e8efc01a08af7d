"""Siaran pers: press releases with attachments and version snapshots, media contacts,
distribution lists and the per-contact delivery log."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReleaseQuerySet(models.QuerySet):
    def for_scope(self, scope):
        """Releases of units in the scope's subtree."""
        return self.filter(unit__path__startswith=scope.unit.path)


class PressRelease(models.Model):
    """One press release: structured text, its state, and its version counter."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draf")
        IN_REVIEW = "in_review", _("menunggu persetujuan")
        CHANGES_REQUESTED = "changes_requested", _("perlu perbaikan")
        APPROVED = "approved", _("disetujui")
        PUBLISHED = "published", _("terbit")
        ARCHIVED = "archived", _("diarsipkan")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="press_releases",
                             verbose_name=_("unit"))
    number = models.CharField(_("nomor"), max_length=80, blank=True, help_text=_("Mis. 001/HUMAS/XI/2026"))
    headline = models.CharField(_("judul"), max_length=300)
    place = models.CharField(_("tempat"), max_length=120)
    release_date = models.DateField(_("tanggal"))
    lead = models.TextField(_("teras berita"), max_length=3000)
    body = models.TextField(_("isi"), max_length=50000, blank=True)
    quotes = models.JSONField(_("kutipan"), default=list, blank=True)  # [{name, position, text}]
    contact_name = models.CharField(_("nama narahubung"), max_length=150, blank=True)
    contact_position = models.CharField(_("jabatan narahubung"), max_length=150, blank=True)
    contact_phone = models.CharField(_("telepon narahubung"), max_length=40, blank=True)
    contact_email = models.EmailField(_("email narahubung"), blank=True)
    state = models.CharField(_("status"), max_length=20, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(_("versi"), default=1)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    published_at = models.DateTimeField(_("diterbitkan pada"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-release_date", "-created_at", "-pk"]
        verbose_name = _("siaran pers")
        verbose_name_plural = _("siaran pers")
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], condition=~models.Q(number=""),
                                    name="press_release_unique_number"),
        ]
        indexes = [models.Index(fields=["unit", "state"])]

    def __str__(self) -> str:
        return self.headline

    @property
    def paragraphs(self) -> list[str]:
        """The body split into paragraphs at blank lines (single newlines join)."""
        parts = [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n")]
        return [" ".join(p.split("\n")) for p in parts if p]

    @property
    def is_editable(self) -> bool:
        return self.state not in (self.State.PUBLISHED, self.State.ARCHIVED)

    @property
    def is_sendable(self) -> bool:
        return self.state in (self.State.APPROVED, self.State.PUBLISHED)


def attachment_path(instance, filename: str) -> str:
    return f"press/{instance.release.uuid}/{uuid.uuid4().hex}-{filename[-80:]}"


class PressAttachment(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("berkas"), upload_to=attachment_path, max_length=255)
    title = models.CharField(_("judul lampiran"), max_length=200)
    filename = models.CharField(max_length=200)
    mime_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("lampiran siaran pers")
        verbose_name_plural = _("lampiran siaran pers")

    def __str__(self) -> str:
        return self.title


class PressVersion(models.Model):
    """A snapshot of a release's text as it was at one version (for history and the diff)."""

    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-version"]
        verbose_name = _("versi siaran pers")
        verbose_name_plural = _("versi siaran pers")
        constraints = [models.UniqueConstraint(fields=["release", "version"], name="press_version_unique")]

    def __str__(self) -> str:
        return f"{self.release} v{self.version}"


class ContactQuerySet(models.QuerySet):
    def for_scope(self, scope):
        return self.filter(unit__path__startswith=scope.unit.path)


class MediaContact(models.Model):
    """A journalist or newsroom a unit sends its releases to."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="media_contacts",
                             verbose_name=_("unit"))
    name = models.CharField(_("nama"), max_length=150)
    outlet = models.CharField(_("media"), max_length=150, blank=True)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("telepon"), max_length=40, blank=True)
    beats = models.JSONField(_("desk liputan"), default=list, blank=True)
    region_code = models.CharField(_("kode wilayah"), max_length=20, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    archived = models.BooleanField(_("diarsipkan"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("kontak media")
        verbose_name_plural = _("kontak media")
        constraints = [models.UniqueConstraint("unit", Lower("email"), name="press_contact_unique_email")]

    def __str__(self) -> str:
        return f"{self.name} ({self.outlet})" if self.outlet else self.name


class DistributionList(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="distribution_lists",
                             verbose_name=_("unit"))
    name = models.CharField(_("nama daftar"), max_length=150)
    contacts = models.ManyToManyField(MediaContact, blank=True, related_name="lists", verbose_name=_("kontak"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("daftar distribusi")
        verbose_name_plural = _("daftar distribusi")
        constraints = [models.UniqueConstraint("unit", Lower("name"), name="press_list_unique_name")]

    def __str__(self) -> str:
        return self.name


# A delivery claimed for sending longer ago than this is "status tidak pasti": the worker may have
# died before or after the mail server took the email, and email cannot be asked which. A person
# decides (send again, or mark as sent); nothing resends it by itself (ADR 0021).
SENDING_LEASE = timedelta(minutes=15)


class PressDelivery(models.Model):
    """One email of one release to one contact.

    queued → sending (claimed by one task run, with ``claim`` and ``claimed_at``) → sent | failed.
    Only the run holding the claim records the outcome."""

    class State(models.TextChoices):
        QUEUED = "queued", _("antre")
        SENDING = "sending", _("sedang dikirim")
        SENT = "sent", _("terkirim")
        FAILED = "failed", _("gagal")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="deliveries")
    contact = models.ForeignKey(MediaContact, on_delete=models.PROTECT, related_name="deliveries")
    distribution_list = models.ForeignKey(DistributionList, null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="+")
    email = models.EmailField()
    version = models.PositiveIntegerField(default=1)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.QUEUED)
    error = models.TextField(_("galat"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(_("mulai dikirim"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pengiriman siaran pers")
        verbose_name_plural = _("pengiriman siaran pers")
        indexes = [models.Index(fields=["release", "state"])]

    def __str__(self) -> str:
        return f"{self.release} → {self.email}"

    def is_uncertain(self, now=None) -> bool:
        """Claimed for sending longer than the lease: nobody knows whether the email went out."""
        return (self.state == self.State.SENDING and self.claimed_at is not None
                and self.claimed_at <= (now or timezone.now()) - SENDING_LEASE)

    @property
    def uncertain(self) -> bool:
        return self.is_uncertain()
