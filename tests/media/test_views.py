"""The library pages: grid, upload (multi-file), detail, edit, archive, files through the scope, picker."""

import pytest
from django.urls import reverse

from tests.conftest import login_client
from tests.factories import make_member
from tests.media.helpers import PDF, image_bytes, tiny_mp4, upload
from warta.media.models import MediaAsset
from warta.media.services import media_upload, rendition_for
from warta.organisations.roles import Role


def url(name, unit, *args):
    return reverse(f"media:{name}", args=[unit.uuid, *args])


@pytest.fixture
def editor_client(client, editor):
    return login_client(client, editor)


def test_empty_library(admin_client, tree):
    response = admin_client.get(url("library", tree.kab))
    assert response.status_code == 200
    assert "Pustaka media masih kosong" in response.content.decode()


def test_upload_several_files_and_see_them(editor_client, tree, editor):
    response = editor_client.post(url("upload", tree.kab), {
        "files": [upload("satu.jpg", image_bytes(300, 200)), upload("dua.png", image_bytes(100, 100, "PNG")),
                  upload("klip.mp4", tiny_mp4())],
        "title": "", "alt_text": "Kegiatan"})
    assert response.status_code == 302
    assert MediaAsset.objects.filter(unit=tree.kab).count() == 3
    page = editor_client.get(url("library", tree.kab)).content.decode()
    assert "satu" in page
    assert "dua" in page
    assert "klip" in page
    assert "/media/media/" not in page  # no public path to a file
    only_video = editor_client.get(url("library", tree.kab), {"kind": "video"}).content.decode()
    assert "klip" in only_video
    assert "satu" not in only_video
    found = editor_client.get(url("library", tree.kab), {"q": "dua"}).content.decode()
    assert "dua" in found
    assert "satu" not in found


def test_upload_mislabelled_file_shows_reason_and_keeps_nothing(editor_client, tree, media_root):
    response = editor_client.post(url("upload", tree.kab), {"files": [upload("laporan.jpg", PDF, "image/jpeg")]})
    assert response.status_code == 400
    body = response.content.decode()
    assert "laporan.jpg" in body
    assert "dokumen PDF" in body
    assert MediaAsset.objects.count() == 0
    assert [p for p in media_root.rglob("*") if p.is_file()] == []


def test_upload_partial_success_names_the_refused_file(editor_client, tree):
    response = editor_client.post(url("upload", tree.kab), {
        "files": [upload("baik.png", image_bytes(50, 50, "PNG")), upload("jahat.png", PDF)]})
    assert response.status_code == 400
    assert "jahat.png" in response.content.decode()
    assert MediaAsset.objects.count() == 1


def test_upload_without_file(editor_client, tree):
    response = editor_client.post(url("upload", tree.kab), {"title": "x"})
    assert response.status_code == 400
    assert "Pilih paling sedikit satu berkas" in response.content.decode()


def test_detail_shows_fitness_and_files_are_scoped(admin_client, tree, admin):
    asset = media_upload(actor=admin, unit=tree.kab, file=upload("a.png", image_bytes(2000, 500, "PNG")))
    rendition_for(asset, "instagram")
    page = admin_client.get(url("detail", tree.kab, asset.uuid)).content.decode()
    assert "Instagram hanya menerima JPEG" in page
    assert "disesuaikan otomatis" in page
    assert 'data-platform="youtube"' in page
    thumb = admin_client.get(url("thumbnail", tree.kab, asset.uuid))
    assert thumb.status_code == 200
    assert thumb["Content-Type"] == "image/jpeg"
    original = admin_client.get(url("original", tree.kab, asset.uuid))
    assert original.status_code == 200
    assert original["Content-Type"] == "image/png"
    assert b"".join(original.streaming_content) == asset.original.open("rb").read()
    rend = admin_client.get(reverse("media:rendition-file", args=[tree.kab.uuid, asset.uuid, "instagram"]))
    assert rend.status_code == 200
    assert rend["Content-Type"] == "image/jpeg"
    missing = admin_client.get(reverse("media:rendition-file", args=[tree.kab.uuid, asset.uuid, "x"]))
    assert missing.status_code == 404
    # the asset belongs to Kabupaten Bogor: not reachable through a sub-unit's URL
    assert admin_client.get(url("detail", tree.kec, asset.uuid)).status_code == 404


def test_sub_unit_asset_visible_from_parent(admin_client, tree, admin):
    asset = media_upload(actor=admin, unit=tree.desa, file=upload("desa.png", image_bytes(40, 40, "PNG")))
    assert "desa" in admin_client.get(url("library", tree.kab)).content.decode()
    assert admin_client.get(url("detail", tree.kab, asset.uuid)).status_code == 200


def test_sibling_cannot_reach_files(client, tree, admin, sibling):
    asset = media_upload(actor=admin, unit=tree.kab, file=upload("a.png", image_bytes(40, 40, "PNG")))
    sibling_client = login_client(client, sibling, sibling.totp)
    assert sibling_client.get(url("thumbnail", tree.kota, asset.uuid)).status_code == 404
    assert sibling_client.get(url("original", tree.kab, asset.uuid)).status_code == 404
    assert sibling_client.get(url("picker", tree.kota)).context["rows"] == []


