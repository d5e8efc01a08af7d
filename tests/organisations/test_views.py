import csv
import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD
from warta.core.audit import audit_record
from warta.core.models import AuditEvent
from warta.organisations.models import ApiToken, Invitation, Membership, Unit
from warta.organisations.services import token_hash
from warta.shell.areas import AREAS


def test_create_subunit_and_audit(admin_client, tree, admin):
    url = reverse("organisations:unit-create", args=[tree.kab.uuid])
    response = admin_client.post(url, {"kind": "kecamatan", "name": "Kecamatan Gunungputri", "short_name": "",
                                       "region_code": "32.01.02", "time_zone": "Asia/Jakarta"})
    assert response.status_code == 302
    unit = Unit.objects.get(region_code="32.01.02")
    assert unit.parent_id == tree.kab.pk
    event = AuditEvent.objects.get(action="unit.create", target_id=str(unit.uuid))
    assert event.actor_id == admin.pk
    assert event.ip == "127.0.0.1"


def test_duplicate_region_code_in_form_changes_nothing(admin_client, tree):
    count = Unit.objects.count()
    response = admin_client.post(reverse("organisations:unit-create", args=[tree.kab.uuid]),
                                 {"kind": "kota", "name": "Kota Bogor Lagi", "region_code": "32.71", "time_zone": "Asia/Jakarta"})
    assert response.status_code == 400
    assert "32.71 sudah dipakai" in response.content.decode()
    assert Unit.objects.count() == count


def test_invalid_region_code_format(admin_client, tree):
    response = admin_client.post(reverse("organisations:unit-create", args=[tree.kab.uuid]),
                                 {"kind": "dinas", "name": "Dinas X", "region_code": "32-01", "time_zone": "Asia/Jakarta"})
    assert response.status_code == 400
    assert "hanya berisi angka" in response.content.decode()


def test_move_view_refuses_cycle(admin_client, tree):
    events = AuditEvent.objects.count()
    response = admin_client.post(reverse("organisations:unit-move", args=[tree.kec.uuid]), {"target": str(tree.desa.uuid)})
    assert response.status_code == 400
    assert "tidak dapat dipindahkan" in response.content.decode()
    tree.kec.refresh_from_db()
    assert tree.kec.parent_id == tree.kab.pk
    assert AuditEvent.objects.count() == events


def test_move_view_moves(admin_client, tree):
    response = admin_client.post(reverse("organisations:unit-move", args=[tree.kec.uuid]), {"target": str(tree.diskominfo.uuid)})
    assert response.status_code == 302
    tree.desa.refresh_from_db()
    assert tree.desa.path.startswith(tree.diskominfo.path)


def test_move_outside_own_reach_is_404(admin_client, tree):
    response = admin_client.post(reverse("organisations:unit-move", args=[tree.kec.uuid]), {"target": str(tree.kota.uuid)})
    assert response.status_code == 404
    tree.kec.refresh_from_db()
    assert tree.kec.parent_id == tree.kab.pk


def test_archive_and_restore(admin_client, tree):
    admin_client.post(reverse("organisations:unit-archive", args=[tree.kec.uuid]), {"archived": "1"})
    tree.desa.refresh_from_db()
    assert tree.desa.is_archived
    page = admin_client.get(reverse("organisations:unit-tree", args=[tree.kab.uuid]))
    assert ">Kecamatan Cibinong</a>" not in page.content.decode()
    page = admin_client.get(reverse("organisations:unit-tree", args=[tree.kab.uuid]) + "?arsip=1")
    assert ">Kecamatan Cibinong</a>" in page.content.decode()
    admin_client.post(reverse("organisations:unit-archive", args=[tree.kec.uuid]), {"archived": "0"})
    tree.desa.refresh_from_db()
    assert not tree.desa.is_archived


def test_tree_page_lists_children_with_counts_and_search(admin_client, tree, django_assert_max_num_queries):
    url = reverse("organisations:unit-tree", args=[tree.kab.uuid])
    with django_assert_max_num_queries(14):
        page = admin_client.get(url)
    html = page.content.decode()
    assert "Kecamatan Cibinong" in html
    assert "Dinas Komunikasi dan Informatika" in html
    search = admin_client.get(url + "?q=cibi", headers={"HX-Request": "true"})
    assert "Kecamatan Cibinong" in search.content.decode()
    assert "<html" not in search.content.decode()  # the fragment only
    assert "Dinas Komunikasi" not in search.content.decode()


