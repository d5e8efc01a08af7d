"""Request and response shapes of the composer's API: posts, variants, versions, comments, templates."""

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema

from warta.organisations.schemas import BodyIn, Paged
from warta.publishing.models import PostState, TemplateKind


class MediaIn(BodyIn):
    asset: UUID = Field(..., description="UUID aset di pustaka media unit.")
    alt_text: str = Field("", max_length=1000)


class VariantIn(BodyIn):
    text: str = Field("", max_length=100_000)
    link: str = Field("", max_length=1000)
    first_comment: str = Field("", max_length=100_000)
    title: str = Field("", max_length=200, description="Judul video (YouTube, TikTok).")
    media: list[MediaIn] = Field(default_factory=list)


class MediaOut(Schema):
    asset: UUID
    kind: str
    title: str
    alt_text: str


class VariantOut(Schema):
    platform: str
    text: str
    link: str
    first_comment: str
    title: str
    length: int = Field(..., description="Panjang teks seperti platform menghitungnya.")
    limit: int
    media: list[MediaOut]


class PostOut(Schema):
    uuid: UUID
    unit_uuid: UUID
    unit_name: str
    title: str
    state: PostState
    version: int
    notes: str
    warnings: list[dict]
    needs_escalation: bool
    scheduled_at: datetime | None
    approved_at: datetime | None
    published_at: datetime | None
    archived_at: datetime | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    campaign: UUID | None = None
    pillar: UUID | None = None
    variants: list[VariantOut]


class PostSummaryOut(Schema):
    uuid: UUID
    unit_uuid: UUID
    title: str
    state: PostState
    version: int
    platforms: list[str]
    scheduled_at: datetime | None
    archived_at: datetime | None
    updated_at: datetime


PostPage = Paged[PostSummaryOut]


class PostIn(BodyIn):
    title: str = Field(..., max_length=200)
    variants: dict[str, VariantIn] = Field(..., description="Satu varian per platform: {\"x\": {\"text\": …}}.")
    notes: str = Field("", max_length=10_000)
    unit: UUID | None = Field(None, description="Unit pemilik di bawah unit jalur; kosong: unit jalur itu sendiri.")
    campaign: UUID | None = Field(None, description="Kampanye (milik unit ini atau unit di atasnya).")
    pillar: UUID | None = Field(None, description="Pilar konten (milik unit ini atau unit di atasnya).")


class PostPatch(BodyIn):
    title: str | None = Field(None, max_length=200)
    variants: dict[str, VariantIn] | None = None
    notes: str | None = Field(None, max_length=10_000)
    campaign: UUID | None = None
    pillar: UUID | None = None


class PostFilterIn(Schema):
    q: str = ""
    state: str = ""
    platform: str = ""
    campaign: UUID | None = None
    pillar: UUID | None = None
    archived: bool = False


class ArchiveIn(BodyIn):
    archived: bool = True


class CommentIn(BodyIn):
    body: str = Field(..., max_length=5000)


class CommentOut(Schema):
    body: str
    author: str | None
    created_at: datetime


class VersionOut(Schema):
    version: int
    author: str | None
    created_at: datetime
    snapshot: dict


class TemplateIn(BodyIn):
    kind: TemplateKind = TemplateKind.TEMPLATE
    name: str = Field(..., max_length=120)
    text: str = Field(..., max_length=10_000)


class TemplatePatch(BodyIn):
    kind: TemplateKind | None = None
    name: str | None = Field(None, max_length=120)
    text: str | None = Field(None, max_length=10_000)


class TemplateOut(Schema):
    uuid: UUID
    unit_uuid: UUID
    kind: TemplateKind
    name: str
    text: str
    created_at: datetime


class CheckIn(BodyIn):
    variants: dict[str, VariantIn]
    when: datetime | None = Field(None, description="Waktu terbit yang direncanakan (untuk jam unggah dan masa sensitif).")


class CheckFindings(Schema):
    errors: list[dict]
    warnings: list[dict]
    escalate: bool


class CheckOut(Schema):
    platform: str
    name: str
    length: int
    limit: int
    problems: list[str]
    notes: list[str]
    missing: list[str]
    guideline: CheckFindings
