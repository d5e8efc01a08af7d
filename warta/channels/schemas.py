"""Request and response shapes of the channels API. No schema carries a secret."""

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema

from warta.channels.connectors.base import Platform
from warta.channels.models import ConnectionState
from warta.organisations.schemas import BodyIn, Paged


class AccountOut(Schema):
    uuid: UUID
    unit_uuid: UUID
    unit_name: str
    platform: Platform
    handle: str
    display_name: str
    url: str
    external_id: str
    verified: bool
    state: ConnectionState
    state_message: str
    connected_at: datetime | None
    last_synced_at: datetime | None
    archived_at: datetime | None
    officers: list[str] = Field(default_factory=list, description="Email petugas penanggung jawab.")

    @staticmethod
    def resolve_unit_uuid(obj) -> UUID:
        return obj.unit.uuid

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_officers(obj) -> list[str]:
        return [u.email for u in obj.officers.all()]


AccountPage = Paged[AccountOut]


class AccountIn(BodyIn):
    platform: Platform
    handle: str = Field("", max_length=200)
    display_name: str = Field("", max_length=200)
    url: str = Field("", max_length=500)
    verified: bool = False
    unit: UUID | None = Field(None, description="Unit pemilik di bawah unit jalur; kosong: unit jalur itu sendiri.")
    officers: list[str] = Field(default_factory=list, description="Email petugas penanggung jawab.")


class AccountPatch(BodyIn):
    handle: str | None = Field(None, max_length=200)
    display_name: str | None = Field(None, max_length=200)
    url: str | None = Field(None, max_length=500)
    verified: bool | None = None
    unit: UUID | None = None
    officers: list[str] | None = None


class AccountArchiveIn(BodyIn):
    archived: bool = True


class AccountFilterIn(Schema):
    q: str = ""
    platform: str = ""
    kind: str = ""
    region: str = ""
    state: str = ""
    archived: bool = False


class PlatformOut(Schema):
    platform: str
    label: str
    connects_with: str = Field(..., description="oauth, bot_token, atau none.")
    installed: bool
    capabilities: list[str]
