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
    path("sandbox/", include("warta.sandbox.urls")),
    path("webhook/", include("warta.ingest.webhook_urls")),
    path("", include("warta.organisations.urls")),
    path("", include("warta.shell.urls")),
]
