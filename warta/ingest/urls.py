from django.urls import path

from warta.ingest import export_views, views

app_name = "ingest"

urlpatterns = [
    # inbound data (lead)
    path("<uuid:unit_uuid>/", views.item_list, name="item-list"),
    path("<uuid:unit_uuid>/karantina/", views.quarantine_list, name="quarantine-list"),
    path("<uuid:unit_uuid>/kata-kunci/", views.term_list, name="term-list"),
    path("<uuid:unit_uuid>/kata-kunci/<uuid:term_uuid>/hapus/", views.term_remove, name="term-remove"),
]

# --- export-file imports (Meta Business Suite, X analytics, YouTube Studio) ------------------

urlpatterns += [
    path("<uuid:unit_uuid>/impor/", export_views.export_import_list, name="export-import-list"),
    path("<uuid:unit_uuid>/impor/<uuid:export_uuid>/", export_views.export_import_detail,
         name="export-import-detail"),
    path("<uuid:unit_uuid>/impor/<uuid:export_uuid>/pemetaan/", export_views.export_import_mapping,
         name="export-import-mapping"),
    path("<uuid:unit_uuid>/impor/<uuid:export_uuid>/terapkan/", export_views.export_import_apply,
         name="export-import-apply"),
]