def test_invitation_flow(admin_client, client, tree, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("organisations:member-invite", args=[tree.kab.uuid]),
                                     {"email": "Calon.Editor@bogorkab.go.id", "role": "editor"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+", mail.outbox[0].body).group(0)
    path = link.split("8000", 1)[-1] if "8000" in link else link
    client.logout()
    weak = client.post(path, {"full_name": "Calon Editor", "password": "lemah", "password2": "lemah"})
    assert weak.status_code == 400
    assert not Membership.objects.filter(user__email="calon.editor@bogorkab.go.id").exists()
    ok = client.post(path, {"full_name": "Calon Editor", "password": "Kuat-Sekali-2026", "password2": "Kuat-Sekali-2026"})
    assert ok.status_code == 302
    membership = Membership.objects.get(user__email="calon.editor@bogorkab.go.id")
    assert (membership.unit, membership.role) == (tree.kab, "editor")
    assert AuditEvent.objects.filter(action="invitation.accept").exists()
    again = client.get(path)
    assert again.status_code == 410
    assert "sudah dipakai" in again.content.decode()


def test_expired_invitation_changes_nothing(client, tree, admin):
    Invitation.objects.create(email="telat@bogorkab.go.id", unit=tree.kab, role="editor", token_hash=token_hash("rahasia"),
                              invited_by=admin, expires_at=timezone.now() - timedelta(minutes=1))
    users = Membership.objects.count()
    response = client.post(reverse("organisations:invitation-accept", args=["rahasia"]),
                           {"full_name": "Telat", "password": "Kuat-Sekali-2026", "password2": "Kuat-Sekali-2026"})
    assert response.status_code == 410
    assert "kedaluwarsa" in response.content.decode()
    assert Membership.objects.count() == users


def test_cannot_invite_with_higher_role_than_own(client, tree):
    from tests.conftest import login_client
    from tests.factories import make_member

    approver = make_member(tree.kab, "approver")
    # An approver cannot invite at all (member.manage is admin's).
    login_client(client, approver)
    response = client.post(reverse("organisations:member-invite", args=[tree.kab.uuid]), {"email": "a@b.go.id", "role": "admin"})
    assert response.status_code == 403
    assert Invitation.objects.count() == 0


def test_role_change_and_removal(admin_client, tree, viewer):
    membership = Membership.objects.get(user=viewer)
    admin_client.post(reverse("organisations:member-update", args=[tree.kab.uuid, membership.pk]), {"role": "analyst"})
    membership.refresh_from_db()
    assert membership.role == "analyst"
    admin_client.post(reverse("organisations:member-update", args=[tree.kab.uuid, membership.pk]), {"remove": "1"})
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(action="membership.remove").exists()


def test_api_token_is_shown_once_and_stored_hashed(admin_client, tree):
    url = reverse("organisations:token-list", args=[tree.kab.uuid])
    response = admin_client.post(url, {"name": "Dasbor pimpinan", "role": "viewer", "days": 30})
    raw = re.search(r"wrt_[A-Za-z0-9_\-]+", response.content.decode()).group(0)
    token = ApiToken.objects.get()
    assert token.token_hash == token_hash(raw)
    assert raw not in str(AuditEvent.objects.filter(action="token.create").values())
    assert raw not in admin_client.get(url).content.decode()
    admin_client.post(reverse("organisations:token-revoke", args=[tree.kab.uuid, token.uuid]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_role_cannot_exceed_own(viewer_client, tree):
    response = viewer_client.post(reverse("organisations:token-list", args=[tree.kab.uuid]), {"name": "x", "role": "admin", "days": 30})
    assert response.status_code == 400
    assert ApiToken.objects.count() == 0


def test_audit_page_and_csv_only_show_own_subtree(admin_client, tree):
    audit_record(action="unit.update", unit=tree.kec, target_label="Milik Kabupaten")
    audit_record(action="unit.update", unit=tree.kota, target_label="Milik Kota")
    page = admin_client.get(reverse("organisations:audit-list", args=[tree.kab.uuid]) + "?action=unit.update")
    html = page.content.decode()
    assert "Milik Kabupaten" in html
    assert "Milik Kota" not in html
    export = admin_client.get(reverse("organisations:audit-export", args=[tree.kab.uuid]))
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0][0] == "seq"
    labels = [r[7] for r in rows[1:]]
    assert "Milik Kabupaten" in labels
    assert "Milik Kota" not in labels


def test_switch_unit(client, tree):
    from tests.conftest import login_client
    from tests.factories import make_member

    user = make_member(tree.kab, "editor")
    Membership.objects.create(user=user, unit=tree.kemendagri, role="viewer")
    login_client(client, user)
    response = client.post(reverse("shell:switch-unit"), {"unit": str(tree.kemendagri.uuid)})
    assert response["Location"] == reverse("shell:dashboard", args=[tree.kemendagri.uuid])
    assert client.get(reverse("shell:home"))["Location"] == reverse("shell:dashboard", args=[tree.kemendagri.uuid])
    assert client.post(reverse("shell:switch-unit"), {"unit": str(tree.kota.uuid)}).status_code == 404
    assert client.post(reverse("shell:switch-unit"), {"unit": "bukan-uuid"}).status_code == 404


@pytest.mark.parametrize("slug", [a.slug for a in AREAS if not a.url_name])
def test_areas_show_honest_empty_state(viewer_client, tree, slug):
    response = viewer_client.get(reverse("shell:area", args=[tree.kab.uuid, slug]))
    assert "belum tersedia" in response.content.decode()


@pytest.mark.parametrize("area", [a for a in AREAS if a.url_name], ids=lambda a: a.slug)
def test_built_areas_lead_to_their_page(viewer_client, tree, area):
    response = viewer_client.get(reverse("shell:area", args=[tree.kab.uuid, area.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse(area.url_name, args=[tree.kab.uuid])


def test_unknown_area_is_404(viewer_client, tree):
    assert viewer_client.get(reverse("shell:area", args=[tree.kab.uuid, "tidak-ada"])).status_code == 404


def test_user_without_membership_sees_explanation(client, db):
    from tests.factories import UserFactory

    user = UserFactory()
    client.post("/akun/masuk/", {"username": user.email, "password": PASSWORD})
    response = client.get(reverse("shell:home"))
    assert "belum tergabung" in response.content.decode()


def test_move_page_offers_only_valid_targets(admin_client, tree):
    page = admin_client.get(reverse("organisations:unit-move", args=[tree.kec.uuid]) + "?q=a")
    html = page.content.decode()
    assert "Dinas Komunikasi dan Informatika" in html
    assert "Pakansari" not in html  # inside the unit itself
    assert "Kota Bogor" not in html  # outside the admin's reach
