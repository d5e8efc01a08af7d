"""The approvals API: pending, one request, deciding, chains; scope (sibling 404, viewer 403)."""

import pytest

from tests.api import Api, assert_problem, make_token
from warta.approvals import services
from warta.approvals.models import ApprovalChain, ApprovalRequest

State = ApprovalRequest.State


@pytest.fixture
def pending(tree, editor, subject, recorder, django_capture_on_commit_callbacks):
    ApprovalChain.objects.create(unit=tree.kab, content_kind="uji", levels=["approver"])
    with django_capture_on_commit_callbacks(execute=True):
        return services.approval_submit(actor=editor, subject=subject, warnings=[{"message": "Di luar jam tayang"}])


def api_for(client, user, unit, role=None):
    _token, raw = make_token(user, unit, role)
    return Api(client, raw)


def test_pending_and_detail(client, tree, approver, pending):
    api = api_for(client, approver, tree.kab)
    body = api.get(f"/units/{tree.kab.uuid}/approvals/pending").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["uuid"], item["state"], item["current_level"], item["level_count"]) == (
        str(pending.uuid), "pending", 1, 1)
    assert item["warnings"] == [{"message": "Di luar jam tayang"}]
    assert item["submitted_by"] == "editor@bogorkab.go.id"
    assert item["unit_uuid"] == str(tree.kab.uuid)
    detail = api.get(f"/approvals/{pending.uuid}")
    assert detail.status_code == 200
    assert detail.json()["decisions"] == []


def test_decide(client, tree, approver, pending, recorder):
    api = api_for(client, approver, tree.kab)
    refused = api.post(f"/approvals/{pending.uuid}/decide", {"decision": "approve"})
    assert_problem(refused, 422)
    assert "acknowledged" in refused.json()["errors"]
    assert_problem(api.post(f"/approvals/{pending.uuid}/decide", {"decision": "tolak"}), 422)
    assert_problem(api.post(f"/approvals/{pending.uuid}/decide", {"decision": "approve", "x": 1}), 422)
    pending.refresh_from_db()
    assert pending.state == State.PENDING
    assert recorder.calls == []
    done = api.post(f"/approvals/{pending.uuid}/decide", {"decision": "approve", "acknowledged": True,
                                                          "comment": "Oke"})
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "approved"
    assert done.json()["decisions"][0]["user"] == "approver@bogorkab.go.id"
    again = assert_problem(api.post(f"/approvals/{pending.uuid}/decide", {"decision": "approve",
                                                                         "acknowledged": True}), 409)
    assert "disetujui" in again["detail"]


def test_decide_refuses_a_role_below_the_level_and_a_capped_token(client, tree, editor2, approver, pending):
    response = api_for(client, editor2, tree.kab).post(f"/approvals/{pending.uuid}/decide",
                                                       {"decision": "approve", "acknowledged": True})
    assert_problem(response, 403)
    # An approver's token made with the editor role acts as an editor.
    capped = api_for(client, approver, tree.kab, role="editor")
    assert capped.get(f"/units/{tree.kab.uuid}/approvals/pending").json()["count"] == 0
    assert_problem(capped.post(f"/approvals/{pending.uuid}/decide", {"decision": "approve", "acknowledged": True}),
                   403)
    pending.refresh_from_db()
    assert pending.state == State.PENDING
    assert pending.decisions.count() == 0


def test_stale_answers_409(client, tree, approver, pending, recorder, subject):
    recorder.versions[subject.pk] = 5
    body = assert_problem(api_for(client, approver, tree.kab).post(
        f"/approvals/{pending.uuid}/decide", {"decision": "approve", "acknowledged": True}), 409)
    assert "diubah" in body["detail"]


def test_scope_sibling_404_viewer_403(client, tree, sibling, viewer, pending):
    sibling_api = api_for(client, sibling, tree.kota)
    assert_problem(sibling_api.get(f"/units/{tree.kab.uuid}/approvals/pending"), 404)
    assert_problem(sibling_api.get(f"/approvals/{pending.uuid}"), 404)
    assert_problem(sibling_api.post(f"/approvals/{pending.uuid}/decide", {"decision": "approve",
                                                                         "acknowledged": True}), 404)
    assert_problem(sibling_api.get(f"/units/{tree.kab.uuid}/approval-chains/uji"), 404)
    assert_problem(sibling_api.put(f"/units/{tree.kab.uuid}/approval-chains/uji", {"levels": []}), 404)
    viewer_api = api_for(client, viewer, tree.kab)
    assert_problem(viewer_api.get(f"/units/{tree.kab.uuid}/approvals/pending"), 403)
    assert_problem(viewer_api.post(f"/approvals/{pending.uuid}/decide", {"decision": "approve",
                                                                        "acknowledged": True}), 403)
    assert_problem(viewer_api.put(f"/units/{tree.kab.uuid}/approval-chains/uji", {"levels": []}), 403)
    assert viewer_api.get(f"/units/{tree.kab.uuid}/approval-chains/uji").status_code == 200
    pending.refresh_from_db()
    assert pending.state == State.PENDING
    assert list(ApprovalChain.objects.values_list("levels", flat=True)) == [["approver"]]


def test_chains(client, tree, admin, recorder):
    api = api_for(client, admin, tree.kab)
    body = api.get(f"/units/{tree.kec.uuid}/approval-chains/uji").json()
    assert body == {"content_kind": "uji", "label": "Kata kunci uji", "levels": [], "configured_here": False,
                    "inherited_from": None}
    done = api.put(f"/units/{tree.kab.uuid}/approval-chains/uji", {"levels": ["approver", "admin"]})
    assert done.status_code == 200
    assert done.json()["configured_here"] is True
    below = api.get(f"/units/{tree.kec.uuid}/approval-chains/uji").json()
    assert below["levels"] == ["approver", "admin"]
    assert below["inherited_from"] == str(tree.kab.uuid)
    assert_problem(api.put(f"/units/{tree.kab.uuid}/approval-chains/uji", {"levels": ["viewer"]}), 422)
    assert_problem(api.put(f"/units/{tree.kab.uuid}/approval-chains/uji", {"levels": ["admin"] * 4}), 422)
    assert_problem(api.put(f"/units/{tree.kab.uuid}/approval-chains/tidak-ada", {"levels": []}), 404)
    assert_problem(api.get(f"/units/{tree.kab.uuid}/approval-chains/tidak-ada"), 404)
    assert services.chain_for(tree.kec, "uji") == ["approver", "admin"]
    cleared = api.put(f"/units/{tree.kab.uuid}/approval-chains/uji", {"inherit": True})
    assert cleared.json()["levels"] == []
    assert not ApprovalChain.objects.exists()


def test_deciding_a_level_already_passed_answers_409(client, tree, approver, pending):
    body = assert_problem(api_for(client, approver, tree.kab).post(
        f"/approvals/{pending.uuid}/decide", {"decision": "approve", "acknowledged": True, "level": 2}), 409)
    assert "sudah diputuskan" in body["detail"]
    assert pending.decisions.count() == 0
