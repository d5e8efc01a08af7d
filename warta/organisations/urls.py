from django.urls import path

from warta.organisations import views

app_name = "organisations"
urlpatterns = [
    path("u/<uuid:unit_uuid>/unit/", views.unit_tree, name="unit-tree"),
    path("u/<uuid:unit_uuid>/unit/baru/", views.unit_create, name="unit-create"),
    path("u/<uuid:unit_uuid>/unit/ubah/", views.unit_edit, name="unit-edit"),
    path("u/<uuid:unit_uuid>/unit/pindah/", views.unit_move, name="unit-move"),
    path("u/<uuid:unit_uuid>/unit/arsip/", views.unit_archive, name="unit-archive"),
    path("u/<uuid:unit_uuid>/anggota/", views.member_list, name="member-list"),
    path("u/<uuid:unit_uuid>/anggota/undang/", views.member_invite, name="member-invite"),
    path("u/<uuid:unit_uuid>/anggota/<int:pk>/", views.member_update, name="member-update"),
    path("u/<uuid:unit_uuid>/undangan/<uuid:invitation_uuid>/batal/", views.invitation_revoke, name="invitation-revoke"),
    path("u/<uuid:unit_uuid>/token/", views.token_list, name="token-list"),
    path("u/<uuid:unit_uuid>/token/<uuid:token_uuid>/cabut/", views.token_revoke, name="token-revoke"),
    path("u/<uuid:unit_uuid>/audit/", views.audit_list, name="audit-list"),
    path("u/<uuid:unit_uuid>/audit/ekspor.csv", views.audit_export, name="audit-export"),
    path("undangan/<str:token>/", views.invitation_accept, name="invitation-accept"),
]

from warta.organisations import import_views  # noqa: E402  (appended: the region import pages)

urlpatterns += [
    path("u/<uuid:unit_uuid>/impor-wilayah/", import_views.region_import, name="region-import"),
    path("u/<uuid:unit_uuid>/impor-wilayah/<uuid:import_uuid>/", import_views.region_import_detail, name="region-import-detail"),
    path("u/<uuid:unit_uuid>/impor-wilayah/<uuid:import_uuid>/terapkan/", import_views.region_import_apply, name="region-import-apply"),
]
