"""Writes on the media library: uploads checked by content, renditions per platform, edits, archiving.

An upload is judged by its bytes only (``filetype``), never by its name or the browser's
content type. Images are decoded in full with Pillow (a decompression-bomb guard first, a
corrupt file refused, EXIF orientation applied to the stored original); videos are measured
with ``hachoir`` (no transcoding: there is no ffmpeg). Nothing is stored unless every check
passes, and a failure after the file was written removes the file again.
"""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warta.channels import limits
from warta.channels.connectors.base import Media
from warta.channels.limits import MediaFacts
from warta.channels.media import media_signed_url
from warta.core.audit import audit_action_register, audit_record
from warta.media.models import MediaAsset, MediaKind, Rendition
from warta.organisations.roles import Role, permission_register

logger = logging.getLogger(__name__)

permission_register("media.view", set(Role))
permission_register("media.manage", {Role.ADMIN, Role.APPROVER, Role.EDITOR})

audit_action_register({
    "media.upload": gettext_lazy("Media diunggah"),
    "media.update": gettext_lazy("Media diubah"),
    "media.archive": gettext_lazy("Media diarsipkan"),
    "media.restore": gettext_lazy("Media dipulihkan"),
})

IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}
VIDEO_TYPES = {"video/mp4", "video/quicktime", "video/webm", "video/x-matroska", "video/x-msvideo"}
ACCEPTED_NAMES = "JPEG, PNG, GIF, WebP, MP4, MOV, WebM, MKV, AVI"

