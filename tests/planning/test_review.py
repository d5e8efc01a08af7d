"""Review findings on planning: a campaign inherited from a parent unit must not show the
official accounts of a sibling unit (page, API detail, API list)."""

from datetime import date

import pytest
from django.urls import reverse

from tests.api import Api, make_token
from tests.conftest import login_client
from warta.channels.models import Account
from warta.organisations.models import Membership
from warta.planning import services

START, END = date(2026, 1, 1), date(2026, 12, 31)


@pytest.fixture
def province_campaign(tree, admin):
    """A province campaign naming one account of Kabupaten Bogor and one of Kota Bogor."""
    Membership.objects.create(user=admin, unit=tree.jabar, role="admin")
    kab_account = Account.objects.create(unit=tree.kab, platform="x", handle="@rahasia_kabbogor")
    kota_account = Account.objects.create(unit=tree.kota, platform="x", handle="@kotabogor_resmi")
    campaign = services.campaign_create(actor=admin, unit=tree.jabar, name="Jabar Sehat", period_start=START,
                                        period_end=END, accounts=[kab_account, kota_account])
    return campaign, kab_account, kota_account


def test_page_of_inherited_campaign_hides_sibling_accounts(client, tree, sibling, province_campaign):
    campaign, kab_account, kota_account = province_campaign
    login_client(client, sibling, sibling.totp)
    response = client.get(reverse("planning:campaign-detail",
                                  kwargs={"unit_uuid": tree.kota.uuid, "campaign_uuid": campaign.uuid}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "@kotabogor_resmi" in page
    assert "@rahasia_kabbogor" not in page


def test_api_of_inherited_campaign_hides_sibling_accounts(client, tree, sibling, province_campaign):
    campaign, kab_account, kota_account = province_campaign
    _token, raw = make_token(sibling, tree.kota)
    api = Api(client, raw)
    detail = api.get(f"/campaigns/{campaign.uuid}")
    assert detail.status_code == 200, detail.content
    assert detail.json()["accounts"] == [str(kota_account.uuid)]
    listed = api.get(f"/units/{tree.kota.uuid}/campaigns")
    assert listed.status_code == 200
    (row,) = [r for r in listed.json()["items"] if r["uuid"] == str(campaign.uuid)]
    assert row["accounts"] == [str(kota_account.uuid)]


def test_owner_still_sees_every_account(client, tree, admin, province_campaign):
    campaign, kab_account, kota_account = province_campaign
    _token, raw = make_token(admin, tree.jabar)
    detail = Api(client, raw).get(f"/campaigns/{campaign.uuid}")
    assert sorted(detail.json()["accounts"]) == sorted([str(kab_account.uuid), str(kota_account.uuid)])


def _race(monkeypatch):
    """Two requests pass the name check before either saves: the check sees nothing."""
    monkeypatch.setattr(services, "_unique", lambda *args, **kwargs: None)


def test_name_taken_between_check_and_save_is_a_validation_error(monkeypatch, tree, admin):
    from django.core.exceptions import ValidationError

    from warta.core.models import AuditEvent
    from warta.planning.models import Pillar

    first = services.pillar_create(actor=admin, unit=tree.kab, name="Kesehatan")
    _race(monkeypatch)
    audits = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.pillar_create(actor=admin, unit=tree.kab, name="kesehatan")
    assert "name" in caught.value.message_dict
    other = services.pillar_create(actor=admin, unit=tree.kab, name="Pendidikan")
    with pytest.raises(ValidationError):
        services.pillar_update(actor=admin, pillar=other, name="KESEHATAN")
    assert list(Pillar.objects.order_by("pk").values_list("name", flat=True)) == [first.name, "Pendidikan"]
    assert AuditEvent.objects.count() == audits + 1  # only the create of "Pendidikan"


def test_api_name_race_is_422(monkeypatch, client, tree, admin):
    services.goal_create(actor=admin, unit=tree.kab, title="Jangkauan", metric="reach", target=100,
                         period_start=START, period_end=END)
    _race(monkeypatch)
    _token, raw = make_token(admin, tree.kab)
    response = Api(client, raw).post(f"/units/{tree.kab.uuid}/goals", {
        "title": "jangkauan", "metric": "reach", "target": "5", "period_start": "2026-01-01",
        "period_end": "2026-02-01"})
    assert response.status_code == 422, response.content
