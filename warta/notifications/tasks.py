"""Background work of notifications: the email copy, on the ``alerts`` queue."""

from django_tasks import task

from warta.notifications import services


@task(queue_name="alerts")
def notification_email_task(notification_ids: list[int]) -> int:
    """Email notifications once each; safe to run twice (sent ones are skipped)."""
    return services.notifications_email(notification_ids)
