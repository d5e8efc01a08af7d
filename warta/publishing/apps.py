from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "warta.publishing"
    label = "publishing"
    verbose_name = _("Publikasi")

    def ready(self) -> None:
        # Permissions, audit labels, the periodic dispatcher and recovery, the "post" kind of the
        # approvals app, the campaign-duplication hook, and the plan-import tasks.
        from warta.publishing import approval, calendar, plan_tasks, schedule, services, tasks  # noqa: F401
