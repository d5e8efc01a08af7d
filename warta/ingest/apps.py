from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IngestConfig(AppConfig):
    name = "warta.ingest"
    label = "ingest"
    verbose_name = _("Penyerapan data")

    def ready(self) -> None:
        from warta.ingest import tasks  # noqa: F401  (registers the periodic fetch schedule)
        from warta.ingest.consumers import consumer_register
        from warta.ingest.language_consumer import items_label_and_offer

        consumer_register("language", items_label_and_offer)
