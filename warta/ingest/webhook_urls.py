"""Public webhook endpoints (no login: each call proves itself by signature or secret)."""

from django.urls import path

from warta.ingest import webhooks

app_name = "webhooks"

urlpatterns = [
    path("meta/", webhooks.meta_webhook, name="meta"),
    path("telegram/<uuid:account_uuid>/", webhooks.telegram_webhook, name="telegram"),
]
