"""The publishing app's pages: the composer (here) and the engine's actions (``engine_urls``)."""

from importlib.util import find_spec

from django.urls import path

from warta.publishing import views

app_name = "publishing"

urlpatterns = [
    path("u/<uuid:unit_uuid>/konten/", views.post_list, name="post-list"),
    path("u/<uuid:unit_uuid>/konten/baru/", views.post_create, name="post-create"),
    path("u/<uuid:unit_uuid>/konten/periksa/", views.compose_check, name="compose-check"),
    path("u/<uuid:unit_uuid>/konten/<uuid:post_uuid>/", views.post_detail, name="post-detail"),
    path("u/<uuid:unit_uuid>/konten/<uuid:post_uuid>/ubah/", views.post_edit, name="post-edit"),
    path("u/<uuid:unit_uuid>/konten/<uuid:post_uuid>/ajukan/", views.post_submit, name="post-submit"),
    path("u/<uuid:unit_uuid>/konten/<uuid:post_uuid>/tarik/", views.post_withdraw, name="post-withdraw"),
    path("u/<uuid:unit_uuid>/konten/<uuid:post_uuid>/gandakan/", views.post_duplicate, name="post-duplicate"),
    path("u/<uuid:unit_uuid>/konten/<uuid:post_uuid>/arsip/", views.post_archive, name="post-archive"),
    path("u/<uuid:unit_uuid>/konten/<uuid:post_uuid>/komentar/", views.post_comment, name="post-comment"),
    path("u/<uuid:unit_uuid>/konten/<uuid:post_uuid>/versi/", views.post_versions, name="post-versions"),
    path("u/<uuid:unit_uuid>/templat/", views.template_list, name="template-list"),
    path("u/<uuid:unit_uuid>/templat/baru/", views.template_create, name="template-create"),
    path("u/<uuid:unit_uuid>/templat/<uuid:template_uuid>/ubah/", views.template_edit, name="template-edit"),
    path("u/<uuid:unit_uuid>/templat/<uuid:template_uuid>/hapus/", views.template_delete, name="template-delete"),
]

# The publishing engine's pages (publish now, schedule, publications), written alongside.
if find_spec("warta.publishing.engine_urls") is not None:
    from warta.publishing import engine_urls

    urlpatterns += engine_urls.urlpatterns

# The editorial calendar and the month-plan import, written alongside.
if find_spec("warta.publishing.calendar_urls") is not None:
    from warta.publishing import calendar_urls

    urlpatterns += calendar_urls.urlpatterns
