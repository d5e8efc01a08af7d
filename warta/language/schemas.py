"""Schemas of the language endpoints."""

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict, model_validator

from warta.organisations.schemas import BodyIn, Paged

MAX_TEXTS = 1000
MAX_CHARS = 10_000


class TaskName(StrEnum):
    SENTIMENT = "sentiment"
    EMOTION = "emotion"
    ABUSE = "abuse"
    MESSAGE_TYPE = "message_type"


class ClassifyItemIn(Schema):
    model_config = ConfigDict(extra="forbid")

    ref: str | int | None = Field(None, description="Rujukan milik pemanggil, dikembalikan apa adanya.")
    text: str = Field(max_length=MAX_CHARS)


class ClassifyIn(Schema):
    """Either ``texts`` (a list of strings) or ``items`` (``{"ref", "text"}``), at most 1,000."""

    model_config = ConfigDict(extra="forbid")

    task: TaskName
    texts: list[str] | None = Field(None, description="Teks yang diklasifikasikan (paling banyak 1.000).")
    items: list[ClassifyItemIn] | None = Field(
        None, description="Atau butir dengan rujukan ref milik pemanggil (paling banyak 1.000).")
    unit: UUID | None = Field(
        None, description="Bila diisi: baca dengan model milik unit ini (hasil pelatihan ulang) bila ada, "
                          "seperti yang dilihat unit itu; unit harus dalam jangkauan token.")

    @model_validator(mode="after")
    def one_source(self):
        if (self.texts is None) == (self.items is None):
            raise ValueError(_("Kirim salah satu: texts atau items."))
        count = len(self.texts if self.texts is not None else self.items)
        if count == 0:
            raise ValueError(_("Daftar teks tidak boleh kosong."))
        if count > MAX_TEXTS:
            raise ValueError(_("Paling banyak %(n)s teks per permintaan.") % {"n": "1.000"})
        if self.texts is not None and any(len(t) > MAX_CHARS for t in self.texts):
            raise ValueError(_("Setiap teks paling banyak %(n)s karakter.") % {"n": "10.000"})
        return self


class ClassifyResultOut(Schema):
    ref: str | int | None = Field(None, description="Rujukan butir (items), atau null untuk texts.")
    label: str | None = Field(None, description="Label terpilih (tidak ada untuk abuse).")
    labels: list[str] | None = Field(None, description="Untuk abuse: semua label yang berlaku.")
    scores: dict[str, float] = Field(description="Peluang tiap label.")


class ClassifyOut(Schema):
    task: str
    backend: str
    model: str = Field(description="default (model bawaan) atau unit (model milik unit yang diminta).")
    results: list[ClassifyResultOut]


class FigureOut(Schema):
    name: str
    value: float


class TaskModelOut(Schema):
    task: str
    name: str
    own: bool = Field(description="Model milik unit (hasil pelatihan ulang); false: model bawaan.")
    backend: str
    created: datetime | None
    training_rows: int | None
    data_sha256: str = Field(description="Awal sidik SHA-256 data latih.")
    figures: list[FigureOut] = Field(description="Hasil ukur saat dilatih (model bawaan).")
    heldout_old: float | None = Field(None, description="Model milik unit: macro-F1 model lama pada label sisihan.")
    heldout_new: float | None = Field(None, description="Model milik unit: macro-F1 model ini pada label sisihan.")
    labels: int = Field(description="Jumlah label milik unit untuk tugas ini.")


# --- annotation: the queue, the unit's labels, retraining ---------------------------------------


class TaskFilterIn(Schema):
    task: TaskName | None = Field(None, description="Hanya tugas ini (kosong: semua tugas).")


class AnnotationFilterIn(TaskFilterIn):
    label: str = Field("", max_length=40, description="Hanya label ini (untuk abuse: salah satu labelnya).")
    q: str = Field("", max_length=200, description="Cari pada teks.")


class LabelIn(BodyIn):
    """The label of one text: ``label`` for a single-label task, ``labels`` for ``abuse``
    (every label that applies; an empty list means none of them)."""

    label: str | None = Field(None, max_length=40, description="Label terpilih (tugas selain abuse).")
    labels: list[str] | None = Field(None, description="Untuk abuse: semua label yang berlaku (kosong = tidak ada).")


