"""Request and response shapes of the amplification API."""

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema

from warta.amplification.models import PackageState, TaskState
from warta.organisations.schemas import BodyIn, Paged


class TextIn(BodyIn):
    text: str = Field(..., max_length=100_000)
    link: str = Field("", max_length=1000)


class PackageIn(BodyIn):
    title: str = Field(..., min_length=1, max_length=200)
    note: str = Field("", max_length=5000)
    deadline: datetime | None = Field(None, description="Tanpa zona waktu: dibaca di zona unit pengirim.")
    variants: dict[str, TextIn] = Field(..., description="Teks per platform: {platform: {text, link}}.")
    recipients: list[UUID] = Field(default_factory=list, description="UUID unit di bawah unit pengirim.")
    recipient_kinds: list[str] = Field(default_factory=list,
                                       description="Semua unit di bawahnya dengan jenis ini, mis. kecamatan, dinas.")
    media: list[UUID] = Field(default_factory=list, description="UUID media di pustaka unit pengirim atau di atasnya.")
    source_post: UUID | None = None


class TextOut(Schema):
    text: str
    link: str


class PackageOut(Schema):
    uuid: UUID
    unit_uuid: UUID
    unit_name: str
    title: str
    note: str
    deadline: datetime | None
    state: PackageState
    variants: dict[str, TextOut]
    media: list[UUID]
    source_post: UUID | None
    created_by: str | None
    created_at: datetime
    tasks: int
    published: int
    declined: int


PackagePage = Paged[PackageOut]


class TaskOut(Schema):
    uuid: UUID
    package_uuid: UUID
    package_title: str
    sender_uuid: UUID
    sender_name: str
    unit_uuid: UUID
    unit_name: str
    unit_kind: str
    state: TaskState
    deadline: datetime | None
    overdue: bool
    post: UUID | None
    post_state: str | None
    published_at: datetime | None
    reach: int | None = Field(None, description="Jumlah jangkauan publikasinya; null: belum ada data.")
    reminded_at: datetime | None
    declined_reason: str


TaskPage = Paged[TaskOut]


class TrackerOut(Schema):
    package: PackageOut
    total: int
    published: int
    declined: int
    overdue: int
    reach: int
    counts: dict[str, int]
    tasks: Paged[TaskOut]


class TaskFilterIn(Schema):
    state: TaskState | None = None
    q: str = Field("", max_length=200)


class AcceptIn(BodyIn):
    variants: dict[str, TextIn] = Field(..., description="Teks yang disesuaikan per platform (platform paket).")
    title: str = Field("", max_length=200)
    submit: bool = Field(False, description="Langsung ajukan draf untuk persetujuan.")


class DeclineIn(BodyIn):
    reason: str = Field(..., min_length=1, max_length=1000)
