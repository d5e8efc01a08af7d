"""The planning app's URLs: the overview, goals, audiences, pillars, campaigns, important dates."""

from datetime import date

from tests.url_routes import UNIT, Route
from warta.planning.models import Audience, Campaign, Goal, ImportantDate, Metric, Pillar, Segment

_OBJECT = {"goal": "goal_uuid", "audience": "audience_uuid", "pillar": "pillar_uuid", "campaign": "campaign_uuid",
           "date": "date_uuid"}

ROUTES = {
    "planning:overview": Route(UNIT),
    "planning:campaign-detail": Route(UNIT, objects=("campaign_uuid",)),
    "planning:campaign-duplicate": Route(UNIT, write=True, post_only=True, objects=("campaign_uuid",)),
}
for _key, _kwarg in _OBJECT.items():
    ROUTES |= {
        f"planning:{_key}-list": Route(UNIT),
        f"planning:{_key}-create": Route(UNIT, write=True, get_forbidden=True),
        f"planning:{_key}-edit": Route(UNIT, write=True, get_forbidden=True, objects=(_kwarg,)),
        f"planning:{_key}-archive": Route(UNIT, write=True, post_only=True, objects=(_kwarg,)),
    }


def make_objects(tree, admin, viewer):
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    goal = Goal.objects.create(unit=tree.kab, title="Keterlibatan naik", metric=Metric.ENGAGEMENT_RATE, target=5,
                               period_start=start, period_end=end)
    audience = Audience.objects.create(unit=tree.kab, name="Pelajar Bogor", segment=Segment.YOUTH)
    pillar = Pillar.objects.create(unit=tree.kab, name="Layanan publik")
    campaign = Campaign.objects.create(unit=tree.kab, name="Bogor Sehat", period_start=start, period_end=end)
    important = ImportantDate.objects.create(unit=tree.kab, date=date(1482, 6, 3), title="Hari Jadi Bogor",
                                             yearly=True)
    return {"goal_uuid": goal.uuid, "audience_uuid": audience.uuid, "pillar_uuid": pillar.uuid,
            "campaign_uuid": campaign.uuid, "date_uuid": important.uuid}
