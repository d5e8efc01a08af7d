from django.urls import path

from warta.shell import views

app_name = "shell"
urlpatterns = [
    path("", views.home, name="home"),
    path("pindah-unit/", views.switch_unit, name="switch-unit"),
    path("kesehatan/", views.health, name="health"),
    path("u/<uuid:unit_uuid>/", views.dashboard, name="dashboard"),
    path("u/<uuid:unit_uuid>/area/<slug:slug>/", views.area, name="area"),
    path("u/<uuid:unit_uuid>/pengaturan/", views.unit_settings, name="settings"),
]
