from django.urls import path

from warta.language import views

app_name = "language"

urlpatterns = [
    path("u/<uuid:unit_uuid>/anotasi/", views.annotation_queue, name="annotation-queue"),
    path("u/<uuid:unit_uuid>/anotasi/<int:candidate_pk>/label/", views.candidate_label, name="candidate-label"),
    path("u/<uuid:unit_uuid>/anotasi/<int:candidate_pk>/lewati/", views.candidate_skip, name="candidate-skip"),
    path("u/<uuid:unit_uuid>/anotasi/koreksi/", views.annotation_correct, name="annotation-correct"),
    path("u/<uuid:unit_uuid>/anotasi/label/", views.annotation_list, name="annotation-list"),
    path("u/<uuid:unit_uuid>/anotasi/label/ekspor.csv", views.annotation_export, name="annotation-export"),
    path("u/<uuid:unit_uuid>/anotasi/label/<uuid:annotation_uuid>/hapus/", views.annotation_delete,
         name="annotation-delete"),
    path("u/<uuid:unit_uuid>/anotasi/latih/", views.retrain, name="retrain"),
    path("u/<uuid:unit_uuid>/anotasi/latih/<uuid:run_uuid>/", views.retrain_detail, name="retrain-detail"),
    path("u/<uuid:unit_uuid>/model/", views.models, name="models"),
]
