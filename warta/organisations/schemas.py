"""Request and response shapes of the organisations API (pydantic, through django-ninja).

Responses name rows by UUID; the only integer id exposed is a membership's, because a
membership has no UUID. Raw tokens and token hashes never appear in any response.
"""

from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from warta.organisations.models import TimeZoneName, UnitKind
from warta.organisations.roles import Role

T = TypeVar("T")


class Problem(Schema):
    """An error as problem+json (RFC 9457); ``errors`` maps a field to its messages."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: dict[str, list[str]] | None = None


class BodyIn(Schema):
    """A request body: a field the endpoint does not know is an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class PageIn(Schema):
    page: int = Field(1, ge=1, description="Nomor halaman, mulai dari 1.")
    page_size: int = Field(
        50, ge=1, le=200, description="Jumlah baris per halaman (paling banyak 200)."
    )


class Paged(Schema, Generic[T]):
    """One page of a list: ``count`` rows in all, ``items`` on this page."""

    count: int
    page: int
    page_size: int
    pages: int
    items: list[T]


# --- units -------------------------------------------------------------------------------


class UnitOut(Schema):
    uuid: UUID
    parent: UUID | None = Field(
        None, description="Induk unit, bila induk itu masih dalam jangkauan token."
    )
    kind: UnitKind
    name: str
    short_name: str
    region_code: str | None
    time_zone: TimeZoneName
    require_2fa: bool
    archived: bool
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_parent(obj) -> UUID | None:
        # Set by the endpoint: the parent's UUID is only shown inside the token's reach.
        return getattr(obj, "parent_uuid", None)

    @staticmethod
    def resolve_archived(obj) -> bool:
        return obj.archived_at is not None


class UnitChildOut(UnitOut):
    child_count: int = Field(description="Jumlah sub-unit langsung yang aktif.")
    subtree_count: int = Field(description="Jumlah semua unit di bawahnya, pada semua tingkat.")


class UnitPage(Paged[UnitChildOut]):
    pass


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class UnitIn(BodyIn):
    kind: UnitKind
    name: str = Field(min_length=1, max_length=255)
    short_name: str = Field("", max_length=80)
    region_code: str | None = Field(None, max_length=20)
    time_zone: TimeZoneName | None = Field(None, description="Bawaan: zona waktu unit induk.")
    require_2fa: bool = False

    _strip_text = field_validator("name", "short_name", "region_code", mode="before")(_strip)

    def service_fields(self) -> dict[str, Any]:
        """Return the fields for ``services.unit_create`` (an absent time zone is the parent's)."""
        return self.model_dump(exclude_none=True)


class UnitPatch(BodyIn):
    """Only the fields sent are changed; ``null`` is allowed for ``region_code`` only."""

    kind: UnitKind | None = None
    name: str | None = Field(None, min_length=1, max_length=255)
    short_name: str | None = Field(None, max_length=80)
    region_code: str | None = Field(None, max_length=20)
    time_zone: TimeZoneName | None = None
    require_2fa: bool | None = None

    _strip_text = field_validator("name", "short_name", "region_code", mode="before")(_strip)

    @field_validator("kind", "name", "short_name", "time_zone", "require_2fa")
    @classmethod
    def _not_null(cls, value):
        # Runs only on values sent: an absent field keeps its default and is left alone.
        if value is None:
            raise ValueError(_("Kolom ini tidak boleh null."))
        return value

    def service_fields(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class MoveIn(BodyIn):
    target: UUID = Field(description="UUID unit induk yang baru.")


class ArchiveIn(BodyIn):
    archived: bool = Field(
        description="true mengarsipkan unit beserta semua unit di bawahnya; false memulihkannya."
    )


# --- memberships and invitations ------------------------------------------------------------


def _email(value: str) -> str:
    value = value.strip().lower()
    try:
        validate_email(value)
    except DjangoValidationError as exc:
        raise ValueError(exc.messages[0]) from exc
    return value


class MembershipOut(Schema):
    id: int
    email: str = Field(alias="user.email")
    full_name: str = Field(alias="user.full_name")
    unit: UUID = Field(alias="unit.uuid")
    unit_name: str = Field(alias="unit.name")
    role: Role
    created_at: datetime


class MembershipPage(Paged[MembershipOut]):
    pass


class MembershipIn(BodyIn):
    email: str = Field(max_length=254, description="Email pengguna yang sudah punya akun Warta.")
    role: Role

    _check_email = field_validator("email")(_email)


class InvitationIn(BodyIn):
    email: str = Field(max_length=254)
    role: Role

    _check_email = field_validator("email")(_email)


class InvitationOut(Schema):
    uuid: UUID
    email: str
    unit: UUID = Field(alias="unit.uuid")
    role: Role
    status: str = Field(description="pending, accepted, revoked atau expired.")
    created_at: datetime
    expires_at: datetime


# --- API tokens -----------------------------------------------------------------------------


class TokenOut(Schema):
    uuid: UUID
    name: str
    prefix: str = Field(
        description="Awal token, untuk mengenalinya; token utuh tidak pernah ditampilkan lagi."
    )
    unit: UUID = Field(alias="unit.uuid")
    unit_name: str = Field(alias="unit.name")
    role: Role
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    active: bool = Field(alias="is_active")


class TokenIn(BodyIn):
    name: str = Field(min_length=1, max_length=100)
    role: Role
    days: int = Field(90, ge=1, le=366)


class TokenCreatedOut(Schema):
    token: TokenOut
    raw: str = Field(description="Token utuh; hanya ditampilkan sekali ini.")


# --- audit trail ----------------------------------------------------------------------------


class AuditFilterIn(Schema):
    action: str = Field(
        "", max_length=80, description="Awalan tindakan, misalnya `unit.` atau `membership.set`."
    )
    actor: str = Field("", max_length=254, description="Sebagian email pelaku.")
    q: str = Field("", max_length=255, description="Sebagian nama objek atau unit.")
    since: datetime | None = Field(
        None, description="Sejak (termasuk). Tanpa zona waktu: zona unit token."
    )
    until: datetime | None = Field(
        None, description="Sampai (tidak termasuk). Tanpa zona waktu: zona unit token."
    )


class AuditEventOut(Schema):
    seq: int
    uuid: UUID
    created_at: datetime
    actor: str = Field(alias="actor_label")
    unit: str = Field(alias="unit_label")
    action: str
    target_type: str
    target_id: str
    target_label: str
    changes: dict[str, Any]
    ip: str | None
    hash: str
    prev_hash: str


class AuditPage(Paged[AuditEventOut]):
    pass
