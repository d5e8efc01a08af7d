"""The media endpoints of the JSON API: list, upload (multipart), get, patch, archive.

Same auth and scope rules as the organisations API. An upload is judged by its content:
a mislabelled, oversized or unreadable file is refused with 422 and nothing is stored.
"""

from datetime import datetime
from uuid import UUID

from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from warta.channels import limits
from warta.media import selectors, services
from warta.media.models import MediaAsset
from warta.organisations.api import paginate, responses, token_scope, unit_scope
from warta.organisations.schemas import BodyIn, Paged, PageIn
from warta.organisations.scope import Scope, scope_for_unit

router = Router(tags=["media"])


class RenditionOut(Schema):
    platform: str
    mime_type: str
    size_bytes: int
    width: int | None
    height: int | None


class FitnessOut(Schema):
    platform: str
    accepts: bool = Field(description="Platform menerima jenis berkas ini.")
    fits: bool = Field(description="Berkas asli cocok, atau dapat dibuatkan rendisi yang cocok.")
    problems: list[str] = Field(description="Yang akan ditolak platform pada berkas asli.")


class MediaOut(Schema):
    uuid: UUID
    unit_uuid: UUID
    kind: str
    title: str
    alt_text: str
    mime_type: str
    size_bytes: int
    width: int | None
    height: int | None
    duration_s: float | None
    sha256: str
    created_at: datetime
    archived: bool

    @staticmethod
    def resolve_unit_uuid(obj) -> UUID:
        return obj.unit.uuid


class MediaDetailOut(MediaOut):
    renditions: list[RenditionOut]
    fitness: list[FitnessOut]

    @staticmethod
    def resolve_renditions(obj) -> list:
        return list(obj.renditions.all())

    @staticmethod
    def resolve_fitness(obj) -> list[dict]:
        return [{"platform": r["platform"], "accepts": r["accepts"], "fits": r["fits"], "problems": r["problems"]}
                for r in services.asset_fitness(obj)]


class MediaFilterIn(Schema):
    q: str = ""
    kind: str = Field("", description="image atau video; kosong: semua.")
    archived: bool = False


class MediaPatch(BodyIn):
    title: str | None = Field(None, max_length=200)
    alt_text: str | None = Field(None, max_length=1000)


class MediaArchiveIn(BodyIn):
    archived: bool = True


def _asset_scope(request, asset_uuid: UUID) -> tuple[Scope, MediaAsset]:
    """Return the scope on the asset's unit (capped by the token) and the asset."""
    reach = token_scope(request)
    asset = selectors.asset_get(scope=reach, asset_uuid=asset_uuid)
    scope = scope_for_unit(user=request.user, unit=asset.unit, grants=reach.grants, ceiling=request.api_token.role)
    return scope, asset


@router.get("/units/{unit_uuid}/media", response=responses({200: Paged[MediaOut]}, 403, 404, 422),
            url_name="media-list", summary="Daftar media")
def media_list(request, unit_uuid: UUID, filters: Query[MediaFilterIn], paging: Query[PageIn]):
    """List the media of a unit and every unit below it, newest first; ``q`` searches titles."""
    scope = unit_scope(request, unit_uuid)
    scope.require("media.view")
    f = selectors.MediaFilter(query=filters.q, kind=filters.kind, archived=filters.archived)
    return paginate(selectors.asset_list(scope=scope, filters=f), paging)


@router.post("/units/{unit_uuid}/media", response=responses({200: MediaDetailOut, 201: MediaDetailOut}, 403, 404, 422),
             url_name="media-upload", summary="Unggah media")
def media_upload(request, unit_uuid: UUID, file: File[UploadedFile], title: Form[str] = "", alt_text: Form[str] = ""):
    """Upload one image or video (multipart ``file``). Its type is read from its content.

    201 with the new asset; 200 with the existing one when the same file is already in the unit.
    """
    scope = unit_scope(request, unit_uuid)
    scope.require("media.manage")
    asset = services.media_upload(actor=request.user, unit=scope.unit, file=file, title=title, alt_text=alt_text)
    return Status(201 if getattr(asset, "was_created", True) else 200, asset)


@router.get("/media/{asset_uuid}", response=responses({200: MediaDetailOut}, 403, 404),
            url_name="media-detail", summary="Satu media")
def media_detail(request, asset_uuid: UUID):
    """One asset with its renditions and its fitness for every platform."""
    scope, asset = _asset_scope(request, asset_uuid)
    scope.require("media.view")
    return asset


@router.patch("/media/{asset_uuid}", response=responses({200: MediaDetailOut}, 403, 404, 422),
              url_name="media-update", summary="Ubah judul atau teks alternatif media")
def media_update(request, asset_uuid: UUID, payload: MediaPatch):
    scope, asset = _asset_scope(request, asset_uuid)
    scope.require("media.manage")
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return services.media_update(actor=request.user, asset=asset, **fields)


@router.post("/media/{asset_uuid}/archive", response=responses({200: MediaDetailOut}, 403, 404, 422),
             url_name="media-archive", summary="Arsipkan atau pulihkan media")
def media_archive(request, asset_uuid: UUID, payload: MediaArchiveIn):
    scope, asset = _asset_scope(request, asset_uuid)
    scope.require("media.manage")
    return services.media_archive(actor=request.user, asset=asset, archived=payload.archived)


@router.get("/media-rules", response=responses({200: list[dict]}), url_name="media-rules",
            summary="Aturan teks dan media tiap platform")
def media_rules(request):
    """What each platform accepts: text limits and how they are counted, media counts, types, sizes."""
    rows = []
    for platform in limits.RULES:
        rules = limits.rules_for(platform)
        row = {key: (sorted(value) if isinstance(value, frozenset) else value)
               for key, value in rules.__dict__.items()}
        rows.append(row)
    return rows
