"""Every endpoint, three ways of being refused: no valid token (401), a unit outside the
token's reach (404), a role without the permission (403). Each refusal changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.api import Api, assert_problem, db_state, make_token
from tests.factories import make_member
from warta.organisations.models import ApiToken, Membership, Unit
from warta.organisations.roles import Role
from warta.organisations.scope import scope_for_unit
from warta.organisations.services import api_token_revoke, unit_archive


@pytest.fixture
def ids(tree, admin, editor):
    """The rows the endpoints below are called on, all inside Kabupaten Bogor."""
    spare, _raw = make_token(admin, tree.kab, name="cadangan")
    return {
        "kab": tree.kab.uuid,
        "kec": tree.kec.uuid,
        "diskominfo": tree.diskominfo.uuid,
        "membership": Membership.objects.get(user=editor, unit=tree.kab).pk,
        "token": spare.uuid,
    }


# (method, path, valid body) for every endpoint.
ENDPOINTS = [
    ("get", "/units/{kab}", None),
    ("get", "/units/{kab}/children", None),
    ("post", "/units/{kab}/children", {"kind": "kecamatan", "name": "Kecamatan Baru"}),
    ("patch", "/units/{kab}", {"name": "Kabupaten Bogor Raya"}),
    ("post", "/units/{kec}/move", {"target": "{diskominfo}"}),
    ("post", "/units/{kec}/archive", {"archived": True}),
    ("get", "/units/{kab}/memberships", None),
    ("put", "/units/{kab}/memberships", {"email": "editor@bogorkab.go.id", "role": "viewer"}),
    ("delete", "/memberships/{membership}", None),
    ("post", "/units/{kab}/invitations", {"email": "baru@bogorkab.go.id", "role": "editor"}),
    ("get", "/tokens", None),
    ("post", "/tokens", {"name": "lain", "role": "viewer", "days": 30}),
    ("delete", "/tokens/{token}", None),
    ("get", "/audit", None),
]
UNIT_ENDPOINTS = [e for e in ENDPOINTS if e[1].startswith(("/units/", "/memberships/"))]
UNIT_WRITES = [e for e in UNIT_ENDPOINTS if e[0] != "get"]


def _call(api: Api, endpoint, ids):
    method, path, body = endpoint
    if body is not None:
        body = {k: v.format(**ids) if isinstance(v, str) else v for k, v in body.items()}
    return api.call(method, path.format(**ids), body)


def _name(endpoint) -> str:
    return f"{endpoint[0].upper()} {endpoint[1]}"


# --- 401 ------------------------------------------------------------------------------------


def _no_header(admin, tree):
    return None


def _unknown(admin, tree):
    return "wrt_" + "x" * 43


def _not_ours(admin, tree):
    return "ghp_" + "x" * 36


def _revoked(admin, tree):
    token, raw = make_token(admin, tree.kab)
    api_token_revoke(scope=scope_for_unit(user=admin, unit=tree.kab), token=token)
    return raw


def _expired(admin, tree):
    token, raw = make_token(admin, tree.kab)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    return raw


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=_name)
@pytest.mark.parametrize(
    "credential",
    [_no_header, _unknown, _not_ours, _revoked, _expired],
    ids=["no-token", "unknown", "not-a-warta-token", "revoked", "expired"],
)
def test_without_a_valid_token_every_endpoint_is_401(
    client, tree, admin, ids, endpoint, credential
):
    api = Api(client, credential(admin, tree))
    before = db_state()

    response = _call(api, endpoint, ids)

    body = assert_problem(response, 401)
    assert body["title"] == "Perlu autentikasi"
    assert response["WWW-Authenticate"] == 'Bearer realm="warta"'
    assert db_state() == before


def test_a_token_whose_owner_was_deactivated_is_401(client, tree, admin):
    _token, raw = make_token(admin, tree.kab)
    admin.is_active = False
    admin.save()

    assert_problem(Api(client, raw).get(f"/units/{tree.kab.uuid}"), 401)


def test_a_token_whose_owner_lost_the_membership_is_401(client, tree, admin):
    _token, raw = make_token(admin, tree.kab)
    Membership.objects.filter(user=admin).delete()

    assert_problem(Api(client, raw).get(f"/units/{tree.kab.uuid}"), 401)


def test_a_token_on_an_archived_unit_is_401(client, tree, admin):
    _token, raw = make_token(admin, tree.kec)
    unit_archive(actor=None, unit=tree.kec)

    assert_problem(Api(client, raw).get(f"/units/{tree.kec.uuid}"), 401)


def test_the_scheme_must_be_bearer(client, tree, admin):
    _token, raw = make_token(admin, tree.kab)
    response = client.get(
        f"/api/v1/units/{tree.kab.uuid}", headers={"authorization": f"Token {raw}"}
    )

    assert_problem(response, 401)


# --- 404 outside the token's reach ----------------------------------------------------------


@pytest.mark.parametrize("endpoint", UNIT_ENDPOINTS, ids=_name)
def test_the_sibling_unit_admin_gets_404_for_every_unit_endpoint(
    client, tree, sibling, ids, endpoint
):
    _token, raw = make_token(sibling, tree.kota)
    before = db_state()

    response = _call(Api(client, raw), endpoint, ids)

    body = assert_problem(response, 404)
    assert body["title"] == "Tidak ditemukan"
    assert db_state() == before


@pytest.mark.parametrize("endpoint", UNIT_ENDPOINTS, ids=_name)
def test_a_token_on_a_sub_unit_gets_404_above_it(client, tree, admin, ids, endpoint):
    """The admin's own token for Diskominfo does not reach Kabupaten Bogor or Kecamatan Cibinong."""
    _token, raw = make_token(admin, tree.diskominfo)
    before = db_state()

    response = _call(Api(client, raw), endpoint, ids)

    assert_problem(response, 404)
    assert db_state() == before


