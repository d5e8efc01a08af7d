from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "warta.publishing"
    label = "publishing"
    verbose_name = _("Publikasi")

    def ready(self) -> None:
        # Publishing engine (H5): permissions, audit labels, periodic dispatcher and recovery.
        # The composer (H6): permissions and audit labels, and the "post" kind of the approvals app.
        from warta.publishing import approval, schedule, services, tasks  # noqa: F401  # noqa: F401
