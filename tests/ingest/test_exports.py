"""Import of the platforms' export files: reading, detecting, previewing, applying all or nothing.

Every refused file is checked to leave the ingest tables (items, quarantine, snapshots)
exactly as they were.
"""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from warta.channels.models import Account
from warta.core.models import AuditEvent
from warta.ingest import services as ingest_services
from warta.ingest.exports import mapping, reader
from warta.ingest.exports import services as export_services
from warta.ingest.exports.mapping import describe
from warta.ingest.models import ExportImport, Item, PostMetricSnapshot, Quarantine
from warta.ingest.tasks import export_import_apply_task

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"
OBSERVED = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
PAGE = "104857600012345"


def content(name: str) -> bytes:
    return (FILES / name).read_bytes()


def ingest_state():
    """Everything an import could write in the ingest tables."""
    return (list(Item.objects.order_by("pk").values_list("platform", "external_id", "metrics")),
            list(PostMetricSnapshot.objects.order_by("pk").values_list("external_id", "observed_at", "values")),
            Quarantine.objects.count())


@pytest.fixture
def facebook(tree):
    return Account.objects.create(unit=tree.kab, platform="facebook", handle="humasbogorkab", external_id=PAGE)


@pytest.fixture
def instagram(tree):
    return Account.objects.create(unit=tree.kab, platform="instagram", handle="humasbogorkab",
                                  external_id="17841400123456789")


@pytest.fixture
def x_account(tree):
    return Account.objects.create(unit=tree.kab, platform="x", handle="humasbogorkab", external_id="1122334455")


@pytest.fixture
def youtube(tree):
    return Account.objects.create(unit=tree.kab, platform="youtube", handle="@humaskabbogor",
                                  external_id="UCabcdefghijklmnopqrstuv")


def create(account, name, admin, **kwargs):
    return export_services.export_import_create(actor=admin, account=account, filename=name, content=content(name),
                                                observed_at=kwargs.pop("observed_at", OBSERVED), **kwargs)


def messages(items):
    return [describe(i) for i in items]


# --- reading and detecting --------------------------------------------------------------


def test_meta_facebook_export_is_recognised_and_previewed_without_storing(facebook, admin):
    before = ingest_state()
    record = create(facebook, "meta_facebook_posts.csv", admin)

    assert record.status == ExportImport.Status.PREVIEW
    assert record.format == "meta_facebook_posts"
    assert record.report["file"]["encoding"] == "utf-8-sig"
    assert record.report["problems"] == []
    assert record.report["counts"] == {"rows": 4, "valid": 4, "bad": 0, "total_rows_skipped": 0}
    assert record.mapping["post_id"] == "Post ID"
    assert record.mapping["published_at"] == "Publish time"
    assert record.mapping["engagements"] == "Reactions, Comments and Shares"
    first = record.report["preview"][0]
    assert first["external_id"] == f"{PAGE}_1029384756102938"
    assert first["created_at"] == "2026-11-18T01:15:00+00:00"  # 08:15 WIB
    assert first["text"].startswith("Bupati meninjau")  # Meta keeps a photo's caption in "Title"
    assert first["metrics"] == {"views": 12400, "reach": 9100, "engagements": 640, "reactions": 520,
                                "comments": 73, "shares": 47, "clicks": 310}
    video = record.report["preview"][2]
    assert video["extra"] == {"post_type": "Videos", "duration_seconds": 94}
    assert video["metrics"]["watch_time_minutes"] == 6837  # 410,220 seconds viewed
    assert video["metrics"]["avg_view_duration_seconds"] == 15
    assert ingest_state() == before
    assert AuditEvent.objects.filter(action="export.upload").count() == 1


def test_instagram_export_in_utf16_with_tabs_is_read(instagram, admin):
    record = create(instagram, "meta_instagram_posts_utf16.csv", admin)

    assert record.format == "meta_instagram_posts"
    assert (record.report["file"]["encoding"], record.report["file"]["delimiter"]) == ("utf-16", "\t")
    assert record.report["counts"]["valid"] == 2
    reel = record.report["preview"][1]
    assert reel["metrics"] == {"views": 41200, "reach": 30115, "likes": 2004, "shares": 733, "follows": 85,
                               "comments": 210, "saves": 415}
    assert reel["url"] == "https://www.instagram.com/reel/DBd2Xyz0AbD/"


