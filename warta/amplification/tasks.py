"""Background work of amplification: follow the sub-units' posts, and the daily reminders.

Both jobs are safe to run twice: ``task_sync`` only writes what changed, and a task is reminded
at most once per calendar day in its unit's zone.
"""

from datetime import timedelta

from django_tasks import task

from warta.amplification import services
from warta.core.periodic import periodic_register


@task()
def amplification_sync_task() -> int:
    """Bring every followed task in line with its post (state, when shared, reach)."""
    return services.tasks_sync()


@task()
def amplification_remind_task() -> int:
    """Remind the tasks whose deadline is within 24 hours or passed (once a day each)."""
    return services.reminders_send()


periodic_register(name="amplification.sync", every=timedelta(minutes=10), task=amplification_sync_task)
periodic_register(name="amplification.remind", every=timedelta(days=1), task=amplification_remind_task)
