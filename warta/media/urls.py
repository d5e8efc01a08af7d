from django.urls import path

from warta.media import views

app_name = "media"

urlpatterns = [
    path("u/<uuid:unit_uuid>/", views.library, name="library"),
    path("u/<uuid:unit_uuid>/unggah/", views.upload, name="upload"),
    path("u/<uuid:unit_uuid>/pilih/", views.picker, name="picker"),
    path("u/<uuid:unit_uuid>/<uuid:asset_uuid>/", views.detail, name="detail"),
    path("u/<uuid:unit_uuid>/<uuid:asset_uuid>/ubah/", views.edit, name="edit"),
    path("u/<uuid:unit_uuid>/<uuid:asset_uuid>/arsip/", views.archive, name="archive"),
    path("u/<uuid:unit_uuid>/<uuid:asset_uuid>/rendisi/", views.renditions, name="renditions"),
    path("u/<uuid:unit_uuid>/<uuid:asset_uuid>/berkas/", views.original, name="original"),
    path("u/<uuid:unit_uuid>/<uuid:asset_uuid>/thumbnail.jpg", views.thumbnail, name="thumbnail"),
    path("u/<uuid:unit_uuid>/<uuid:asset_uuid>/rendisi/<slug:platform>/", views.rendition_file,
         name="rendition-file"),
]
