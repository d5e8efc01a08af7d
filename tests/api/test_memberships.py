"""Members and invitations through the API, with an admin token of Kabupaten Bogor."""

import pytest

from tests.api import assert_problem, db_state
from tests.factories import UserFactory, make_member
from warta.core.models import AuditEvent
from warta.organisations.models import Invitation, Membership
from warta.organisations.roles import Role

# --- list -----------------------------------------------------------------------------------


def test_list_the_memberships_of_a_unit_and_below(api, tree, admin, editor, viewer, sibling):
    make_member(tree.desa, Role.EDITOR, email="kades@pakansari.desa.id")

    response = api.get(f"/units/{tree.kab.uuid}/memberships")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    rows = [(m["email"], m["unit"], m["role"]) for m in body["items"]]
    assert rows == [
        ("admin@bogorkab.go.id", str(tree.kab.uuid), "admin"),
        ("editor@bogorkab.go.id", str(tree.kab.uuid), "editor"),
        ("viewer@bogorkab.go.id", str(tree.kab.uuid), "viewer"),
        ("kades@pakansari.desa.id", str(tree.desa.uuid), "editor"),
    ]
    assert body["items"][0]["id"] == Membership.objects.get(user=admin).pk
    assert body["items"][0]["full_name"] == "Admin Kab Bogor"
    assert "admin@kotabogor.go.id" not in response.content.decode()


def test_list_memberships_of_a_sub_unit_only(api, tree, admin):
    make_member(tree.desa, Role.EDITOR, email="kades@pakansari.desa.id")

    body = api.get(f"/units/{tree.kec.uuid}/memberships").json()

    assert [m["email"] for m in body["items"]] == ["kades@pakansari.desa.id"]


def test_membership_list_query_count_does_not_grow(api, tree, admin, django_assert_max_num_queries):
    for n in range(40):
        make_member(
            tree.kec if n % 2 else tree.desa, Role.VIEWER, email=f"staf{n:02d}@bogorkab.go.id"
        )

    # token, last use, grants, unit, count, page (users and units joined)
    with django_assert_max_num_queries(6):
        response = api.get(f"/units/{tree.kab.uuid}/memberships", page_size=100)

    assert response.status_code == 200
    assert len(response.json()["items"]) == 41


def test_membership_list_pages(api, tree, admin, editor, viewer):
    body = api.get(f"/units/{tree.kab.uuid}/memberships", page=2, page_size=2).json()

    assert (body["count"], body["pages"], [m["email"] for m in body["items"]]) == (
        3,
        2,
        ["viewer@bogorkab.go.id"],
    )


# --- set ------------------------------------------------------------------------------------


def test_put_changes_a_role(api, tree, admin, viewer):
    response = api.put(
        f"/units/{tree.kab.uuid}/memberships", {"email": "Viewer@BogorKab.go.id", "role": "editor"}
    )

    assert response.status_code == 200, response.content
    membership = Membership.objects.get(user=viewer, unit=tree.kab)
    assert membership.role == Role.EDITOR
    assert response.json() | {"created_at": None} == {
        "id": membership.pk,
        "email": "viewer@bogorkab.go.id",
        "full_name": viewer.full_name,
        "unit": str(tree.kab.uuid),
        "unit_name": "Kabupaten Bogor",
        "role": "editor",
        "created_at": None,
    }
    event = AuditEvent.objects.filter(action="membership.set").latest("seq")
    assert (event.actor_id, event.unit_id, event.changes) == (
        admin.pk,
        tree.kab.pk,
        {"user": "viewer@bogorkab.go.id", "role": ["viewer", "editor"]},
    )


def test_put_gives_an_existing_user_a_role_on_a_sub_unit(api, tree, admin):
    user = UserFactory(email="camat@bogorkab.go.id")

    response = api.put(
        f"/units/{tree.kec.uuid}/memberships", {"email": "camat@bogorkab.go.id", "role": "approver"}
    )

    assert response.status_code == 200, response.content
    assert Membership.objects.get(user=user).unit_id == tree.kec.pk
    assert AuditEvent.objects.filter(action="membership.set", unit_id=tree.kec.pk).count() == 1


