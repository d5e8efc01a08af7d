"""Importing a month's plan: CSV (BOM, comma or semicolon) and XLSX read by content, every row
checked with its number and an Indonesian reason, all or nothing, big plans as a task."""

import io
from datetime import UTC, date, datetime, time, timedelta

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login_client
from tests.publishing.test_engine_support import make_account
from warta.core.models import AuditEvent
from warta.publishing import plan_import
from warta.publishing.models import Post, PostState, Variant

HEADER = ["tanggal", "jam", "judul", "platform", "teks", "pilar", "kampanye", "akun"]


def next_month(unit) -> date:
    today = timezone.now().astimezone(unit.zone).date()
    return (today.replace(day=28) + timedelta(days=7)).replace(day=1)


def csv_bytes(rows, *, delimiter=",", bom=True, header=HEADER) -> bytes:
    lines = [delimiter.join(header)] + [delimiter.join(f'"{c}"' if delimiter in str(c) else str(c) for c in r)
                                        for r in rows]
    return (("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode("utf-8")


def good_rows(month: date):
    return [
        [f"{month:%Y-%m}-03", "09:00", "KTP keliling", "facebook, x", "Layanan KTP keliling di Cibinong. #BogorMelayani",
         "", "", ""],
        [f"03/{month:%m/%Y}", "15.30", "Hari Disabilitas", "telegram", "Layanan publik untuk semua.", "", "", ""],
    ]


@pytest.fixture
def editor_client(client, editor):
    return login_client(client, editor)


def local(unit, day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=unit.zone).astimezone(UTC)


# --- the service -------------------------------------------------------------------------------------


def test_a_good_csv_with_bom_and_semicolons_becomes_drafts_with_planned_times(tree, editor):
    month = next_month(tree.kab)
    content = csv_bytes(good_rows(month), delimiter=";")
    evaluation = plan_import.plan_evaluate(unit=tree.kab, content=content, month=month.strftime("%Y-%m"))
    assert evaluation.ok, evaluation.problems()
    posts = plan_import.plan_import_apply(actor=editor, unit=tree.kab, evaluation=evaluation)
    assert len(posts) == 2
    assert all(p.state == PostState.DRAFT for p in posts)
    first = Post.objects.get(title="KTP keliling")
    assert first.scheduled_at == local(tree.kab, month.replace(day=3), 9)
    assert sorted(first.variants.values_list("platform", flat=True)) == ["facebook", "x"]
    assert Post.objects.get(title="Hari Disabilitas").scheduled_at == local(tree.kab, month.replace(day=3), 15, 30)
    assert AuditEvent.objects.filter(action="post.plan_import", actor=editor).count() == 1
    assert AuditEvent.objects.filter(action="post.create").count() == 2


def test_an_xlsx_with_date_and_time_cells(tree, editor):
    month = next_month(tree.kab)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Rencana Desember"])  # a title line above the header is skipped
    sheet.append(["Tanggal", "Jam", "Judul", "Platform", "Teks"])
    sheet.append([datetime(month.year, month.month, 10), time(8, 15), "Rapat", "Instagram", "Rapat koordinasi"])
    out = io.BytesIO()
    book.save(out)
    evaluation = plan_import.plan_evaluate(unit=tree.kab, content=out.getvalue(), month=month)
    assert evaluation.ok, evaluation.problems()
    [row] = evaluation.rows
    assert (row.number, row.day, row.at, row.platforms) == (3, month.replace(day=10), time(8, 15), ["instagram"])


def test_pillar_campaign_and_account_are_looked_up_in_reach(tree, editor):
    from warta.planning.models import Campaign, Pillar

    month = next_month(tree.kab)
    Pillar.objects.create(unit=tree.jabar, name="Layanan publik")  # an ancestor's pillar is usable
    Pillar.objects.create(unit=tree.kota, name="Pilar kota")  # the sibling's is not
    Campaign.objects.create(unit=tree.kab, name="Bogor Sehat", period_start=month, period_end=month)
    make_account(tree.kec, handle="@cibinong", platform="x", external_id="5")
    rows = [[f"{month:%Y-%m}-05", "10:00", "A", "x", "Teks A", "layanan publik", "Bogor Sehat", "@cibinong"],
            [f"{month:%Y-%m}-06", "10:00", "B", "x", "Teks B", "Pilar kota", "Kampanye lain", "@entah"],
            [f"{month:%Y-%m}-07", "10:00", "C", "facebook", "Teks C", "", "", "cibinong"]]
    evaluation = plan_import.plan_evaluate(unit=tree.kab, content=csv_bytes(rows), month=month)
    a, b, c = evaluation.rows
    assert a.ok
    assert a.pillar.name == "Layanan publik"
    assert a.campaign.name == "Bogor Sehat"
    assert [x.handle for x in a.accounts] == ["@cibinong"]
    assert any("Pilar “Pilar kota” tidak ada" in e for e in b.errors)
    assert any("Kampanye “Kampanye lain” tidak ada" in e for e in b.errors)
    assert any("@entah bukan akun resmi" in e for e in b.errors)
    assert any("yang tidak dipilih pada baris ini" in e for e in c.errors)


def test_broken_rows_are_reported_with_their_numbers_and_nothing_is_created(tree, editor):
    month = next_month(tree.kab)
    inside = f"{month:%Y-%m}-04"
    outside = (month + timedelta(days=40)).strftime("%Y-%m-%d")
    rows = [
        [inside, "09:00", "Baik", "facebook", "Teks baik", "", "", ""],  # row 2: fine
        ["32/13/2026", "09:00", "Tanggal rusak", "facebook", "Teks", "", "", ""],  # row 3
        [inside, "25:00", "Jam rusak", "facebook", "Teks", "", "", ""],  # row 4
        [inside, "10:00", "Platform salah", "friendster", "Teks", "", "", ""],  # row 5
        [inside, "11:00", "Terlalu panjang", "x", "a" * 281, "", "", ""],  # row 6
        [outside, "09:00", "Di luar bulan", "facebook", "Teks", "", "", ""],  # row 7
        [inside, "09:00", "Baik", "facebook", "Teks baik lagi", "", "", ""],  # row 8: same time and title as row 2
        [inside, "12:00", "", "facebook", "", "", "", ""],  # row 9
        [(timezone.now().astimezone(tree.kab.zone).date() - timedelta(days=1)).isoformat(), "09:00", "Lewat",
         "facebook", "Teks", "", "", ""],  # row 10: outside the month (yesterday) — reported as such
        ["0001-01-01", "00:00", "Tahun satu", "facebook", "Teks", "", "", ""],  # row 11
    ]
    evaluation = plan_import.plan_evaluate(unit=tree.kab, content=csv_bytes(rows), month=month)
    errors = {r.number: " ".join(r.errors) for r in evaluation.rows}
    assert errors[2] == ""
    assert "Tanggal “32/13/2026” tidak dapat dibaca" in errors[3]
    assert "Jam “25:00” tidak dapat dibaca" in errors[4]
    assert "Platform tidak dikenal: friendster" in errors[5]
    assert "X: Teks 281 karakter; batas X 280." in errors[6]
    assert "di luar bulan rencana" in errors[7]
    assert "Baris ganda" in errors[8]
    assert "baris 2" in errors[8]
    assert "Judul wajib diisi." in errors[9]
    assert "Teks wajib diisi." in errors[9]
    assert "di luar bulan rencana" in errors[10] or "sudah lewat" in errors[10]
    assert "di luar bulan rencana" in errors[11]
    assert not evaluation.ok
    with pytest.raises(ValidationError) as refused:
        plan_import.plan_import_apply(actor=editor, unit=tree.kab, evaluation=evaluation)
    assert any(m.startswith("Baris 3:") for m in refused.value.messages)
    assert Post.objects.count() == 0
    assert Variant.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="post.").exists()


def test_a_time_already_past_in_the_current_month(tree, editor):
    now = timezone.now().astimezone(tree.kab.zone).replace(hour=12, minute=0)  # midday: "earlier" is today
    earlier = now - timedelta(hours=2)
    rows = [[now.date().isoformat(), earlier.strftime("%H:%M"), "Tadi", "facebook", "Teks", "", "", ""]]
    evaluation = plan_import.plan_evaluate(unit=tree.kab, content=csv_bytes(rows), month=now.date(), now=now)
    assert "sudah lewat" in " ".join(evaluation.rows[0].errors)


def test_a_row_already_in_the_unit_is_a_duplicate(tree, editor):
    month = next_month(tree.kab)
    content = csv_bytes(good_rows(month))
    plan_import.plan_import_apply(actor=editor, unit=tree.kab,
                                  evaluation=plan_import.plan_evaluate(unit=tree.kab, content=content, month=month))
    again = plan_import.plan_evaluate(unit=tree.kab, content=content, month=month)
    assert not again.ok
    assert "sudah ada di unit ini" in again.rows[0].errors[0]


@pytest.mark.parametrize(("content", "message"), [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, ""),
    (b"", "Berkas kosong"),
    (b"judul,teks\nA,B\n", "Kolom wajib tidak ada: tanggal, platform"),
    (b"tanggal,judul,platform,teks\n", "tidak berisi baris rencana"),
])
def test_files_that_are_not_plans_are_refused(tree, content, message):
    with pytest.raises(ValidationError) as refused:
        plan_import.plan_evaluate(unit=tree.kab, content=content, month="2026-12")
    assert message in " ".join(refused.value.messages)
    assert refused.value.messages