def test_edit_and_archive(editor_client, tree, admin):
    asset = media_upload(actor=admin, unit=tree.kab, file=upload("a.png", image_bytes(40, 40, "PNG")))
    response = editor_client.post(url("edit", tree.kab, asset.uuid), {"title": "Peresmian", "alt_text": "Pita"})
    assert response.status_code == 302
    asset.refresh_from_db()
    assert (asset.title, asset.alt_text) == ("Peresmian", "Pita")
    bad = editor_client.post(url("edit", tree.kab, asset.uuid), {"title": "x" * 201, "alt_text": "baru"})
    assert bad.status_code == 400
    asset.refresh_from_db()
    assert asset.alt_text == "Pita"
    editor_client.post(url("archive", tree.kab, asset.uuid))
    asset.refresh_from_db()
    assert asset.archived
    assert "Peresmian" not in editor_client.get(url("library", tree.kab)).content.decode()
    assert "Peresmian" in editor_client.get(url("library", tree.kab), {"arsip": "on"}).content.decode()
    editor_client.post(url("archive", tree.kab, asset.uuid), {"restore": "1"})
    asset.refresh_from_db()
    assert not asset.archived


def test_renditions_on_demand(admin_client, tree, admin):
    asset = media_upload(actor=admin, unit=tree.kab, file=upload("v.mp4", tiny_mp4(1280, 720, 200)))
    response = admin_client.post(url("renditions", tree.kab, asset.uuid), follow=True)
    assert "X" in response.content.decode()
    assert set(asset.renditions.values_list("platform", flat=True)) >= {"youtube", "facebook"}
    assert not asset.renditions.filter(platform="x").exists()


def test_viewer_reads_but_cannot_write(viewer_client, tree, admin):
    asset = media_upload(actor=admin, unit=tree.kab, file=upload("a.png", image_bytes(40, 40, "PNG")))
    assert viewer_client.get(url("library", tree.kab)).status_code == 200
    assert "Unggah media" not in viewer_client.get(url("library", tree.kab)).content.decode()
    assert viewer_client.get(url("upload", tree.kab)).status_code == 403
    assert viewer_client.post(url("upload", tree.kab), {"files": [upload("b.png", image_bytes(9, 9, "PNG"))]}).status_code == 403
    assert viewer_client.post(url("archive", tree.kab, asset.uuid)).status_code == 403
    asset.refresh_from_db()
    assert not asset.archived
    assert MediaAsset.objects.count() == 1


def test_analyst_cannot_upload(client, tree):
    analyst = make_member(tree.kab, Role.ANALYST)
    assert login_client(client, analyst).get(url("upload", tree.kab)).status_code == 403


def test_picker_partial(admin_client, tree, admin):
    media_upload(actor=admin, unit=tree.kab, file=upload("tegak.png", image_bytes(500, 1000, "PNG")), title="Tegak")
    video = media_upload(actor=admin, unit=tree.kab, file=upload("v.mp4", tiny_mp4(640, 360, 1.0)), title="Klip")
    response = admin_client.get(url("picker", tree.kab), {"platform": "instagram", "selected": str(video.uuid)})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="media-picker"' in body
    assert "Tegak" in body
    assert "Klip" in body
    assert "disesuaikan otomatis" in body  # the tall PNG becomes a 4:5 JPEG
    assert "tidak cocok" in body  # a 1-second video is too short for Instagram and is never transcoded
    assert "paling singkat 3 detik" in body
    assert f'value="{video.uuid}" checked' in body
    assert "<form" not in body  # it is included inside the composer's form
    only = admin_client.get(url("picker", tree.kab), {"kind": "video", "name": "media_ids"}).content.decode()
    assert "Klip" in only
    assert "Tegak" not in only
    assert 'name="media_ids"' in only


def test_library_htmx_returns_only_the_results(admin_client, tree, admin):
    media_upload(actor=admin, unit=tree.kab, file=upload("a.png", image_bytes(40, 40, "PNG")), title="Banjir")
    response = admin_client.get(url("library", tree.kab), {"q": "banjir"}, headers={"HX-Request": "true",
                                                                                  "HX-Target": "results"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="results">')
    assert "Banjir" in body


def test_video_detail_and_no_thumbnail(admin_client, tree, admin):
    video = media_upload(actor=admin, unit=tree.kab, file=upload("v.mp4", tiny_mp4(1080, 1920, 20)), title="Klip")
    page = admin_client.get(url("detail", tree.kab, video.uuid)).content.decode()
    assert "1080×1920" in page
    assert admin_client.get(url("thumbnail", tree.kab, video.uuid)).status_code == 404
    assert admin_client.get(url("original", tree.kab, video.uuid))["Content-Type"] == "video/mp4"
