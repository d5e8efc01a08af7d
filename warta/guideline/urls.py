from django.urls import path

from warta.guideline import views

app_name = "guideline"

urlpatterns = [
    path("u/<uuid:unit_uuid>/", views.guideline_home, name="home"),
    path("u/<uuid:unit_uuid>/aturan/baru/", views.rule_create, name="rule-create"),
    path("u/<uuid:unit_uuid>/aturan/<uuid:rule_uuid>/", views.rule_edit, name="rule-edit"),
    path("u/<uuid:unit_uuid>/aturan/<uuid:rule_uuid>/aktif/", views.rule_toggle, name="rule-toggle"),
    path("u/<uuid:unit_uuid>/aturan/<uuid:rule_uuid>/hapus/", views.rule_delete, name="rule-delete"),
    path("u/<uuid:unit_uuid>/periksa/", views.check, name="check"),
]
