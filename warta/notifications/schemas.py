"""Shapes of the notifications API."""

from datetime import datetime
from uuid import UUID

from ninja import Schema

from warta.organisations.schemas import Paged


class NotificationOut(Schema):
    uuid: UUID
    unit_uuid: UUID | None
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_unit_uuid(obj) -> UUID | None:
        return obj.unit.uuid if obj.unit_id else None


class NotificationPage(Paged[NotificationOut]):
    pass


class ReadAllOut(Schema):
    marked: int
