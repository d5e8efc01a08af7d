from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    name = "warta.media"
    label = "media"
    verbose_name = _("Pustaka media")

    def ready(self) -> None:
        from warta.media import services, tasks  # noqa: F401  (permissions, audit labels)
