from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LanguageConfig(AppConfig):
    name = "warta.language"
    label = "language"
    verbose_name = _("Bahasa")

    def ready(self) -> None:
        from warta.language import annotation  # noqa: F401  (permissions and audit labels)
