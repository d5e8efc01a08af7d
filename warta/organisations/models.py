"""The unit tree, memberships, invitations and API tokens."""

import uuid
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warta.organisations import tree
from warta.organisations.roles import Role


class UnitKind(models.TextChoices):
    """Kinds of government unit. Extend here: one place, used by forms, import and API."""

    KEMENTERIAN = "kementerian", _("Kementerian")
    LEMBAGA = "lembaga", _("Lembaga")
    UNIT_UTAMA = "unit_utama", _("Unit Utama")
    KANTOR_WILAYAH = "kantor_wilayah", _("Kantor Wilayah")
    PROVINSI = "provinsi", _("Provinsi")
    KABUPATEN = "kabupaten", _("Kabupaten")
    KOTA = "kota", _("Kota")
    DINAS = "dinas", _("Dinas")
    BADAN = "badan", _("Badan")
    BAGIAN = "bagian", _("Bagian")
    KECAMATAN = "kecamatan", _("Kecamatan")
    DESA = "desa", _("Desa")
    KELURAHAN = "kelurahan", _("Kelurahan")
    LAINNYA = "lainnya", _("Lainnya")


KIND_LABELS = dict(UnitKind.choices)  # built once: get_kind_display rebuilds it per call


class TimeZoneName(models.TextChoices):
    WIB = "Asia/Jakarta", _("WIB (UTC+7)")
    WITA = "Asia/Makassar", _("WITA (UTC+8)")
    WIT = "Asia/Jayapura", _("WIT (UTC+9)")


class UnitQuerySet(models.QuerySet):
    def subtree_of(self, unit: "Unit") -> "UnitQuerySet":
        """The unit and everything below it: one indexed range on ``path``."""
        return self.filter(path__gte=unit.path, path__lt=tree.upper_bound(unit.path))

    def within_paths(self, paths: list[str]) -> "UnitQuerySet":
        condition = Q(pk__in=[])
        for p in paths:
            condition |= Q(path__gte=p, path__lt=tree.upper_bound(p))
        return self.filter(condition)


class Unit(models.Model):
    """A unit of government: a ministry, a region, an office, a kecamatan, a village."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False)
    kind = models.CharField(_("jenis"), max_length=30, choices=UnitKind.choices)
    name = models.CharField(_("nama"), max_length=255)
    short_name = models.CharField(_("nama singkat"), max_length=80, blank=True)
    region_code = models.CharField(
        _("kode wilayah"), max_length=20, null=True, blank=True, unique=True,
        help_text=_("Kode wilayah Kemendagri, misalnya 32.01 untuk Kabupaten Bogor."),
    )
    time_zone = models.CharField(_("zona waktu"), max_length=40, choices=TimeZoneName.choices, default=TimeZoneName.WIB)
    require_2fa = models.BooleanField(
        _("wajib verifikasi dua langkah"), default=False,
        help_text=_("Semua anggota unit ini dan unit di bawahnya wajib memakai kode TOTP."),
    )
    archived_at = models.DateTimeField(_("diarsipkan pada"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("unit")
        indexes = [models.Index(fields=["parent", "name"]), models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def zone_label(self) -> str:
        return {TimeZoneName.WIB: "WIB", TimeZoneName.WITA: "WITA", TimeZoneName.WIT: "WIT"}.get(self.time_zone, "")

    def contains(self, other: "Unit") -> bool:
        return tree.is_within(other.path, self.path)


class Membership(models.Model):
    """A role for a user on a unit, valid over the unit's whole subtree."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    # A copy of the unit's path, kept by unit_move, so a subtree's memberships are one index
    # range (a province's roll-up) instead of a join over all its units (ADR 0002).
    unit_path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="membership_user_unit")]
        verbose_name = _("keanggotaan")
        verbose_name_plural = _("keanggotaan")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.unit}"

    def save(self, *args, **kwargs):
        # Keep the denormalised path true on every save (not domain logic: a copied column).
        self.unit_path = self.unit.path
        super().save(*args, **kwargs)


class Invitation(models.Model):
    """An invitation by email to take a role on a unit; the token is stored hashed."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("email"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.unit}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class ApiToken(models.Model):
    """A personal API token, limited to one unit's subtree and one role; stored hashed."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    name = models.CharField(_("nama"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("berlaku sampai"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class RegionImport(models.Model):
    """An upload of the official region list: previewed first, then applied all at once."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("pratinjau")
        QUEUED = "queued", _("dalam antrean")
        APPLYING = "applying", _("sedang diterapkan")
        DONE = "done", _("selesai")
        FAILED = "failed", _("gagal")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="region_imports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    content = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEW)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename
