"""The region import: planning, applying all or nothing, the pages, the task and the command.

Every refused import is checked to change nothing: the same units with the same paths,
names and kinds, and no audit event.
"""

import os
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.urls import reverse

from tests.factories import make_member, make_unit
from warta.core.models import AuditEvent
from warta.organisations import imports
from warta.organisations.models import Membership, RegionImport, TimeZoneName, Unit, UnitKind
from warta.organisations.roles import Role
from warta.organisations.tasks import region_import_apply_task

pytestmark = pytest.mark.django_db

NEW_KECAMATAN = (
    "code,name,kind\n"
    "32.01.02,Kecamatan Babakan Madang,\n"
    "32.01.02.1001,Cijayanti,\n"
    "32.01.02.2002,Sentul,\n"
    "32.01.01,Cibinong,kecamatan\n"
)


def snapshot():
    """Everything an import could touch: every unit's place, name and kind; the audit length."""
    units = list(Unit.objects.order_by("pk").values_list("pk", "path", "parent_id", "name", "kind", "region_code"))
    return units, AuditEvent.objects.count()


def apply(unit, text, **kwargs):
    return imports.region_import_apply(actor=None, unit=unit, text=text, filename="uji.csv", **kwargs)


# --- planning -------------------------------------------------------------------------


def test_preview_shows_creates_updates_and_unchanged_and_writes_nothing(tree):
    before = snapshot()
    text = NEW_KECAMATAN + "32.01.01.1007,Pakansari,kelurahan\n"
    plan = imports.region_import_plan(unit=tree.kab, text=text)
    assert plan.ok
    assert {r.code: r.action for r in plan.rows} == {
        "32.01.02": "create", "32.01.02.1001": "create", "32.01.02.2002": "create",
        "32.01.01": "update", "32.01.01.1007": "unchanged",
    }
    assert plan.summary() == {"rows": 5, "create": 3, "update": 1, "unchanged": 1, "errors": 0, "file_errors": []}
    update = next(r for r in plan.rows if r.code == "32.01.01")
    assert update.notes == ["nama: Kecamatan Cibinong → Cibinong"]
    assert snapshot() == before


def test_header_aliases_semicolons_bom_and_crlf_are_read(tree):
    text = "\ufeffKode;Nama;Jenis\r\n32.01.02;Babakan Madang;kecamatan\r\n"
    plan = imports.region_import_plan(unit=tree.kab, text=imports.decode(text.encode("utf-8")))
    assert plan.ok, plan.messages()
    assert [(r.code, r.name, r.kind) for r in plan.rows] == [("32.01.02", "Babakan Madang", UnitKind.KECAMATAN)]


def test_kinds_are_inferred_from_codes(tree):
    text = ("code,name\n32.02,Kabupaten Sukabumi\n32.72,Sukabumi\n32.73,Kota Bandung\n32.02.01,Palabuhanratu\n"
            "32.02.01.1001,Palabuhanratu\n32.02.01.2002,Citarik\n")
    plan = imports.region_import_plan(unit=tree.jabar, text=text)
    assert plan.ok, plan.messages()
    assert {r.code: r.kind for r in plan.rows} == {
        "32.02": UnitKind.KABUPATEN, "32.72": UnitKind.KOTA, "32.73": UnitKind.KOTA,
        "32.02.01": UnitKind.KECAMATAN, "32.02.01.1001": UnitKind.KELURAHAN, "32.02.01.2002": UnitKind.DESA,
    }


# --- applying -------------------------------------------------------------------------


