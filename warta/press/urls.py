from django.urls import path

from warta.press import views

app_name = "press"

R = "u/<uuid:unit_uuid>/rilis/<uuid:release_uuid>/"

urlpatterns = [
    path("u/<uuid:unit_uuid>/", views.release_list, name="release-list"),
    path("u/<uuid:unit_uuid>/rilis/baru/", views.release_create, name="release-create"),
    path(R, views.release_detail, name="release-detail"),
    path(R + "ubah/", views.release_edit, name="release-edit"),
    path(R + "ajukan/", views.release_submit, name="release-submit"),
    path(R + "terbitkan/", views.release_publish, name="release-publish"),
    path(R + "arsipkan/", views.release_archive, name="release-archive"),
    path(R + "unduh.pdf", views.release_pdf, name="release-pdf"),
    path(R + "unduh.docx", views.release_docx, name="release-docx"),
    path(R + "versi/", views.release_versions, name="release-versions"),
    path(R + "lampiran/", views.attachment_add, name="attachment-add"),
    path(R + "lampiran/<uuid:attachment_uuid>/", views.attachment_download, name="attachment-download"),
    path(R + "lampiran/<uuid:attachment_uuid>/hapus/", views.attachment_remove, name="attachment-remove"),
    path(R + "kirim/", views.release_send, name="release-send"),
    path(R + "pengiriman/", views.delivery_list, name="delivery-list"),
    path(R + "pengiriman/ulang/", views.delivery_retry, name="delivery-retry"),
    path(R + "pengiriman/<uuid:delivery_uuid>/kirim-ulang/", views.delivery_resend, name="delivery-resend"),
    path(R + "pengiriman/<uuid:delivery_uuid>/tandai-terkirim/", views.delivery_mark_sent, name="delivery-mark-sent"),
    path("u/<uuid:unit_uuid>/kontak/", views.contact_list, name="contact-list"),
    path("u/<uuid:unit_uuid>/kontak/baru/", views.contact_create, name="contact-create"),
    path("u/<uuid:unit_uuid>/kontak/impor/", views.contact_import, name="contact-import"),
    path("u/<uuid:unit_uuid>/kontak/<uuid:contact_uuid>/", views.contact_edit, name="contact-edit"),
    path("u/<uuid:unit_uuid>/daftar/", views.list_list, name="list-list"),
    path("u/<uuid:unit_uuid>/daftar/baru/", views.list_create, name="list-create"),
    path("u/<uuid:unit_uuid>/daftar/<uuid:list_uuid>/", views.list_edit, name="list-edit"),
    # Public, no login: a published release and its attachments.
    path("p/<slug:slug>/", views.public_release, name="public"),
    path("p/<slug:slug>/lampiran/<uuid:attachment_uuid>/", views.public_attachment, name="public-attachment"),
]
