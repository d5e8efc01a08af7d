"""POST /api/v1/ingest/items: scoped to the token's reach, quarantine reported by index."""

import pytest

from tests.api import Api, assert_problem, make_token
from tests.ingest.test_items_ingest import record
from warta.channels.models import Account
from warta.ingest.models import Item, Quarantine

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(tree):
    return (Account.objects.create(unit=tree.kab, platform="sandbox", handle="humasbogorkab"),
            Account.objects.create(unit=tree.kota, platform="sandbox", handle="humaskotabogor"))


def test_an_editor_pushes_items_and_bad_ones_are_reported(client, tree, editor, accounts):
    _, raw = make_token(editor, tree.kab)
    response = Api(client, raw).post("/ingest/items", {"account_uuid": str(accounts[0].uuid),
                                                       "items": [record(1), record(2, kind="x"), record(3)]})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["stored"], body["duplicates"]) == (2, 0)
    assert [q["index"] for q in body["quarantined"]] == [1]
    assert set(Item.objects.values_list("external_id", flat=True)) == {"p1", "p3"}
    assert Item.objects.filter(account=accounts[0]).count() == 2


def test_a_sibling_account_is_404_and_a_viewer_403_and_nothing_is_stored(client, tree, viewer, sibling, accounts):
    _, sibling_raw = make_token(sibling, tree.kota)
    assert_problem(Api(client, sibling_raw).post("/ingest/items", {"account_uuid": str(accounts[0].uuid),
                                                                    "items": [record(1)]}), 404)
    _, viewer_raw = make_token(viewer, tree.kab)
    assert_problem(Api(client, viewer_raw).post("/ingest/items", {"account_uuid": str(accounts[0].uuid),
                                                                   "items": [record(1)]}), 403)
    assert_problem(Api(client, None).post("/ingest/items", {"account_uuid": str(accounts[0].uuid),
                                                            "items": [record(1)]}), 401)
    assert Item.objects.count() == 0
    assert Quarantine.objects.count() == 0


def test_items_naming_another_units_account_are_quarantined_not_stored_there(client, tree, editor, accounts):
    # Given an editor of Kabupaten Bogor and an item of Kota Bogor already stored
    from warta.ingest.services import items_ingest
    items_ingest(items=[record(9, account_external_id="humaskotabogor")], source="fetch")
    before = Item.objects.get(external_id="p9")
    assert before.account == accounts[1]
    _, raw = make_token(editor, tree.kab)

    # When they push, for their own account, items that name the sibling's account, another
    # platform, or the sibling's stored item
    response = Api(client, raw).post("/ingest/items", {"account_uuid": str(accounts[0].uuid), "items": [
        record(1, account_external_id="humaskotabogor"), record(2, platform="telegram"),
        record(9, account_external_id="humasbogorkab", metrics={"likes": 999}), record(3)]})

    # Then only the item of their own account is stored; the rest are quarantined by index
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["stored"], body["duplicates"]) == (1, 0)
    assert [q["index"] for q in body["quarantined"]] == [0, 1, 2]
    assert set(Item.objects.values_list("external_id", flat=True)) == {"p3", "p9"}
    assert Item.objects.get(external_id="p3").account == accounts[0]
    after = Item.objects.get(external_id="p9")
    assert (after.account, after.metrics, after.deliveries) == (accounts[1], before.metrics, before.deliveries)
    assert Quarantine.objects.filter(account=accounts[0]).count() == 3


def test_items_with_odd_json_types_are_quarantined_not_a_500(client, tree, editor, accounts):
    _, raw = make_token(editor, tree.kab)
    response = Api(client, raw).post("/ingest/items", {"account_uuid": str(accounts[0].uuid), "items": [
        record(1, external_id=[]), record(2, account_external_id=["humasbogorkab"]), record(3, platform={})]})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["stored"], [q["index"] for q in body["quarantined"]]) == (0, [0, 1, 2])
    assert Item.objects.count() == 0