@pytest.mark.parametrize("value", ["", "Desember", "2026-13", "1999-01"])
def test_a_bad_month_is_refused(value):
    with pytest.raises(ValidationError, match="Pilih bulan rencana"):
        plan_import.month_parse(value)


def test_the_example_file_is_a_valid_plan_for_its_month(tree):
    content = plan_import.example_csv()
    assert content.startswith("\ufeff".encode())
    evaluation = plan_import.plan_evaluate(unit=tree.kab, content=content, month="2026-12")
    # Its rows name a pillar the unit may not have and may lie in the past; the columns and dates read.
    assert [r.day for r in evaluation.rows] == [date(2026, 12, 1), date(2026, 12, 3)]
    assert all(not any("tidak dapat dibaca" in e or "Platform" in e for e in r.errors) for r in evaluation.rows)


# --- the pages -----------------------------------------------------------------------------------------


def upload(client, unit, content, month, name="rencana.csv"):
    return client.post(reverse("publishing:plan-import", args=[unit.uuid]),
                       {"month": month.strftime("%Y-%m"), "file": SimpleUploadedFile(name, content)})


def test_preview_then_apply(editor_client, tree):
    month = next_month(tree.kab)
    page = editor_client.get(reverse("publishing:plan-import", args=[tree.kab.uuid]))
    assert page.status_code == 200
    assert "tanggal" in page.content.decode()
    response = upload(editor_client, tree.kab, csv_bytes(good_rows(month)), month)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="plan-preview"' in body
    assert "KTP keliling" in body
    assert 'data-testid="plan-apply"' in body
    assert Post.objects.count() == 0  # a preview creates nothing
    token = response.context["token"]
    applied = editor_client.post(reverse("publishing:plan-import-apply", args=[tree.kab.uuid]),
                                 {"token": token, "month": month.strftime("%Y-%m")})
    assert applied.status_code == 302
    assert reverse("publishing:calendar", args=[tree.kab.uuid]) in applied["Location"]
    assert Post.objects.count() == 2
    # The token is used up: applying twice creates nothing more.
    again = editor_client.post(reverse("publishing:plan-import-apply", args=[tree.kab.uuid]),
                               {"token": token, "month": month.strftime("%Y-%m")})
    assert again.status_code == 302
    assert Post.objects.count() == 2


