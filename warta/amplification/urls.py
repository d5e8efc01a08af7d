from django.urls import path

from warta.amplification import views

app_name = "amplification"

urlpatterns = [
    path("u/<uuid:unit_uuid>/", views.package_list, name="package-list"),
    path("u/<uuid:unit_uuid>/paket/baru/", views.package_create, name="package-create"),
    path("u/<uuid:unit_uuid>/paket/<uuid:package_uuid>/", views.package_detail, name="package-detail"),
    path("u/<uuid:unit_uuid>/paket/<uuid:package_uuid>/csv/", views.package_export, name="package-export"),
    path("u/<uuid:unit_uuid>/paket/<uuid:package_uuid>/ingatkan/", views.package_remind, name="package-remind"),
    path("u/<uuid:unit_uuid>/paket/<uuid:package_uuid>/tutup/", views.package_close, name="package-close"),
    path("u/<uuid:unit_uuid>/tugas/", views.task_list, name="task-list"),
    path("u/<uuid:unit_uuid>/tugas/<uuid:task_uuid>/", views.task_detail, name="task-detail"),
    path("u/<uuid:unit_uuid>/tugas/<uuid:task_uuid>/terima/", views.task_accept, name="task-accept"),
    path("u/<uuid:unit_uuid>/tugas/<uuid:task_uuid>/tolak/", views.task_decline, name="task-decline"),
    path("u/<uuid:unit_uuid>/tugas/<uuid:task_uuid>/periksa/", views.task_check, name="task-check"),
]
