"""Background work of the ingest app.

Sections: hand-over to consumers; scheduled fetching (lead); export-file imports (below).
"""

from django_tasks import task

from warta.ingest import consumers

# --- hand-over to consumers ---------------------------------------------------------------


@task(queue_name="analysis")
def items_dispatch_task(item_ids: list[int]) -> dict:
    """Hand newly stored items to every registered consumer."""
    return consumers.items_deliver(item_ids)
