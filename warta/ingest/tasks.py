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
