from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "warta.approvals"
    label = "approvals"
    verbose_name = _("Persetujuan")

    def ready(self):
        from warta.approvals import services, tasks  # noqa: F401  (permissions, audit labels, periodic jobs)