# What a refused file really is, in words an officer understands.
REAL_NAMES = {
    "application/pdf": gettext_lazy("dokumen PDF"),
    "application/x-executable": gettext_lazy("program (berkas ELF yang dapat dijalankan)"),
    "application/x-msdownload": gettext_lazy("program Windows (EXE/DLL)"),
    "application/x-mach-binary": gettext_lazy("program macOS"),
    "application/x-sh": gettext_lazy("skrip shell"),
    "application/zip": gettext_lazy("arsip ZIP"),
    "application/x-rar-compressed": gettext_lazy("arsip RAR"),
    "application/x-7z-compressed": gettext_lazy("arsip 7z"),
    "application/gzip": gettext_lazy("arsip GZIP"),
    "application/x-tar": gettext_lazy("arsip TAR"),
    "application/msword": gettext_lazy("dokumen Word"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": gettext_lazy("dokumen Word"),
    "application/vnd.ms-excel": gettext_lazy("lembar kerja Excel"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": gettext_lazy("lembar kerja Excel"),
    "audio/mpeg": gettext_lazy("berkas audio MP3"),
    "image/tiff": gettext_lazy("gambar TIFF"),
    "image/bmp": gettext_lazy("gambar BMP"),
    "image/heic": gettext_lazy("gambar HEIC"),
    "image/vnd.adobe.photoshop": gettext_lazy("berkas Photoshop (PSD)"),
    "image/svg+xml": gettext_lazy("gambar SVG"),
    "video/x-flv": gettext_lazy("video FLV"),
}

# Renditions aim at these widths where the platform wants a standard size.
RENDITION_TARGET_WIDTH = {"instagram": 1080, "tiktok": 1080}
JPEG_QUALITIES = (90, 85, 80, 72, 65, 55)


class MediaUnfit(Exception):
    """The file cannot be made fit for the platform; ``problems`` are the Indonesian messages."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class _Checked:
    kind: str
    mime_type: str
    width: int | None
    height: int | None
    duration_s: float | None
    content: bytes | None  # replacement bytes (orientation applied), else None


# --- settings --------------------------------------------------------------------------------


def max_bytes(kind: str) -> int:
    if kind == MediaKind.IMAGE:
        mb = getattr(settings, "WARTA_MEDIA_MAX_IMAGE_MB", 20)
    else:
        mb = getattr(settings, "WARTA_MEDIA_MAX_VIDEO_MB", 500)
    return int(float(mb) * 1024 * 1024)


def max_pixels() -> int:
    """Refuse images with more pixels than this before decoding them (decompression bombs)."""
    return int(getattr(settings, "WARTA_MEDIA_MAX_PIXELS", 50_000_000))


# --- checking an upload ----------------------------------------------------------------------


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": [message]}, code="invalid")


def _sniff(head: bytes, name: str) -> tuple[str, str]:
    """Return (kind, mime type) from the file's first bytes, or raise a ValidationError naming what it is."""
    import filetype

    guess = filetype.guess(head)
    if guess is None:
        raise _refuse(_("Berkas “%(name)s” tidak dikenali sebagai gambar atau video. Unggah berkas "
                        "%(types)s.") % {"name": name, "types": ACCEPTED_NAMES})
    mime = guess.mime
    if mime == "video/x-m4v":
        mime = "video/mp4"
    if mime in IMAGE_TYPES:
        return MediaKind.IMAGE, mime
    if mime in VIDEO_TYPES:
        return MediaKind.VIDEO, mime
    real = REAL_NAMES.get(mime) or _("berkas %(type)s") % {"type": mime}
    raise _refuse(_("Berkas “%(name)s” sebenarnya %(real)s, bukan gambar atau video yang didukung. "
                    "Unggah berkas %(types)s.") % {"name": name, "real": real, "types": ACCEPTED_NAMES})


def _check_image(fileobj, mime: str, name: str) -> _Checked:
    from PIL import Image, ImageOps

    corrupt = _("Gambar “%(name)s” rusak atau tidak lengkap sehingga tidak dapat dibaca.") % {"name": name}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own pixel limit below
            fileobj.seek(0)
            with Image.open(fileobj) as probe:
                width, height = probe.size
                if width * height > max_pixels():
                    raise _refuse(_("Gambar “%(name)s” berukuran %(w)s×%(h)s piksel, terlalu besar untuk "
                                    "diproses (paling banyak %(max)s juta piksel).")
                                  % {"name": name, "w": width, "h": height, "max": f"{max_pixels() / 1e6:g}"})
                probe.verify()
            fileobj.seek(0)
            with Image.open(fileobj) as image:
                image.load()  # a full decode: a truncated or corrupt file fails here
                orientation = image.getexif().get(0x0112, 1)
                if orientation in (2, 3, 4, 5, 6, 7, 8):
                    turned = ImageOps.exif_transpose(image)
                    out = io.BytesIO()
                    fmt = IMAGE_TYPES[mime]
                    options = {"quality": 95} if fmt in ("JPEG", "WEBP") else {}
                    turned.save(out, format=fmt, **options)
                    return _Checked(MediaKind.IMAGE, mime, turned.width, turned.height, None, out.getvalue())
                return _Checked(MediaKind.IMAGE, mime, image.width, image.height, None, None)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(_("Gambar “%(name)s” terlalu besar untuk diproses (dicurigai bom dekompresi).")
                      % {"name": name}) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError, MemoryError):
        raise _refuse(corrupt) from None


def _check_video(fileobj, mime: str, name: str) -> _Checked:
    from hachoir.core import config as hachoir_config
    from hachoir.metadata import extractMetadata
    from hachoir.parser import guessParser
    from hachoir.stream import InputIOStream

    hachoir_config.quiet = True
    unreadable = _("Video “%(name)s” tidak dapat dibaca (rusak atau formatnya tidak lengkap).") % {"name": name}
    try:
        fileobj.seek(0)
        parser = guessParser(InputIOStream(fileobj, source=f"upload:{name}", tags=[]))
        if parser is None:
            raise _refuse(unreadable)
        metadata = extractMetadata(parser)
    except ValidationError:
        raise
    except Exception:  # hachoir raises many kinds on a broken stream
        logger.info("video %r could not be parsed", name, exc_info=True)
        raise _refuse(unreadable) from None
    if metadata is None:
        raise _refuse(unreadable)

    def value(key):
        try:
            return metadata.get(key) if metadata.has(key) else None
        except (ValueError, KeyError, IndexError):
            return None

    width, height, duration = value("width"), value("height"), value("duration")
    if not width or not height or duration is None:
        raise _refuse(_("Video “%(name)s” tidak dapat diukur (lebar, tinggi, atau durasinya tidak terbaca).")
                      % {"name": name})
    seconds = duration.total_seconds() if hasattr(duration, "total_seconds") else float(duration)
    return _Checked(MediaKind.VIDEO, mime, int(width), int(height), round(float(seconds), 3), None)


def _sha256(fileobj) -> str:
    digest = hashlib.sha256()
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def _size(fileobj) -> int:
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, io.SEEK_END)
        size = fileobj.tell()
        fileobj.seek(0)
    return int(size)


