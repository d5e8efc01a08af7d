"""The amplification API: packages, tracker, inbox, accept, decline — scope and bad input."""

from datetime import UTC, datetime

import pytest

from tests.amplification.conftest import TEXT, make_package
from tests.api import Api, assert_problem, make_token
from warta.amplification.models import AmplificationTask, Package, TaskState
from warta.guideline import services as guideline
from warta.guideline.models import RuleKind, Severity
from warta.publishing.models import Post


@pytest.fixture
def admin_api(client, admin, tree):
    return Api(client, make_token(admin, tree.kab)[1])


@pytest.fixture
def viewer_api(client, viewer, tree):
    return Api(client, make_token(viewer, tree.kab)[1])


@pytest.fixture
def sibling_api(client, sibling, tree):
    return Api(client, make_token(sibling, tree.kota)[1])


@pytest.fixture
def kec_api(client, kec_editor, tree):
    return Api(client, make_token(kec_editor, tree.kec)[1])


def _body(tree, **extra):
    body = {"title": "Imbauan mudik", "variants": {"sandbox": {"text": TEXT}}, "recipients": [str(tree.kec.uuid)],
            "recipient_kinds": ["dinas"], "deadline": "2099-01-10T17:00:00", "note": "Sebelum Jumat."}
    body.update(extra)
    return body


def test_create_list_get_and_tracker(admin_api, tree):
    response = admin_api.post(f"/units/{tree.kab.uuid}/amplification/packages", _body(tree))
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["tasks"] == 2
    assert out["published"] == 0
    assert out["unit_name"] == "Kabupaten Bogor"
    # 17:00 read in the sender's zone (WIB)
    assert datetime.fromisoformat(out["deadline"]) == datetime(2099, 1, 10, 10, 0, tzinfo=UTC)
    listed = admin_api.get(f"/units/{tree.kab.uuid}/amplification/packages").json()
    assert [p["uuid"] for p in listed["items"]] == [out["uuid"]]
    assert admin_api.get(f"/amplification/packages/{out['uuid']}").json()["title"] == "Imbauan mudik"
    tracker = admin_api.get(f"/amplification/packages/{out['uuid']}/tracker").json()
    assert tracker["total"] == 2
    assert tracker["counts"]["waiting"] == 2
    assert {t["unit_name"] for t in tracker["tasks"]["items"]} == {"Kecamatan Cibinong",
                                                                  "Dinas Komunikasi dan Informatika"}
    assert all(t["reach"] is None for t in tracker["tasks"]["items"])


def test_create_refuses_units_outside_the_subtree(admin_api, tree):
    for outside in (tree.kota, tree.kab, tree.jabar):
        response = admin_api.post(f"/units/{tree.kab.uuid}/amplification/packages",
                                  _body(tree, recipients=[str(outside.uuid)], recipient_kinds=[]))
        body = assert_problem(response, 422)
        assert "recipients" in body["errors"]
    assert Package.objects.count() == 0


@pytest.mark.parametrize(("extra", "field"), [
    ({"variants": {"x": {"text": "a" * 300}}}, "variants.x"),
    ({"title": ""}, "title"),
    ({"deadline": "2001-01-01T00:00:00"}, "deadline"),
    ({"recipients": [], "recipient_kinds": []}, "recipients"),
    ({"colour": "red"}, "colour"),
    ({"recipient_kinds": ["kelurahan", "planet"]}, "recipient_kinds"),
])
def test_create_bad_input(admin_api, tree, extra, field):
    body = assert_problem(admin_api.post(f"/units/{tree.kab.uuid}/amplification/packages", _body(tree, **extra)), 422)
    assert field in body["errors"]
    assert Package.objects.count() == AmplificationTask.objects.count() == 0


