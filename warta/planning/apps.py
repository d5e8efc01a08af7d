from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "warta.planning"
    label = "planning"
    verbose_name = _("Perencanaan")

    def ready(self) -> None:
        from warta.planning import services  # noqa: F401  (permissions and audit labels)
