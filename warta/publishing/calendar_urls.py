"""URLs of the editorial calendar and the month-plan import, added to ``publishing/urls.py``
(namespace ``publishing``)::

    from warta.publishing import calendar_urls
    urlpatterns += calendar_urls.urlpatterns
"""

from django.urls import path

from warta.publishing import calendar_views as views

CAL = "u/<uuid:unit_uuid>/kalender/"

urlpatterns = [
    path(CAL, views.calendar_view, name="calendar"),
    path(CAL + "pindah/", views.calendar_move, name="calendar-move"),
    path(CAL + "pindah/<uuid:post_uuid>/", views.calendar_move_form, name="calendar-move-form"),
    path(CAL + "impor/", views.plan_import_view, name="plan-import"),
    path(CAL + "impor/terapkan/", views.plan_import_apply_view, name="plan-import-apply"),
    path(CAL + "impor/contoh.csv", views.plan_import_template, name="plan-import-template"),
    path(CAL + "impor/riwayat/", views.plan_import_history, name="plan-import-history"),
    path(CAL + "impor/riwayat/<uuid:plan_import_uuid>/", views.plan_import_detail, name="plan-import-detail"),
    path(CAL + "impor/<uuid:token>/", views.plan_import_status, name="plan-import-status"),
]