def test_a_preview_with_bad_rows_offers_no_apply(editor_client, tree):
    month = next_month(tree.kab)
    rows = good_rows(month) + [[f"{month:%Y-%m}-09", "09:00", "Rusak", "myspace", "Teks", "", "", ""]]
    response = upload(editor_client, tree.kab, csv_bytes(rows, delimiter=";"), month)
    assert response.status_code == 422
    body = response.content.decode()
    assert 'data-row="4"' in body
    assert "Platform tidak dikenal: myspace" in body
    assert 'data-testid="plan-apply"' not in body
    assert 'data-testid="plan-bad"' in body
    assert Post.objects.count() == 0


def test_a_mislabelled_file_is_refused_on_the_page(editor_client, tree):
    month = next_month(tree.kab)
    response = upload(editor_client, tree.kab, b"%PDF-1.4\n" + b"\x00\x01\x02" * 100, month, name="rencana.csv")
    assert response.status_code == 422
    assert 'data-testid="file-errors"' in response.content.decode()
    assert Post.objects.count() == 0


def test_apply_with_an_unknown_token_changes_nothing(editor_client, tree):
    response = editor_client.post(reverse("publishing:plan-import-apply", args=[tree.kab.uuid]),
                                  {"token": "00000000-0000-0000-0000-000000000000", "month": "2026-12"}, follow=True)
    assert "Berkas rencana tidak ditemukan lagi" in response.content.decode()
    assert Post.objects.count() == 0


