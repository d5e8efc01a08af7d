"""Official accounts, their encrypted credentials, the installation's platform apps, and the
bookkeeping of talking to platforms (OAuth state, sync cursors, rate windows, imports)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from warta.channels.connectors.base import Capability, Platform
from warta.channels.crypto import EncryptedJSONField

PLATFORM_LABELS = {
    Platform.FACEBOOK: _("Facebook"),
    Platform.INSTAGRAM: _("Instagram"),
    Platform.X: _("X (Twitter)"),
    Platform.YOUTUBE: _("YouTube"),
    Platform.TIKTOK: _("TikTok"),
    Platform.TELEGRAM: _("Telegram"),
    Platform.RSS: _("Berita daring (RSS/Atom)"),
    Platform.SANDBOX: _("Sandbox Warta"),
}
PLATFORM_CHOICES = [(p.value, PLATFORM_LABELS[p]) for p in Platform]
CAPABILITY_CHOICES = [(c.value, c.value) for c in Capability]


class ConnectionState(models.TextChoices):
    NOT_CONNECTED = "not_connected", _("Belum terhubung")
    CONNECTED = "connected", _("Terhubung")
    EXPIRING = "expiring", _("Token segera kedaluwarsa")
    RECONNECT = "reconnect", _("Perlu dihubungkan ulang")
    SUSPENDED = "suspended", _("Ditangguhkan oleh platform")


class PlatformApp(models.Model):
    """The installation's app registered at a platform (client id and secret, API version)."""

    platform = models.CharField(_("platform"), max_length=20, choices=PLATFORM_CHOICES, unique=True)
    client_id = models.CharField(_("client ID / app ID"), max_length=200, blank=True)
    secret = EncryptedJSONField(_("rahasia"), null=True, blank=True)  # {"client_secret": …, "webhook_secret": …}
    api_version = models.CharField(_("versi API"), max_length=20, blank=True)
    base_url = models.URLField(_("alamat dasar API"), blank=True)
    options = models.JSONField(_("pengaturan lain"), default=dict, blank=True)  # non-secret (e.g. app audited)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("aplikasi platform")
        verbose_name_plural = _("aplikasi platform")

    def __str__(self):
        return self.get_platform_display()


class AccountQuerySet(models.QuerySet):
    def for_scope(self, scope):
        """Accounts of units in the scope's subtree."""
        return self.filter(unit__path__startswith=scope.unit.path)

    def active(self):
        return self.filter(archived_at__isnull=True)


class Account(models.Model):
    """An official account of a unit on one platform (or a news feed it follows)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="accounts",
                             verbose_name=_("unit pemilik"))
    platform = models.CharField(_("platform"), max_length=20, choices=PLATFORM_CHOICES)
    handle = models.CharField(_("nama akun"), max_length=200, help_text=_("Mis. @humasbogorkab"))
    display_name = models.CharField(_("nama tampilan"), max_length=200, blank=True)
    url = models.URLField(_("alamat"), max_length=500, blank=True)
    external_id = models.CharField(_("ID di platform"), max_length=200, blank=True)
    verified = models.BooleanField(_("terverifikasi"), default=False)
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="responsible_accounts",
                                      verbose_name=_("petugas penanggung jawab"))
    state = models.CharField(_("status koneksi"), max_length=20, choices=ConnectionState.choices,
                             default=ConnectionState.NOT_CONNECTED)
    state_message = models.TextField(_("pesan platform"), blank=True)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    connected_at = models.DateTimeField(null=True, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("akun resmi")
        verbose_name_plural = _("akun resmi")
        ordering = ["platform", "handle"]
        constraints = [
            models.UniqueConstraint(Lower("handle"), "platform", condition=models.Q(archived_at__isnull=True),
                                    name="channels_account_unique_handle"),
            models.UniqueConstraint(fields=["platform", "external_id"],
                                    condition=models.Q(archived_at__isnull=True) & ~models.Q(external_id=""),
                                    name="channels_account_unique_external_id"),
        ]
        indexes = [models.Index(fields=["unit", "platform"]), models.Index(fields=["state"])]

    def __str__(self):
        return f"{self.get_platform_display()} {self.handle}"


class Credential(models.Model):
    """The encrypted tokens of one connected account. Never rendered, logged or audited in clear."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="credential")
    tokens = EncryptedJSONField()  # TokenSet fields: access_token, refresh_token, extra…
    expires_at = models.DateTimeField(null=True, blank=True)
    scopes = models.JSONField(default=list, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    refresh_failures = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    def __str__(self):
        return f"credential of {self.account_id}"


class OAuthState(models.Model):
    """One "Hubungkan akun" in flight: the state parameter and PKCE verifier, used once."""

    state = models.CharField(max_length=64, unique=True)
    code_verifier = EncryptedJSONField(null=True)
    platform = models.CharField(max_length=20, choices=PLATFORM_CHOICES)
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    redirect_uri = models.URLField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
    discovered = EncryptedJSONField(null=True, blank=True)  # accounts found after authorising, to choose from


class SyncState(models.Model):
    """Where ingest stands for one account and capability: cursor, conditional-request
    validators, next run and backoff."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="sync_states")
    capability = models.CharField(max_length=30, choices=CAPABILITY_CHOICES)
    cursor = models.TextField(blank=True)
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    since = models.DateTimeField(null=True, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True, db_index=True)
    failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    items_total = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "capability"], name="channels_sync_unique")]


class RateWindow(models.Model):
    """One fixed rate-limit window of one key (the database path of ``ratelimit``)."""

    bucket = models.CharField(max_length=255, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.FloatField(db_index=True)


class NetworkAllow(models.Model):
    """A host or network an installation admin allows feeds and webhooks to reach although it
    is private (an intranet news portal). Everything else private is refused (SSRF)."""

    network = models.CharField(_("host atau jaringan (CIDR)"), max_length=255, unique=True)
    note = models.CharField(_("catatan"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    def __str__(self):
        return self.network