def test_x_tweet_activity_export_is_read_with_its_time_zone(x_account, admin):
    record = create(x_account, "x_tweet_activity.csv", admin)

    assert record.format == "x_tweet_activity"
    assert record.report["counts"]["valid"] == 3
    first = record.report["preview"][0]
    assert first["created_at"] == "2026-11-18T02:00:00+00:00"
    assert first["metrics"]["impressions"] == 15230
    assert first["metrics"]["reposts"] == 88
    assert first["metrics"]["comments"] == 41
    assert first["metrics"]["url_clicks"] == 102
    assert "engagement rate" in describe(record.report["notes"][-1])  # ratio columns are left out


def test_youtube_studio_table_skips_the_total_row_and_keeps_net_subscribers(youtube, admin):
    record = create(youtube, "youtube_table_data.csv", admin)

    assert record.format == "youtube_studio_content"
    assert record.report["counts"] == {"rows": 3, "valid": 3, "bad": 0, "total_rows_skipped": 1}
    first, second = record.report["preview"][:2]
    assert first["url"] == "https://www.youtube.com/watch?v=aB3dEfGh1jK"
    assert first["title"] == "Profil Kabupaten Bogor 2026"
    assert first["created_at"] == "2026-11-01T17:00:00+00:00"  # 2 Nov 00:00 WIB
    assert first["metrics"]["watch_time_minutes"] == 54147  # 902.4418 hours
    assert first["metrics"]["avg_view_duration_seconds"] == 259
    assert second["external_id"] == "-Xy9ZqW2rT0"
    assert second["metrics"]["subscribers_net"] == -5
    assert "Total" in messages(record.report["notes"])[0]


def test_xlsx_export_is_read_with_its_date_cells(facebook, admin):
    record = create(facebook, "meta_facebook_posts.xlsx", admin)

    assert record.report["file"]["kind"] == "xlsx"
    assert record.report["counts"]["valid"] == 2
    assert record.report["preview"][0]["created_at"] == "2026-11-17T02:30:00+00:00"
    assert record.report["preview"][0]["metrics"] == {"views": 5400, "reach": 4100, "reactions": 220,
                                                      "comments": 31, "shares": 12}


# --- refused files ----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "message"), [
    ("laporan_insights.csv", "Berkas ini PDF, bukan CSV atau XLSX."),
    ("kosong.csv", "Berkas kosong."),
    ("tanpa_judul_kolom.xlsx", "Baris pertama berisi data, bukan judul kolom."),
])
def test_unreadable_files_are_refused_and_nothing_is_stored(facebook, admin, name, message):
    before = ingest_state(), ExportImport.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        create(facebook, name, admin)
    assert caught.value.messages[0].startswith(message)
    assert (ingest_state(), ExportImport.objects.count(), AuditEvent.objects.count()) == before


def test_a_file_over_the_size_limit_is_refused(facebook, admin, settings):
    settings.WARTA_MAX_EXPORT_BYTES = 1000
    with pytest.raises(ValidationError) as caught:
        create(facebook, "meta_facebook_posts.csv", admin)
    assert caught.value.messages == ["Berkas terlalu besar; paling besar 1000\xa0bita."]
    assert ExportImport.objects.count() == 0


def test_a_file_over_the_row_limit_is_refused(facebook, admin, settings):
    settings.WARTA_MAX_EXPORT_ROWS = 3
    with pytest.raises(ValidationError) as caught:
        create(facebook, "meta_facebook_posts.csv", admin)
    assert caught.value.messages[0].startswith("Berkas berisi lebih dari 3 baris data.")
    assert ExportImport.objects.count() == 0


def test_a_zip_that_is_not_a_workbook_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("foto.jpg", b"x")
    with pytest.raises(reader.ExportFileError, match="arsip ZIP, bukan XLSX"):
        reader.read_table(buffer.getvalue())


def test_unknown_columns_need_a_mapping_and_store_nothing_until_mapped(facebook, admin):
    before = ingest_state()
    record = create(facebook, "kolom_tidak_dikenal.csv", admin)

    assert record.format == "generic"
    assert messages(record.report["problems"]) == [
        "Judul kolom berkas ini tidak dikenali sebagai ekspor Meta Business Suite, X Analytics, atau YouTube Studio. "
        "Pilih sendiri kolom yang berisi ID unggahan dan waktu terbit.",
        "Pilih kolom yang berisi ID unggahan.",
        "Pilih kolom yang berisi Waktu terbit.",
    ]
    with pytest.raises(ValidationError):
        export_services.export_import_apply(actor=admin, record=record)
    assert ingest_state() == before

    record = export_services.export_import_mapping_update(
        actor=admin, record=record,
        mapping={"post_id": "Nomor", "published_at": "Tanggal unggah", "text": "Isi", "likes": "Jumlah suka"})
    assert record.report["problems"] == []
    assert record.report["counts"]["valid"] == 2
    record = export_services.export_import_apply(actor=admin, record=record)
    assert record.status == ExportImport.Status.DONE
    assert Item.objects.get(external_id="A-1").metrics == {"likes": 150}


def test_an_x_export_on_a_facebook_account_is_a_mismatch(facebook, admin):
    record = create(facebook, "x_tweet_activity.csv", admin)
    assert messages(record.report["problems"])[0] == (
        "Berkas ini tampaknya X (Twitter) Analytics — aktivitas tweet, padahal akun yang dipilih adalah akun "
        "Facebook. Unggah berkas ini pada akun yang sesuai.")
    with pytest.raises(ValidationError):
        export_services.export_import_apply(actor=admin, record=record)
    assert Item.objects.count() == 0


def test_broken_dates_are_listed_with_the_expected_format(facebook, admin):
    before = ingest_state()
    record = create(facebook, "meta_tanggal_rusak.csv", admin)

    assert record.report["counts"] == {"rows": 3, "valid": 1, "bad": 2, "total_rows_skipped": 0}
    bad = {b["row"]: messages(b["reasons"]) for b in record.report["bad_rows"]}
    assert bad == {
        3: ["Kolom “Publish time”: “kemarin sore” bukan tanggal yang dapat dibaca; format yang diharapkan seperti "
            "“09/16/2026 14:05” atau “2026-09-16 14:05”."],
        4: ["Kolom “Publish time”: “31/31/2026 25:00” bukan tanggal yang dapat dibaca; format yang diharapkan seperti "
            "“09/16/2026 14:05” atau “2026-09-16 14:05”."],
    }
    with pytest.raises(ValidationError) as caught:
        export_services.export_import_apply(actor=admin, record=record)
    assert caught.value.messages == ["2 baris bermasalah. Perbaiki berkasnya, atau pilih “Terapkan baris yang valid saja”."]
    assert ingest_state() == before


def test_every_bad_row_is_listed_with_its_number_and_reason(facebook, admin):
    record = create(facebook, "meta_baris_bermasalah.csv", admin)

    bad = {b["row"]: messages(b["reasons"]) for b in record.report["bad_rows"]}
    assert bad == {
        3: ["ID unggahan kosong."],
        4: ["Kolom “Reach”: nilai -5 tidak boleh negatif."],
        5: ["Kolom “Reactions”: “banyak” bukan angka."],
        6: [f"ID unggahan {PAGE}_5029384756100001 sudah ada di baris 2 berkas ini."],
        7: ["Kolom “Title”: teks terlalu panjang (600 karakter; paling banyak 500)."],
    }
    assert record.report["counts"]["valid"] == 2


# --- applying ---------------------------------------------------------------------------


def test_apply_stores_posts_and_snapshots_once_and_a_reimport_changes_nothing(facebook, admin, tree):
    record = create(facebook, "meta_facebook_posts.csv", admin)
    record = export_services.export_import_apply(actor=admin, record=record)

    assert record.status == ExportImport.Status.DONE
    assert record.report["applied"] == {"stored": 4, "already_stored": 0, "snapshots": 4, "skipped_rows": []}
    item = Item.objects.get(external_id=f"{PAGE}_1029384756102938")
    assert (item.platform, item.kind, item.account, item.unit, item.source) == ("facebook", "post", facebook, tree.kab, "file")
    assert item.account_external_id == PAGE
    assert item.url == "https://www.facebook.com/humasbogorkab/posts/pfbid0abc1029384756"
    assert item.created_at == datetime(2026, 11, 18, 1, 15, tzinfo=UTC)
    assert item.metrics["reach"] == 9100
    snapshot = PostMetricSnapshot.objects.get(external_id=item.external_id)
    assert (snapshot.account, snapshot.observed_at, snapshot.values["views"]) == (facebook, OBSERVED, 12400)
    assert AuditEvent.objects.filter(action="export.apply").count() == 1
    state = ingest_state()

    # The same file again, with no date entered: the first import's observation time is reused.
    again = export_services.export_import_create(actor=admin, account=facebook, filename="lagi.csv",
                                                 content=content("meta_facebook_posts.csv"))
    assert "sudah diterapkan" in messages(again.report["notes"])[0]
    again = export_services.export_import_apply(actor=admin, record=again)
    assert again.report["applied"] == {"stored": 0, "already_stored": 4, "snapshots": 0, "skipped_rows": []}
    assert ingest_state() == state
    assert Item.objects.get(external_id=item.external_id).deliveries == 1


def test_apply_valid_rows_only_records_the_skipped_rows(facebook, admin):
    record = create(facebook, "meta_baris_bermasalah.csv", admin)
    record = export_services.export_import_apply(actor=admin, record=record, skip_invalid=True)

    assert record.status == ExportImport.Status.DONE
    assert record.report["applied"]["skipped_rows"] == [3, 4, 5, 6, 7]
    assert sorted(Item.objects.values_list("external_id", flat=True)) == [
        f"{PAGE}_5029384756100001", f"{PAGE}_5029384756100007"]
    assert Quarantine.objects.count() == 0


def test_an_apply_failing_midway_leaves_nothing_stored(facebook, admin, monkeypatch):
    monkeypatch.setattr(export_services, "BATCH", 1)
    real = ingest_services.metrics_record
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk penuh")
        return real(**kwargs)

    monkeypatch.setattr(ingest_services, "metrics_record", flaky)
    before = ingest_state()
    record = create(facebook, "meta_facebook_posts.csv", admin)
    record = export_services.export_import_apply(actor=admin, record=record)

    assert len(calls) == 3
    assert record.status == ExportImport.Status.FAILED
    assert messages(record.report["error"]) == [
        "Terjadi kesalahan tak terduga saat menerapkan; tidak ada yang disimpan. Coba lagi nanti atau hubungi "
        "pengelola Warta."]
    assert ingest_state() == before
    assert AuditEvent.objects.filter(action="export.apply").count() == 0
    assert AuditEvent.objects.filter(action="export.apply_failed").count() == 1

    # Once the fault is gone the same import can be applied.
    monkeypatch.setattr(ingest_services, "metrics_record", real)
    record = export_services.export_import_apply(actor=admin, record=record)
    assert record.status == ExportImport.Status.DONE
    assert Item.objects.count() == 4


def test_a_post_stored_for_another_account_is_a_bad_row(facebook, admin, tree):
    other = Account.objects.create(unit=tree.kota, platform="facebook", handle="humaskotabogor", external_id="999")
    ingest_services.items_ingest(items=[{
        "platform": "facebook", "external_id": f"{PAGE}_1029384756102938", "kind": "post", "text": "x",
        "created_at": "2026-11-18T01:15:00+00:00", "account_external_id": "999"}], source="fetch")
    record = create(facebook, "meta_facebook_posts.csv", admin)
    assert messages(record.report["bad_rows"][0]["reasons"]) == [
        f"Unggahan {PAGE}_1029384756102938 sudah tercatat pada akun lain. Periksa apakah akun yang dipilih benar."]
    assert Item.objects.get(external_id=f"{PAGE}_1029384756102938").account == other


