"""Periodic jobs: a registry the features extend, and a scheduler tick that enqueues each
due job once per time slot.

The lock is the database itself: a ``PeriodicRun`` row is unique per (job, slot), so when
two schedulers tick at once only the one whose insert succeeds enqueues the task.
"""

import logging
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from warta.core.models import Heartbeat, PeriodicRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    task: object  # a django_tasks Task
    queue_name: str = "default"
    args: tuple = ()


_REGISTRY: dict[str, PeriodicJob] = {}


def periodic_register(*, name: str, every: timedelta, task, queue_name: str = "default", args: tuple = ()) -> None:
    """Register a task to be enqueued every ``every`` (idempotent by name)."""
    if every.total_seconds() < 1:
        raise ValueError("A periodic job runs at most once a second.")
    _REGISTRY[name] = PeriodicJob(name=name, every=every, task=task, queue_name=queue_name, args=args)


def periodic_jobs() -> list[PeriodicJob]:
    return sorted(_REGISTRY.values(), key=lambda j: j.name)


def slot_for(now: datetime, every: timedelta) -> datetime:
    """Return the start of the slot containing ``now`` (slots are aligned to the epoch)."""
    seconds = int(every.total_seconds())
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def scheduler_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def scheduler_tick(*, now: datetime | None = None, name: str | None = None) -> list[str]:
    """Enqueue every job whose current slot has not been claimed yet; return their names."""
    now = now or timezone.now()
    name = name or scheduler_name()
    enqueued: list[str] = []
    for job in periodic_jobs():
        slot = slot_for(now, job.every)
        try:
            with transaction.atomic():
                run = PeriodicRun.objects.create(job=job.name, slot=slot, enqueued_at=now, scheduler=name)
                result = job.task.using(queue_name=job.queue_name).enqueue(*job.args)
                run.task_id = str(result.id)
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another scheduler claimed this slot
        enqueued.append(job.name)
    heartbeat_record(kind=Heartbeat.KIND_SCHEDULER, name=name, now=now, detail={"jobs": len(_REGISTRY)})
    return enqueued


def heartbeat_record(*, kind: str, name: str, now: datetime | None = None, detail: dict | None = None) -> None:
    """Record that a background process is alive."""
    Heartbeat.objects.update_or_create(
        kind=kind, name=name, defaults={"seen_at": now or timezone.now(), "detail": detail or {}}
    )


def periodic_prune(*, keep: timedelta = timedelta(days=7)) -> int:
    """Delete slot claims older than ``keep``; they only guard the current slot."""
    deleted, _ = PeriodicRun.objects.filter(slot__lt=timezone.now() - keep).delete()
    return deleted