def test_the_sibling_cannot_revoke_a_token_of_kabupaten_bogor(client, tree, admin, sibling, ids):
    _token, raw = make_token(sibling, tree.kota)
    before = db_state()

    assert_problem(Api(client, raw).delete(f"/tokens/{ids['token']}"), 404)
    assert db_state() == before


def test_an_unknown_unit_is_404(client, tree, admin):
    _token, raw = make_token(admin, tree.kab)

    assert_problem(Api(client, raw).get("/units/00000000-0000-4000-8000-000000000000"), 404)


def test_a_path_that_is_not_a_uuid_is_404(client, tree, admin):
    _token, raw = make_token(admin, tree.kab)

    assert_problem(Api(client, raw).get("/units/bukan-uuid"), 404)
    assert_problem(Api(client, raw).delete("/memberships/bukan-angka"), 404)


# --- 403 for a role without the permission --------------------------------------------------


@pytest.mark.parametrize("endpoint", UNIT_WRITES, ids=_name)
def test_a_viewer_token_gets_403_on_every_write(client, tree, viewer, ids, endpoint):
    _token, raw = make_token(viewer, tree.kab)
    before = db_state()

    response = _call(Api(client, raw), endpoint, ids)

    body = assert_problem(response, 403)
    assert body["title"] == "Tidak diizinkan"
    assert db_state() == before


@pytest.mark.parametrize("endpoint", UNIT_WRITES, ids=_name)
def test_an_admin_s_token_made_with_the_viewer_role_gets_403_on_every_write(
    client, tree, admin, ids, endpoint
):
    """The token's role is a ceiling: the admin's own token, made read-only, stays read-only."""
    _token, raw = make_token(admin, tree.kab, Role.VIEWER)
    before = db_state()

    assert_problem(_call(Api(client, raw), endpoint, ids), 403)
    assert db_state() == before


@pytest.mark.parametrize("endpoint", [e for e in UNIT_ENDPOINTS if e[0] == "get"], ids=_name)
def test_a_viewer_token_may_read_the_unit(client, tree, viewer, ids, endpoint):
    _token, raw = make_token(viewer, tree.kab)

    assert _call(Api(client, raw), endpoint, ids).status_code == 200


def test_an_editor_token_may_not_read_the_audit_trail(client, tree, editor):
    _token, raw = make_token(editor, tree.kab)

    assert_problem(Api(client, raw).get("/audit"), 403)


def test_a_higher_role_lower_in_the_tree_counts_within_the_token_ceiling(client, tree, viewer):
    """A viewer of Kabupaten Bogor who is admin of Kecamatan Cibinong may manage it with an admin token."""
    Membership.objects.create(user=viewer, unit=tree.kec, role=Role.ADMIN)
    _token, raw = make_token(viewer, tree.kab)
    api = Api(client, raw)
    assert _token.role == Role.VIEWER

    # The token was made with the viewer role on Kabupaten Bogor: the ceiling is viewer.
    assert_problem(api.patch(f"/units/{tree.kec.uuid}", {"short_name": "Cibinong"}), 403)

    _token, raw = make_token(viewer, tree.kec)
    response = Api(client, raw).patch(f"/units/{tree.kec.uuid}", {"short_name": "Cibinong"})
    assert response.status_code == 200, response.content
    assert Unit.objects.get(pk=tree.kec.pk).short_name == "Cibinong"


def test_a_member_lower_in_the_tree_reaches_only_their_own_subtree(client, tree):
    desa_admin = make_member(tree.desa, Role.ADMIN, email="admin@pakansari.desa.id")
    _token, raw = make_token(desa_admin, tree.desa)
    api = Api(client, raw)

    assert api.get(f"/units/{tree.desa.uuid}").status_code == 200
    assert_problem(api.get(f"/units/{tree.kec.uuid}"), 404)
