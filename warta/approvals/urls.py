from django.urls import path

from warta.approvals import views

app_name = "approvals"

urlpatterns = [
    path("u/<uuid:unit_uuid>/", views.pending, name="pending"),
    path("u/<uuid:unit_uuid>/alur/", views.chains, name="chains"),
    path("u/<uuid:unit_uuid>/<uuid:approval_uuid>/", views.detail, name="detail"),
    path("u/<uuid:unit_uuid>/<uuid:approval_uuid>/ingatkan/", views.remind, name="remind"),
    path("tautan/<str:token>/", views.link, name="link"),  # public: signed single-use link
]