def test_a_big_plan_runs_as_a_task_with_a_status_page(editor_client, tree, settings):
    settings.WARTA_PLAN_IMPORT_SYNC_ROWS = 1
    month = next_month(tree.kab)
    token = plan_import.plan_upload_store(unit=tree.kab, content=csv_bytes(good_rows(month)))
    response = editor_client.post(reverse("publishing:plan-import-apply", args=[tree.kab.uuid]),
                                  {"token": token, "month": month.strftime("%Y-%m")})
    status_url = reverse("publishing:plan-import-status", args=[tree.kab.uuid, token])
    assert response.status_code == 302
    assert response["Location"] == status_url
    assert Post.objects.count() == 2  # the task ran (eagerly in tests)
    page = editor_client.get(status_url)
    assert page.status_code == 200
    assert "Selesai: 2 draf rencana dibuat." in page.content.decode()
    assert editor_client.get(status_url, HTTP_HX_REQUEST="true").content.decode().lstrip().startswith("<div")


def test_a_task_that_finds_bad_rows_records_the_failure(tree, editor, settings):
    month = next_month(tree.kab)
    content = csv_bytes(good_rows(month))
    token = plan_import.plan_upload_store(unit=tree.kab, content=content)
    plan_import.plan_status_write(unit=tree.kab, token=token, status={"state": "queued"})
    # Meanwhile the same plan was applied by hand: every row is now a duplicate.
    plan_import.plan_import_apply(actor=editor, unit=tree.kab,
                                  evaluation=plan_import.plan_evaluate(unit=tree.kab, content=content, month=month))
    assert plan_import.plan_import_run(unit_id=tree.kab.pk, actor_id=editor.pk, token=token,
                                       month=month.isoformat()) == "failed"
    status = plan_import.plan_status_read(unit=tree.kab, token=token)
    assert status["state"] == "failed"
    assert any("sudah ada" in e for e in status["errors"])
    assert Post.objects.count() == 2


def test_the_example_template_downloads(viewer_client, tree):
    response = viewer_client.get(reverse("publishing:plan-import-template", args=[tree.kab.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode("utf-8-sig").splitlines()[0] == ",".join(HEADER)


def test_import_scope_viewer_403_sibling_404(viewer_client, tree, sibling):
    month = next_month(tree.kab)
    url = reverse("publishing:plan-import", args=[tree.kab.uuid])
    assert viewer_client.get(url).status_code == 403
    assert upload(viewer_client, tree.kab, csv_bytes(good_rows(month)), month).status_code == 403
    viewer_client.logout()
    sibling_client = login_client(viewer_client, sibling, sibling.totp)
    assert sibling_client.get(url).status_code == 404
    assert upload(sibling_client, tree.kab, csv_bytes(good_rows(month)), month).status_code == 404
    token = plan_import.plan_upload_store(unit=tree.kab, content=csv_bytes(good_rows(month)))
    assert sibling_client.get(reverse("publishing:plan-import-status", args=[tree.kab.uuid, token])).status_code == 404
    assert Post.objects.count() == 0


def test_old_uploads_are_cleaned_up(tree):
    import os

    from django.core.files.storage import default_storage

    old = plan_import.plan_upload_store(unit=tree.kab, content=b"lama")
    fresh = plan_import.plan_upload_store(unit=tree.kab, content=b"baru")
    path = default_storage.path(f"plan-imports/{tree.kab.uuid}/{old}.bin")
    two_days_ago = (timezone.now() - timedelta(days=2)).timestamp()
    os.utime(path, (two_days_ago, two_days_ago))
    from warta.publishing.plan_tasks import plan_uploads_cleanup_task

    assert plan_uploads_cleanup_task.call() == 1
    with pytest.raises(ValidationError):
        plan_import.plan_upload_read(unit=tree.kab, token=old)
    assert plan_import.plan_upload_read(unit=tree.kab, token=fresh) == b"baru"
