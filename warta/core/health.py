"""The health of an installation: database, background workers per queue, scheduler, queue depths."""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from warta.core.models import Heartbeat

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueueHealth:
    name: str
    depth: int | None
    worker_seen_at: datetime | None
    worker_ok: bool


@dataclass(frozen=True)
class HealthReport:
    database_ok: bool
    database_vendor: str
    database_error: str
    task_backend: str
    scheduler_seen_at: datetime | None
    scheduler_ok: bool
    queues: list[QueueHealth] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.database_ok and self.scheduler_ok and all(q.worker_ok for q in self.queues)


def _queue_depths() -> dict[str, int | None]:
    backend = settings.TASKS["default"]["BACKEND"]
    if backend.startswith("django_tasks_db"):
        from django.db.models import Count
        from django_tasks_db.models import DBTaskResult

        rows = DBTaskResult.objects.ready().values("queue_name").annotate(n=Count("id"))
        counts = {row["queue_name"]: row["n"] for row in rows}
        return {q: counts.get(q, 0) for q in settings.TASK_QUEUES}
    if backend.startswith("django_tasks_rq"):
        import django_rq

        depths: dict[str, int | None] = {}
        for q in settings.TASK_QUEUES:
            try:
                depths[q] = django_rq.get_queue(q).count
            except Exception:  # noqa: BLE001  (Redis down: shown as unknown, not a crash)
                logger.warning("Queue depth unavailable for %s", q)
                depths[q] = None
        return depths
    return {q: 0 for q in settings.TASK_QUEUES}


def health_report(*, now: datetime | None = None) -> HealthReport:
    """Read the heartbeats and queue depths; never raises."""
    now = now or timezone.now()
    stale = timedelta(seconds=settings.HEARTBEAT_STALE_SECONDS)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        db_ok, db_error = True, ""
    except Exception as exc:  # noqa: BLE001
        return HealthReport(False, connection.vendor, str(exc), settings.TASKS["default"]["BACKEND"], None, False)
    beats = list(Heartbeat.objects.all())
    scheduler_seen = max((b.seen_at for b in beats if b.kind == Heartbeat.KIND_SCHEDULER), default=None)
    depths = _queue_depths()
    queues = []
    for q in settings.TASK_QUEUES:
        seen = max(
            (b.seen_at for b in beats if b.kind == Heartbeat.KIND_WORKER and b.detail.get("queue") == q),
            default=None,
        )
        queues.append(QueueHealth(q, depths.get(q), seen, seen is not None and now - seen < stale))
    return HealthReport(
        database_ok=db_ok,
        database_vendor=connection.vendor,
        database_error=db_error,
        task_backend=settings.TASKS["default"]["BACKEND"].rsplit(".", 1)[-1],
        scheduler_seen_at=scheduler_seen,
        scheduler_ok=scheduler_seen is not None and now - scheduler_seen < stale,
        queues=queues,
    )
