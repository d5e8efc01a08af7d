"""Pages and actions of the publishing engine: a post's publications panel (a partial the post
page includes and htmx refreshes), the schedule form, publish now, unschedule, delete from the
platform, and settling an uncertain publication by hand.

Every view is unit-scoped: the post (and the publication) is looked up through the scope, so
a post of a unit outside the user's subtree is a 404 and a read-only role posting is a 403.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from warta.channels import connectors as registry
from warta.channels.connectors.base import Capability
from warta.channels.models import Account
from warta.organisations.decorators import scoped
from warta.publishing.models import Post, PostState, Publication, PublicationState
from warta.publishing.schedule import (
    LIVE_ACCOUNT_STATES,
    SCHEDULABLE,
    local_to_utc,
    post_publish_now,
    post_schedule,
    post_unschedule,
    publication_delete_from_platform,
    publication_mark_published,
    publication_resend,
    utc_to_local,
)

P = PublicationState


# --- lookups through the scope ------------------------------------------------------------------


def post_get(scope, post_uuid) -> Post:
    post = Post.objects.for_scope(scope).select_related("unit").filter(uuid=post_uuid).first()
    if post is None:
        raise Http404
    return post


def publication_get(scope, post: Post, publication_uuid) -> Publication:
    publication = (Publication.objects.select_related("account__unit", "post__unit")
                   .filter(post=post, uuid=publication_uuid).first())
    if publication is None:
        raise Http404
    return publication


def schedulable_accounts(post: Post):
    """Live accounts of the post's unit and below, on the platforms the post has variants for."""
    platforms = list(post.variants.values_list("platform", flat=True))
    return (Account.objects.active().select_related("unit")
            .filter(unit__path__startswith=post.unit.path, platform__in=platforms, state__in=LIVE_ACCOUNT_STATES)
            .order_by("platform", "handle"))


def _deletable(platform: str) -> bool:
    try:
        return Capability.DELETE in registry.capabilities(platform)
    except (ImportError, KeyError, ValueError):
        return False


def publications_context(request, post: Post, *, errors: list[str] | None = None,
                         notices: list[str] | None = None) -> dict:
    """Everything ``publishing/_publications.html`` shows (the post page may call this too)."""
    scope = request.scope
    publications = list(Publication.objects.filter(post=post).select_related("account")
                        .order_by("account__platform", "account__handle"))
    for publication in publications:
        publication.can_delete = publication.state == P.PUBLISHED and _deletable(publication.account.platform)
        publication.unsettled = publication.state in (P.UNCERTAIN, P.FAILED)
    chosen = {p.account_id for p in publications if p.state in (P.PENDING, P.FAILED)}
    accounts = list(schedulable_accounts(post)) if post.state in SCHEDULABLE else []
    for account in accounts:
        account.chosen = account.pk in chosen or (not chosen and len(accounts) == 1)
    local = utc_to_local(post.unit, post.scheduled_at)
    return {
        "panel": True, "post": post, "unit": scope.unit, "publications": publications,
        "zone": post.unit.zone, "zone_label": post.unit.zone_label,
        "can_publish": scope.can("publishing.publish"), "can_delete": scope.can("publishing.delete"),
        "schedulable": post.state in SCHEDULABLE, "is_scheduled": post.state == PostState.SCHEDULED,
        "accounts": accounts,
        "when_value": local.strftime("%Y-%m-%dT%H:%M") if local and local > timezone.now() else "",
        "refresh": post.state in (PostState.SCHEDULED, PostState.PUBLISHING),
        "errors": errors or [], "notices": notices or [],
    }


def _answer(request, post: Post, *, errors=None, notices=None):
    """htmx: the refreshed panel (and, when the post's state moved, a reload of the whole post
    page, so that its state and buttons follow); otherwise back to the post page with a message."""
    if request.htmx:
        before = post.state
        post.refresh_from_db()
        response = render(request, "publishing/_publications.html",
                          publications_context(request, post, errors=errors, notices=notices))
        if post.state != before and request.headers.get("HX-Current-URL", "").rstrip("/").endswith(str(post.uuid)):
            for message in notices or []:
                messages.success(request, message)
            response["HX-Refresh"] = "true"
        return response
    for message in errors or []:
        messages.error(request, message)
    for message in notices or []:
        messages.success(request, message)
    try:
        return redirect(reverse("publishing:post-detail", args=[request.scope.unit.uuid, post.uuid]))
    except NoReverseMatch:
        list(messages.get_messages(request))  # shown in the panel instead
        post.refresh_from_db()
        return render(request, "publishing/_publications.html",
                      publications_context(request, post, errors=errors, notices=notices))


def _messages(error: ValidationError) -> list[str]:
    return list(error.messages)


# --- views ---------------------------------------------------------------------------------------