def media_upload(*, actor, unit, file, title: str = "", alt_text: str = "") -> MediaAsset:
    """Check an uploaded file by its content, measure it, store it in ``unit``'s library.

    Raises ValidationError (``{"file": [...]}``) with an Indonesian message for a file that
    is not a supported image or video, is too large, or cannot be read. The same bytes
    uploaded again to the same unit return the existing asset (restored if archived).
    """
    # NUL never reaches the database (PostgreSQL refuses it)
    name = (getattr(file, "name", "") or _("berkas")).replace("\x00", "").rsplit("/", 1)[-1][:120]
    title = (title or "").replace("\x00", "").strip()[:200]
    alt_text = (alt_text or "").replace("\x00", "").strip()
    if len(alt_text) > 1000:
        raise ValidationError({"alt_text": [_("Teks alternatif paling banyak 1.000 karakter.")]})
    size = _size(file)
    if size == 0:
        raise _refuse(_("Berkas “%(name)s” kosong.") % {"name": name})
    file.seek(0)
    head = file.read(8192)
    kind, mime = _sniff(head, name)
    limit = max_bytes(kind)
    if size > limit:
        raise _refuse(_("Berkas “%(name)s” berukuran %(size)s; batas %(kind)s %(limit)s.")
                      % {"name": name, "size": limits._mb(size), "kind": MediaKind(kind).label.lower(),
                         "limit": limits._mb(limit)})
    sha = _sha256(file)
    existing = MediaAsset.objects.filter(unit=unit, sha256=sha).first()
    if existing is not None:
        return _restore_duplicate(actor=actor, asset=existing)
    checked = _check_image(file, mime, name) if kind == MediaKind.IMAGE else _check_video(file, mime, name)
    content = ContentFile(checked.content) if checked.content is not None else File(file)
    asset = MediaAsset(unit=unit, uploaded_by=actor if getattr(actor, "pk", None) else None, kind=kind,
                       title=title or name.rsplit(".", 1)[0][:200], alt_text=alt_text, mime_type=mime,
                       size_bytes=checked.content and len(checked.content) or size, width=checked.width,
                       height=checked.height, duration_s=checked.duration_s, sha256=sha)
    stored = ""
    try:
        with transaction.atomic():
            file.seek(0)
            asset.original.save("upload", content, save=False)
            stored = asset.original.name
            asset.save()
            audit_record(actor=actor, unit=unit, action="media.upload", target=asset,
                         changes={"kind": kind, "mime_type": mime, "size_bytes": asset.size_bytes,
                                  "sha256": sha})
    except IntegrityError:
        _delete_file(stored)
        existing = MediaAsset.objects.filter(unit=unit, sha256=sha).first()
        if existing is None:
            raise
        existing.was_created = False
        return existing
    except BaseException:
        _delete_file(stored)
        raise
    transaction.on_commit(lambda: _enqueue_renditions(asset.pk))
    asset.was_created = True
    return asset


def _restore_duplicate(*, actor, asset: MediaAsset) -> MediaAsset:
    if asset.archived:
        asset = media_archive(actor=actor, asset=asset, archived=False)
    asset.was_created = False
    return asset


def _enqueue_renditions(asset_pk: int) -> None:
    from warta.media.tasks import renditions_make_task

    try:
        renditions_make_task.enqueue(asset_pk)
    except Exception:  # the renditions are also made on demand; an upload never fails for this
        logger.exception("could not enqueue renditions for media asset %s", asset_pk)


def _delete_file(name: str) -> None:
    if not name:
        return
    from django.core.files.storage import default_storage

    try:
        default_storage.delete(name)
    except OSError:
        logger.warning("could not remove %s", name, exc_info=True)


# --- edits -----------------------------------------------------------------------------------


