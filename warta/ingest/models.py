"""Everything platforms deliver, in one normalised form, stored once; what failed validation,
quarantined with its reason; metric snapshots; and imports of the platforms' export files."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from warta.channels.connectors.base import ItemKind
from warta.channels.models import PLATFORM_CHOICES

KIND_CHOICES = [
    (ItemKind.POST.value, _("Unggahan akun resmi")),
    (ItemKind.COMMENT.value, _("Komentar")),
    (ItemKind.MENTION.value, _("Mention")),
    (ItemKind.MESSAGE.value, _("Pesan langsung")),
    (ItemKind.SEARCH_RESULT.value, _("Hasil pencarian")),
    (ItemKind.NEWS.value, _("Berita daring")),
]


class Source(models.TextChoices):
    FETCH = "fetch", _("Pengambilan terjadwal")
    WEBHOOK = "webhook", _("Webhook")
    FILE = "file", _("Berkas impor")
    CLI = "cli", _("Perintah warta ingest")
    API = "api", _("API")


class ItemQuerySet(models.QuerySet):
    def for_scope(self, scope):
        return self.filter(unit__path__startswith=scope.unit.path)


class Item(models.Model):
    """One inbound item (post, comment, mention, message, search result, news article).

    ``(platform, external_id)`` is unique: a redelivery updates metrics, never duplicates.
    """

    platform = models.CharField(max_length=20, choices=PLATFORM_CHOICES)
    external_id = models.CharField(max_length=255)
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    account = models.ForeignKey("channels.Account", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="items")
    unit = models.ForeignKey("organisations.Unit", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    text = models.TextField(blank=True)
    title = models.CharField(max_length=500, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    created_at = models.DateTimeField(db_index=True)
    author_external_id = models.CharField(max_length=255, blank=True)
    author_handle = models.CharField(max_length=255, blank=True)
    author_name = models.CharField(max_length=255, blank=True)
    account_external_id = models.CharField(max_length=255, blank=True)
    parent_external_id = models.CharField(max_length=255, blank=True)
    thread_external_id = models.CharField(max_length=255, blank=True)
    source_name = models.CharField(max_length=255, blank=True)
    language = models.CharField(max_length=10, blank=True)
    media_urls = models.JSONField(default=list, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    # The language models' reading of citizens' texts: {"sentiment": {"label", "score"},
    # "message_type": {…}, "abuse": {"labels": […], "score"}}; set after storage by a consumer.
    labels = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    deliveries = models.PositiveIntegerField(default=1)

    objects = ItemQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "external_id"], name="ingest_item_unique")]
        indexes = [models.Index(fields=["unit", "kind", "-created_at"]), models.Index(fields=["account", "-created_at"])]


class Quarantine(models.Model):
    """A record that failed validation, kept with its reason; it never blocked its batch."""

    source = models.CharField(max_length=10, choices=Source.choices)
    account = models.ForeignKey("channels.Account", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    unit = models.ForeignKey("organisations.Unit", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    payload = models.TextField()
    reason = models.TextField()
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)


class PostMetricSnapshot(models.Model):
    account = models.ForeignKey("channels.Account", on_delete=models.CASCADE, related_name="post_metrics")
    external_id = models.CharField(max_length=255)
    observed_at = models.DateTimeField()
    values = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "external_id", "observed_at"],
                                               name="ingest_post_metric_unique")]


class AccountMetricSnapshot(models.Model):
    account = models.ForeignKey("channels.Account", on_delete=models.CASCADE, related_name="metric_snapshots")
    observed_at = models.DateTimeField()
    followers = models.PositiveBigIntegerField(null=True, blank=True)
    following = models.PositiveBigIntegerField(null=True, blank=True)
    posts = models.PositiveBigIntegerField(null=True, blank=True)
    values = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "observed_at"], name="ingest_account_metric_unique")]


class ExportImport(models.Model):
    """An upload of a platform's own export file (Meta Business Suite, X analytics, YouTube
    Studio; CSV or XLSX): previewed with its column mapping, applied all-or-nothing."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Pratinjau")
        APPLYING = "applying", _("Sedang diterapkan")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey("channels.Account", on_delete=models.CASCADE, related_name="export_imports")
    format = models.CharField(max_length=40)  # meta_posts, x_analytics, youtube_studio…
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    mapping = models.JSONField(default=dict)  # Warta field → column header
    report = models.JSONField(default=dict)  # rows, bad rows with reasons, applied counts
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    applied_at = models.DateTimeField(null=True, blank=True)


class TrackedTermQuerySet(models.QuerySet):
    def for_scope(self, scope):
        return self.filter(unit__path__startswith=scope.unit.path)

    def for_unit(self, unit):
        return self.filter(unit=unit, active=True)


class TrackedTerm(models.Model):
    """A term a unit follows on platforms that offer public search (e.g. "jembatan Cibinong")."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE, related_name="+")
    term = models.CharField(_("kata kunci"), max_length=200)
    active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = TrackedTermQuerySet.as_manager()

    class Meta:
        verbose_name = _("kata kunci pantauan")
        verbose_name_plural = _("kata kunci pantauan")
        constraints = [models.UniqueConstraint(fields=["unit", "term"], name="ingest_term_unique")]

    def __str__(self):
        return self.term
