from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "warta.channels"
    label = "channels"
    verbose_name = _("Kanal")

    def ready(self) -> None:
        from warta.channels import services, tasks  # noqa: F401  (permissions, audit labels, periodic jobs)
