"""Background work of approvals: the emails carrying each decider's signed link (``alerts``)."""

from django_tasks import task

from warta.approvals import services


@task(queue_name="alerts")
def approval_links_send_task(request_id: int, level: int, user_ids: list[int]) -> int:
    """Make and email one link per decider. The raw token is made here, in the worker, so it
    never sits in a queue or a task row; only its hash is stored."""
    return services.approval_links_send(request_id=request_id, level=level, user_ids=user_ids)
