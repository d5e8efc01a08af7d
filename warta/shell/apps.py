from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShellConfig(AppConfig):
    name = "warta.shell"
    label = "shell"
    verbose_name = _("Kerangka aplikasi")
