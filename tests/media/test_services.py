"""Uploads judged by content, measured, deduplicated; renditions per platform; nothing half-stored."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from tests.media.helpers import ELF, PDF, image_bytes, noisy_jpeg, tiny_mp4, upload
from warta.channels import limits
from warta.channels.connectors.base import Media
from warta.channels.media import media_signed_resolve
from warta.core.models import AuditEvent
from warta.media import services
from warta.media.models import MediaAsset, Rendition
from warta.media.services import (
    MediaUnfit,
    asset_problems,
    media_facts,
    media_upload,
    rendition_for,
)


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def refused(**kwargs) -> str:
    with pytest.raises(ValidationError) as info:
        media_upload(**kwargs)
    return " ".join(info.value.messages)


# --- sniffing --------------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "what"), [(PDF, "dokumen PDF"), (ELF, "program"),
                                           (b"MZ\x90\x00" + b"\0" * 200, "program Windows")])
def test_mislabelled_file_is_refused_and_nothing_stored(tree, admin, media_root, content, what):
    before = AuditEvent.objects.count()
    message = refused(actor=admin, unit=tree.kab, file=upload("foto.jpg", content, "image/jpeg"))
    assert "foto.jpg" in message
    assert what in message
    assert MediaAsset.objects.count() == 0
    assert files_under(media_root) == []
    assert AuditEvent.objects.count() == before


def test_unknown_bytes_are_refused(tree, admin, media_root):
    message = refused(actor=admin, unit=tree.kab, file=upload("video.mp4", b"hello world, not a video" * 10))
    assert "tidak dikenali" in message
    assert files_under(media_root) == []


def test_type_comes_from_content_not_name(tree, admin):
    asset = media_upload(actor=admin, unit=tree.kab, file=upload("dokumen.pdf", image_bytes(100, 80, "PNG"),
                                                                 "application/pdf"))
    assert (asset.kind, asset.mime_type) == ("image", "image/png")
    assert asset.original.name.endswith(".png")
    assert "dokumen" not in asset.original.name  # random name, never the uploaded one
    assert asset.original.name.startswith(f"media/{tree.kab.uuid}/")


def test_empty_file_is_refused(tree, admin):
    assert "kosong" in refused(actor=admin, unit=tree.kab, file=upload("a.jpg", b""))


# --- limits and broken files -----------------------------------------------------------------

def test_oversize_image_is_refused(tree, admin, settings, media_root):
    settings.WARTA_MEDIA_MAX_IMAGE_MB = 0.01  # about 10 kB
    message = refused(actor=admin, unit=tree.kab, file=upload("besar.jpg", noisy_jpeg(200, 200)))
    assert "besar.jpg" in message
    assert "batas gambar" in message
    assert files_under(media_root) == []
    assert MediaAsset.objects.count() == 0


def test_oversize_video_is_refused(tree, admin, settings):
    settings.WARTA_MEDIA_MAX_VIDEO_MB = 0.0001
    assert "batas video" in refused(actor=admin, unit=tree.kab, file=upload("v.mp4", tiny_mp4()))


def test_corrupt_image_is_refused(tree, admin, media_root):
    data = image_bytes(400, 300, "PNG")
    message = refused(actor=admin, unit=tree.kab, file=upload("rusak.png", data[: len(data) // 2]))
    assert "rusak" in message
    broken_jpeg = image_bytes(400, 300, "JPEG")[:300]
    assert "tidak dapat dibaca" in refused(actor=admin, unit=tree.kab, file=upload("x.jpg", broken_jpeg))
    assert files_under(media_root) == []


def test_decompression_bomb_is_refused_before_decoding(tree, admin, media_root):
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, format="PNG")  # 144 megapixels in a small file
    assert out.tell() < 1024 * 1024
    message = refused(actor=admin, unit=tree.kab, file=upload("bom.png", out.getvalue()))
    assert "12000×12000" in message
    assert "terlalu besar" in message
    assert files_under(media_root) == []


def test_pixel_limit_is_a_setting(tree, admin, settings):
    settings.WARTA_MEDIA_MAX_PIXELS = 1000
    assert "terlalu besar" in refused(actor=admin, unit=tree.kab, file=upload("a.png", image_bytes(100, 100, "PNG")))


# --- measuring -------------------------------------------------------------------------------

def test_image_measured_and_audited(tree, admin):
    asset = media_upload(actor=admin, unit=tree.kab, file=upload("a.jpg", image_bytes(800, 600)), title="Rapat",
                         alt_text="Bupati membuka rapat")
    assert (asset.kind, asset.width, asset.height, asset.title) == ("image", 800, 600, "Rapat")
    assert asset.size_bytes == Path(asset.original.path).stat().st_size
    assert len(asset.sha256) == 64
    event = AuditEvent.objects.get(action="media.upload")
    assert event.target_id == str(asset.uuid)
    assert event.unit_id == tree.kab.pk


def test_exif_orientation_is_applied(tree, admin):
    data = image_bytes(400, 200, "JPEG", exif_orientation=6)  # stored landscape, shown rotated 90°
    asset = media_upload(actor=admin, unit=tree.kab, file=upload("hp.jpg", data))
    assert (asset.width, asset.height) == (200, 400)
    with Image.open(asset.original.path) as stored:
        assert stored.size == (200, 400)
        assert stored.getexif().get(0x0112, 1) == 1


def test_video_measured_with_hachoir(tree, admin):
    asset = media_upload(actor=admin, unit=tree.kab, file=upload("klip.mov", tiny_mp4(1280, 720, 12.5)))
    assert (asset.kind, asset.mime_type) == ("video", "video/mp4")
    assert (asset.width, asset.height) == (1280, 720)
    assert asset.duration_s == pytest.approx(12.5)


def test_unreadable_video_is_refused(tree, admin, media_root):
    data = tiny_mp4()
    broken = data[:40] + b"\xff" * 40  # the moov box is cut
    message = refused(actor=admin, unit=tree.kab, file=upload("rusak.mp4", broken))
    assert "rusak.mp4" in message
    assert files_under(media_root) == []


# --- dedupe and atomicity --------------------------------------------------------------------

def test_same_file_same_unit_returns_existing(tree, admin):
    data = image_bytes(300, 300, "PNG")
    first = media_upload(actor=admin, unit=tree.kab, file=upload("a.png", data))
    again = media_upload(actor=admin, unit=tree.kab, file=upload("b.png", data), title="lain")
    assert again.pk == first.pk
    assert again.was_created is False
    other_unit = media_upload(actor=admin, unit=tree.kec, file=upload("a.png", data))
    assert other_unit.pk != first.pk
    assert MediaAsset.objects.count() == 2


def test_duplicate_of_archived_asset_restores_it(tree, admin):
    data = image_bytes(300, 300, "PNG")
    first = media_upload(actor=admin, unit=tree.kab, file=upload("a.png", data))
    services.media_archive(actor=admin, asset=first)
    again = media_upload(actor=admin, unit=tree.kab, file=upload("a.png", data))
    assert again.pk == first.pk
    assert not again.archived


def test_failure_after_writing_removes_the_file(tree, admin, media_root, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "audit_record", boom)
    with pytest.raises(RuntimeError):
        media_upload(actor=admin, unit=tree.kab, file=upload("a.png", image_bytes(50, 50, "PNG")))
    assert MediaAsset.objects.count() == 0
    assert files_under(media_root) == []


# --- edits -----------------------------------------------------------------------------------

def test_update_and_archive(tree, admin):
    asset = media_upload(actor=admin, unit=tree.kab, file=upload("a.png", image_bytes(50, 50, "PNG")))
    asset = services.media_update(actor=admin, asset=asset, title="Baru", alt_text="Keterangan")
    assert (asset.title, asset.alt_text) == ("Baru", "Keterangan")
    with pytest.raises(ValidationError):
        services.media_update(actor=admin, asset=asset, alt_text="x" * 1001)
    asset.refresh_from_db()
    assert asset.alt_text == "Keterangan"
    services.media_archive(actor=admin, asset=asset)
    asset.refresh_from_db()
    assert asset.archived
    actions = list(AuditEvent.objects.filter(action__startswith="media.").order_by("seq").values_list("action", flat=True))
    assert actions == ["media.upload", "media.update", "media.archive"]


# --- renditions ------------------------------------------------------------------------------

def _open(rendition):
    with Image.open(rendition.file.path) as image:
        return image.format, image.size


def test_instagram_rendition_is_cropped_scaled_jpeg(tree, admin):
    asset = media_upload(actor=admin, unit=tree.kab, file=upload("a.png", image_bytes(2000, 4000, "PNG")))
    assert asset_problems(asset, "instagram")  # PNG, too tall, too wide
    rendition = rendition_for(asset, "instagram")
    fmt, (width, height) = _open(rendition)
    assert fmt == "JPEG"
    assert rendition.mime_type == "image/jpeg"
    assert width == 1080
    assert width / height == pytest.approx(0.8, abs=0.01)
    assert (rendition.width, rendition.height) == (width, height)
    assert rendition.size_bytes == Path(rendition.file.path).stat().st_size
    assert limits.media_problems("instagram", [media_facts(rendition)]) == []
    assert rendition_for(asset, "instagram").pk == rendition.pk  # made once


def test_instagram_wide_image_cropped_to_191(tree, admin):
    asset = media_upload(actor=admin, unit=tree.kab, file=upload("a.jpg", image_bytes(3000, 1000)))
    _fmt, (width, height) = _open(rendition_for(asset, "instagram"))
    assert width / height == pytest.approx(1.91, abs=0.01)


def test_x_rendition_shrinks_big_file_under_5mb(tree, admin, settings):
    asset = media_upload(actor=admin, unit=tree.kab, file=upload("a.jpg", noisy_jpeg(2000, 1500, quality=100)))
    assert asset.size_bytes > 5 * 1024 * 1024
    rendition = rendition_for(asset, "x")
    assert rendition.size_bytes <= 5 * 1024 * 1024
    assert rendition.file.name != asset.original.name
    assert limits.media_problems("x", [media_facts(rendition)]) == []


def test_fitting_image_uses_the_original(tree, admin):
    asset = media_upload(actor=admin, unit=tree.kab, file=upload("a.jpg", image_bytes(800, 600)))
    for platform in ("sandbox", "x", "telegram"):
        rendition = rendition_for(asset, platform)
        assert rendition.file.name == asset.original.name
    assert Rendition.objects.filter(asset=asset).count() == 3


def test_telegram_rendition_within_side_sum(tree, admin):
    asset = media_upload(actor=admin, unit=tree.kab, file=upload("a.png", image_bytes(9000, 3000, "PNG")))
    rendition = rendition_for(asset, "telegram")
    assert rendition.width + rendition.height <= 10_000


def test_image_on_youtube_is_unfit(tree, admin):
    asset = media_upload(actor=admin, unit=tree.kab, file=upload("a.jpg", image_bytes(100, 100)))
    with pytest.raises(MediaUnfit) as info:
        rendition_for(asset, "youtube")
    assert info.value.problems == ["YouTube hanya menerima video, bukan gambar."]
    with pytest.raises(ValueError, match="no publishing rules"):
        rendition_for(asset, "rss")


def test_video_rendition_is_the_original_or_unfit(tree, admin):
    asset = media_upload(actor=admin, unit=tree.kab, file=upload("v.mp4", tiny_mp4(1280, 720, 200)))
    assert rendition_for(asset, "youtube").file.name == asset.original.name
    with pytest.raises(MediaUnfit) as info:
        rendition_for(asset, "x")
    assert info.value.problems == ["Video berdurasi 200 detik; X menerima paling lama 140 detik."]
    assert not Rendition.objects.filter(asset=asset, platform="x").exists()


def test_renditions_task_after_upload(tree, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        asset = media_upload(actor=admin, unit=tree.kab, file=upload("a.png", image_bytes(1600, 900, "PNG")))
    platforms = set(asset.renditions.values_list("platform", flat=True))
    assert platforms == {"facebook", "instagram", "x", "telegram", "sandbox"}


def test_outbound_media(tree, admin):
    asset = media_upload(actor=admin, unit=tree.kab, file=upload("a.jpg", image_bytes(1200, 1200)),
                         alt_text="Foto kegiatan")
    rendition = rendition_for(asset, "instagram")
    media = services.outbound_media(rendition, base_url="https://warta.bogorkab.go.id")
    assert isinstance(media, Media)
    assert (media.kind, media.mime_type, media.alt_text) == ("image", "image/jpeg", "Foto kegiatan")
    assert Path(media.path).is_file()
    assert media.size_bytes == Path(media.path).stat().st_size
    token = media.public_url.rsplit("/kanal/media/", 1)[1].rstrip("/")
    assert media_signed_resolve(token) == Path(media.path).resolve()


def test_transparent_png_flattened_for_instagram(tree, admin):
    data = image_bytes(600, 600, "PNG", color=(0, 0, 255, 0), mode="RGBA")
    asset = media_upload(actor=admin, unit=tree.kab, file=upload("logo.png", data))
    rendition = rendition_for(asset, "instagram")
    with Image.open(rendition.file.path) as image:
        assert image.format == "JPEG"
        assert image.getpixel((300, 300)) == pytest.approx((255, 255, 255), abs=3)  # white, not black
    assert rendition_for(asset, "x").file.name == asset.original.name  # X keeps the PNG as it is


def test_post_media_problems_counts_images_as_fixable(tree, admin):
    tall_png = media_upload(actor=admin, unit=tree.kab, file=upload("a.png", image_bytes(500, 1500, "PNG")))
    short = media_upload(actor=admin, unit=tree.kab, file=upload("v.mp4", tiny_mp4(640, 360, 1.0)))
    assert services.asset_problems(tall_png, "instagram")  # the original does not fit…
    assert services.post_media_problems("instagram", [tall_png]) == []  # …but its rendition will
    assert services.post_media_problems("instagram", [tall_png, short]) == [
        "Berkas ke-2 berdurasi 1 detik; Instagram minta paling singkat 3 detik."]
    assert services.post_media_problems("x", [tall_png] * 5)[0].startswith("5 gambar")
    assert services.post_media_problems("youtube", [tall_png]) == ["YouTube hanya menerima video, bukan gambar."]
    services.media_update(actor=admin, asset=tall_png, alt_text="a" * 1000)
    tall_png.refresh_from_db()
    assert services.post_media_problems("x", [tall_png]) == []
