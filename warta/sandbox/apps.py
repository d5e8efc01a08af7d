from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SandboxConfig(AppConfig):
    name = "warta.sandbox"
    label = "sandbox"
    verbose_name = _("Platform sandbox")

    def ready(self) -> None:
        from warta.sandbox import tasks  # noqa: F401  (registers the periodic tick)
