"""Posts and their per-platform variants, versions, comments, templates, and publications.

A ``Post`` is one piece of content of a unit; it has one ``Variant`` per platform it goes to and
one ``Publication`` per official account it is published on. The post's ``state`` is its place in
the editorial workflow (``PostState``); each publication has its own delivery state
(``PublicationState``), the record of the exactly-once promise (ADR 0022).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from warta.channels.models import PLATFORM_CHOICES


class PostState(models.TextChoices):
    DRAFT = "draft", _("Draf")
    IN_REVIEW = "in_review", _("Menunggu persetujuan")
    CHANGES_REQUESTED = "changes_requested", _("Perlu perbaikan")
    APPROVED = "approved", _("Disetujui")
    SCHEDULED = "scheduled", _("Terjadwal")
    PUBLISHING = "publishing", _("Sedang diterbitkan")
    PUBLISHED = "published", _("Terbit")
    FAILED = "failed", _("Gagal")
    UNCERTAIN = "uncertain", _("Belum pasti")


class PublicationState(models.TextChoices):
    PENDING = "pending", _("Menunggu giliran")
    CLAIMED = "claimed", _("Sedang dikirim")
    PUBLISHED = "published", _("Terbit")
    FAILED = "failed", _("Gagal")
    UNCERTAIN = "uncertain", _("Belum pasti")
    DELETED = "deleted", _("Dihapus dari platform")
    CANCELLED = "cancelled", _("Dibatalkan")


class PostQuerySet(models.QuerySet):
    def for_scope(self, scope):
        """Posts of units in the scope's subtree."""
        return self.filter(unit__path__startswith=scope.unit.path)


class Post(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="posts",
                             verbose_name=_("unit"))
    title = models.CharField(_("judul internal"), max_length=200)
    state = models.CharField(_("status"), max_length=20, choices=PostState.choices, default=PostState.DRAFT)
    version = models.PositiveIntegerField(_("versi"), default=1)
    scheduled_at = models.DateTimeField(_("jadwal terbit"), null=True, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    campaign = models.ForeignKey("planning.Campaign", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="posts", verbose_name=_("kampanye"))
    pillar = models.ForeignKey("planning.Pillar", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="posts", verbose_name=_("pilar konten"))
    warnings = models.JSONField(_("peringatan pedoman"), default=list, blank=True)
    needs_escalation = models.BooleanField(_("perlu penyetuju lebih tinggi"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("konten")
        verbose_name_plural = _("konten")
        ordering = ["-scheduled_at", "-created_at"]
        indexes = [models.Index(fields=["unit", "state"]), models.Index(fields=["state", "scheduled_at"])]

    def __str__(self):
        return self.title


class Variant(models.Model):
    """The post as it goes to one platform: text counted as that platform counts it."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="variants")
    platform = models.CharField(_("platform"), max_length=20, choices=PLATFORM_CHOICES)
    text = models.TextField(_("teks"), blank=True)
    link = models.URLField(_("tautan"), max_length=1000, blank=True)
    first_comment = models.TextField(_("komentar pertama"), blank=True)
    title = models.CharField(_("judul video"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("varian platform")
        verbose_name_plural = _("varian platform")
        constraints = [models.UniqueConstraint(fields=["post", "platform"], name="publishing_variant_one_per_platform")]
        ordering = ["platform"]

    def __str__(self):
        return f"{self.post} · {self.platform}"


class VariantMedia(models.Model):
    """A file of the media library attached to one variant, in order, with its alt text for this post."""

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="media")
    asset = models.ForeignKey("media.MediaAsset", on_delete=models.PROTECT, related_name="variant_uses",
                              verbose_name=_("media"))
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)
    alt_text = models.TextField(_("teks alternatif"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("media varian")
        verbose_name_plural = _("media varian")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["variant", "asset"], name="publishing_variant_media_once")]

    def __str__(self):
        return f"{self.variant} · {self.asset}"


class Publication(models.Model):
    """One post on one official account: claimed before the platform is called, recorded after."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # the idempotency key
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="publications")
    account = models.ForeignKey("channels.Account", on_delete=models.PROTECT, related_name="publications",
                                verbose_name=_("akun"))
    state = models.CharField(_("status"), max_length=20, choices=PublicationState.choices,
                             default=PublicationState.PENDING)
    due_at = models.DateTimeField(_("jatuh tempo"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=64, blank=True)  # who holds the claim (one attempt)
    fingerprint = models.CharField(max_length=64, blank=True)  # sha256 of the normalised text sent
    external_id = models.CharField(_("ID di platform"), max_length=200, blank=True)
    url = models.URLField(_("alamat"), max_length=1000, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    error_kind = models.CharField(max_length=30, blank=True)
    error_message = models.TextField(_("pesan platform"), blank=True)
    notice = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("publikasi")
        verbose_name_plural = _("publikasi")
        constraints = [models.UniqueConstraint(fields=["post", "account"], name="publishing_one_publication_per_account")]
        indexes = [models.Index(fields=["state", "due_at"]), models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self):
        return f"{self.post} → {self.account}"


class PostVersion(models.Model):
    """A snapshot of the post's content each time it changes: the history and its diff."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField(default=dict)  # {"title": …, "variants": {platform: {text, link, first_comment, title}}}
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "version"], name="publishing_version_unique")]
        ordering = ["-version"]


class PostComment(models.Model):
    """A comment on a draft, by its authors and approvers."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("komentar"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]


class TemplateKind(models.TextChoices):
    TEMPLATE = "template", _("Templat")
    SNIPPET = "snippet", _("Potongan teks")


class Template(models.Model):
    """A saved template (a whole post text) or snippet (e.g. the unit's signature) of a unit."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="post_templates")
    kind = models.CharField(_("jenis"), max_length=10, choices=TemplateKind.choices, default=TemplateKind.TEMPLATE)
    name = models.CharField(_("nama"), max_length=120)
    text = models.TextField(_("teks"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "kind", "name"], name="publishing_template_unique_name")]

    def __str__(self):
        return self.name


class PlanImport(models.Model):
    """One month-plan upload of a unit (ADR 0024): made at its preview, then applied or failed.

    The history of imports, with who, when, the file, the month, the counts and, once applied,
    the drafts it created (their UUIDs in ``posts``)."""

    class State(models.TextChoices):
        PREVIEWED = "previewed", _("dipratinjau")
        APPLYING = "applying", _("sedang diterapkan")
        APPLIED = "applied", _("diterapkan")
        FAILED = "failed", _("gagal")

    class FileType(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    applied_at = models.DateTimeField(_("diterapkan"), null=True, blank=True)
    # The stored upload between preview and apply (``plan_import.plan_upload_store``); none when the
    # preview found problems (nothing to apply).
    token = models.UUIDField(null=True, blank=True, unique=True)
    file_name = models.CharField(_("nama berkas"), max_length=255, blank=True)
    file_type = models.CharField(_("jenis berkas"), max_length=4, choices=FileType.choices, blank=True)
    month = models.DateField(_("bulan rencana"))
    rows_total = models.PositiveIntegerField(_("jumlah baris"), default=0)
    rows_created = models.PositiveIntegerField(_("draf dibuat"), default=0)
    errors_count = models.PositiveIntegerField(_("baris bermasalah"), default=0)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.PREVIEWED)
    error_summary = models.TextField(_("ringkasan masalah"), blank=True)
    posts = models.JSONField(_("draf"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("impor rencana")
        verbose_name_plural = _("impor rencana")
        indexes = [models.Index(fields=["unit", "-created_at"], name="plan_import_unit_created")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.month:%Y-%m} · {self.file_name}"