class CorrectionIn(LabelIn):
    """A label for a text shown anywhere in Warta; the text may be left out when the source is
    already known to the unit (an earlier label or a queue item)."""

    task: TaskName
    text: str = Field("", description="Teks yang diberi label.")
    source_kind: str = Field("", max_length=40, description="Jenis sumber, misalnya ingest.item.")
    source_id: str = Field("", max_length=128, description="Nomor sumber.")
    predicted_label: str = Field("", max_length=40, description="Label tebakan model yang dikoreksi, bila ada.")
    predicted_score: float | None = Field(None, ge=0, le=1, description="Peluang tebakan model itu.")


class CandidateOut(Schema):
    """An item of the annotation queue: the model's guess and every label's probability."""

    uuid: UUID
    task: str
    text: str
    source_kind: str
    source_id: str
    predicted_label: str | None = Field(None, description="Tebakan model (tidak ada untuk abuse).")
    predicted_labels: list[str] | None = Field(None, description="Untuk abuse: label yang ditebak model.")
    scores: dict[str, float] = Field(description="Peluang tiap label menurut model.")
    margin: float = Field(description="Selisih dua peluang teratas; makin kecil, makin ragu model.")
    uncertainty: float = Field(description="1 − peluang teratas.")
    label_choices: list[str] = Field(description="Label yang boleh diberikan untuk tugas ini.")
    created_at: datetime
    resolution: str | None = Field(None, description="labelled atau skipped setelah keluar dari antrean.")
    resolved_at: datetime | None

    @staticmethod
    def resolve_predicted_label(obj) -> str | None:
        return None if obj.task == TaskName.ABUSE else obj.predicted_label

    @staticmethod
    def resolve_predicted_labels(obj) -> list[str] | None:
        if obj.task != TaskName.ABUSE:
            return None
        return [label for label in obj.predicted_label.split(",") if label]

    @staticmethod
    def resolve_label_choices(obj) -> list[str]:
        from warta.language.annotation import task_labels

        return list(task_labels(obj.task))

    @staticmethod
    def resolve_resolution(obj) -> str | None:
        return obj.resolution or None


class AnnotationOut(Schema):
    """One of the unit's own labels (its training data)."""

    uuid: UUID
    task: str
    text: str
    label: str | None = Field(None, description="Label terpilih (tidak ada untuk abuse).")
    labels: list[str] | None = Field(None, description="Untuk abuse: semua label yang berlaku.")
    predicted_label: str | None = Field(None, description="Tebakan model saat label diberikan, bila diketahui.")
    predicted_score: float | None
    source_kind: str
    source_id: str
    created_by: str | None = Field(None, description="Surel pemberi label.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_label(obj) -> str | None:
        return None if obj.task == TaskName.ABUSE else obj.label

    @staticmethod
    def resolve_labels(obj) -> list[str] | None:
        return list(obj.labels) if obj.task == TaskName.ABUSE else None

    @staticmethod
    def resolve_predicted_label(obj) -> str | None:
        return obj.predicted_label or None

    @staticmethod
    def resolve_created_by(obj) -> str | None:
        return getattr(obj.created_by, "email", None)


class RetrainIn(BodyIn):
    task: TaskName


class RetrainRunOut(Schema):
    """A retraining: its state and, once done, the macro-F1 of the old and the new model on the
    held-back labels (the new one replaces the old only when it scores higher)."""

    uuid: UUID
    task: str
    status: str = Field(description="queued, running, done atau failed.")
    created_by: str | None = Field(None, description="Surel peminta.")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    labels_total: int
    labels_train: int
    labels_heldout: int
    old_score: float | None = Field(None, description="Macro-F1 model lama pada label yang disisihkan.")
    new_score: float | None = Field(None, description="Macro-F1 model baru pada label yang disisihkan.")
    old_metrics: dict[str, Any]
    new_metrics: dict[str, Any]
    replaced: bool = Field(description="true: model baru menggantikan model lama.")
    error: str | None = Field(None, description="Sebab kegagalan (status failed).")

    @staticmethod
    def resolve_created_by(obj) -> str | None:
        return getattr(obj.created_by, "email", None)

    @staticmethod
    def resolve_error(obj) -> str | None:
        return obj.error or None


CandidatePage = Paged[CandidateOut]
AnnotationPage = Paged[AnnotationOut]
RetrainRunPage = Paged[RetrainRunOut]
