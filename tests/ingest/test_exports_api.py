"""The export-import API: multipart upload → preview, mapping, apply, status; scope and bad input."""

from pathlib import Path

import pytest

from tests.api import BASE, Api, assert_problem, make_token
from warta.channels.models import Account
from warta.ingest.models import ExportImport, Item, PostMetricSnapshot

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"


@pytest.fixture
def youtube(tree):
    return Account.objects.create(unit=tree.kab, platform="youtube", handle="@humaskabbogor", external_id="UCabc")


def post_file(client, raw, unit, account, name, **extra):
    with (FILES / name).open("rb") as handle:
        return client.post(f"{BASE}/units/{unit.uuid}/export-imports",
                           {"account": str(account.uuid), "file": handle} | extra,
                           headers={"authorization": f"Bearer {raw}"})


def test_upload_preview_and_apply_through_the_api(client, tree, editor, youtube):
    _, raw = make_token(editor, tree.kab)
    response = post_file(client, raw, tree.kab, youtube, "youtube_table_data.csv",
                         observed_at="2026-11-23T08:00:00+07:00")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["format"], body["status"], body["platform"]) == ("youtube_studio_content", "preview", "youtube")
    assert body["counts"] == {"rows": 3, "valid": 3, "bad": 0, "total_rows_skipped": 1}
    assert body["options"]["observed_at"] == "2026-11-23T01:00:00+00:00"
    assert body["preview"][0]["external_id"] == "aB3dEfGh1jK"
    assert body["notes"][0]["code"] == "total_rows_skipped"
    assert Item.objects.count() == 0

    api = Api(client, raw)
    path = f"/units/{tree.kab.uuid}/export-imports/{body['uuid']}"
    response = api.post(path + "/apply", {"skip_invalid": False})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done"
    assert response.json()["applied"] == {"stored": 3, "already_stored": 0, "snapshots": 3, "skipped_rows": []}
    assert PostMetricSnapshot.objects.get(external_id="-Xy9ZqW2rT0").values["subscribers_net"] == -5

    status = api.get(path)
    assert status.status_code == 200
    assert status.json()["status"] == "done"
    listing = api.get(f"/units/{tree.kab.uuid}/export-imports")
    assert [i["uuid"] for i in listing.json()["items"]] == [body["uuid"]]


def test_a_pdf_is_refused_with_a_clear_problem_and_nothing_stored(client, tree, editor, youtube):
    _, raw = make_token(editor, tree.kab)
    response = post_file(client, raw, tree.kab, youtube, "laporan_insights.csv")
    body = assert_problem(response, 422)
    assert body["detail"].startswith("Berkas ini PDF, bukan CSV atau XLSX.")
    assert ExportImport.objects.count() == 0


def test_mapping_is_changed_through_the_api(client, tree, admin):
    account = Account.objects.create(unit=tree.kab, platform="facebook", handle="humasbogorkab")
    _, raw = make_token(admin, tree.kab)
    body = post_file(client, raw, tree.kab, account, "kolom_tidak_dikenal.csv").json()
    assert [p["code"] for p in body["problems"]] == ["unknown_format", "required_unmapped", "required_unmapped"]

    api = Api(client, raw)
    path = f"/units/{tree.kab.uuid}/export-imports/{body['uuid']}"
    refused = api.post(path + "/apply", {})
    assert_problem(refused, 422)
    response = api.put(path + "/mapping", {"mapping": {"post_id": "Nomor", "published_at": "Tanggal unggah"},
                                           "date_order": "dmy"})
    assert response.status_code == 200, response.content
    assert response.json()["problems"] == []
    assert response.json()["counts"]["valid"] == 2
    bad = api.put(path + "/mapping", {"timezone": "Mars/Olympus"})
    assert assert_problem(bad, 422)["errors"] == {"timezone": ["Zona waktu tidak dikenal."]}


def test_sibling_gets_404_and_viewer_403(client, tree, viewer, sibling, editor, youtube):
    _, raw = make_token(editor, tree.kab)
    body = post_file(client, raw, tree.kab, youtube, "youtube_table_data.csv").json()
    path = f"/units/{tree.kab.uuid}/export-imports/{body['uuid']}"

    _, sibling_raw = make_token(sibling, tree.kota)
    assert_problem(Api(client, sibling_raw).get(path), 404)
    assert_problem(Api(client, sibling_raw).get(f"/units/{tree.kota.uuid}/export-imports/{body['uuid']}"), 404)
    assert_problem(post_file(client, sibling_raw, tree.kota, youtube, "youtube_table_data.csv"), 404)

    _, viewer_raw = make_token(viewer, tree.kab)
    assert_problem(Api(client, viewer_raw).get(path), 403)
    assert_problem(Api(client, viewer_raw).post(path + "/apply", {}), 403)
    assert_problem(post_file(client, viewer_raw, tree.kab, youtube, "youtube_table_data.csv"), 403)
    assert ExportImport.objects.count() == 1
    assert Item.objects.count() == 0


def test_a_nul_character_in_a_mapping_column_is_never_stored(client, tree, admin):
    # PostgreSQL's jsonb refuses \u0000 (a 500); no column of a read file holds NUL anyway.
    account = Account.objects.create(unit=tree.kab, platform="facebook", handle="humasbogorkab")
    _, raw = make_token(admin, tree.kab)
    body = post_file(client, raw, tree.kab, account, "kolom_tidak_dikenal.csv").json()
    path = f"/units/{tree.kab.uuid}/export-imports/{body['uuid']}"

    response = Api(client, raw).put(path + "/mapping", {"mapping": {"post_id": "Nomor\x00",
                                                                    "published_at": "Tanggal unggah"}})

    assert response.status_code == 200, response.content
    assert ExportImport.objects.get().mapping == {"post_id": "Nomor", "published_at": "Tanggal unggah"}