def media_update(*, actor, asset: MediaAsset, **fields) -> MediaAsset:
    """Change an asset's title and/or alt text; only the fields given change."""
    allowed = {"title", "alt_text"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    changes = {}
    errors = {}
    for key, value in fields.items():
        value = (value or "").replace("\x00", "").strip()
        if key == "title" and len(value) > 200:
            errors["title"] = [_("Judul paling banyak 200 karakter.")]
        if key == "alt_text" and len(value) > 1000:
            errors["alt_text"] = [_("Teks alternatif paling banyak 1.000 karakter.")]
        if getattr(asset, key) != value:
            changes[key] = [getattr(asset, key), value]
    if errors:
        raise ValidationError(errors)
    if not changes:
        return asset
    with transaction.atomic():
        asset = MediaAsset.objects.select_for_update().get(pk=asset.pk)
        for key, (_old, new) in changes.items():
            setattr(asset, key, new)
        asset.save(update_fields=list(changes))
        audit_record(actor=actor, unit=asset.unit, action="media.update", target=asset, changes=changes)
    return asset


def media_archive(*, actor, asset: MediaAsset, archived: bool = True) -> MediaAsset:
    """Archive (hide from the library and the picker) or restore an asset. Files are kept:
    published posts and their audit still point at them."""
    if asset.archived == archived:
        return asset
    with transaction.atomic():
        asset = MediaAsset.objects.select_for_update().get(pk=asset.pk)
        asset.archived = archived
        asset.save(update_fields=["archived"])
        audit_record(actor=actor, unit=asset.unit, action="media.archive" if archived else "media.restore",
                     target=asset)
    return asset


# --- facts and fitness -----------------------------------------------------------------------


def media_facts(item: MediaAsset | Rendition) -> MediaFacts:
    """The measured facts of an asset's original or of a rendition."""
    if isinstance(item, Rendition):
        return MediaFacts(kind=item.asset.kind, mime_type=item.mime_type, size_bytes=item.size_bytes,
                          width=item.width, height=item.height, duration_s=item.asset.duration_s)
    return MediaFacts(kind=item.kind, mime_type=item.mime_type, size_bytes=item.size_bytes, width=item.width,
                      height=item.height, duration_s=item.duration_s)


def asset_problems(asset: MediaAsset, platform: str) -> list[str]:
    """What the platform would refuse in this asset's original, alone in a post ([] when it fits)."""
    problems = limits.media_problems(platform, [media_facts(asset)])
    if asset.kind == MediaKind.IMAGE:
        problems += limits.alt_text_problems(platform, asset.alt_text)
    return problems


def post_media_problems(platform: str, assets) -> list[str]:
    """What would stop these assets, together in one post, from publishing on ``platform``.

    Unlike :func:`asset_problems` this counts an image's type, size, dimensions and aspect as
    solved when the platform takes images (its rendition is converted, scaled and cropped);
    counts, mixing, videos (never transcoded) and alt text are checked as they are.
    """
    rules = limits.rules_for(platform)
    facts = []
    for asset in assets:
        if asset.kind == MediaKind.IMAGE and rules.accepts("image") and not rules.video_required:
            mime = asset.mime_type if asset.mime_type in rules.image_types else sorted(rules.image_types)[0]
            facts.append(MediaFacts(kind="image", mime_type=mime, size_bytes=0))
        else:
            facts.append(media_facts(asset))
    problems = limits.media_problems(platform, facts)
    for asset in assets:
        if asset.kind == MediaKind.IMAGE:
            problems += limits.alt_text_problems(platform, asset.alt_text)
    return problems


def asset_fitness(asset: MediaAsset) -> list[dict]:
    """Per publishing platform: the original's problems, whether a rendition can fix them, and
    the rendition already made. For the detail page and the API."""
    renditions = {r.platform: r for r in asset.renditions.all()}
    rows = []
    for platform in limits.RULES:
        rules = limits.rules_for(platform)
        problems = asset_problems(asset, platform)
        rendition = renditions.get(platform)
        accepts = rules.accepts(asset.kind) and not (asset.kind == MediaKind.IMAGE and rules.video_required)
        fixable = accepts and asset.kind == MediaKind.IMAGE
        rows.append({"platform": platform, "name": limits.PLATFORM_NAMES[platform], "problems": problems,
                     "accepts": accepts, "fits": accepts and (not problems or fixable),
                     "rendition": rendition})
    return rows


# --- renditions ------------------------------------------------------------------------------


def _target_format(rules: limits.PlatformRules, mime: str, has_alpha: bool) -> str:
    if mime in rules.image_types and mime != "image/gif":
        return mime
    if has_alpha and "image/png" in rules.image_types:
        return "image/png"
    for candidate in ("image/jpeg", "image/png", "image/webp"):
        if candidate in rules.image_types:
            return candidate
    raise MediaUnfit([_("%(platform)s tidak menerima gambar.") % {"platform": limits.PLATFORM_NAMES[rules.platform]}])


def _crop_to_aspect(image, low: float | None, high: float | None):
    width, height = image.size
    aspect = width / height
    if low is not None and aspect < low:  # too tall: cut top and bottom
        new_height = max(1, round(width / low))
        top = (height - new_height) // 2
        return image.crop((0, top, width, top + new_height))
    if high is not None and aspect > high:  # too wide: cut the sides
        new_width = max(1, round(height * high))
        left = (width - new_width) // 2
        return image.crop((left, 0, left + new_width, height))
    return image


def _fit_box(rules: limits.PlatformRules, width: int, height: int) -> float:
    """The scale factor that brings the image within the platform's size bounds."""
    scale = 1.0
    target = RENDITION_TARGET_WIDTH.get(rules.platform)
    if target and width > target:
        scale = min(scale, target / width)
    if rules.image_max_width and width * scale > rules.image_max_width:
        scale = min(scale, rules.image_max_width / width)
    if rules.image_max_height and height * scale > rules.image_max_height:
        scale = min(scale, rules.image_max_height / height)
    if rules.image_max_side_sum and (width + height) * scale > rules.image_max_side_sum:
        scale = min(scale, rules.image_max_side_sum / (width + height))
    if scale == 1.0 and rules.image_min_width and width < rules.image_min_width:
        scale = rules.image_min_width / width
    return scale


def _encode(image, mime: str, max_size: int) -> bytes:
    from PIL import Image

    fmt = IMAGE_TYPES[mime]
    current = image
    for _attempt in range(6):
        if fmt == "JPEG":
            rgb = current
            if current.mode in ("RGBA", "LA", "P"):
                rgba = current.convert("RGBA")
                rgb = Image.new("RGB", rgba.size, (255, 255, 255))
                rgb.paste(rgba, mask=rgba.getchannel("A"))
            elif current.mode != "RGB":
                rgb = current.convert("RGB")
            for quality in JPEG_QUALITIES:
                out = io.BytesIO()
                rgb.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)
                if out.tell() <= max_size:
                    return out.getvalue()
        else:
            out = io.BytesIO()
            options = {"optimize": True} if fmt == "PNG" else {"quality": 85}
            current.save(out, format=fmt, **options)
            if out.tell() <= max_size:
                return out.getvalue()
        new_size = (max(1, int(current.width * 0.75)), max(1, int(current.height * 0.75)))
        current = current.resize(new_size, Image.Resampling.LANCZOS)
    raise MediaUnfit([_("Gambar tidak dapat diperkecil sampai di bawah %(limit)s.") % {"limit": limits._mb(max_size)}])