def test_big_files_are_queued_and_the_task_applies_them_once(facebook, admin, monkeypatch,
                                                            django_capture_on_commit_callbacks):
    monkeypatch.setattr(export_services, "SYNC_MAX_ROWS", 2)
    record = create(facebook, "meta_facebook_posts.csv", admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record = export_services.export_import_apply(actor=admin, record=record)
    assert record.status == ExportImport.Status.APPLYING
    assert Item.objects.count() == 0
    assert len(callbacks) == 1

    assert export_import_apply_task.call(record.pk) == "done"
    assert export_import_apply_task.call(record.pk) == "skipped"
    record.refresh_from_db()
    assert record.status == ExportImport.Status.DONE
    assert Item.objects.count() == 4
    assert PostMetricSnapshot.objects.count() == 4


def test_the_task_refuses_an_applier_who_lost_the_role(facebook, editor, monkeypatch):
    from warta.organisations.models import Membership

    monkeypatch.setattr(export_services, "SYNC_MAX_ROWS", 2)
    record = create(facebook, "meta_facebook_posts.csv", editor)
    record = export_services.export_import_apply(actor=editor, record=record)
    Membership.objects.filter(user=editor).update(role="viewer")

    assert export_import_apply_task.call(record.pk) == "failed"
    record.refresh_from_db()
    assert record.status == ExportImport.Status.FAILED
    assert "tidak lagi berwenang" in messages(record.report["error"])[0]
    assert Item.objects.count() == 0


def test_an_applied_import_cannot_change_or_apply_again(facebook, admin):
    record = export_services.export_import_apply(actor=admin, record=create(facebook, "meta_facebook_posts.csv", admin))
    with pytest.raises(ValidationError):
        export_services.export_import_apply(actor=admin, record=record)
    with pytest.raises(ValidationError):
        export_services.export_import_mapping_update(actor=admin, record=record, mapping={})


# --- mapping details --------------------------------------------------------------------


def test_changing_the_date_order_reads_day_first_dates(facebook, admin):
    text = "Post ID,Publish time,Reach\n1_1,05/11/2026 08:00,10\n1_2,06/11/2026 08:00,20\n"
    record = export_services.export_import_create(actor=admin, account=facebook, filename="d.csv",
                                                  content=text.encode(), observed_at=OBSERVED)
    assert record.report["preview"][0]["created_at"] == "2026-05-11T01:00:00+00:00"  # month first by default
    record = export_services.export_import_mapping_update(actor=admin, record=record, options={"date_order": "dmy"})
    assert record.report["preview"][0]["created_at"] == "2026-11-05T01:00:00+00:00"
    with pytest.raises(ValidationError):
        export_services.export_import_mapping_update(actor=admin, record=record, options={"date_order": "ymd"})


def test_an_observation_time_in_the_future_is_refused(facebook, admin):
    record = create(facebook, "meta_facebook_posts.csv", admin)
    with pytest.raises(ValidationError) as caught:
        export_services.export_import_mapping_update(actor=admin, record=record,
                                                     options={"observed_at": "2099-01-01T00:00:00+07:00"})
    assert caught.value.message_dict == {"observed_at": ["Waktu pengamatan tidak boleh di masa depan."]}


@pytest.mark.parametrize(("text", "order", "expected"), [
    ("2026-10-01 10:00 +0000", "mdy", datetime(2026, 10, 1, 10, 0, tzinfo=UTC)),
    ("Tue, Jul 14, 2026", "mdy", datetime(2026, 7, 13, 17, 0, tzinfo=UTC)),
    ("3 Okt 2026", "dmy", datetime(2026, 10, 2, 17, 0, tzinfo=UTC)),
    ("16/09/2026 14.05", "dmy", datetime(2026, 9, 16, 7, 5, tzinfo=UTC)),
    ("09/16/2026 2:05 PM", "mdy", datetime(2026, 9, 16, 7, 5, tzinfo=UTC)),
    ("2024-03-15T18:42:00.000Z", "mdy", datetime(2024, 3, 15, 18, 42, tzinfo=UTC)),
])
def test_dates_as_platforms_write_them(text, order, expected):
    import zoneinfo

    parsed = mapping.parse_datetime_text(text, zone=zoneinfo.ZoneInfo("Asia/Jakarta"), date_order=order)
    assert parsed == expected


def test_an_id_mangled_by_excel_is_recovered_from_the_permalink(x_account, admin):
    text = ("Tweet id,Tweet permalink,Tweet text,time,impressions\n"
            "1.85901E+18,https://x.com/humasbogorkab/status/1859012345678901234,Halo,2026-11-18 02:00 +0000,10\n"
            "1.85901E+18,,Tanpa tautan,2026-11-18 03:00 +0000,5\n")
    record = export_services.export_import_create(actor=admin, account=x_account, filename="x.csv",
                                                  content=text.encode(), observed_at=OBSERVED)
    assert record.report["preview"][0]["external_id"] == "1859012345678901234"
    assert messages(record.report["bad_rows"][0]["reasons"])[0].startswith("ID unggahan “1.85901E+18” tidak sah")


def test_an_export_with_indonesian_headers_reads_dates_day_first(facebook, admin):
    text = ("ID Postingan,Nama Halaman,Judul,Waktu publikasi,Tautan permanen,Jangkauan,Reaksi,Komentar,Bagikan\n"
            f"{PAGE}_1,Humas Kabupaten Bogor,Apel pagi,05/11/2026 08.00,https://www.facebook.com/humasbogorkab/posts/1,"
            "\"1.250\",40,3,1\n")
    record = export_services.export_import_create(actor=admin, account=facebook, filename="id.csv",
                                                  content=text.encode(), observed_at=OBSERVED)
    assert record.format == "meta_facebook_posts"
    assert record.report["problems"] == []
    row = record.report["preview"][0]
    assert row["created_at"] == "2026-11-05T01:00:00+00:00"
    assert row["metrics"] == {"reach": 1250, "reactions": 40, "comments": 3, "shares": 1}


def test_meta_page_export_preamble_in_utf16_is_skipped():
    text = 'sep=,\n"Facebook posts"\n"Post ID","Publish time","Reach"\n"1_2","2026-08-01T00:00:00","20"\n'
    table = reader.read_table(text.encode("utf-16-le"))  # no BOM: found from the NUL bytes
    assert (table.encoding, table.delimiter, table.header_row) == ("utf-16-le", ",", 3)
    assert table.headers == ["Post ID", "Publish time", "Reach"]
    assert table.rows == [(4, ["1_2", "2026-08-01T00:00:00", "20"])]


def test_windows_1252_semicolon_csv_and_repeated_headers_are_read():
    table = reader.read_table("Post ID;Judul;Judul\n1;Pemandian Ciater caf\xe9;x\n".encode("cp1252"))
    assert (table.encoding, table.delimiter) == ("cp1252", ";")
    assert table.headers == ["Post ID", "Judul", "Judul (2)"]
    assert table.rows[0][1][1] == "Pemandian Ciater caf\xe9"


def test_an_image_named_csv_is_refused_by_its_content():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    with pytest.raises(reader.ExportFileError, match="bertipe image/png, bukan CSV atau XLSX"):
        reader.read_table(png)


def test_an_instagram_export_on_a_facebook_account_is_a_mismatch_and_the_reverse_is_not(facebook, instagram, admin):
    record = create(facebook, "meta_instagram_posts_utf16.csv", admin)
    assert record.report["problems"][0]["code"] == "platform_mismatch"

    older = "Post ID,Description,Publish time,Permalink,Impressions,Reach,Likes,Comments\n1,a,11/18/2026 08:15,,5,4,3,2\n"
    record = export_services.export_import_create(actor=admin, account=instagram, filename="ig.csv",
                                                  content=older.encode(), observed_at=OBSERVED)
    assert record.format == "meta_instagram_posts"
    assert record.report["problems"] == []
