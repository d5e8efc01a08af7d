"""Core tables: the audit chain, heartbeats of background processes, periodic-job runs."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One entry of the append-only, hash-chained audit trail.

    Rows are never updated or deleted (on PostgreSQL a trigger refuses it). Actor and
    unit references carry no database constraint so that history outlives what it names.
    """

    seq = models.BigIntegerField(unique=True, editable=False)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )
    actor_label = models.CharField(max_length=254, blank=True)
    unit_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    unit_path = models.CharField(max_length=255, blank=True, db_index=True)
    unit_label = models.CharField(max_length=255, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=80, blank=True)
    target_label = models.CharField(max_length=255, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("peristiwa audit")
        verbose_name_plural = _("jejak audit")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    @property
    def action_label(self) -> str:
        from warta.core.audit import audit_action_label

        return audit_action_label(self.action)


class AuditHead(models.Model):
    """The chain's single head row; locking it serialises writers of the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head #{self.seq}"


class Heartbeat(models.Model):
    """The last sign of life of a background process (worker, scheduler) on a host."""

    KIND_WORKER = "worker"
    KIND_SCHEDULER = "scheduler"
    kind = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    seen_at = models.DateTimeField()
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="heartbeat_kind_name")]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


class PeriodicRun(models.Model):
    """A periodic job enqueued for one time slot; the unique slot is the schedulers' lock."""

    job = models.CharField(max_length=120)
    slot = models.DateTimeField()
    enqueued_at = models.DateTimeField()
    scheduler = models.CharField(max_length=200)
    task_id = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="periodic_run_job_slot")]
        indexes = [models.Index(fields=["job", "-slot"])]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M:%S}"
