"""The planning app's URLs, under /rencana/."""

from django.urls import path

from warta.planning import views

app_name = "planning"

_SEGMENTS = {"goal": "tujuan", "audience": "khalayak", "pillar": "pilar", "campaign": "kampanye",
             "date": "tanggal-penting"}


def _crud(key: str) -> list:
    segment, kwarg = _SEGMENTS[key], views.KINDS[key].kwarg
    return [
        path(f"u/<uuid:unit_uuid>/{segment}/", getattr(views, f"{key}_list"), name=f"{key}-list"),
        path(f"u/<uuid:unit_uuid>/{segment}/baru/", getattr(views, f"{key}_create"), name=f"{key}-create"),
        path(f"u/<uuid:unit_uuid>/{segment}/<uuid:{kwarg}>/ubah/", getattr(views, f"{key}_edit"), name=f"{key}-edit"),
        path(f"u/<uuid:unit_uuid>/{segment}/<uuid:{kwarg}>/arsip/", getattr(views, f"{key}_archive"),
             name=f"{key}-archive"),
    ]


urlpatterns = [
    path("u/<uuid:unit_uuid>/", views.overview, name="overview"),
    path("u/<uuid:unit_uuid>/kampanye/<uuid:campaign_uuid>/", views.campaign_detail, name="campaign-detail"),
    path("u/<uuid:unit_uuid>/kampanye/<uuid:campaign_uuid>/duplikat/", views.campaign_duplicate,
         name="campaign-duplicate"),
    *_crud("goal"),
    *_crud("audience"),
    *_crud("pillar"),
    *_crud("campaign"),
    *_crud("date"),
]
