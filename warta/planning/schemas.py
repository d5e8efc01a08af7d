"""Request and response shapes of the planning API."""

import datetime as dt
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema

from warta.organisations.schemas import BodyIn, Paged
from warta.planning.models import Colour, Metric, Segment


class RowOut(Schema):
    uuid: UUID
    unit_uuid: UUID = Field(..., description="Unit pemilik; baris unit induk berlaku juga di bawahnya.")
    unit_name: str
    created_at: dt.datetime
    updated_at: dt.datetime
    archived_at: dt.datetime | None

    @staticmethod
    def resolve_unit_uuid(obj) -> UUID:
        return obj.unit.uuid

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name


class ListFilterIn(Schema):
    q: str = Field("", max_length=200, description="Cari pada nama/judul dan keterangan.")
    archived: bool = Field(False, description="true: hanya yang diarsipkan.")
    inherited: bool = Field(True, description="Sertakan baris milik unit induk.")


class ArchiveIn(BodyIn):
    archived: bool = True


# --- goals -----------------------------------------------------------------------------------


class GoalOut(RowOut):
    title: str
    metric: Metric
    target: Decimal
    period_start: dt.date
    period_end: dt.date
    notes: str


class GoalIn(BodyIn):
    title: str = Field(..., max_length=200)
    metric: Metric
    target: Decimal
    period_start: dt.date
    period_end: dt.date
    notes: str = Field("", max_length=5000)


class GoalPatch(BodyIn):
    title: str | None = Field(None, max_length=200)
    metric: Metric | None = None
    target: Decimal | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    notes: str | None = Field(None, max_length=5000)


# --- audiences -------------------------------------------------------------------------------


class AudienceOut(RowOut):
    name: str
    segment: Segment
    description: str


class AudienceIn(BodyIn):
    name: str = Field(..., max_length=200)
    segment: Segment
    description: str = Field("", max_length=5000)


class AudiencePatch(BodyIn):
    name: str | None = Field(None, max_length=200)
    segment: Segment | None = None
    description: str | None = Field(None, max_length=5000)


# --- pillars ---------------------------------------------------------------------------------


class PillarOut(RowOut):
    name: str
    description: str
    colour: Colour


class PillarIn(BodyIn):
    name: str = Field(..., max_length=120)
    description: str = Field("", max_length=5000)
    colour: Colour = Colour.BLUE


class PillarPatch(BodyIn):
    name: str | None = Field(None, max_length=120)
    description: str | None = Field(None, max_length=5000)
    colour: Colour | None = None


# --- campaigns -------------------------------------------------------------------------------


class CampaignOut(RowOut):
    name: str
    programme: str
    period_start: dt.date
    period_end: dt.date
    description: str
    hashtags: list[str]
    goals: list[UUID]
    pillars: list[UUID]
    audiences: list[UUID]
    accounts: list[UUID]

    @staticmethod
    def resolve_goals(obj) -> list[UUID]:
        return [row.uuid for row in obj.goals.all()]

    @staticmethod
    def resolve_pillars(obj) -> list[UUID]:
        return [row.uuid for row in obj.pillars.all()]

    @staticmethod
    def resolve_audiences(obj) -> list[UUID]:
        return [row.uuid for row in obj.audiences.all()]

    @staticmethod
    def resolve_accounts(obj) -> list[UUID]:
        return [row.uuid for row in obj.accounts.all()]


class CampaignIn(BodyIn):
    name: str = Field(..., max_length=200)
    programme: str = Field("", max_length=255, description="Program pemerintah yang didukung.")
    period_start: dt.date
    period_end: dt.date
    description: str = Field("", max_length=5000)
    hashtags: list[str] = Field(default_factory=list, max_length=100, description="Tagar, mis. [\"#BanggaBuatanIndonesia\"].")
    goals: list[UUID] = Field(default_factory=list, max_length=500)
    pillars: list[UUID] = Field(default_factory=list, max_length=500)
    audiences: list[UUID] = Field(default_factory=list, max_length=500)
    accounts: list[UUID] = Field(default_factory=list, max_length=500, description="Akun resmi unit ini atau unit di bawahnya.")


class CampaignPatch(BodyIn):
    name: str | None = Field(None, max_length=200)
    programme: str | None = Field(None, max_length=255)
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    description: str | None = Field(None, max_length=5000)
    hashtags: list[str] | None = Field(None, max_length=100)
    goals: list[UUID] | None = Field(None, max_length=500)
    pillars: list[UUID] | None = Field(None, max_length=500)
    audiences: list[UUID] | None = Field(None, max_length=500)
    accounts: list[UUID] | None = Field(None, max_length=500)


class DuplicateIn(BodyIn):
    name: str = Field(..., max_length=200)
    shift_days: int = Field(0, ge=-3660, le=3660, description="Geser periode sejumlah hari (boleh negatif).")


# --- important dates -------------------------------------------------------------------------


class ImportantDateOut(RowOut):
    date: dt.date
    title: str
    note: str
    yearly: bool


class ImportantDateIn(BodyIn):
    date: dt.date
    title: str = Field(..., max_length=200)
    note: str = Field("", max_length=5000)
    yearly: bool = False


class ImportantDatePatch(BodyIn):
    date: dt.date | None = None
    title: str | None = Field(None, max_length=200)
    note: str | None = Field(None, max_length=5000)
    yearly: bool | None = None


# --- calendar marks --------------------------------------------------------------------------


class MarksIn(Schema):
    start: dt.date
    end: dt.date


class DayMarkOut(Schema):
    date: dt.date
    title: str
    kind: str = Field(..., description="holiday, cuti_bersama, commemoration, atau unit.")
    unit: str | None = Field(None, description="Jenis unit: nama unit yang menetapkan tanggal ini (unit ini atau "
                                                "unit induknya).")
    inherited: bool = Field(False, description="Jenis unit: ditetapkan oleh unit induk (diwarisi).")


GoalPage = Paged[GoalOut]
AudiencePage = Paged[AudienceOut]
PillarPage = Paged[PillarOut]
CampaignPage = Paged[CampaignOut]
ImportantDatePage = Paged[ImportantDateOut]
