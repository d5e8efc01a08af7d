"""The export-import pages: upload, preview with the mapping, apply, the list and the status."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import login_client
from warta.channels.models import Account
from warta.ingest.exports import services as export_services
from warta.ingest.models import ExportImport, Item, PostMetricSnapshot

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"


@pytest.fixture
def facebook(tree):
    return Account.objects.create(unit=tree.kab, platform="facebook", handle="humasbogorkab",
                                  external_id="104857600012345")


def upload(client, tree, account, name, **extra):
    data = {"account": str(account.uuid), "file": SimpleUploadedFile(name, (FILES / name).read_bytes())} | extra
    return client.post(reverse("ingest:export-import-list", args=[tree.kab.uuid]), data)


def test_an_editor_uploads_previews_and_applies(client, editor, tree, facebook):
    login_client(client, editor)
    page = client.get(reverse("ingest:export-import-list", args=[tree.kab.uuid]) + f"?akun={facebook.uuid}")
    assert page.status_code == 200
    assert f'value="{facebook.uuid}" selected' in page.content.decode()

    response = upload(client, tree, facebook, "meta_facebook_posts.csv", observed_at="2026-11-23T08:00")
    record = ExportImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("ingest:export-import-detail", args=[tree.kab.uuid, record.uuid])
    assert record.report["options"]["observed_at"] == "2026-11-23T01:00:00+00:00"  # 08:00 WIB

    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="preview-rows"' in html
    assert "Bupati meninjau perbaikan Jembatan Cibinong" in html
    assert 'data-testid="apply"' in html
    assert 'data-testid="bad-rows"' not in html
    assert Item.objects.count() == 0

    response = client.post(reverse("ingest:export-import-apply", args=[tree.kab.uuid, record.uuid]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == ExportImport.Status.DONE
    assert (Item.objects.count(), PostMetricSnapshot.objects.count()) == (4, 4)
    html = client.get(response["Location"]).content.decode()
    assert "Selesai: 4 unggahan baru disimpan, 0 sudah ada sebelumnya, 4 catatan metrik baru." in html
    listing = client.get(reverse("ingest:export-import-list", args=[tree.kab.uuid])).content.decode()
    assert "meta_facebook_posts.csv" in listing
    assert "Selesai" in listing


def test_a_pdf_named_csv_is_refused_on_the_form(admin_client, tree, facebook):
    response = upload(admin_client, tree, facebook, "laporan_insights.csv")
    assert response.status_code == 400
    assert "Berkas ini PDF, bukan CSV atau XLSX." in response.content.decode()
    assert ExportImport.objects.count() == 0


def test_an_account_outside_the_scope_cannot_be_chosen(admin_client, tree, facebook):
    theirs = Account.objects.create(unit=tree.kota, platform="facebook", handle="humaskotabogor")
    response = upload(admin_client, tree, theirs, "meta_facebook_posts.csv")
    assert response.status_code == 400
    assert "Akun ini tidak ada atau di luar wewenang Anda." in response.content.decode()
    assert ExportImport.objects.count() == 0


def test_bad_rows_are_listed_and_only_valid_rows_can_be_applied_on_request(admin_client, tree, facebook):
    upload(admin_client, tree, facebook, "meta_baris_bermasalah.csv")
    record = ExportImport.objects.get()
    url = reverse("ingest:export-import-detail", args=[tree.kab.uuid, record.uuid])
    html = admin_client.get(url).content.decode()
    assert 'data-row="4"' in html
    assert "Kolom “Reach”: nilai -5 tidak boleh negatif." in html
    assert 'data-testid="apply"' not in html
    assert 'data-testid="apply-valid-only"' in html

    apply_url = reverse("ingest:export-import-apply", args=[tree.kab.uuid, record.uuid])
    admin_client.post(apply_url)
    assert Item.objects.count() == 0  # plain "Terapkan" refuses a file with bad rows
    admin_client.post(apply_url, {"skip_invalid": "1"})
    record.refresh_from_db()
    assert record.status == ExportImport.Status.DONE
    assert Item.objects.count() == 2
    assert record.report["applied"]["skipped_rows"] == [3, 4, 5, 6, 7]


def test_the_mapping_form_maps_unknown_columns(admin_client, tree, facebook):
    upload(admin_client, tree, facebook, "kolom_tidak_dikenal.csv")
    record = ExportImport.objects.get()
    detail = reverse("ingest:export-import-detail", args=[tree.kab.uuid, record.uuid])
    html = admin_client.get(detail).content.decode()
    assert "Pilih kolom yang berisi ID unggahan." in html
    assert 'data-testid="apply"' not in html

    response = admin_client.post(reverse("ingest:export-import-mapping", args=[tree.kab.uuid, record.uuid]), {
        "format": "generic", "date_order": "auto", "timezone": "Asia/Jakarta", "observed_at": "",
        "col_post_id": "Nomor", "col_published_at": "Tanggal unggah", "col_text": "Isi", "col_likes": "Jumlah suka"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.mapping == {"post_id": "Nomor", "published_at": "Tanggal unggah", "text": "Isi", "likes": "Jumlah suka"}
    html = admin_client.get(detail).content.decode()
    assert 'data-testid="apply"' in html
    assert "Sosialisasi pajak daerah" in html


def test_a_queued_import_polls_its_status(admin_client, tree, facebook, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(export_services, "SYNC_MAX_ROWS", 1)
    upload(admin_client, tree, facebook, "meta_facebook_posts.csv")
    record = ExportImport.objects.get()
    with django_capture_on_commit_callbacks(execute=False):
        admin_client.post(reverse("ingest:export-import-apply", args=[tree.kab.uuid, record.uuid]))
    detail = reverse("ingest:export-import-detail", args=[tree.kab.uuid, record.uuid])
    html = admin_client.get(detail, headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith('<section id="import-status"')
    assert 'hx-trigger="every 2s"' in html
    assert "<progress" in html

    export_services.export_import_run(import_id=record.pk)
    html = admin_client.get(detail, headers={"HX-Request": "true"}).content.decode()
    assert 'data-status="done"' in html
    assert "hx-trigger" not in html


def test_the_list_shows_imports_of_units_below_and_not_beside(admin_client, sibling, tree, facebook):
    below = Account.objects.create(unit=tree.kec, platform="facebook", handle="keccibinong", external_id="777")
    export_services.export_import_create(actor=None, account=below, filename="kecamatan.csv",
                                         content=b"Post ID,Publish time\n1,2026-11-01 10:00\n")
    beside = Account.objects.create(unit=tree.kota, platform="facebook", handle="humaskotabogor", external_id="888")
    export_services.export_import_create(actor=sibling, account=beside, filename="kota.csv",
                                         content=b"Post ID,Publish time\n2,2026-11-01 10:00\n")
    html = admin_client.get(reverse("ingest:export-import-list", args=[tree.kab.uuid])).content.decode()
    assert "kecamatan.csv" in html
    assert "kota.csv" not in html


def test_the_list_page_reads_in_a_fixed_number_of_queries(admin_client, tree, facebook, django_assert_max_num_queries):
    def make(n):
        for i in range(n):
            export_services.export_import_create(actor=None, account=facebook, filename=f"e{i}.csv",
                                                 content=f"Post ID,Publish time\n{i},2026-11-01 10:00\n".encode())

    url = reverse("ingest:export-import-list", args=[tree.kab.uuid])
    make(1)
    admin_client.get(url)  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        admin_client.get(url)
    make(5)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = admin_client.get(url)
    html = response.content.decode()
    assert [name for name in ("e0.csv", "e1.csv", "e2.csv", "e3.csv", "e4.csv") if f">{name}<" in html] == [
        "e0.csv", "e1.csv", "e2.csv", "e3.csv", "e4.csv"]