def test_apply_builds_the_tree_by_code(tree):
    events = AuditEvent.objects.count()
    summary = apply(tree.kab, NEW_KECAMATAN)
    assert (summary["create"], summary["update"], summary["unchanged"]) == (3, 1, 0)
    kec = Unit.objects.get(region_code="32.01.02")
    kel = Unit.objects.get(region_code="32.01.02.1001")
    desa = Unit.objects.get(region_code="32.01.02.2002")
    assert (kec.parent_id, kec.kind, kec.name, kec.depth) == (tree.kab.pk, UnitKind.KECAMATAN, "Kecamatan Babakan Madang", tree.kab.depth + 1)
    assert (kel.parent_id, kel.kind, kel.depth) == (kec.pk, UnitKind.KELURAHAN, kec.depth + 1)
    assert (desa.parent_id, desa.kind) == (kec.pk, UnitKind.DESA)
    assert kel.path.startswith(kec.path)
    assert kec.path.startswith(tree.kab.path)
    assert Unit.objects.subtree_of(kec).count() == 3
    assert len({kel.uuid, desa.uuid, kec.uuid}) == 3
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == events + 1
    assert (event.action, event.changes["create"], event.changes["update"]) == ("unit.import", 3, 1)
    assert event.changes["updated"] == {"32.01.01": ["Kecamatan Cibinong", "Cibinong"]}
    # New units go after the existing children of a parent, never over them.
    assert kec.path > Unit.objects.get(region_code="32.01.01").path


def test_reimporting_the_same_file_is_all_unchanged(tree):
    apply(tree.kab, NEW_KECAMATAN)
    count = Unit.objects.count()
    units = snapshot()[0]
    summary = apply(tree.kab, NEW_KECAMATAN)
    assert (summary["create"], summary["update"], summary["unchanged"]) == (0, 0, 4)
    assert Unit.objects.count() == count
    assert snapshot()[0] == units


def test_update_by_code_renames_in_place(tree):
    apply(tree.kab, "code,name\n32.01.01.1007,Kelurahan Pakansari\n")
    desa = Unit.objects.get(pk=tree.desa.pk)
    assert (desa.name, desa.path, desa.parent_id, desa.kind) == ("Kelurahan Pakansari", tree.desa.path, tree.kec.pk, UnitKind.KELURAHAN)


def test_time_zone_follows_the_province(tree):
    root = make_unit("Indonesia", kind=UnitKind.LAINNYA)
    apply(root, "code,name\n51,Bali\n51.71,Kota Denpasar\n91,Papua\n")
    zones = dict(Unit.objects.filter(region_code__in=["51", "51.71", "91"]).values_list("region_code", "time_zone"))
    assert zones == {"51": TimeZoneName.WITA, "51.71": TimeZoneName.WITA, "91": TimeZoneName.WIT}


def test_missing_parent_places_row_under_the_importing_unit(tree):
    plan = imports.region_import_plan(unit=tree.kab, text="code,name\n32.01.09.2001,Sukamaju\n")
    assert plan.rows[0].notes == ["Induk 32.01.09 tidak ada; ditempatkan langsung di bawah Kabupaten Bogor."]
    apply(tree.kab, "code,name\n32.01.09.2001,Sukamaju\n")
    assert Unit.objects.get(region_code="32.01.09.2001").parent_id == tree.kab.pk


def test_progress_is_reported_up_to_the_total(tree):
    calls = []
    apply(tree.kab, NEW_KECAMATAN, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 4)
    assert calls[-1] == (4, 4)
    assert [d for d, _t in calls] == sorted(d for d, _t in calls)


# --- refusals change nothing --------------------------------------------------------------

