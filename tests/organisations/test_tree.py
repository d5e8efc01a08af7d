import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_unit
from warta.core.models import AuditEvent
from warta.organisations import selectors, services
from warta.organisations.models import Unit
from warta.organisations.scope import Grant, Scope


def test_subtree_is_one_range_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = set(Unit.objects.subtree_of(tree.kab).values_list("name", flat=True))
    assert names == {"Kabupaten Bogor", "Dinas Komunikasi dan Informatika", "Kecamatan Cibinong", "Pakansari"}


def test_sibling_is_not_inside(tree):
    assert tree.jabar.contains(tree.kota)
    assert not tree.kab.contains(tree.kota)
    assert not Unit.objects.subtree_of(tree.kab).filter(pk=tree.kota.pk).exists()


def test_move_rewrites_subtree_paths_and_depths(tree):
    services.unit_move(actor=None, unit=tree.kec, new_parent=tree.diskominfo)
    tree.desa.refresh_from_db()
    tree.kec.refresh_from_db()
    assert tree.kec.parent_id == tree.diskominfo.pk
    assert tree.desa.path.startswith(tree.diskominfo.path)
    assert tree.desa.depth == tree.diskominfo.depth + 2
    assert set(Unit.objects.subtree_of(tree.diskominfo).values_list("name", flat=True)) == {
        "Dinas Komunikasi dan Informatika", "Kecamatan Cibinong", "Pakansari"}


def test_move_under_own_descendant_is_refused_and_changes_nothing(tree):
    before = list(Unit.objects.values_list("pk", "path", "parent_id"))
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="tidak dapat dipindahkan"):
        services.unit_move(actor=None, unit=tree.kab, new_parent=tree.desa)
    with pytest.raises(ValidationError):
        services.unit_move(actor=None, unit=tree.kab, new_parent=tree.kab)
    assert list(Unit.objects.values_list("pk", "path", "parent_id")) == before
    assert AuditEvent.objects.count() == events


def test_duplicate_region_code_is_refused(tree):
    count = Unit.objects.count()
    with pytest.raises(ValidationError) as exc:
        make_unit("Kabupaten Bogor Dua", tree.jabar, region_code="32.01")
    assert "32.01" in str(exc.value)
    assert Unit.objects.count() == count


def test_archive_keeps_rows_and_restore(tree):
    services.unit_archive(actor=None, unit=tree.kec)
    assert Unit.objects.subtree_of(tree.kec).filter(archived_at__isnull=True).count() == 0
    assert Unit.objects.filter(pk=tree.desa.pk).exists()
    services.unit_archive(actor=None, unit=tree.kec, archived=False)
    assert Unit.objects.subtree_of(tree.kec).filter(archived_at__isnull=True).count() == 2


def test_children_with_counts(tree, django_assert_num_queries):
    scope = Scope(user=None, unit=tree.kab, role="admin", grants=(Grant(tree.kab.pk, tree.kab.path, "admin"),))
    services.unit_archive(actor=None, unit=make_unit("Desa Lama", tree.kec, kind="desa"))
    with django_assert_num_queries(2):
        children = selectors.units_count_below(units=list(selectors.unit_children(scope=scope, unit=tree.kab)))
    by_name = {c.name: c for c in children}
    assert (by_name["Kecamatan Cibinong"].child_count, by_name["Kecamatan Cibinong"].subtree_count) == (1, 2)
    assert (by_name["Dinas Komunikasi dan Informatika"].child_count, by_name["Dinas Komunikasi dan Informatika"].subtree_count) == (0, 0)


def test_time_zone_inherits_from_parent(db):
    root = make_unit("Provinsi Bali", kind="provinsi", time_zone="Asia/Makassar")
    child = make_unit("Kabupaten Badung", root, kind="kabupaten")
    assert child.time_zone == "Asia/Makassar"
    assert child.zone_label == "WITA"


def test_moving_a_unit_moves_its_memberships_paths(tree):
    from tests.factories import make_member

    user = make_member(tree.desa, "editor")
    services.unit_move(actor=None, unit=tree.kec, new_parent=tree.diskominfo)
    membership = user.memberships.get()
    tree.desa.refresh_from_db()
    assert membership.unit_path == tree.desa.path
    scope = Scope(user=None, unit=tree.diskominfo, role="admin", grants=(Grant(tree.diskominfo.pk, tree.diskominfo.path, "admin"),))
    assert list(selectors.membership_list(scope=scope, unit=tree.diskominfo)) == [membership]
