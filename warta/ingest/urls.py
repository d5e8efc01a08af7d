from django.urls import path

from warta.ingest import views

app_name = "ingest"

urlpatterns = [
    # inbound data (lead)
    path("<uuid:unit_uuid>/", views.item_list, name="item-list"),
    path("<uuid:unit_uuid>/karantina/", views.quarantine_list, name="quarantine-list"),
    path("<uuid:unit_uuid>/kata-kunci/", views.term_list, name="term-list"),
    path("<uuid:unit_uuid>/kata-kunci/<uuid:term_uuid>/hapus/", views.term_remove, name="term-remove"),
]
