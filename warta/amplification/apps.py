from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AmplificationConfig(AppConfig):
    name = "warta.amplification"
    label = "amplification"
    verbose_name = _("Amplifikasi")

    def ready(self) -> None:
        from warta.amplification import services, tasks  # noqa: F401  (permissions, audit labels, periodic jobs)
        from warta.publishing.publisher import published_hook_register

        published_hook_register(services.tasks_sync_for_posts)
