"""The background tasks of the month-plan import (``plan_import.py``): applying a plan too big
for the request, and removing uploads nobody applied (hourly)."""

from datetime import timedelta

from django_tasks import task

from warta.core.periodic import periodic_register
from warta.publishing import plan_import


@task(queue_name="default")
def plan_import_apply_task(unit_id: int, actor_id: int | None, token: str, month: str) -> str:
    """Apply a stored plan upload, all or nothing; return "done" or "failed".

    Safe to run twice: only the run that finds the import still queued applies it.
    """
    return plan_import.plan_import_run(unit_id=unit_id, actor_id=actor_id, token=token, month=month)


@task(queue_name="default")
def plan_uploads_cleanup_task() -> int:
    """Remove plan uploads and status files older than a day; return how many files went."""
    return plan_import.plan_uploads_cleanup(older_than=timedelta(days=1))


periodic_register(name="publishing.plan_uploads_cleanup", every=timedelta(hours=1), task=plan_uploads_cleanup_task)
