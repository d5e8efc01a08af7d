"""The planning API: CRUD, bad input (422, nothing changed), sibling 404, viewer 403, calendar marks."""

from datetime import date

import pytest

from tests.api import assert_problem
from tests.planning.test_services import state
from warta.channels.models import Account
from warta.core.models import AuditEvent
from warta.planning import services
from warta.planning.models import Audience, Campaign, Goal, ImportantDate, Pillar

START, END = date(2026, 1, 1), date(2026, 12, 31)

BODIES = {
    "goals": {"title": "Keterlibatan", "metric": "engagement_rate", "target": "4.5", "period_start": "2026-01-01",
              "period_end": "2026-03-31"},
    "audiences": {"name": "Pelajar", "segment": "youth"},
    "pillars": {"name": "Layanan publik", "colour": "#0f766e"},
    "campaigns": {"name": "Bogor Sehat", "period_start": "2026-02-01", "period_end": "2026-02-28",
                  "hashtags": ["BogorSehat"]},
    "important-dates": {"date": "1482-06-03", "title": "Hari Jadi Bogor", "yearly": True},
}
PATCHES = {"goals": {"notes": "catatan"}, "audiences": {"description": "SMA"}, "pillars": {"colour": "#b91c1c"},
           "campaigns": {"programme": "Germas"}, "important-dates": {"note": "upacara"}}


def objects(tree, admin):
    return {
        "goals": services.goal_create(actor=admin, unit=tree.kab, title="Jangkauan", metric="reach", target=100,
                                      period_start=START, period_end=END),
        "audiences": services.audience_create(actor=admin, unit=tree.kab, name="Warga", segment="general_public"),
        "pillars": services.pillar_create(actor=admin, unit=tree.kab, name="Kesehatan"),
        "campaigns": services.campaign_create(actor=admin, unit=tree.kab, name="Germas", period_start=START,
                                              period_end=END),
        "important-dates": services.important_date_create(actor=admin, unit=tree.kab, date=START, title="Rapat"),
    }


@pytest.mark.parametrize("kind", list(BODIES))
def test_create_get_patch_archive(api, tree, kind):
    response = api.post(f"/units/{tree.kab.uuid}/{kind}", BODIES[kind])
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["unit_uuid"] == str(tree.kab.uuid)
    uuid = body["uuid"]
    assert api.get(f"/{kind}/{uuid}").json()["uuid"] == uuid
    response = api.patch(f"/{kind}/{uuid}", PATCHES[kind])
    assert response.status_code == 200, response.content
    field, value = next(iter(PATCHES[kind].items()))
    assert response.json()[field] == value
    response = api.post(f"/{kind}/{uuid}/archive", {"archived": True})
    assert response.status_code == 200
    assert response.json()["archived_at"]
    listed = api.get(f"/units/{tree.kab.uuid}/{kind}", archived="true").json()
    assert [item["uuid"] for item in listed["items"]] == [uuid]
    assert api.get(f"/units/{tree.kab.uuid}/{kind}").json()["count"] == 0


@pytest.mark.parametrize("kind", list(BODIES))
def test_sibling_gets_404_everywhere(sibling_api, tree, admin, kind):
    row = objects(tree, admin)[kind]
    before = state()
    assert_problem(sibling_api.get(f"/units/{tree.kab.uuid}/{kind}"), 404)
    assert_problem(sibling_api.post(f"/units/{tree.kab.uuid}/{kind}", BODIES[kind]), 404)
    assert_problem(sibling_api.get(f"/{kind}/{row.uuid}"), 404)
    assert_problem(sibling_api.patch(f"/{kind}/{row.uuid}", PATCHES[kind]), 404)
    assert_problem(sibling_api.post(f"/{kind}/{row.uuid}/archive", {"archived": True}), 404)
    if kind == "campaigns":
        assert_problem(sibling_api.post(f"/campaigns/{row.uuid}/duplicate", {"name": "X"}), 404)
    assert state() == before


