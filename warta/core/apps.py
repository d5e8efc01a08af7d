from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "warta.core"
    label = "core"
    verbose_name = _("Inti")

    def ready(self) -> None:
        from warta.core import tasks  # noqa: F401  (registers periodic jobs)