def _render_image(asset: MediaAsset, platform: str) -> tuple[bytes, str, int, int] | None:
    """Return (bytes, mime, width, height) of the platform's version, or None when the original fits."""
    from PIL import Image

    rules = limits.rules_for(platform)
    if not rules.accepts("image") or rules.video_required:
        raise MediaUnfit(limits.media_problems(platform, [media_facts(asset)]))
    target_width = RENDITION_TARGET_WIDTH.get(platform)
    if not limits.media_problems(platform, [media_facts(asset)]) and not (target_width and asset.width > target_width):
        return None
    with asset.original.open("rb") as handle, Image.open(handle) as source:
        source.load()
        if getattr(source, "is_animated", False):
            source.seek(0)
        image = source.copy()
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    mime = _target_format(rules, asset.mime_type, has_alpha)
    image = _crop_to_aspect(image, rules.image_min_aspect, rules.image_max_aspect)
    scale = _fit_box(rules, image.width, image.height)
    if scale != 1.0:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    data = _encode(image, mime, rules.image_max_bytes)
    with Image.open(io.BytesIO(data)) as done:
        return data, mime, done.width, done.height


def rendition_for(asset: MediaAsset, platform: str) -> Rendition:
    """Return the asset's rendition for ``platform``, making it now if there is none.

    Images are cropped (centre), scaled and re-encoded as the platform needs; an image that
    already fits is used as it is (the rendition points at the original). Videos are never
    transcoded: the original is used when it fits, else MediaUnfit carries the problems.
    """
    limits.rules_for(platform)  # ValueError for a platform Warta does not publish to
    existing = Rendition.objects.filter(asset=asset, platform=platform).select_related("asset__unit").first()
    if existing is not None:
        return existing
    if asset.kind == MediaKind.VIDEO:
        problems = limits.media_problems(platform, [media_facts(asset)])
        if problems:
            raise MediaUnfit(problems)
        rendition = Rendition(asset=asset, platform=platform, file=asset.original.name, mime_type=asset.mime_type,
                              size_bytes=asset.size_bytes, width=asset.width, height=asset.height)
        return _save_rendition(rendition, written="")
    made = _render_image(asset, platform)
    if made is None:
        rendition = Rendition(asset=asset, platform=platform, file=asset.original.name, mime_type=asset.mime_type,
                              size_bytes=asset.size_bytes, width=asset.width, height=asset.height)
        return _save_rendition(rendition, written="")
    data, mime, width, height = made
    rendition = Rendition(asset=asset, platform=platform, mime_type=mime, size_bytes=len(data), width=width,
                          height=height)
    rendition.file.save("rendition", ContentFile(data), save=False)
    return _save_rendition(rendition, written=rendition.file.name)


