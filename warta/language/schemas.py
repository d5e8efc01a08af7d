"""Schemas of the language endpoints."""

from enum import StrEnum

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict, model_validator

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
    results: list[ClassifyResultOut]
