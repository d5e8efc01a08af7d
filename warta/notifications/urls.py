from django.urls import path

from warta.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("baca-semua/", views.notification_read_all, name="read-all"),
    path("<uuid:notification_uuid>/baca/", views.notification_read, name="read"),
]