def _save_rendition(rendition: Rendition, *, written: str) -> Rendition:
    try:
        with transaction.atomic():
            rendition.save()
    except IntegrityError:  # made at the same moment by another worker: keep theirs
        _delete_file(written)
        return Rendition.objects.get(asset=rendition.asset, platform=rendition.platform)
    except BaseException:
        _delete_file(written)
        raise
    return rendition


def renditions_make(asset: MediaAsset) -> dict[str, list[str]]:
    """Make every platform's rendition the asset can have; return the problems per platform
    that could not get one (an image on YouTube, a too-long video on X)."""
    unfit = {}
    for platform in limits.RULES:
        rules = limits.rules_for(platform)
        if not rules.accepts(asset.kind) or (asset.kind == MediaKind.IMAGE and rules.video_required):
            continue
        try:
            rendition_for(asset, platform)
        except MediaUnfit as exc:
            unfit[platform] = exc.problems
    return unfit


def outbound_media(rendition: Rendition, *, base_url: str, expires_s: int = 6 * 3600) -> Media:
    """The connector's :class:`Media` for a rendition: its local path and a signed public URL."""
    asset = rendition.asset
    return Media(
        kind=asset.kind, path=rendition.file.path, mime_type=rendition.mime_type, size_bytes=rendition.size_bytes,
        public_url=media_signed_url(rendition.file.name, expires_s=expires_s, base_url=base_url),
        alt_text=asset.alt_text if asset.kind == MediaKind.IMAGE else "", width=rendition.width,
        height=rendition.height, duration_s=asset.duration_s,
    )


def thumbnail_bytes(asset: MediaAsset, *, size: int = 320) -> bytes:
    """A small JPEG of an image asset, for the library grid (made on request, never stored publicly)."""
    from PIL import Image

    with asset.original.open("rb") as handle, Image.open(handle) as source:
        source.draft("RGB", (size, size))
        image = source.convert("RGBA") if source.mode in ("P", "LA") else source.copy()
    image.thumbnail((size, size))
    if image.mode != "RGB":
        background = Image.new("RGB", image.size, (255, 255, 255))
        if image.mode == "RGBA":
            background.paste(image, mask=image.getchannel("A"))
        else:
            background.paste(image.convert("RGB"))
        image = background
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()
