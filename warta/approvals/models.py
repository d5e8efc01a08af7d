"""Persetujuan: approval chains per unit and content kind, requests, decisions, signed links."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warta.organisations.roles import Role

# The roles a chain level may ask for, lowest first; a higher role may always decide.
LEVEL_ROLES = (Role.EDITOR, Role.APPROVER, Role.ADMIN)
MAX_LEVELS = 3


class ApprovalChain(models.Model):
    """A unit's chain for one content kind: 0–3 levels, each a role. Inherited down the tree
    until a unit below configures its own."""

    unit = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE, related_name="+")
    content_kind = models.CharField(_("jenis konten"), max_length=40)
    levels = models.JSONField(_("tingkat"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("alur persetujuan")
        verbose_name_plural = _("alur persetujuan")
        constraints = [models.UniqueConstraint(fields=["unit", "content_kind"], name="approval_chain_unit_kind")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.content_kind}: {', '.join(self.levels) or '-'}"


class ApprovalRequest(models.Model):
    """One version of one piece of content waiting for (or past) its decisions."""

    class State(models.TextChoices):
        PENDING = "pending", _("menunggu persetujuan")
        APPROVED = "approved", _("disetujui")
        CHANGES_REQUESTED = "changes_requested", _("perlu perbaikan")
        SUPERSEDED = "superseded", _("digantikan")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE, related_name="+")
    content_kind = models.CharField(_("jenis konten"), max_length=40)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("judul"), max_length=255, blank=True)
    version = models.PositiveIntegerField(_("versi"), default=1)
    levels = models.JSONField(_("tingkat"), default=list, blank=True)
    escalate = models.BooleanField(_("perlu penyetuju lebih tinggi"), default=False)
    current_level = models.PositiveSmallIntegerField(_("tingkat saat ini"), default=0)
    state = models.CharField(_("status"), max_length=20, choices=State.choices, default=State.PENDING)
    warnings = models.JSONField(_("peringatan"), default=list, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # The last reminder to the deciders (automatic or "Ingatkan sekarang") and the level it was for:
    # the daily job reminds each level at most once a day, a person at most once an hour (ADR 0020).
    reminded_at = models.DateTimeField(_("terakhir diingatkan"), null=True, blank=True)
    reminded_level = models.PositiveSmallIntegerField(_("tingkat yang diingatkan"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("permintaan persetujuan")
        verbose_name_plural = _("permintaan persetujuan")
        indexes = [
            models.Index(fields=["content_type", "object_id", "state"], name="approval_subject_state"),
            models.Index(fields=["state", "unit"], name="approval_state_unit"),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.content_kind} #{self.object_id}"

    @property
    def level_count(self) -> int:
        """All levels of this request, the escalated one included."""
        return len(self.levels) + (1 if self.escalate else 0)

    def is_escalated_level(self, level: int) -> bool:
        return self.escalate and level == self.level_count

    def level_role(self, level: int) -> str:
        """The least role that decides ``level`` (an escalated level asks for an approver above)."""
        if self.is_escalated_level(level):
            return Role.APPROVER
        return self.levels[level - 1]

    @property
    def is_open(self) -> bool:
        return self.state == self.State.PENDING

    @property
    def last_comment(self) -> str:
        """The comment of the latest decision (what a "changes requested" asks for)."""
        decision = self.decisions.order_by("-created_at", "-pk").first()
        return decision.comment if decision else ""


class ApprovalDecision(models.Model):
    class Decision(models.TextChoices):
        APPROVE = "approve", _("setujui")
        CHANGES_REQUESTED = "changes_requested", _("minta perbaikan")

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="decisions")
    level = models.PositiveSmallIntegerField(_("tingkat"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decision = models.CharField(_("keputusan"), max_length=20, choices=Decision.choices)
    comment = models.TextField(_("komentar"), blank=True)
    acknowledged = models.BooleanField(_("peringatan diakui"), default=False)
    via_link = models.BooleanField(_("lewat tautan"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("keputusan persetujuan")
        verbose_name_plural = _("keputusan persetujuan")

    def __str__(self) -> str:
        return f"{self.request} · {self.level}: {self.decision}"


class ApprovalLink(models.Model):
    """A signed, single-use, expiring link that lets one user decide one level without signing in.

    Only the SHA-256 of the token is stored; the token itself exists only in the email."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="links")
    level = models.PositiveSmallIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=20, default="email")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tautan persetujuan")
        verbose_name_plural = _("tautan persetujuan")

    def __str__(self) -> str:
        return f"{self.request} · {self.level} · {self.user}"
