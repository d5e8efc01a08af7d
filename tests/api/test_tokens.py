"""API tokens through the API: list without secrets, no minting by a token, revocation."""

import pytest

from tests.api import Api, assert_problem, db_state, make_token
from warta.core.models import AuditEvent
from warta.organisations.models import ApiToken, Membership
from warta.organisations.roles import Role


@pytest.fixture
def token(tree, admin):
    return make_token(admin, tree.kab, name="portal berita")


@pytest.fixture
def api(client, token):
    return Api(client, token[1])


def test_list_the_owner_s_tokens_without_secrets(api, token, tree, admin, editor):
    other, other_raw = make_token(admin, tree.kec, Role.VIEWER, name="dasbor kecamatan")
    make_token(editor, tree.kab, name="milik editor")
    Membership.objects.create(user=admin, unit=tree.kota, role=Role.ADMIN)
    make_token(admin, tree.kota, name="di luar jangkauan")

    response = api.get("/tokens")

    assert response.status_code == 200
    body = response.json()
    # Newest first; neither the editor's token nor the one on Kota Bogor.
    assert [(t["name"], t["unit"], t["role"], t["active"]) for t in body] == [
        ("dasbor kecamatan", str(tree.kec.uuid), "viewer", True),
        ("portal berita", str(tree.kab.uuid), "admin", True),
    ]
    assert set(body[0]) == {
        "uuid",
        "name",
        "prefix",
        "unit",
        "unit_name",
        "role",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "active",
    }
    text = response.content.decode()
    for row, raw in [(token[0], token[1]), (other, other_raw)]:
        assert row.token_hash not in text
        assert raw not in text
        assert raw[:12] in text  # the prefix, to recognise it


def test_token_list_query_count(api, tree, admin, django_assert_max_num_queries):
    for n in range(20):
        make_token(admin, tree.kec, name=f"token {n}")

    # token, last use, grants, list (units joined)
    with django_assert_max_num_queries(4):
        response = api.get("/tokens")

    assert len(response.json()) == 21


def test_a_token_cannot_create_another_token(api, tree):
    before = db_state()

    problem = assert_problem(
        api.post("/tokens", {"name": "turunan", "role": "viewer", "days": 30}), 422
    )

    assert problem["errors"] == {"__all__": ["Token API tidak dapat membuat token lain."]}
    assert db_state() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "role": "viewer"}, "name"),
        ({"name": "x", "role": "viewer", "days": 0}, "days"),
        ({"name": "x", "role": "viewer", "days": 367}, "days"),
        ({"name": "x", "role": "dewa"}, "role"),
    ],
)
def test_token_create_rejects_bad_input_and_changes_nothing(api, body, field):
    before = db_state()

    problem = assert_problem(api.post("/tokens", body), 422)

    assert list(problem["errors"]) == [field]
    assert db_state() == before


def test_revoke_another_of_one_s_tokens(api, tree, admin):
    other, other_raw = make_token(admin, tree.kec, name="dasbor")

    response = api.delete(f"/tokens/{other.uuid}")

    assert response.status_code == 204
    assert ApiToken.objects.get(pk=other.pk).revoked_at is not None
    event = AuditEvent.objects.filter(action="token.revoke").latest("seq")
    assert (event.actor_id, event.unit_id, event.target_id) == (
        admin.pk,
        tree.kec.pk,
        str(other.uuid),
    )
    assert_problem(Api(api.client, other_raw).get("/tokens"), 401)


def test_revoking_twice_writes_one_event(api, tree, admin):
    other, _raw = make_token(admin, tree.kec)
    api.delete(f"/tokens/{other.uuid}")
    before = db_state()

    assert api.delete(f"/tokens/{other.uuid}").status_code == 204
    assert db_state() == before


def test_a_token_may_revoke_itself_and_then_stops_working(api, token):
    assert api.delete(f"/tokens/{token[0].uuid}").status_code == 204

    assert_problem(api.get("/tokens"), 401)


def test_a_viewer_token_may_revoke_its_owner_s_token(client, tree, viewer):
    mine, raw = make_token(viewer, tree.kab)

    assert Api(client, raw).delete(f"/tokens/{mine.uuid}").status_code == 204
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is not None


def test_tokens_of_others_or_outside_the_reach_are_404(api, tree, admin, editor):
    editors, _raw = make_token(editor, tree.kab)
    Membership.objects.create(user=admin, unit=tree.kota, role=Role.ADMIN)
    outside, _raw = make_token(admin, tree.kota)
    before = db_state()

    assert_problem(api.delete(f"/tokens/{editors.uuid}"), 404)
    assert_problem(api.delete(f"/tokens/{outside.uuid}"), 404)
    assert_problem(api.delete("/tokens/00000000-0000-4000-8000-000000000000"), 404)
    assert db_state() == before


def test_the_sibling_sees_none_of_kabupaten_bogor_s_tokens(client, tree, token, sibling):
    _mine, raw = make_token(sibling, tree.kota, name="kota")

    body = Api(client, raw).get("/tokens").json()

    assert [t["name"] for t in body] == ["kota"]
