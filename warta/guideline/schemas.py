"""Request and response shapes of the guideline API."""

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from warta.guideline.models import RuleKind, Severity
from warta.organisations.schemas import BodyIn, Paged


class RuleOut(Schema):
    uuid: UUID
    unit_uuid: UUID
    unit_name: str
    inherited: bool = Field(description="Aturan unit di atasnya: berlaku, tetapi tidak dapat diubah dari unit ini.")
    kind: RuleKind
    severity: Severity
    params: dict[str, Any]
    platforms: list[str]
    message: str
    active: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_unit_uuid(obj) -> UUID:
        return obj.unit.uuid

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_inherited(obj) -> bool:
        return bool(getattr(obj, "inherited", False))


RulePage = Paged[RuleOut]


class RuleIn(BodyIn):
    kind: RuleKind
    severity: Severity = Severity.WARNING
    params: dict[str, Any] = Field(description="Pengaturan menurut jenis aturan; lihat docs/adr/0019-guideline.md.")
    platforms: list[str] = Field(default_factory=list, description="Kosong: berlaku di semua platform.")
    message: str = Field("", max_length=500)
    active: bool = True


class RulePatch(BodyIn):
    severity: Severity | None = None
    params: dict[str, Any] | None = None
    platforms: list[str] | None = None
    message: str | None = Field(None, max_length=500)
    active: bool | None = None


class CheckIn(BodyIn):
    text: str = Field("", max_length=20000)
    platform: str | None = None
    links: list[str] = Field(default_factory=list, max_length=100)
    when: datetime | None = Field(None, description="Waktu unggah; tanpa zona dibaca menurut zona unit. Kosong: sekarang.")


class FindingOut(Schema):
    rule_uuid: str | None
    kind: str
    severity: Severity
    message: str
    start: int | None
    end: int | None
    escalate: bool
    unit_name: str


class CheckOut(Schema):
    ok: bool = Field(description="Tidak ada galat (peringatan boleh ada; penyetuju harus mengakuinya).")
    escalate: bool = Field(description="Perlu persetujuan pejabat yang lebih tinggi (masa sensitif).")
    errors: int
    warnings: int
    findings: list[FindingOut]
