"""The composer's endpoints of the JSON API: posts, their versions and comments, submitting for
approval, templates, and the live check. Same auth and scope rules as the organisations API:
outside the token's reach is 404, a role without the permission is 403, bad input is 422.
Scheduling and publishing endpoints are the engine's (``engine_api.py``).
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from warta.channels import limits
from warta.organisations.api import paginate, responses, token_scope, unit_scope
from warta.organisations.schemas import PageIn
from warta.organisations.scope import Scope, scope_for_unit
from warta.publishing import selectors, services
from warta.publishing.models import Post, Template
from warta.publishing.schedule import local_to_utc
from warta.publishing.schemas import (
    ArchiveIn,
    CheckIn,
    CheckOut,
    CommentIn,
    CommentOut,
    PostFilterIn,
    PostIn,
    PostOut,
    PostPage,
    PostPatch,
    TemplateIn,
    TemplateOut,
    TemplatePatch,
    VersionOut,
)

router = Router(tags=["publikasi"])


def _clean(value: str) -> str:
    return (value or "").replace("\x00", "").strip()


def _post_scope(request, post_uuid: UUID) -> tuple[Scope, Post]:
    reach = token_scope(request)
    post = selectors.post_get(scope=reach, post_uuid=post_uuid)
    scope = scope_for_unit(user=request.user, unit=post.unit, grants=reach.grants, ceiling=request.api_token.role)
    return scope, post


def _template_scope(request, template_uuid: UUID) -> tuple[Scope, Template]:
    reach = token_scope(request)
    template = (Template.objects.filter(uuid=template_uuid, unit__path__startswith=reach.unit.path)
                .select_related("unit").first())
    if template is None:
        raise Http404
    scope = scope_for_unit(user=request.user, unit=template.unit, grants=reach.grants,
                           ceiling=request.api_token.role)
    return scope, template


def _variants(payload_variants) -> dict:
    return {platform: {**v.dict(), "media": [{"asset": m.asset, "alt_text": m.alt_text} for m in v.media]}
            for platform, v in (payload_variants or {}).items()}


def post_out(post: Post) -> dict:
    variants = []
    for v in post.variants.all().prefetch_related("media__asset"):
        variants.append({
            "platform": v.platform, "text": v.text, "link": v.link, "first_comment": v.first_comment,
            "title": v.title, "length": limits.text_length(v.platform, v.text),
            "limit": limits.rules_for(v.platform).text_limit,
            "media": [{"asset": m.asset.uuid, "kind": m.asset.kind, "title": m.asset.title,
                       "alt_text": m.alt_text or m.asset.alt_text} for m in v.media.all()]})
    return {
        "uuid": post.uuid, "unit_uuid": post.unit.uuid, "unit_name": post.unit.name, "title": post.title,
        "state": post.state, "version": post.version, "notes": post.notes, "warnings": post.warnings,
        "needs_escalation": post.needs_escalation, "scheduled_at": post.scheduled_at,
        "approved_at": post.approved_at, "published_at": post.published_at, "archived_at": post.archived_at,
        "created_by": getattr(post.created_by, "email", None), "created_at": post.created_at,
        "updated_at": post.updated_at, "variants": variants,
        "campaign": post.campaign.uuid if post.campaign_id else None,
        "pillar": post.pillar.uuid if post.pillar_id else None,
    }


def _plan(unit, fields: dict) -> dict:
    """Campaign and pillar UUIDs to rows the unit may use (422 otherwise)."""
    from warta.planning.selectors import campaigns_available, pillars_available

    out = {}
    for name, available, label in (("campaign", campaigns_available, _("Kampanye")),
                                   ("pillar", pillars_available, _("Pilar konten"))):
        if name not in fields:
            continue
        if fields[name] is None:
            out[name] = None
            continue
        row = available(unit).filter(uuid=fields[name]).first()
        if row is None:
            raise ValidationError({name: _("%(what)s tidak ditemukan untuk unit ini.") % {"what": label}})
        out[name] = row
    return out


def _summary(post: Post) -> dict:
    return {"uuid": post.uuid, "unit_uuid": post.unit.uuid, "title": post.title, "state": post.state,
            "version": post.version, "platforms": [v.platform for v in post.variants.all()],
            "scheduled_at": post.scheduled_at, "archived_at": post.archived_at, "updated_at": post.updated_at}


# --- posts ---------------------------------------------------------------------------------------


@router.get("/units/{unit_uuid}/posts", response=responses({200: PostPage}, 403, 404, 422),
            url_name="post-list", summary="Daftar konten")
def post_list(request, unit_uuid: UUID, filters: Query[PostFilterIn], paging: Query[PageIn]):
    """Posts of a unit and every unit below it; ``q`` searches titles and texts."""
    scope = unit_scope(request, unit_uuid)
    scope.require("publishing.view")
    f = selectors.PostFilter(state=_clean(filters.state), platform=_clean(filters.platform),
                             query=_clean(filters.q), archived=filters.archived, campaign=filters.campaign,
                             pillar=filters.pillar)
    page = paginate(selectors.post_list(scope=scope, filters=f), paging)
    page["items"] = [_summary(p) for p in page["items"]]
    return page


@router.post("/units/{unit_uuid}/posts", response=responses({201: PostOut}, 403, 404, 422),
             url_name="post-create", summary="Buat konten (draf)")
def post_create(request, unit_uuid: UUID, payload: PostIn):
    """Write a draft with one variant per platform. Text over a platform's limit and media the
    platform cannot take are refused (422) and nothing is stored."""
    scope = unit_scope(request, unit_uuid)
    scope.require("publishing.edit")
    unit = scope.unit
    if payload.unit is not None:
        try:
            owner = unit_scope(request, payload.unit)
        except Http404:
            owner = None
        if owner is None or not scope.contains(owner.unit):
            raise ValidationError({"unit": _("Unit pemilik tidak ditemukan atau di luar wewenang Anda.")})
        owner.require("publishing.edit")
        unit = owner.unit
    plan = _plan(unit, {k: v for k, v in (("campaign", payload.campaign), ("pillar", payload.pillar)) if v})
    post = services.post_create(actor=request.user, unit=unit, title=payload.title,
                                variants=_variants(payload.variants), notes=payload.notes, **plan)
    return Status(201, post_out(post))


@router.get("/posts/{post_uuid}", response=responses({200: PostOut}, 403, 404),
            url_name="post-detail", summary="Satu konten")
def post_detail(request, post_uuid: UUID):
    scope, post = _post_scope(request, post_uuid)
    scope.require("publishing.view")
    return post_out(post)


@router.patch("/posts/{post_uuid}", response=responses({200: PostOut}, 403, 404, 422),
              url_name="post-update", summary="Ubah konten")
def post_update(request, post_uuid: UUID, payload: PostPatch):
    """Change a post; only the fields sent change. ``variants`` replaces every variant. Editing
    content in review, approved or scheduled sends it back to draft (approval again)."""
    scope, post = _post_scope(request, post_uuid)
    scope.require("publishing.edit")
    fields = payload.dict(exclude_unset=True)
    post = services.post_update(
        actor=request.user, post=post, title=fields.get("title"),
        variants=_variants(payload.variants) if "variants" in fields and payload.variants is not None else None,
        notes=fields.get("notes"), **_plan(post.unit, fields))
    return post_out(post)


@router.post("/posts/{post_uuid}/archive", response=responses({200: PostOut}, 403, 404, 422),
             url_name="post-archive", summary="Arsipkan atau pulihkan konten")
def post_archive(request, post_uuid: UUID, payload: ArchiveIn):
    scope, post = _post_scope(request, post_uuid)
    scope.require("publishing.delete")
    return post_out(services.post_archive(actor=request.user, post=post, archived=payload.archived))


@router.post("/posts/{post_uuid}/submit", response=responses({200: PostOut}, 403, 404, 422),
             url_name="post-submit", summary="Ajukan konten untuk persetujuan")
def post_submit(request, post_uuid: UUID):
    """Check every variant against its platform and the unit's guideline; errors refuse (422),
    warnings go to the approver. With no approval level the post is approved at once."""
    scope, post = _post_scope(request, post_uuid)
    scope.require("publishing.edit")
    return post_out(services.post_submit(actor=request.user, post=post))


@router.post("/posts/{post_uuid}/duplicate", response=responses({201: PostOut}, 403, 404, 422),
             url_name="post-duplicate", summary="Gandakan konten sebagai draf baru")
def post_duplicate(request, post_uuid: UUID):
    scope, post = _post_scope(request, post_uuid)
    scope.require("publishing.edit")
    return Status(201, post_out(services.post_duplicate(actor=request.user, post=post)))


@router.get("/posts/{post_uuid}/comments", response=responses({200: list[CommentOut]}, 403, 404),
            url_name="post-comments", summary="Komentar pada konten")
def post_comments(request, post_uuid: UUID):
    scope, post = _post_scope(request, post_uuid)
    scope.require("publishing.view")
    return [{"body": c.body, "author": getattr(c.author, "email", None), "created_at": c.created_at}
            for c in post.comments.select_related("author")]


@router.post("/posts/{post_uuid}/comments", response=responses({201: CommentOut}, 403, 404, 422),
             url_name="post-comment-add", summary="Tambah komentar")
def post_comment_add(request, post_uuid: UUID, payload: CommentIn):
    scope, post = _post_scope(request, post_uuid)
    scope.require("publishing.edit")
    comment = services.post_comment_add(actor=request.user, post=post, body=payload.body)
    return Status(201, {"body": comment.body, "author": request.user.email, "created_at": comment.created_at})


@router.get("/posts/{post_uuid}/versions", response=responses({200: list[VersionOut]}, 403, 404),
            url_name="post-versions", summary="Riwayat versi konten")
def post_versions(request, post_uuid: UUID):
    scope, post = _post_scope(request, post_uuid)
    scope.require("publishing.view")
    return [{"version": v.version, "author": getattr(v.author, "email", None), "created_at": v.created_at,
             "snapshot": v.snapshot} for v in selectors.post_versions(post)]


# --- the live check ------------------------------------------------------------------------------


@router.post("/units/{unit_uuid}/compose/check", response=responses({200: list[CheckOut]}, 403, 404, 422),
             url_name="compose-check", summary="Periksa teks per platform (panjang, media, pedoman)")
def compose_check(request, unit_uuid: UUID, payload: CheckIn):
    """What the composer shows as the officer types: per platform the length as it counts, what
    the platform would refuse, and the guideline's findings. Stores nothing."""
    scope = unit_scope(request, unit_uuid)
    scope.require("publishing.edit")
    inputs = services.variants_parse(scope.unit, _variants(payload.variants))
    # Read in the unit's zone like ``aware``, and a year outside 2000–2100 is a 422 (near year 9999
    # the guideline's conversion to the unit's zone overflows).
    when = local_to_utc(scope.unit, payload.when) if payload.when is not None else None
    return [services.variant_check(unit=scope.unit, variant=v, when=when).as_dict() for v in inputs]


