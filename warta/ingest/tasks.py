"""Background work of the ingest app.

Sections: hand-over to consumers; scheduled fetching (lead); export-file imports (below).
"""

from datetime import timedelta

from django_tasks import task

from warta.core.periodic import periodic_register
from warta.ingest import consumers, fetching

# --- hand-over to consumers ---------------------------------------------------------------


@task(queue_name="analysis")
def items_dispatch_task(item_ids: list[int]) -> dict:
    """Hand newly stored items to every registered consumer."""
    return consumers.items_deliver(item_ids)


# --- scheduled fetching -------------------------------------------------------------------


@task(queue_name="ingest")
def sync_schedule_task() -> int:
    """Enqueue the fetches that are due."""
    return fetching.sync_schedule()


@task(queue_name="ingest")
def account_sync_task(account_id: int, capability: str) -> dict:
    """Fetch one capability of one account (safe to run twice: it only stores what is new)."""
    outcome = fetching.account_sync(account_id=account_id, capability=capability)
    return {"stored": outcome.stored, "duplicates": outcome.duplicates, "error": outcome.error}


periodic_register(name="ingest.sync_schedule", every=timedelta(minutes=1), task=sync_schedule_task,
                  queue_name="ingest")


# --- export-file imports (warta.ingest.exports) ---------------------------------------------

from warta.ingest.exports import services as export_services  # noqa: E402  (section kept apart)


@task(queue_name="ingest")
def export_import_apply_task(import_id: int) -> str:
    """Apply a queued export import, all or nothing; return the status it ended with.

    Safe to run twice: only the run that finds the import still queued applies it.
    """
    return export_services.export_import_run(import_id=import_id)