BAD_FILES = {
    "missing columns": ("kode_x,label\n32.01.02,Babakan Madang\n", "Kolom wajib tidak ada: code, name"),
    "no rows": ("code,name,kind\n\n", "Berkas tidak berisi baris data."),
    "invalid code": ("code,name\n32.01.1,Babakan Madang\n", 'Kode wilayah "32.01.1" tidak sah'),
    "unicode digits": ("code,name\n٣٢.01.02,Babakan Madang\n", "tidak sah"),
    "duplicate code": ("code,name\n32.01.02,Babakan Madang\n32.01.02,Babakan\n", "Kode 32.01.02 sudah muncul di baris 2."),
    "unknown kind": ("code,name,kind\n32.01.02,Babakan Madang,kampung\n", 'Jenis "kampung" tidak dikenal'),
    "kind of another level": ("code,name,kind\n32.01.02,Babakan Madang,desa\n", 'Jenis "desa" tidak cocok untuk kode 32.01.02'),
    "empty name": ("code,name\n32.01.02,\n", "Nama kosong."),
    "wrong parent": ("code,name,parent_code\n32.01.02,Babakan Madang,32.71\n", "Kode induk 32.71 tidak cocok"),
    "unclosed quote": ('code,name\n32.01.02,"Babakan\n' + "x" * 140_000 + "\n", "CSV tidak dapat dibaca"),
    "code of a sibling unit": ("code,name\n32.71,Kota Bogor\n", "Kode 32.71 bukan bagian dari wilayah Kabupaten Bogor (32.01)."),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_file_is_refused_with_a_clear_message_and_changes_nothing(tree, case):
    text, message = BAD_FILES[case]
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        apply(tree.kab, text)
    assert any(message in m for m in exc.value.messages), exc.value.messages
    assert snapshot() == before


def test_code_of_a_unit_outside_the_subtree_is_refused(tree):
    """Diskominfo has no region code: Kota Bogor's and Cibinong's codes belong to units outside it."""
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        apply(tree.diskominfo, "code,name\n32.71,Kota Bogor\n32.01.01.2009,Desa Baru\n")
    assert exc.value.messages == [
        "Baris 2 (32.71): Kode 32.71 sudah dipakai oleh Kota Bogor, di luar wewenang unit ini.",
        "Baris 3 (32.01.01.2009): Induk 32.01.01 (Kecamatan Cibinong) berada di luar wewenang unit ini.",
    ]
    assert snapshot() == before


def test_one_bad_row_among_many_applies_none_of_the_good_ones(tree):
    good = "".join(f"32.01.{k:02d},Kecamatan {k}\n" for k in range(2, 60))
    text = "code,name\n" + good + "32.01.60,\n" + "".join(f"32.01.02.{2000 + k},Desa {k}\n" for k in range(1, 300))
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        apply(tree.kab, text)
    assert exc.value.messages == ["Baris 60 (32.01.60): Nama kosong."]
    assert snapshot() == before


def test_archived_parent_is_refused(tree):
    from warta.organisations.services import unit_archive

    unit_archive(actor=None, unit=tree.kec)
    before = snapshot()
    with pytest.raises(ValidationError, match="diarsipkan"):
        apply(tree.kab, "code,name\n32.01.01.2010,Desa Baru\n")
    assert snapshot() == before


@pytest.mark.parametrize(("content", "message"), [
    ("code,name\n32.01.02,Babakan Ma\xefdang\n".encode("latin-1"), 'Berkas harus berenkode UTF-8. Simpan ulang sebagai "CSV UTF-8".'),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Berkas ini bukan CSV teks. Simpan daftar wilayah sebagai CSV (UTF-8)."),
    ("code,name\n".encode("utf-16"), 'Berkas berenkode UTF-16. Simpan ulang sebagai "CSV UTF-8".'),
])
def test_undecodable_upload_is_refused_and_not_stored(tree, admin, content, message):
    with pytest.raises(ValidationError) as exc:
        imports.region_import_create(actor=admin, unit=tree.kab, filename="x.csv", content=content)
    assert exc.value.messages == [message]
    assert not RegionImport.objects.exists()


def test_oversized_upload_is_refused(tree, admin, settings):
    settings.WARTA_MAX_IMPORT_BYTES = 100
    with pytest.raises(ValidationError, match="Berkas terlalu besar; paling besar 100"):
        imports.region_import_create(actor=admin, unit=tree.kab, filename="x.csv",
                                     content=NEW_KECAMATAN.encode() * 3)
    assert not RegionImport.objects.exists()


# --- the pages --------------------------------------------------------------------------


def _upload(client, unit, text: bytes | str, name="wilayah.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = text.encode() if isinstance(text, str) else text
    return client.post(reverse("organisations:region-import", args=[unit.uuid]),
                       {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


def test_admin_uploads_previews_and_applies(admin_client, tree, django_capture_on_commit_callbacks):
    response = admin_client.get(reverse("organisations:region-import", args=[tree.kab.uuid]))
    assert response.status_code == 200
    assert "Impor daftar wilayah" in response.content.decode()
    before = snapshot()

    response = _upload(admin_client, tree.kab, NEW_KECAMATAN)
    record = RegionImport.objects.get()
    detail = reverse("organisations:region-import-detail", args=[tree.kab.uuid, record.uuid])
    assert response.status_code == 302
    assert response.url == detail
    assert (record.status, record.filename, record.summary["create"]) == (RegionImport.Status.PREVIEW, "wilayah.csv", 3)
    assert snapshot() == before  # a preview writes no unit and no audit event

    page = admin_client.get(detail + "?tindakan=")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="count-create">3<' in html
    assert 'data-testid="count-update">1<' in html
    assert 'data-testid="apply"' in html
    assert "Terapkan" in html
    assert "Kecamatan Babakan Madang" in html
    assert "nama: Kecamatan Cibinong → Cibinong" in html

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("organisations:region-import-apply", args=[tree.kab.uuid, record.uuid]))
    assert response.status_code == 302
    assert response.url == detail
    record.refresh_from_db()
    assert record.status == RegionImport.Status.DONE
    assert record.finished_at is not None
    assert record.summary["create"] == 3
    assert Unit.objects.get(region_code="32.01.02.2002").kind == UnitKind.DESA
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.actor_id) == ("unit.import", record.created_by_id)

    html = admin_client.get(detail).content.decode()
    assert 'data-status="done"' in html
    assert "Selesai: 3 unit dibuat, 1 diperbarui, 0 tetap." in html
    assert "hx-trigger" not in html

    # Applying again is refused politely and changes nothing.
    units = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("organisations:region-import-apply", args=[tree.kab.uuid, record.uuid]))
    assert snapshot() == units

    listing = admin_client.get(reverse("organisations:region-import", args=[tree.kab.uuid])).content.decode()
    assert "wilayah.csv" in listing
    assert "selesai" in listing


def test_preview_lists_row_errors_and_offers_no_apply(admin_client, tree, django_capture_on_commit_callbacks):
    _upload(admin_client, tree.kab, "code,name,kind\n32.01.02,Babakan,kampung\n32.01.03,Sukaraja\n")
    record = RegionImport.objects.get()
    detail = reverse("organisations:region-import-detail", args=[tree.kab.uuid, record.uuid])
    html = admin_client.get(detail).content.decode()
    assert "Jenis &quot;kampung&quot; tidak dikenal" in html
    assert 'data-testid="apply"' not in html
    assert 'data-action="create"' not in html  # only the rows in error are listed by default
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("organisations:region-import-apply", args=[tree.kab.uuid, record.uuid]))
    record.refresh_from_db()
    assert record.status == RegionImport.Status.PREVIEW
    assert snapshot() == before