@pytest.mark.parametrize("kind", list(BODIES))
def test_viewer_reads_but_gets_403_on_writes(viewer_api, tree, admin, kind):
    row = objects(tree, admin)[kind]
    assert viewer_api.get(f"/units/{tree.kab.uuid}/{kind}").json()["count"] == 1
    assert viewer_api.get(f"/{kind}/{row.uuid}").status_code == 200
    before = state()
    assert_problem(viewer_api.post(f"/units/{tree.kab.uuid}/{kind}", BODIES[kind]), 403)
    assert_problem(viewer_api.patch(f"/{kind}/{row.uuid}", PATCHES[kind]), 403)
    assert_problem(viewer_api.post(f"/{kind}/{row.uuid}/archive", {"archived": True}), 403)
    if kind == "campaigns":
        assert_problem(viewer_api.post(f"/campaigns/{row.uuid}/duplicate", {"name": "X"}), 403)
    assert state() == before


def test_sibling_calendar_marks_404_viewer_200(sibling_api, viewer_api, tree):
    assert_problem(sibling_api.get(f"/units/{tree.kab.uuid}/calendar-marks", start="2026-08-01", end="2026-08-31"), 404)
    assert viewer_api.get(f"/units/{tree.kab.uuid}/calendar-marks", start="2026-08-01", end="2026-08-31") \
        .status_code == 200


@pytest.mark.parametrize(("body", "field"), [
    (BODIES["goals"] | {"period_end": "2025-01-01"}, "period_end"),
    (BODIES["goals"] | {"metric": "reach", "target": "-1"}, "target"),
    (BODIES["goals"] | {"metric": "likes"}, "metric"),
    (BODIES["goals"] | {"target": "abc"}, "target"),
    (BODIES["goals"] | {"extra": 1}, "extra"),
])
def test_goal_bad_input_is_422_and_changes_nothing(api, tree, body, field):
    before = state()
    problem = assert_problem(api.post(f"/units/{tree.kab.uuid}/goals", body), 422)
    assert field in problem["errors"]
    assert state() == before


def test_patch_bad_input_changes_nothing(api, tree, admin):
    goal = objects(tree, admin)["goals"]
    before = state()
    problem = assert_problem(api.patch(f"/goals/{goal.uuid}", {"period_start": "2027-01-01"}), 422)
    assert "Akhir periode" in problem["errors"]["period_end"][0]
    assert_problem(api.patch(f"/goals/{goal.uuid}", {"title": None}), 422)
    assert state() == before


def test_campaign_relations_by_uuid(api, tree, admin, sibling):
    pillar = services.pillar_create(actor=admin, unit=tree.jabar, name="Jabar Juara")
    goal = objects(tree, admin)["goals"]
    account = Account.objects.create(unit=tree.kec, platform="x", handle="@cibinong")
    foreign = services.pillar_create(actor=sibling, unit=tree.kota, name="Kota Hujan")
    kota_account = Account.objects.create(unit=tree.kota, platform="x", handle="@kotabogor")
    body = BODIES["campaigns"] | {"name": "Kampanye baru", "pillars": [str(pillar.uuid)], "goals": [str(goal.uuid)],
                                  "accounts": [str(account.uuid)]}
    before = state()
    problem = assert_problem(api.post(f"/units/{tree.kab.uuid}/campaigns", body | {"pillars": [str(foreign.uuid)]}),
                             422)
    assert str(foreign.uuid) in problem["errors"]["pillars"][0]
    problem = assert_problem(api.post(f"/units/{tree.kab.uuid}/campaigns",
                                      body | {"accounts": [str(kota_account.uuid)]}), 422)
    assert "accounts" in problem["errors"]
    problem = assert_problem(api.post(f"/units/{tree.kab.uuid}/campaigns", body | {"hashtags": ["#a b"]}), 422)
    assert "Tagar tidak sah" in problem["errors"]["hashtags"][0]
    assert state() == before
    response = api.post(f"/units/{tree.kab.uuid}/campaigns", body)
    assert response.status_code == 201, response.content
    out = response.json()
    assert (out["pillars"], out["goals"], out["accounts"], out["hashtags"]) == (
        [str(pillar.uuid)], [str(goal.uuid)], [str(account.uuid)], ["#BogorSehat"])
    response = api.patch(f"/campaigns/{out['uuid']}", {"pillars": []})
    assert response.json()["pillars"] == []
    assert response.json()["goals"] == [str(goal.uuid)]


