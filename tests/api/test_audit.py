"""The audit trail through the API: the token's subtree only, filters, pages."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from tests.api import Api, assert_problem, make_token
from tests.factories import make_unit
from warta.core.audit import audit_record
from warta.core.models import AuditEvent
from warta.organisations.models import UnitKind


def _kab_subtree_events(tree):
    ids = [tree.kab.pk, tree.diskominfo.pk, tree.kec.pk, tree.desa.pk]
    return AuditEvent.objects.filter(unit_id__in=ids).order_by("-seq")


def test_list_events_of_the_token_s_subtree_newest_first(api, tree, sibling):
    make_token(sibling, tree.kota)  # an event on Kota Bogor

    response = api.get("/audit")

    assert response.status_code == 200
    body = response.json()
    expected = list(_kab_subtree_events(tree))
    assert body["count"] == len(expected) == 4  # Diskominfo, Cibinong, Pakansari created; the token
    assert [e["seq"] for e in body["items"]] == [e.seq for e in expected]
    newest = body["items"][0]
    assert newest | {"created_at": None, "uuid": None, "hash": None, "prev_hash": None} == {
        "seq": expected[0].seq,
        "uuid": None,
        "created_at": None,
        "actor": "admin@bogorkab.go.id",
        "unit": "Kabupaten Bogor",
        "action": "token.create",
        "target_type": "organisations.apitoken",
        "target_id": expected[0].target_id,
        "target_label": expected[0].target_label,
        "changes": {"name": "integrasi uji", "role": "admin", "days": 30},
        "ip": None,
        "hash": None,
        "prev_hash": None,
    }
    assert newest["hash"] == expected[0].hash
    assert "Kota Bogor" not in response.content.decode()


def test_the_sibling_sees_none_of_kabupaten_bogor_s_events(client, tree, admin, sibling):
    _token, raw = make_token(sibling, tree.kota)

    body = Api(client, raw).get("/audit").json()

    assert [e["unit"] for e in body["items"]] == ["Kota Bogor"]


def test_a_viewer_token_may_read_the_audit_trail(client, tree, viewer):
    _token, raw = make_token(viewer, tree.kab)

    assert Api(client, raw).get("/audit").status_code == 200


def test_filters(api, tree, admin):
    api.patch(f"/units/{tree.kec.uuid}", {"short_name": "Cibinong"})

    assert [e["action"] for e in api.get("/audit", action="unit.").json()["items"]] == [
        "unit.update",
        "unit.create",
        "unit.create",
        "unit.create",
    ]
    assert [e["action"] for e in api.get("/audit", actor="admin@bogor").json()["items"]] == [
        "unit.update",
        "token.create",
    ]
    assert [e["target_label"] for e in api.get("/audit", q="pakan").json()["items"]] == [
        "Pakansari"
    ]


def test_since_and_until_read_a_naive_time_in_the_unit_s_zone(api, tree, monkeypatch):
    # The trail is append-only (a trigger on PostgreSQL), so the event is written at that time.
    with monkeypatch.context() as m:
        m.setattr(
            timezone, "now", lambda: datetime(2026, 3, 1, 17, 30, tzinfo=UTC)
        )  # 00:30 WIB, 2 March
        event = audit_record(unit=tree.kec, action="unit.check")

    def seqs(**params):
        return [e["seq"] for e in api.get("/audit", **params).json()["items"]]

    assert event.seq in seqs(since="2026-03-02", until="2026-03-03")  # WIB dates
    assert event.seq not in seqs(since="2026-03-02T00:00:00Z", until="2026-03-03T00:00:00Z")
    assert event.seq in seqs(since="2026-03-01T17:00:00+00:00", until="2026-03-01T18:00:00+00:00")


@pytest.mark.parametrize(
    "params", [{"since": "kemarin"}, {"until": "2026-13-01"}, {"page_size": 0}]
)
def test_bad_filters_are_422(api, params):
    problem = assert_problem(api.get("/audit", **params), 422)

    assert list(problem["errors"]) == list(params)


def test_audit_query_count_does_not_grow(api, tree, django_assert_max_num_queries):
    for n in range(40):
        make_unit(f"Desa {n}", tree.kec, kind=UnitKind.DESA)

    # token, last use, grants, count, page
    with django_assert_max_num_queries(5):
        response = api.get("/audit", page_size=100)

    assert response.json()["count"] == 44
    assert len(response.json()["items"]) == 44


def test_audit_pages(api, tree):
    body = api.get("/audit", page=2, page_size=3).json()

    assert (body["count"], body["page"], body["pages"], len(body["items"])) == (4, 2, 2, 1)
