"""The media API: upload by content (multipart), list, get, patch, archive; scope and roles."""

import pytest

from tests.api import BASE, Api, assert_problem, make_token
from tests.media.helpers import ELF, image_bytes, noisy_jpeg, tiny_mp4, upload
from warta.core.models import AuditEvent
from warta.media.models import MediaAsset
from warta.media.services import media_upload


@pytest.fixture
def asset(tree, admin):
    return media_upload(actor=admin, unit=tree.kab, file=upload("a.png", image_bytes(400, 300, "PNG")), title="Apel")


def post_file(api: Api, unit, name, content, **fields):
    return api.client.post(f"{BASE}/units/{unit.uuid}/media", {"file": upload(name, content), **fields},
                           headers=api.headers)


def test_upload_list_get(api, tree):
    response = post_file(api, tree.kab, "rapat.jpg", image_bytes(1200, 800), title="Rapat", alt_text="Rapat koordinasi")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["mime_type"], body["width"], body["height"]) == ("image", "image/jpeg", 1200, 800)
    assert body["unit_uuid"] == str(tree.kab.uuid)
    assert body["alt_text"] == "Rapat koordinasi"
    fitness = {row["platform"]: row for row in body["fitness"]}
    assert fitness["instagram"]["fits"]
    assert not fitness["youtube"]["accepts"]
    again = post_file(api, tree.kab, "lagi.jpg", image_bytes(1200, 800))
    assert again.status_code == 200
    assert again.json()["uuid"] == body["uuid"]
    listing = api.get(f"/units/{tree.kab.uuid}/media", q="rap")
    assert listing.status_code == 200
    assert listing.json()["count"] == 1
    assert api.get(f"/units/{tree.kab.uuid}/media", kind="video").json()["count"] == 0
    detail = api.get(f"/media/{body['uuid']}")
    assert detail.status_code == 200
    assert detail.json()["sha256"] == body["sha256"]


def test_upload_video(api, tree):
    response = post_file(api, tree.kab, "klip.mp4", tiny_mp4(720, 1280, 30))
    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["duration_s"]) == ("video", 30.0)


def test_mislabelled_upload_is_422_and_nothing_stored(api, tree, media_root):
    audit = AuditEvent.objects.count()
    body = assert_problem(post_file(api, tree.kab, "foto.jpg", ELF), 422)
    assert "foto.jpg" in body["detail"]
    assert "program" in body["detail"]
    assert MediaAsset.objects.count() == 0
    assert AuditEvent.objects.count() == audit
    assert [p for p in media_root.rglob("*") if p.is_file()] == []


def test_upload_without_file_is_422(api, tree):
    response = api.client.post(f"{BASE}/units/{tree.kab.uuid}/media", {"title": "x"}, headers=api.headers)
    assert_problem(response, 422)


def test_patch_and_archive(api, asset):
    response = api.patch(f"/media/{asset.uuid}", {"alt_text": "Apel pagi"})
    assert response.status_code == 200
    assert response.json()["alt_text"] == "Apel pagi"
    assert response.json()["title"] == "Apel"
    assert_problem(api.patch(f"/media/{asset.uuid}", {"alt_text": "x" * 1001}), 422)
    assert_problem(api.patch(f"/media/{asset.uuid}", {"unit": "lain"}), 422)
    asset.refresh_from_db()
    assert asset.alt_text == "Apel pagi"
    response = api.post(f"/media/{asset.uuid}/archive", {"archived": True})
    assert response.status_code == 200
    assert response.json()["archived"] is True
    assert api.get(f"/units/{asset.unit.uuid}/media").json()["count"] == 0
    assert api.get(f"/units/{asset.unit.uuid}/media", archived=True).json()["count"] == 1


def test_sibling_token_gets_404_everywhere(sibling_api, tree, asset):
    assert_problem(sibling_api.get(f"/units/{tree.kab.uuid}/media"), 404)
    assert_problem(post_file(sibling_api, tree.kab, "a.png", image_bytes(10, 10, "PNG")), 404)
    assert_problem(sibling_api.get(f"/media/{asset.uuid}"), 404)
    assert_problem(sibling_api.patch(f"/media/{asset.uuid}", {"title": "diretas"}), 404)
    assert_problem(sibling_api.post(f"/media/{asset.uuid}/archive", {"archived": True}), 404)
    asset.refresh_from_db()
    assert (asset.title, asset.archived) == ("Apel", False)
    assert sibling_api.get(f"/units/{tree.kota.uuid}/media").json()["count"] == 0


def test_viewer_token_reads_but_gets_403_on_writes(viewer_api, tree, asset):
    assert viewer_api.get(f"/units/{tree.kab.uuid}/media").json()["count"] == 1
    assert viewer_api.get(f"/media/{asset.uuid}").status_code == 200
    assert_problem(post_file(viewer_api, tree.kab, "b.png", image_bytes(10, 10, "PNG")), 403)
    assert_problem(viewer_api.patch(f"/media/{asset.uuid}", {"title": "x"}), 403)
    assert_problem(viewer_api.post(f"/media/{asset.uuid}/archive", {"archived": True}), 403)
    asset.refresh_from_db()
    assert (asset.title, asset.archived, MediaAsset.objects.count()) == ("Apel", False, 1)


def test_token_capped_at_viewer_cannot_upload(client, tree, admin):
    capped = Api(client, make_token(admin, tree.kab, role="viewer")[1])
    assert_problem(post_file(capped, tree.kab, "b.png", image_bytes(10, 10, "PNG")), 403)


def test_media_rules(api):
    rows = {row["platform"]: row for row in api.get("/media-rules").json()}
    assert rows["x"]["text_limit"] == 280
    assert rows["x"]["counting"] == "weighted"
    assert rows["instagram"]["image_types"] == ["image/jpeg"]


def test_oversize_upload_is_422(api, tree, settings):
    settings.WARTA_MEDIA_MAX_IMAGE_MB = 0.001
    body = assert_problem(post_file(api, tree.kab, "besar.jpg", noisy_jpeg(100, 100)), 422)
    assert "batas gambar" in body["detail"]
    assert MediaAsset.objects.count() == 0
