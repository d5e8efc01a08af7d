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
