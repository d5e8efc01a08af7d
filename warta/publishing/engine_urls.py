"""URLs of the publishing engine's pages, added to ``publishing/urls.py`` (namespace ``publishing``):

    from warta.publishing import engine_urls
    urlpatterns += engine_urls.urlpatterns
"""

from django.urls import path

from warta.publishing import engine_views as views

POST = "u/<uuid:unit_uuid>/konten/<uuid:post_uuid>/"

urlpatterns = [
    path(POST + "publikasi/", views.publications, name="publications"),
    path(POST + "jadwalkan/", views.post_schedule_view, name="post-schedule"),
    path(POST + "terbitkan-sekarang/", views.post_publish_now_view, name="post-publish-now"),
    path(POST + "batalkan-jadwal/", views.post_unschedule_view, name="post-unschedule"),
    path(POST + "publikasi/<uuid:publication_uuid>/hapus/", views.publication_delete_view,
         name="publication-delete"),
    path(POST + "publikasi/<uuid:publication_uuid>/selesaikan/", views.publication_resolve_view,
         name="publication-resolve"),
]