def test_bad_upload_shows_the_message_and_stores_nothing(admin_client, tree):
    response = _upload(admin_client, tree.kab, "code,name\n32.01.02,Caf\xe9\n".encode("latin-1"))
    assert response.status_code == 400
    assert "Berkas harus berenkode UTF-8" in response.content.decode()
    assert not RegionImport.objects.exists()


def test_oversized_upload_through_the_page(admin_client, tree, settings):
    settings.WARTA_MAX_IMPORT_BYTES = 50
    response = _upload(admin_client, tree.kab, NEW_KECAMATAN)
    assert response.status_code == 400
    assert "Berkas terlalu besar" in response.content.decode()
    assert not RegionImport.objects.exists()


def test_status_fragment_polls_while_queued(admin_client, tree, admin):
    record, _plan = imports.region_import_create(actor=admin, unit=tree.kab, filename="a.csv", content=NEW_KECAMATAN.encode())
    RegionImport.objects.filter(pk=record.pk).update(status=RegionImport.Status.APPLYING)
    detail = reverse("organisations:region-import-detail", args=[tree.kab.uuid, record.uuid])
    response = admin_client.get(detail, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="import-status"')
    assert "<html" not in html
    assert 'hx-trigger="every 2s"' in html
    assert f'hx-get="{detail}"' in html
    assert "<progress" in html
    assert "Sedang diterapkan" in html
    # Once done, the fragment stops polling.
    imports.region_import_finish(record=record, status=RegionImport.Status.DONE)
    html = admin_client.get(detail, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in html
    assert 'data-status="done"' in html


def test_sibling_admin_sees_nothing_of_another_units_imports(sibling_client, tree, admin):
    record, _plan = imports.region_import_create(actor=admin, unit=tree.kab, filename="a.csv", content=NEW_KECAMATAN.encode())
    urls = [
        reverse("organisations:region-import", args=[tree.kab.uuid]),
        reverse("organisations:region-import-detail", args=[tree.kab.uuid, record.uuid]),
        # The sibling's own unit in the URL does not open another unit's record either.
        reverse("organisations:region-import-detail", args=[tree.kota.uuid, record.uuid]),
    ]
    for url in urls:
        assert sibling_client.get(url).status_code == 404, url
    before = snapshot()
    for unit in (tree.kab, tree.kota):
        url = reverse("organisations:region-import-apply", args=[unit.uuid, record.uuid])
        assert sibling_client.post(url).status_code == 404
    assert _upload(sibling_client, tree.kab, NEW_KECAMATAN).status_code == 404
    record.refresh_from_db()
    assert record.status == RegionImport.Status.PREVIEW
    assert RegionImport.objects.count() == 1
    assert snapshot() == before
    # Their own page lists none of Kabupaten Bogor's imports.
    own = sibling_client.get(reverse("organisations:region-import", args=[tree.kota.uuid])).content.decode()
    assert "a.csv" not in own


def test_viewer_is_forbidden(viewer_client, tree, admin):
    record, _plan = imports.region_import_create(actor=admin, unit=tree.kab, filename="a.csv", content=NEW_KECAMATAN.encode())
    assert viewer_client.get(reverse("organisations:region-import", args=[tree.kab.uuid])).status_code == 403
    assert viewer_client.get(reverse("organisations:region-import-detail", args=[tree.kab.uuid, record.uuid])).status_code == 403
    assert _upload(viewer_client, tree.kab, NEW_KECAMATAN).status_code == 403
    before = snapshot()
    assert viewer_client.post(reverse("organisations:region-import-apply", args=[tree.kab.uuid, record.uuid])).status_code == 403
    assert RegionImport.objects.count() == 1
    assert RegionImport.objects.get().status == RegionImport.Status.PREVIEW
    assert snapshot() == before


# --- the task -------------------------------------------------------------------------------


def _queued(unit, actor, text=NEW_KECAMATAN) -> RegionImport:
    record, _plan = imports.region_import_create(actor=actor, unit=unit, filename="a.csv", content=text.encode())
    RegionImport.objects.filter(pk=record.pk).update(status=RegionImport.Status.QUEUED)
    return record


def test_task_is_safe_to_run_twice(tree, admin):
    record = _queued(tree.kab, admin)
    assert region_import_apply_task.call(record.pk) == "done"
    units = snapshot()
    assert region_import_apply_task.call(record.pk) == "skipped"
    assert snapshot() == units


def test_task_catches_data_changed_since_the_preview(tree, admin):
    record = _queued(tree.kab, admin)
    make_unit("Kecamatan Babakan Madang", tree.kota, kind=UnitKind.KECAMATAN, region_code="32.01.02")
    before = snapshot()
    assert region_import_apply_task.call(record.pk) == "failed"
    record.refresh_from_db()
    assert record.status == RegionImport.Status.FAILED
    assert "Kode 32.01.02 sudah dipakai oleh Kecamatan Babakan Madang, di luar wewenang unit ini." in record.error
    assert snapshot() == before


def test_task_refuses_an_uploader_who_lost_the_role(tree, admin):
    record = _queued(tree.kab, admin)
    Membership.objects.filter(user=admin).update(role=Role.EDITOR)
    before = snapshot()
    assert region_import_apply_task.call(record.pk) == "failed"
    record.refresh_from_db()
    assert record.error == "Pengunggah tidak lagi berwenang mengelola Kabupaten Bogor; tidak ada yang diubah."
    assert snapshot() == before


def test_task_of_an_admin_above_applies(tree):
    provincial = make_member(tree.jabar, Role.ADMIN)
    record = _queued(tree.kab, provincial)
    assert region_import_apply_task.call(record.pk) == "done"
    assert Unit.objects.filter(region_code="32.01.02").exists()


# --- the command --------------------------------------------------------------------------


def test_command_dry_run_then_real(tree, tmp_path, capsys):
    provinces = tmp_path / "kecamatan.csv"
    provinces.write_text("code,name\n32.01.02,Babakan Madang\n")
    villages = tmp_path / "desa.csv"
    villages.write_text("code,name,parent_code\n32.01.02.1001,Cijayanti,32.01.02\n32.01.02.2002,Sentul,32.01.02\n")
    before = snapshot()
    call_command("import_regions", str(provinces), str(villages), "--under", "32.01", "--dry-run")
    out = capsys.readouterr().out
    assert "3 baris — 3 baru, 0 diperbarui, 0 tetap, 0 bermasalah" in out
    assert "Uji coba: tidak ada yang diubah." in out
    assert snapshot() == before

    call_command("import_regions", str(provinces), str(villages), "--under", str(tree.kab.uuid))
    out = capsys.readouterr().out
    assert "3/3 baris (100%)" in out
    assert "3 unit dibuat" in out
    kec = Unit.objects.get(region_code="32.01.02")
    assert kec.parent_id == tree.kab.pk
    assert set(Unit.objects.filter(parent=kec).values_list("region_code", "kind")) == {
        ("32.01.02.1001", UnitKind.KELURAHAN), ("32.01.02.2002", UnitKind.DESA)}

    call_command("import_regions", str(provinces), str(villages), "--under", "32.01")
    assert "tidak ada yang perlu diubah" in capsys.readouterr().out


def test_command_reports_errors_by_file_and_line_and_changes_nothing(tree, tmp_path, capsys):
    good = tmp_path / "baik.csv"
    good.write_text("code,name\n32.01.02,Babakan Madang\n")
    bad = tmp_path / "buruk.csv"
    bad.write_text("code,name,kind\n32.01.03,Sukaraja,kecamatan\n\n32.01.03.2001,,desa\n")
    before = snapshot()
    with pytest.raises(CommandError, match="Tidak ada yang diubah"):
        call_command("import_regions", str(good), str(bad), "--under", "32.01")
    assert "buruk.csv:4: 32.01.03.2001: Nama kosong." in capsys.readouterr().err
    assert snapshot() == before
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("import_regions", str(good), "--under", "99.99")


WILAYAH = Path("/work/shared/data/wilayah")


@pytest.mark.skipif(not (os.environ.get("WARTA_SLOW_TESTS") and WILAYAH.exists()),
                    reason="slow: set WARTA_SLOW_TESTS=1 to import the full national list")
def test_full_national_list(db, capsys):
    root = make_unit("Indonesia", kind=UnitKind.LAINNYA)
    files = [str(WILAYAH / f"{name}.csv") for name in ("provinces", "regencies", "districts", "villages")]
    call_command("import_regions", *files, "--under", str(root.uuid))
    counts = dict(Unit.objects.filter(region_code__isnull=False).order_by().values_list("kind").annotate(n=Count("pk")))
    assert counts == {"provinsi": 38, "kabupaten": 416, "kota": 98, "kecamatan": 7285, "kelurahan": 8496, "desa": 75266}


def test_progress_is_shown_when_a_shared_cache_carries_it(admin_client, tree, admin, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    record = _queued(tree.kab, admin)
    RegionImport.objects.filter(pk=record.pk).update(status=RegionImport.Status.APPLYING)
    record.refresh_from_db()
    imports.region_import_progress_reporter(record=record)(2000, 91599)
    detail = reverse("organisations:region-import-detail", args=[tree.kab.uuid, record.uuid])
    html = admin_client.get(detail, HTTP_HX_REQUEST="true").content.decode()
    assert '<progress value="2000" max="91599"' in html
    assert "2.000 dari 91.599 baris diterapkan" in html


def test_progress_is_not_kept_in_a_database_cache(tree, admin, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "warta_cache"}}
    record = _queued(tree.kab, admin)
    assert imports.region_import_progress_reporter(record=record) is None


def test_a_collision_while_writing_is_a_clear_refusal_and_changes_nothing(tree, monkeypatch):
    """Another writer took the path the import meant to use: everything is rolled back."""

    def stale(parent_ids, next_segment):
        for pk in parent_ids:
            next_segment[pk] = 0  # as if the parent had no children yet

    monkeypatch.setattr(imports, "_load_last_segments", stale)
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        apply(tree.kab, NEW_KECAMATAN)
    assert exc.value.messages == ["Impor bentrok dengan perubahan lain pada pohon unit; tidak ada yang diubah. Coba lagi."]
    assert snapshot() == before