def test_viewer_and_sibling(viewer_api, sibling_api, tree, admin):
    package = make_package(tree, admin)
    task = package.tasks.get(unit=tree.kec)
    # the viewer reads, but may not send, accept or decline
    assert viewer_api.get(f"/amplification/packages/{package.uuid}/tracker").status_code == 200
    assert viewer_api.get(f"/units/{tree.kab.uuid}/amplification/tasks").status_code == 200
    assert_problem(viewer_api.post(f"/units/{tree.kab.uuid}/amplification/packages", _body(tree)), 403)
    assert_problem(viewer_api.post(f"/amplification/tasks/{task.uuid}/accept",
                                   {"variants": {"sandbox": {"text": TEXT}}}), 403)
    assert_problem(viewer_api.post(f"/amplification/tasks/{task.uuid}/decline", {"reason": "tidak"}), 403)
    # the sibling unit sees none of it
    for path in (f"/units/{tree.kab.uuid}/amplification/packages", f"/amplification/packages/{package.uuid}",
                 f"/amplification/packages/{package.uuid}/tracker", f"/units/{tree.kab.uuid}/amplification/tasks"):
        assert_problem(sibling_api.get(path), 404)
    assert_problem(sibling_api.post(f"/units/{tree.kab.uuid}/amplification/packages", _body(tree)), 404)
    assert_problem(sibling_api.post(f"/amplification/tasks/{task.uuid}/accept",
                                    {"variants": {"sandbox": {"text": TEXT}}}), 404)
    assert_problem(sibling_api.post(f"/amplification/tasks/{task.uuid}/decline", {"reason": "tidak"}), 404)
    # the sibling cannot send to Kabupaten Bogor's units from its own unit either
    body = assert_problem(sibling_api.post(f"/units/{tree.kota.uuid}/amplification/packages", _body(tree)), 422)
    assert "recipients" in body["errors"]
    task.refresh_from_db()
    assert task.state == TaskState.WAITING
    assert Package.objects.count() == 1


def test_editor_of_a_sub_unit_cannot_send_nor_see_the_senders_package(kec_api, tree, admin):
    package = make_package(tree, admin)
    assert_problem(kec_api.get(f"/amplification/packages/{package.uuid}"), 404)
    assert_problem(kec_api.post(f"/units/{tree.kec.uuid}/amplification/packages",
                                _body(tree, recipients=[str(tree.desa.uuid)], recipient_kinds=[])), 403)


def test_inbox_accept_and_decline(kec_api, tree, admin):
    package = make_package(tree, admin, recipients=[tree.kec, tree.desa])
    inbox = kec_api.get(f"/units/{tree.kec.uuid}/amplification/tasks").json()
    assert inbox["count"] == 2
    assert {t["sender_name"] for t in inbox["items"]} == {"Kabupaten Bogor"}
    task = package.tasks.get(unit=tree.kec)
    out = kec_api.post(f"/amplification/tasks/{task.uuid}/accept",
                       {"variants": {"sandbox": {"text": "Warga Cibinong: " + TEXT}}}).json()
    assert out["state"] == "adapted"
    assert out["post_state"] == "draft"
    assert Post.objects.get(uuid=out["post"]).unit == tree.kec
    assert_problem(kec_api.post(f"/amplification/tasks/{task.uuid}/accept",
                                {"variants": {"sandbox": {"text": TEXT}}}), 422)
    desa = package.tasks.get(unit=tree.desa)
    assert_problem(kec_api.post(f"/amplification/tasks/{desa.uuid}/decline", {"reason": ""}), 422)
    out = kec_api.post(f"/amplification/tasks/{desa.uuid}/decline", {"reason": "Desa belum punya akun."}).json()
    assert out["state"] == "declined"
    assert out["declined_reason"] == "Desa belum punya akun."
    pending = kec_api.get(f"/units/{tree.kec.uuid}/amplification/tasks", state="waiting").json()
    assert pending["count"] == 0


def test_accept_refused_by_the_guideline(kec_api, tree, admin):
    guideline.rule_create(actor=None, unit=tree.kec, kind=RuleKind.FORBIDDEN_PHRASE, severity=Severity.ERROR,
                          params={"phrases": ["gratis"]})
    task = make_package(tree, admin, recipients=[tree.kec]).tasks.get()
    body = assert_problem(kec_api.post(f"/amplification/tasks/{task.uuid}/accept",
                                       {"variants": {"sandbox": {"text": "Mudik gratis"}}}), 422)
    assert "gratis" in " ".join(body["errors"]["variants.sandbox"])
    task.refresh_from_db()
    assert task.state == TaskState.WAITING
    assert Post.objects.count() == 0