def test_campaign_duplicate(api, tree, admin):
    campaign = objects(tree, admin)["campaigns"]
    response = api.post(f"/campaigns/{campaign.uuid}/duplicate", {"name": "Germas 2027", "shift_days": 365})
    assert response.status_code == 201, response.content
    assert (response.json()["period_start"], response.json()["period_end"]) == ("2027-01-01", "2027-12-31")
    before = state()
    assert_problem(api.post(f"/campaigns/{campaign.uuid}/duplicate", {"name": "germas"}), 422)
    assert_problem(api.post(f"/campaigns/{campaign.uuid}/duplicate", {"name": "X", "shift_days": 99999}), 422)
    assert state() == before


def test_inherited_rows_read_only_through_api(client, tree, admin):
    from tests.api import Api, make_token

    pillar = services.pillar_create(actor=admin, unit=tree.kab, name="Kesehatan")
    _t, raw = make_token(admin, tree.kec)
    kec_api = Api(client, raw)
    listed = kec_api.get(f"/units/{tree.kec.uuid}/pillars").json()
    assert [i["uuid"] for i in listed["items"]] == [str(pillar.uuid)]
    assert kec_api.get(f"/units/{tree.kec.uuid}/pillars", inherited="false").json()["count"] == 0
    assert kec_api.get(f"/pillars/{pillar.uuid}").status_code == 200
    assert_problem(kec_api.patch(f"/pillars/{pillar.uuid}", {"name": "Ubah"}), 404)
    assert Pillar.objects.get(pk=pillar.pk).name == "Kesehatan"


def test_calendar_marks(api, tree, admin):
    ImportantDate.objects.create(unit=tree.jabar, date=date(1950, 8, 19), title="Hari Jadi Jawa Barat", yearly=True)
    response = api.get(f"/units/{tree.kab.uuid}/calendar-marks", start="2026-08-01", end="2026-08-31")
    assert response.status_code == 200
    marks = response.json()
    assert {"date": "2026-08-17", "title": "Hari Kemerdekaan Republik Indonesia", "kind": "holiday", "unit": None,
            "inherited": False} in marks
    assert {"date": "2026-08-19", "title": "Hari Jadi Jawa Barat", "kind": "unit", "unit": "Provinsi Jawa Barat",
            "inherited": True} in marks
    problem = assert_problem(api.get(f"/units/{tree.kab.uuid}/calendar-marks", start="2026-01-01", end="2027-02-05"),
                             422)
    assert "400" in problem["errors"]["end"][0]
    assert_problem(api.get(f"/units/{tree.kab.uuid}/calendar-marks", start="2026-02-01", end="2026-01-01"), 422)
    assert_problem(api.get(f"/units/{tree.kab.uuid}/calendar-marks", start="kemarin", end="2026-01-01"), 422)


def test_writes_are_audited(api, tree):
    api.post(f"/units/{tree.kab.uuid}/pillars", BODIES["pillars"])
    api.post(f"/units/{tree.kab.uuid}/audiences", BODIES["audiences"])
    actions = [e for e in AuditEvent.objects.order_by("seq").values_list("action", flat=True) if e.startswith("planning")]
    assert actions == ["planning.pillar.create", "planning.audience.create"]
    assert Audience.objects.count() == 1
    assert Goal.objects.count() == 0
    assert Campaign.objects.count() == 0
