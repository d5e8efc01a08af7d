"""Shapes of the approvals API. Rows are named by UUID; users by email."""

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from ninja import Field, Schema

from warta.organisations.schemas import BodyIn, Paged


class DecisionChoice(StrEnum):
    approve = "approve"
    changes_requested = "changes_requested"


class LevelRole(StrEnum):
    editor = "editor"
    approver = "approver"
    admin = "admin"


class DecisionOut(Schema):
    level: int
    user: str | None
    decision: str
    comment: str
    acknowledged: bool
    via_link: bool
    created_at: datetime

    @staticmethod
    def resolve_user(obj) -> str | None:
        return obj.user.email if obj.user_id else None


class ApprovalOut(Schema):
    uuid: UUID
    unit_uuid: UUID
    unit_name: str
    content_kind: str
    title: str
    version: int
    levels: list[str]
    escalate: bool
    level_count: int
    current_level: int
    state: str
    warnings: list[dict]
    submitted_by: str | None
    created_at: datetime
    decided_at: datetime | None
    reminded_at: datetime | None
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_unit_uuid(obj) -> UUID:
        return obj.unit.uuid

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_submitted_by(obj) -> str | None:
        return obj.submitted_by.email if obj.submitted_by_id else None

    @staticmethod
    def resolve_decisions(obj) -> list:
        return list(obj.decisions.all())


class ApprovalPage(Paged[ApprovalOut]):
    pass


class DecideIn(BodyIn):
    decision: DecisionChoice
    comment: str = Field("", max_length=5000)
    acknowledged: bool = Field(False, description="Semua peringatan pedoman sudah dibaca dan diakui.")
    level: int | None = Field(None, ge=1, le=4, description="Tingkat yang Anda putuskan; bila sudah lewat: 409.")


class ChainOut(Schema):
    content_kind: str
    label: str
    levels: list[str]
    configured_here: bool = Field(description="Unit ini mengatur alurnya sendiri (bukan mengikuti unit induk).")
    inherited_from: UUID | None = Field(None, description="Unit asal alur yang berlaku; kosong bila belum diatur.")


class ChainIn(BodyIn):
    levels: list[LevelRole] = Field(default_factory=list, max_length=3,
                                    description="0–3 tingkat, masing-masing peran paling rendah yang boleh memutuskan.")
    inherit: bool = Field(False, description="Hapus alur unit ini dan ikuti unit induk.")
