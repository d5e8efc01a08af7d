"""The publishing engine's endpoints of the JSON API: schedule, publish now, unschedule, a
post's publications, delete from the platform, settle an uncertain publication.

Same auth and scope rules as every Warta endpoint: the unit in the path must be inside the
token's reach (else 404) and the post a post of that unit's subtree (else 404); writing needs
``publishing.publish`` (deleting ``publishing.delete``), else 403. Times without a zone are
read in the unit's zone (WIB, WITA, WIT); answers are in UTC.
"""

from datetime import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from warta.organisations.api import responses, unit_scope
from warta.organisations.schemas import BodyIn
from warta.publishing.engine_views import publication_get, schedulable_accounts
from warta.publishing.models import Post, PostState, PublicationState
from warta.publishing.schedule import (
    local_to_utc,
    post_publish_now,
    post_schedule,
    post_unschedule,
    publication_delete_from_platform,
    publication_mark_published,
    publication_resend,
)

router = Router(tags=["publikasi"])


class PublicationOut(Schema):
    uuid: UUID
    account: UUID
    account_handle: str
    platform: str
    state: PublicationState
    due_at: datetime | None
    published_at: datetime | None
    external_id: str
    url: str
    attempts: int
    error_message: str = Field("", description="Pesan platform dalam bahasa sederhana, dengan saran perbaikan.")
    notice: str

    @staticmethod
    def resolve_account(obj) -> UUID:
        return obj.account.uuid

    @staticmethod
    def resolve_account_handle(obj) -> str:
        return obj.account.handle

    @staticmethod
    def resolve_platform(obj) -> str:
        return obj.account.platform


class ScheduleOut(Schema):
    post: UUID
    state: PostState
    scheduled_at: datetime | None
    warnings: list[str] = Field(default_factory=list)
    publications: list[PublicationOut]


class ScheduleIn(BodyIn):
    when: datetime = Field(description="Waktu terbit; tanpa zona dibaca dalam zona waktu unit.")
    accounts: list[UUID] | None = Field(None, description="Akun resmi tujuan; kosong: akun yang sudah dipilih.")


class PublishNowIn(BodyIn):
    accounts: list[UUID] | None = Field(None, description="Akun resmi tujuan; kosong: akun yang sudah dipilih.")


class ResolveIn(BodyIn):
    outcome: str = Field(description="\"published\" (sudah ada di platform, isi url) atau \"resend\" (kirim ulang).")
    url: str = Field("", max_length=1000)


def _post(request, unit_uuid: UUID, post_uuid: UUID, permission: str):
    scope = unit_scope(request, unit_uuid)
    post = Post.objects.for_scope(scope).select_related("unit").filter(uuid=post_uuid).first()
    if post is None:
        raise Http404
    scope.require(permission)
    return scope, post


def _accounts(post: Post, uuids: list[UUID] | None):
    if uuids is None:
        return None
    rows = list(schedulable_accounts(post).filter(uuid__in=uuids))
    if len(rows) != len(set(uuids)):
        raise ValidationError({"accounts": _("Akun yang dipilih tidak ditemukan, belum terhubung, atau bukan milik "
                                             "unit ini atau unit di bawahnya.")})
    return rows


def _out(post: Post, warnings=()) -> dict:
    post.refresh_from_db()
    return {"post": post.uuid, "state": post.state, "scheduled_at": post.scheduled_at, "warnings": list(warnings),
            "publications": list(post.publications.select_related("account").order_by("pk"))}


@router.post("/units/{unit_uuid}/posts/{post_uuid}/schedule", response=responses({200: ScheduleOut}, 403, 404, 422),
             url_name="post-schedule", summary="Jadwalkan konten")
def schedule(request, unit_uuid: UUID, post_uuid: UUID, payload: ScheduleIn):
    """Schedule an approved post (or move a scheduled one) on the chosen accounts."""
    scope, post = _post(request, unit_uuid, post_uuid, "publishing.publish")
    result = post_schedule(actor=request.user, post=post, when=local_to_utc(post.unit, payload.when),
                           accounts=_accounts(post, payload.accounts))
    return _out(result, result.schedule_warnings)


@router.post("/units/{unit_uuid}/posts/{post_uuid}/publish-now",
             response=responses({200: ScheduleOut}, 403, 404, 422), url_name="post-publish-now",
             summary="Terbitkan sekarang")
def publish_now(request, unit_uuid: UUID, post_uuid: UUID, payload: PublishNowIn):
    """Publish an approved post now on the chosen accounts (the work runs in the background)."""
    scope, post = _post(request, unit_uuid, post_uuid, "publishing.publish")
    result = post_publish_now(actor=request.user, post=post, accounts=_accounts(post, payload.accounts))
    return _out(result, result.schedule_warnings)


@router.post("/units/{unit_uuid}/posts/{post_uuid}/unschedule",
             response=responses({200: ScheduleOut}, 403, 404, 422), url_name="post-unschedule",
             summary="Batalkan jadwal")
def unschedule(request, unit_uuid: UUID, post_uuid: UUID):
    scope, post = _post(request, unit_uuid, post_uuid, "publishing.publish")
    return _out(post_unschedule(actor=request.user, post=post))


@router.get("/units/{unit_uuid}/posts/{post_uuid}/publications",
            response=responses({200: list[PublicationOut]}, 403, 404), url_name="publication-list",
            summary="Publikasi sebuah konten")
def publication_list(request, unit_uuid: UUID, post_uuid: UUID):
    """Where the post goes or went: one row per account, with its delivery state."""
    scope, post = _post(request, unit_uuid, post_uuid, "publishing.view")
    return list(post.publications.select_related("account").order_by("pk"))


@router.post("/units/{unit_uuid}/posts/{post_uuid}/publications/{publication_uuid}/delete",
             response=responses({200: PublicationOut}, 403, 404, 422), url_name="publication-delete",
             summary="Hapus dari platform")
def publication_delete(request, unit_uuid: UUID, post_uuid: UUID, publication_uuid: UUID):
    """Remove a published post from its platform (audited)."""
    scope, post = _post(request, unit_uuid, post_uuid, "publishing.delete")
    return publication_delete_from_platform(actor=request.user,
                                            publication=publication_get(scope, post, publication_uuid))


@router.post("/units/{unit_uuid}/posts/{post_uuid}/publications/{publication_uuid}/resolve",
             response=responses({200: PublicationOut}, 403, 404, 422), url_name="publication-resolve",
             summary="Selesaikan publikasi yang belum pasti")
def publication_resolve(request, unit_uuid: UUID, post_uuid: UUID, publication_uuid: UUID, payload: ResolveIn):
    """Settle an uncertain or failed publication: it is on the platform at ``url``, or send it again."""
    scope, post = _post(request, unit_uuid, post_uuid, "publishing.publish")
    publication = publication_get(scope, post, publication_uuid)
    if payload.outcome == "published":
        return publication_mark_published(actor=request.user, publication=publication, url=payload.url)
    if payload.outcome == "resend":
        return publication_resend(actor=request.user, publication=publication)
    raise ValidationError({"outcome": _("Isi \"published\" (sudah terbit) atau \"resend\" (kirim ulang).")})