def test_put_with_the_same_role_writes_no_event(api, tree, viewer):
    before = db_state()

    response = api.put(
        f"/units/{tree.kab.uuid}/memberships", {"email": "viewer@bogorkab.go.id", "role": "viewer"}
    )

    assert response.status_code == 200
    assert db_state() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "belum.ada@bogorkab.go.id", "role": "editor"}, "email"),
        ({"email": "bukan email", "role": "editor"}, "email"),
        ({"email": "viewer@bogorkab.go.id", "role": "raja"}, "role"),
        ({"email": "viewer@bogorkab.go.id"}, "role"),
        ({"role": "editor"}, "email"),
    ],
)
def test_put_rejects_bad_input_and_changes_nothing(api, tree, viewer, body, field):
    before = db_state()

    problem = assert_problem(api.put(f"/units/{tree.kab.uuid}/memberships", body), 422)

    assert list(problem["errors"]) == [field]
    assert db_state() == before


def test_an_unknown_email_is_told_to_invite(api, tree):
    problem = assert_problem(
        api.put(
            f"/units/{tree.kab.uuid}/memberships",
            {"email": "belum.ada@bogorkab.go.id", "role": "editor"},
        ),
        422,
    )

    assert problem["errors"]["email"] == [
        "Belum ada akun Warta dengan email belum.ada@bogorkab.go.id. Kirim undangan."
    ]


# --- remove ---------------------------------------------------------------------------------


def test_delete_removes_a_membership(api, tree, admin, editor):
    membership = Membership.objects.get(user=editor, unit=tree.kab)

    response = api.delete(f"/memberships/{membership.pk}")

    assert response.status_code == 204
    assert response.content == b""
    assert not Membership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.filter(action="membership.remove").latest("seq")
    assert (event.actor_id, event.changes) == (
        admin.pk,
        {"user": "editor@bogorkab.go.id", "role": ["editor", None]},
    )


def test_an_admin_cannot_remove_their_own_admin_role(api, tree, admin):
    before = db_state()

    problem = assert_problem(
        api.delete(f"/memberships/{Membership.objects.get(user=admin).pk}"), 422
    )

    assert problem["errors"] == {"__all__": ["Anda tidak dapat mencabut peran admin Anda sendiri."]}
    assert db_state() == before


def test_delete_of_an_unknown_or_foreign_membership_is_404(api, tree, sibling):
    before = db_state()

    assert_problem(api.delete("/memberships/999999"), 404)
    assert_problem(api.delete(f"/memberships/{Membership.objects.get(user=sibling).pk}"), 404)
    assert db_state() == before


# --- invitations ----------------------------------------------------------------------------


def test_invite_by_email(api, tree, admin, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/units/{tree.kec.uuid}/invitations",
            {"email": " Camat@BogorKab.go.id ", "role": "editor"},
        )

    assert response.status_code == 201, response.content
    invitation = Invitation.objects.get()
    body = response.json()
    assert body | {"created_at": None, "expires_at": None} == {
        "uuid": str(invitation.uuid),
        "email": "camat@bogorkab.go.id",
        "unit": str(tree.kec.uuid),
        "role": "editor",
        "status": "pending",
        "created_at": None,
        "expires_at": None,
    }
    assert invitation.token_hash not in response.content.decode()
    assert [m.to for m in mailoutbox] == [["camat@bogorkab.go.id"]]
    event = AuditEvent.objects.filter(action="invitation.create").latest("seq")
    assert (event.actor_id, event.unit_id, event.target_id) == (
        admin.pk,
        tree.kec.pk,
        str(invitation.uuid),
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "editor@bogorkab.go.id", "role": "viewer"}, "__all__"),  # already a member
        ({"email": "@@", "role": "viewer"}, "email"),
        ({"email": "baru@bogorkab.go.id", "role": "superadmin"}, "role"),
        ({"email": "baru@bogorkab.go.id", "role": "viewer", "unit": "lain"}, "unit"),
    ],
)
def test_invite_rejects_bad_input_and_changes_nothing(api, tree, editor, mailoutbox, body, field):
    before = db_state()

    problem = assert_problem(api.post(f"/units/{tree.kab.uuid}/invitations", body), 422)

    assert list(problem["errors"]) == [field]
    assert db_state() == before
    assert mailoutbox == []