# --- templates -----------------------------------------------------------------------------------


def _template_out(t: Template) -> dict:
    return {"uuid": t.uuid, "unit_uuid": t.unit.uuid, "kind": t.kind, "name": t.name, "text": t.text,
            "created_at": t.created_at}


@router.get("/units/{unit_uuid}/templates", response=responses({200: list[TemplateOut]}, 403, 404),
            url_name="post-template-list", summary="Templat dan potongan teks")
def template_list(request, unit_uuid: UUID, inherited: bool = False):
    """The unit's own templates and snippets; ``inherited=true`` adds those of the units above it."""
    scope = unit_scope(request, unit_uuid)
    scope.require("publishing.view")
    rows = selectors.templates_available(scope.unit) if inherited else selectors.template_list(scope=scope)
    return [_template_out(t) for t in rows]


@router.post("/units/{unit_uuid}/templates", response=responses({201: TemplateOut}, 403, 404, 422),
             url_name="post-template-create", summary="Buat templat")
def template_create(request, unit_uuid: UUID, payload: TemplateIn):
    scope = unit_scope(request, unit_uuid)
    scope.require("publishing.edit")
    t = services.template_create(actor=request.user, unit=scope.unit, kind=payload.kind, name=payload.name,
                                 text=payload.text)
    return Status(201, _template_out(t))


@router.patch("/templates/{template_uuid}", response=responses({200: TemplateOut}, 403, 404, 422),
              url_name="post-template-update", summary="Ubah templat")
def template_update(request, template_uuid: UUID, payload: TemplatePatch):
    scope, template = _template_scope(request, template_uuid)
    scope.require("publishing.edit")
    fields = payload.dict(exclude_unset=True)
    return _template_out(services.template_update(actor=request.user, template=template, **fields))


@router.delete("/templates/{template_uuid}", response=responses({204: None}, 403, 404),
               url_name="post-template-delete", summary="Hapus templat")
def template_delete(request, template_uuid: UUID):
    scope, template = _template_scope(request, template_uuid)
    scope.require("publishing.edit")
    services.template_delete(actor=request.user, template=template)
    return Status(204, None)
