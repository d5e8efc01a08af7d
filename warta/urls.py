from django.urls import include, path
from django.views.generic import RedirectView

from warta.api import api

urlpatterns = [
    path("akun/", include("warta.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False), name="api-docs"),
    path("kanal/", include("warta.channels.urls")),
    path("bahasa/", include("warta.language.urls")),
    path("data/", include("warta.ingest.urls")),
    path("rencana/", include("warta.planning.urls")),
    path("pustaka-media/", include("warta.media.urls")),
    path("pedoman/", include("warta.guideline.urls")),
    path("notifikasi/", include("warta.notifications.urls")),
    path("persetujuan/", include("warta.approvals.urls")),
    path("publikasi/", include("warta.publishing.urls")),
    path("amplifikasi/", include("warta.amplification.urls")),
    path("siaran-pers/", include("warta.press.urls")),
    path("sandbox/", include("warta.sandbox.urls")),
    path("webhook/", include("warta.ingest.webhook_urls")),
    path("", include("warta.organisations.urls")),
    path("", include("warta.shell.urls")),
]