@scoped("publishing.view")
def publications(request, post_uuid):
    """The publications panel of a post (a partial; htmx refreshes it while publishing)."""
    post = post_get(request.scope, post_uuid)
    if not request.htmx:
        try:  # the panel lives on the post page
            return redirect(reverse("publishing:post-detail", args=[request.scope.unit.uuid, post.uuid]))
        except NoReverseMatch:
            pass
    return render(request, "publishing/_publications.html", publications_context(request, post))


def _when(request, post: Post) -> datetime:
    raw = (request.POST.get("when") or "").strip()
    try:
        naive = datetime.strptime(raw, "%Y-%m-%dT%H:%M")  # noqa: DTZ007 - the unit's wall clock, made aware below
    except ValueError:
        raise ValidationError({"when": _("Isi tanggal dan jam terbit (waktu %(zone)s).")
                               % {"zone": post.unit.zone_label or post.unit.time_zone}}) from None
    return local_to_utc(post.unit, naive)


def _accounts(request, post: Post) -> list[Account]:
    wanted = request.POST.getlist("accounts")
    rows = {str(a.uuid): a for a in schedulable_accounts(post).filter(uuid__in=_uuids(wanted))}
    if len(rows) != len(set(wanted)):
        raise ValidationError({"accounts": _("Akun yang dipilih tidak ditemukan atau tidak dapat dipakai.")})
    return list(rows.values())


def _uuids(values) -> list[str]:
    import uuid

    out = []
    for value in values:
        try:
            out.append(str(uuid.UUID(str(value))))
        except ValueError:
            continue
    return out


@require_POST
@scoped("publishing.view", write_permission="publishing.publish")
def post_schedule_view(request, post_uuid):
    post = post_get(request.scope, post_uuid)
    try:
        when = _when(request, post)
        result = post_schedule(actor=request.user, post=post, when=when, accounts=_accounts(request, post))
    except ValidationError as error:
        return _answer(request, post, errors=_messages(error))
    local = utc_to_local(post.unit, result.scheduled_at)
    notice = _("Dijadwalkan terbit %(when)s %(zone)s.") % {"when": local.strftime("%d-%m-%Y %H:%M"),
                                                            "zone": post.unit.zone_label}
    return _answer(request, post, notices=[notice, *result.schedule_warnings])


@require_POST
@scoped("publishing.view", write_permission="publishing.publish")
def post_publish_now_view(request, post_uuid):
    post = post_get(request.scope, post_uuid)
    try:
        result = post_publish_now(actor=request.user, post=post, accounts=_accounts(request, post))
    except ValidationError as error:
        return _answer(request, post, errors=_messages(error))
    return _answer(request, post, notices=[_("Sedang diterbitkan; status tiap akun tampil di bawah."),
                                           *result.schedule_warnings])


@require_POST
@scoped("publishing.view", write_permission="publishing.publish")
def post_unschedule_view(request, post_uuid):
    post = post_get(request.scope, post_uuid)
    try:
        post_unschedule(actor=request.user, post=post)
    except ValidationError as error:
        return _answer(request, post, errors=_messages(error))
    return _answer(request, post, notices=[_("Jadwal dibatalkan; konten kembali berstatus disetujui.")])


@require_POST
@scoped("publishing.view", write_permission="publishing.delete")
def publication_delete_view(request, post_uuid, publication_uuid):
    post = post_get(request.scope, post_uuid)
    publication = publication_get(request.scope, post, publication_uuid)
    try:
        publication_delete_from_platform(actor=request.user, publication=publication)
    except ValidationError as error:
        return _answer(request, post, errors=_messages(error))
    return _answer(request, post, notices=[_("Kiriman dihapus dari %(handle)s.") % {
        "handle": publication.account.handle}])


@require_POST
@scoped("publishing.view", write_permission="publishing.publish")
def publication_resolve_view(request, post_uuid, publication_uuid):
    """Settle an uncertain (or failed) publication: ``outcome`` = "published" (with its URL) or "resend"."""
    post = post_get(request.scope, post_uuid)
    publication = publication_get(request.scope, post, publication_uuid)
    outcome = request.POST.get("outcome")
    try:
        if outcome == "published":
            publication_mark_published(actor=request.user, publication=publication, url=request.POST.get("url", ""))
            notice = _("Dicatat sudah terbit.")
        elif outcome == "resend":
            publication_resend(actor=request.user, publication=publication)
            notice = _("Dikirim ulang ke %(handle)s.") % {"handle": publication.account.handle}
        else:
            raise ValidationError(_("Pilih: tandai sudah terbit, atau kirim ulang."))
    except ValidationError as error:
        return _answer(request, post, errors=_messages(error))
    return _answer(request, post, notices=[notice])
