"""Background work of approvals: the emails carrying each decider's signed link (``alerts``), and
the hourly reminder of levels waiting too long (``approvals.remind``)."""

from datetime import timedelta

from django_tasks import task

from warta.approvals import services
from warta.core.periodic import periodic_register


@task(queue_name="alerts")
def approval_links_send_task(request_id: int, level: int, user_ids: list[int], reminder: bool = False) -> int:
    """Make and email one link per decider. The raw token is made here, in the worker, so it
    never sits in a queue or a task row; only its hash is stored."""
    return services.approval_links_send(request_id=request_id, level=level, user_ids=user_ids, reminder=reminder)


@task()
def approvals_remind_task() -> int:
    """Remind the deciders of every level waiting longer than the setting (each level once a day)."""
    return services.reminders_send()


# Hourly, so a level is reminded about as soon as it passes the threshold; the 24-hour guard on
# each row keeps it to one reminder a day.
periodic_register(name="approvals.remind", every=timedelta(hours=1), task=approvals_remind_task)
