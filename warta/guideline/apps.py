from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidelineConfig(AppConfig):
    name = "warta.guideline"
    label = "guideline"
    verbose_name = _("Pedoman")

    def ready(self) -> None:
        from warta.guideline import services  # noqa: F401  (permissions, audit labels)
