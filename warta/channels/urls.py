from django.urls import path

from warta.channels import views
from warta.channels.media import media_signed_view

app_name = "channels"

urlpatterns = [
    path("u/<uuid:unit_uuid>/akun/", views.account_list, name="account-list"),
    path("u/<uuid:unit_uuid>/akun/ekspor.csv", views.account_export, name="account-export"),
    path("u/<uuid:unit_uuid>/akun/baru/", views.account_create, name="account-create"),
    path("u/<uuid:unit_uuid>/akun/<uuid:account_uuid>/", views.account_detail, name="account-detail"),
    path("u/<uuid:unit_uuid>/akun/<uuid:account_uuid>/kuota/", views.account_quota, name="account-quota"),
    path("u/<uuid:unit_uuid>/akun/<uuid:account_uuid>/ubah/", views.account_edit, name="account-edit"),
    path("u/<uuid:unit_uuid>/akun/<uuid:account_uuid>/arsip/", views.account_archive, name="account-archive"),
    path("u/<uuid:unit_uuid>/akun/<uuid:account_uuid>/hubungkan/", views.account_connect, name="account-connect"),
    path("u/<uuid:unit_uuid>/akun/<uuid:account_uuid>/pilih/", views.account_choose, name="account-choose"),
    path("u/<uuid:unit_uuid>/akun/<uuid:account_uuid>/putuskan/", views.account_disconnect, name="account-disconnect"),
    path("media/<str:token>/", media_signed_view, name="media-signed"),  # public: platforms fetch media
    path("oauth/callback/", views.oauth_callback, name="oauth-callback"),
    path("pengaturan/", views.platform_app_list, name="platform-app-list"),
    path("pengaturan/aplikasi/<str:platform>/", views.platform_app_edit, name="platform-app-edit"),
    path("pengaturan/jaringan/", views.network_allow, name="network-allow"),
    path("pengaturan/jaringan/<int:network_pk>/hapus/", views.network_allow_remove, name="network-allow-remove"),
]
