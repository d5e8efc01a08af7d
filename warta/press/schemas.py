"""Request and response shapes of the press API."""

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema

from warta.organisations.schemas import BodyIn, Paged
from warta.press.models import PressDelivery, PressRelease


class QuoteIO(Schema):
    name: str = Field("", max_length=150)
    position: str = Field("", max_length=150)
    text: str = Field("", max_length=3000)


class ReleaseOut(Schema):
    uuid: UUID
    unit_uuid: UUID
    number: str
    headline: str
    place: str
    release_date: date
    lead: str
    body: str
    quotes: list[QuoteIO]
    contact_name: str
    contact_position: str
    contact_phone: str
    contact_email: str
    state: PressRelease.State
    version: int
    slug: str
    public_url: str | None = Field(None, description="Alamat halaman publik; hanya bila sudah terbit.")
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_unit_uuid(obj) -> UUID:
        return obj.unit.uuid

    @staticmethod
    def resolve_public_url(obj) -> str | None:
        from warta.press.services import public_url

        return public_url(obj) if obj.state == PressRelease.State.PUBLISHED else None


ReleasePage = Paged[ReleaseOut]


class ReleaseIn(BodyIn):
    number: str = Field("", max_length=80)
    headline: str = Field(..., max_length=300)
    place: str = Field(..., max_length=120)
    release_date: date
    lead: str = Field(..., max_length=3000)
    body: str = Field("", max_length=50000)
    quotes: list[QuoteIO] = Field(default_factory=list, max_length=3)
    contact_name: str = Field("", max_length=150)
    contact_position: str = Field("", max_length=150)
    contact_phone: str = Field("", max_length=40)
    contact_email: str = Field("", max_length=254)


class ReleasePatch(BodyIn):
    number: str | None = Field(None, max_length=80)
    headline: str | None = Field(None, max_length=300)
    place: str | None = Field(None, max_length=120)
    release_date: date | None = None
    lead: str | None = Field(None, max_length=3000)
    body: str | None = Field(None, max_length=50000)
    quotes: list[QuoteIO] | None = Field(None, max_length=3)
    contact_name: str | None = Field(None, max_length=150)
    contact_position: str | None = Field(None, max_length=150)
    contact_phone: str | None = Field(None, max_length=40)
    contact_email: str | None = Field(None, max_length=254)


class ReleaseFilterIn(Schema):
    q: str = ""
    state: str = ""


class SubmitOut(Schema):
    approval_uuid: UUID
    approval_state: str
    release: ReleaseOut


class ContactOut(Schema):
    uuid: UUID
    unit_uuid: UUID
    name: str
    outlet: str
    email: str
    phone: str
    beats: list[str]
    region_code: str
    notes: str
    archived: bool

    @staticmethod
    def resolve_unit_uuid(obj) -> UUID:
        return obj.unit.uuid


ContactPage = Paged[ContactOut]


class ContactIn(BodyIn):
    name: str = Field(..., max_length=150)
    email: str = Field(..., max_length=254)
    outlet: str = Field("", max_length=150)
    phone: str = Field("", max_length=40)
    beats: list[str] = Field(default_factory=list, max_length=20)
    region_code: str = Field("", max_length=20)
    notes: str = Field("", max_length=5000)


class ContactFilterIn(Schema):
    q: str = ""
    archived: bool = False


class ImportIn(BodyIn):
    csv: str = Field(..., description="Isi CSV (UTF-8, dipisah ; atau ,): nama, media, email, telepon, desk, "
                                      "kode_wilayah, catatan.")
    dry_run: bool = Field(False, description="Hanya periksa; tidak menyimpan apa pun.")


class ImportOut(Schema):
    created: int
    updated: int
    dry_run: bool


class ListOut(Schema):
    uuid: UUID
    unit_uuid: UUID
    name: str
    contacts: list[UUID]

    @staticmethod
    def resolve_unit_uuid(obj) -> UUID:
        return obj.unit.uuid

    @staticmethod
    def resolve_contacts(obj) -> list[UUID]:
        return [c.uuid for c in obj.contacts.all()]


ListPage = Paged[ListOut]


class ListIn(BodyIn):
    name: str = Field(..., max_length=150)
    contacts: list[UUID] = Field(default_factory=list)


class SendIn(BodyIn):
    distribution_list: UUID


class DeliveryOut(Schema):
    uuid: UUID
    contact_uuid: UUID
    email: str
    version: int
    state: PressDelivery.State
    error: str
    attempts: int
    sent_at: datetime | None
    created_at: datetime
    uncertain: bool = Field(description="Sedang dikirim lebih lama dari 15 menit: hasilnya tidak pasti, "
                                        "diputuskan orang (kirim ulang atau tandai terkirim).")

    @staticmethod
    def resolve_contact_uuid(obj) -> UUID:
        return obj.contact.uuid

    @staticmethod
    def resolve_uncertain(obj) -> bool:
        return obj.is_uncertain()


DeliveryPage = Paged[DeliveryOut]
