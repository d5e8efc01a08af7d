from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShellConfig(AppConfig):
    name = "warta.shell"
    label = "shell"
    verbose_name = _("Kerangka aplikasi")

    def ready(self) -> None:
        from warta.core.demo import demo_step_register
        from warta.shell.demo_channels import demo_channels_seed
        from warta.shell.demo_publishing import demo_publishing_seed

        demo_step_register("channels", demo_channels_seed)
        demo_step_register("publishing", demo_publishing_seed)
