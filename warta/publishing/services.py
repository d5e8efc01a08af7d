"""Writing posts: the composer's services (ADR 0023).

A post has one ``Variant`` per platform; each variant's text is counted as its platform counts
it (``warta.channels.limits``) and its media are files of the unit's media library. Every write
here is audited and runs in one transaction; bad input raises ``ValidationError`` with an
Indonesian message and stores nothing.

Content changes bump ``Post.version`` and keep a ``PostVersion`` snapshot (the history and its
diff). Editing content that is in review, approved or scheduled sends it back to draft: its
approval is superseded and its pending publications cancelled — approved means *this* text.
Scheduling and publishing live in ``schedule.py`` (the engine).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warta.channels import limits
from warta.core.audit import audit_action_register, audit_record
from warta.organisations import tree
from warta.organisations.roles import Role, permission_register
from warta.publishing.models import (
    Post,
    PostComment,
    PostState,
    PostVersion,
    Publication,
    PublicationState,
    Template,
    TemplateKind,
    Variant,
    VariantMedia,
)
from warta.publishing.states import EDITABLE, TransitionError, post_transition

S = PostState

permission_register("publishing.view", set(Role))
permission_register("publishing.edit", {Role.ADMIN, Role.APPROVER, Role.EDITOR})
permission_register("publishing.publish", {Role.ADMIN, Role.APPROVER, Role.EDITOR})
permission_register("publishing.delete", {Role.ADMIN, Role.APPROVER})

audit_action_register({
    "post.create": gettext_lazy("Konten dibuat"),
    "post.update": gettext_lazy("Konten diubah"),
    "post.archive": gettext_lazy("Konten diarsipkan"),
    "post.restore": gettext_lazy("Konten dipulihkan dari arsip"),
    "post.duplicate": gettext_lazy("Konten digandakan"),
    "post.submit": gettext_lazy("Konten diajukan untuk persetujuan"),
    "post.withdraw": gettext_lazy("Pengajuan konten ditarik"),
    "post.comment": gettext_lazy("Komentar pada konten"),
    "post_template.create": gettext_lazy("Templat konten dibuat"),
    "post_template.update": gettext_lazy("Templat konten diubah"),
    "post_template.delete": gettext_lazy("Templat konten dihapus"),
})

VARIANT_FIELDS = ("text", "link", "first_comment", "title")
TITLE_MAX = 200
LINK_MAX = 1000  # Variant.link's column
COMMENT_MAX = 5000
TEMPLATE_TEXT_MAX = 10_000
# States in which an edit to the content withdraws it from approval (and from the schedule).
BACK_TO_DRAFT = frozenset({S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.SCHEDULED, S.FAILED})


def platform_name(platform: str) -> str:
    return limits.PLATFORM_NAMES.get(platform, platform)


def platforms() -> list[tuple[str, str]]:
    """The platforms a post can be written for, as (value, name)."""
    return [(p, platform_name(p)) for p in limits.RULES]


def platform_has_title(platform: str) -> bool:
    """A video title is asked for YouTube and TikTok."""
    return platform in ("youtube", "tiktok")


# --- the guideline (H3's engine) -----------------------------------------------------------------


def guideline_engine():
    """Return the guideline app's ``guideline_check`` (a seam: tests may put a stand-in here)."""
    from warta.guideline.engine import guideline_check

    return guideline_check


def guideline_run(*, unit, text: str, platform: str | None = None, links=(), when: datetime | None = None):
    """Run the unit's guideline on one text; an object with ``errors``, ``warnings``, ``escalate``."""
    check = guideline_engine()
    return check(unit=unit, text=text, platform=platform, links=tuple(link for link in links if link), when=when)


def finding_dict(finding, *, platform: str = "") -> dict:
    """A finding as plain JSON (what ``Post.warnings`` and the approvals app keep)."""
    if isinstance(finding, dict):
        item = dict(finding)
    else:
        item = {k: getattr(finding, k) for k in ("rule_uuid", "kind", "severity", "message", "escalate",
                                                 "unit_name", "start", "end") if hasattr(finding, k)}
    item["message"] = str(item.get("message", ""))
    if item.get("rule_uuid") is not None:
        item["rule_uuid"] = str(item["rule_uuid"])
    if platform:
        item["platform"] = platform
        item["platform_name"] = platform_name(platform)
    return item


# --- variants: input, media, checks --------------------------------------------------------------


@dataclass
class MediaChoice:
    asset: object  # media.MediaAsset
    alt_text: str = ""


@dataclass
class VariantInput:
    platform: str
    text: str = ""
    link: str = ""
    first_comment: str = ""
    title: str = ""
    media: list[MediaChoice] = field(default_factory=list)

    @property
    def has_media(self) -> bool:
        return bool(self.media)

    def snapshot(self) -> dict:
        return {"text": self.text, "link": self.link, "first_comment": self.first_comment, "title": self.title,
                "media": [{"asset": str(m.asset.uuid), "alt_text": m.alt_text} for m in self.media]}


def _text(value) -> str:
    return str(value or "").replace("\x00", "").replace("\r\n", "\n").strip()


def media_assets_reachable(unit):
    """The media a post of ``unit`` may use: active files of the unit, of its sub-units and of the
    units above it (a ministry's logo is its regencies' too)."""
    from django.db.models import Q

    from warta.media.models import MediaAsset

    return MediaAsset.objects.active().filter(
        Q(unit__path__startswith=unit.path) | Q(unit__path__in=tree.ancestor_paths(unit.path)))


def _resolve_media(unit, items, platform: str) -> list[MediaChoice]:
    from warta.media.models import MediaAsset

    out: list[MediaChoice] = []
    seen = set()
    for item in items or ():
        if isinstance(item, MediaChoice):
            asset, alt = item.asset, item.alt_text
        elif isinstance(item, dict):
            asset, alt = item.get("asset"), item.get("alt_text", "")
        else:
            asset, alt = item, ""
        if not isinstance(asset, MediaAsset):
            try:
                asset = media_assets_reachable(unit).filter(uuid=str(asset)).first()
            except (ValueError, ValidationError):
                asset = None
        elif asset.archived or not (tree.is_within(asset.unit.path, unit.path)
                                    or tree.is_within(unit.path, asset.unit.path)):
            asset = None
        if asset is None:
            raise ValidationError({f"variants.{platform}.media": _(
                "Media tidak ditemukan di pustaka media unit ini.")})
        if asset.pk in seen:
            continue
        seen.add(asset.pk)
        out.append(MediaChoice(asset=asset, alt_text=_text(alt)[:1000]))
    return out


def variants_parse(unit, variants: dict) -> list[VariantInput]:
    """Turn ``{platform: {text, link, first_comment, title, media}}`` into checked inputs.

    Raises ValidationError (unknown platform, unreachable media)."""
    if not isinstance(variants, dict):
        raise ValidationError({"variants": _("Varian harus berupa daftar per platform.")})
    out = []
    for platform, data in variants.items():
        platform = str(platform)
        if platform not in limits.RULES:
            raise ValidationError({"variants": _("Platform tidak dikenal: %(platform)s.") % {"platform": platform}})
        data = data or {}
        out.append(VariantInput(
            platform=platform, text=_text(data.get("text")), link=_text(data.get("link")),
            first_comment=_text(data.get("first_comment")), title=_text(data.get("title")),
            media=_resolve_media(unit, data.get("media"), platform)))
    return sorted(out, key=lambda v: list(limits.RULES).index(v.platform))


def _neutral_image(rules: limits.PlatformRules) -> limits.MediaFacts:
    """An image that fits the platform: what a rendition makes of an image the platform accepts."""
    mime = sorted(rules.image_types)[0] if rules.image_types else "image/jpeg"
    return limits.MediaFacts(kind="image", mime_type=mime, size_bytes=0)


@dataclass
class VariantCheck:
    platform: str
    name: str
    length: int
    limit: int
    problems: list[str]  # block saving or submitting
    notes: list[str]  # told, not blocking (e.g. images that will be adapted to the platform)
    missing: list[str]  # block submitting only (a draft may still lack them)
    guideline: object | None = None

    @property
    def over(self) -> bool:
        return self.length > self.limit

    def as_dict(self) -> dict:
        g = self.guideline
        return {
            "platform": self.platform, "name": self.name, "length": self.length, "limit": self.limit,
            "problems": self.problems, "notes": self.notes, "missing": self.missing,
            "guideline": {
                "errors": [finding_dict(f) for f in getattr(g, "errors", ())],
                "warnings": [finding_dict(f) for f in getattr(g, "warnings", ())],
                "escalate": bool(getattr(g, "escalate", False)),
            },
        }


def variant_check(*, unit, variant: VariantInput, when: datetime | None = None, guideline: bool = True) -> VariantCheck:
    """Everything the composer says about one variant: its length as the platform counts it, what
    the platform would refuse, and the unit's guideline findings."""
    from warta.media.models import MediaKind
    from warta.media.services import asset_problems, media_facts

    rules = limits.rules_for(variant.platform)
    name = platform_name(variant.platform)
    with_media = variant.has_media
    limit = rules.caption_limit if with_media and rules.caption_limit else rules.text_limit
    problems = list(limits.text_problems(variant.platform, variant.text, with_media=with_media,
                                         title=variant.title if rules.title_limit is not None else None))
    if rules.title_limit is None and len(variant.title) > TITLE_MAX:  # what the column holds
        problems.append(_("Judul video paling banyak %(n)s karakter.") % {"n": TITLE_MAX})
    if len(variant.link) > LINK_MAX:
        problems.append(_("Tautan %(platform)s paling panjang %(n)s karakter.") % {"platform": name, "n": LINK_MAX})
    elif variant.link:
        try:
            URLValidator(schemes=["http", "https"])(variant.link)
        except ValidationError:
            problems.append(_("Tautan %(platform)s bukan alamat web yang sah (awali dengan https://).")
                            % {"platform": name})
    if variant.first_comment and not rules.first_comment:
        problems.append(_("%(platform)s tidak mendukung komentar pertama.") % {"platform": name})
    elif variant.first_comment:
        problems += [_("Komentar pertama: %(problem)s") % {"problem": p}
                     for p in limits.text_problems(variant.platform, variant.first_comment)]
    notes: list[str] = []
    facts = []
    for choice in variant.media:
        asset = choice.asset
        kind_ok = rules.accepts(asset.kind) and not (asset.kind == MediaKind.IMAGE and rules.video_required)
        own = asset_problems(asset, variant.platform)
        if asset.kind == MediaKind.IMAGE and kind_ok:
            stored_alt = limits.alt_text_problems(variant.platform, asset.alt_text)
            problems += limits.alt_text_problems(variant.platform, choice.alt_text or asset.alt_text)
            # Images the platform takes are adapted (cropped, scaled, re-encoded) by a rendition.
            notes += [_("%(file)s akan disesuaikan otomatis: %(problem)s") % {"file": asset, "problem": p}
                      for p in own if p not in stored_alt]
            facts.append(_neutral_image(rules))
        elif own:
            problems += [_("%(file)s: %(problem)s") % {"file": asset, "problem": p} for p in own]
        else:
            facts.append(media_facts(asset))
    missing = []
    for p in limits.media_problems(variant.platform, facts):
        (missing if not variant.media else problems).append(p)
    if not variant.text and not variant.media:
        missing.append(_("Varian %(platform)s masih kosong: tulis teks atau pilih media.") % {"platform": name})
    result = None
    if guideline and (variant.text or variant.first_comment or variant.link):
        result = guideline_run(unit=unit, text="\n\n".join(t for t in (variant.text, variant.first_comment) if t),
                               platform=variant.platform, links=[variant.link], when=when)
    return VariantCheck(platform=variant.platform, name=name, length=limits.text_length(variant.platform, variant.text),
                        limit=limit, problems=problems, notes=notes, missing=missing, guideline=result)


def _refuse_problems(checks: list[VariantCheck], *, submitting: bool = False) -> None:
    errors: dict[str, list[str]] = {}
    for c in checks:
        messages = list(c.problems) + (list(c.missing) if submitting else [])
        if submitting and c.guideline is not None:
            messages += [_("Pedoman: %(message)s") % {"message": finding_dict(f)["message"]}
                         for f in c.guideline.errors]
        if messages:
            errors[f"variants.{c.platform}"] = [f"{c.name}: {m}" for m in messages]
    if errors:
        raise ValidationError(errors)


def _clean_title(title) -> str:
    title = _text(title)
    if not title:
        raise ValidationError({"title": _("Judul internal wajib diisi.")})
    if len(title) > TITLE_MAX:
        raise ValidationError({"title": _("Judul internal paling banyak %(n)s karakter.") % {"n": TITLE_MAX}})
    return title


def _check_inputs(unit, inputs: list[VariantInput]) -> list[VariantCheck]:
    if not inputs:
        raise ValidationError({"variants": _("Pilih paling sedikit satu platform.")})
    if not any(v.text or v.media for v in inputs):
        raise ValidationError({"variants": _("Konten masih kosong: tulis teks atau pilih media.")})
    checks = [variant_check(unit=unit, variant=v, guideline=False) for v in inputs]
    _refuse_problems(checks)
    return checks


def _plan_fields(unit, *, campaign=None, pillar=None) -> dict:
    """Campaign and pillar (planning app), checked to belong to the unit or the units above it."""
    out = {}
    for name, value in (("campaign", campaign), ("pillar", pillar)):
        if value is None:
            if hasattr(Post, f"{name}_id"):
                out[name] = None
            continue
        if not hasattr(Post, f"{name}_id"):
            continue
        owner = getattr(value, "unit", None)
        if owner is None or not tree.is_within(unit.path, owner.path) or getattr(value, "archived_at", None):
            label = _("Kampanye") if name == "campaign" else _("Pilar konten")
            raise ValidationError({name: _("%(what)s ini bukan milik unit ini atau unit di atasnya, atau sudah "
                                           "diarsipkan.") % {"what": label}})
        out[name] = value
    return out


# --- snapshots and versions ----------------------------------------------------------------------


def post_snapshot(post: Post) -> dict:
    """The post's content as stored: what a version keeps and a diff compares."""
    variants = {}
    for v in post.variants.all().prefetch_related("media__asset"):
        variants[v.platform] = {"text": v.text, "link": v.link, "first_comment": v.first_comment, "title": v.title,
                                "media": [{"asset": str(m.asset.uuid), "alt_text": m.alt_text}
                                          for m in v.media.all()]}
    return {"title": post.title, "variants": variants}


def _inputs_snapshot(title: str, inputs: list[VariantInput]) -> dict:
    return {"title": title, "variants": {v.platform: v.snapshot() for v in inputs}}


def _write_variants(post: Post, inputs: list[VariantInput]) -> None:
    keep = {v.platform for v in inputs}
    post.variants.exclude(platform__in=keep).delete()
    for data in inputs:
        variant, _created = Variant.objects.update_or_create(
            post=post, platform=data.platform,
            defaults={"text": data.text, "link": data.link, "first_comment": data.first_comment,
                      "title": data.title})
        variant.media.all().delete()
        VariantMedia.objects.bulk_create([
            VariantMedia(variant=variant, asset=m.asset, position=i, alt_text=m.alt_text)
            for i, m in enumerate(data.media)])


def _version_save(post: Post, snapshot: dict, actor) -> PostVersion:
    return PostVersion.objects.create(post=post, version=post.version, snapshot=snapshot, author=actor)


# --- posts ---------------------------------------------------------------------------------------


def post_create(*, actor, unit, title: str, variants: dict, notes: str = "", campaign=None, pillar=None) -> Post:
    """Write a new draft of ``unit`` with one variant per platform in ``variants``.

    A platform without a connected account is fine for a draft (accounts are chosen when it is
    scheduled). Text over the platform's limit and media the platform cannot take are refused.
    """
    title = _clean_title(title)
    inputs = variants_parse(unit, variants)
    _check_inputs(unit, inputs)
    plan = _plan_fields(unit, campaign=campaign, pillar=pillar)
    with transaction.atomic():
        post = Post.objects.create(unit=unit, title=title, notes=_text(notes), created_by=actor, **plan)
        _write_variants(post, inputs)
        _version_save(post, _inputs_snapshot(title, inputs), actor)
        audit_record(actor=actor, unit=unit, action="post.create", target=post,
                     changes={"title": title, "platforms": [v.platform for v in inputs]})
    return post


def _cancel_pending(post: Post) -> int:
    return Publication.objects.filter(post=post, state=PublicationState.PENDING).update(
        state=PublicationState.CANCELLED, updated_at=timezone.now())


def _withdraw(*, actor, post: Post, reason: str) -> Post:
    """Take the post out of approval and off the schedule, back to draft."""
    from warta.approvals.services import approval_supersede

    approval_supersede(subject=post, actor=actor)
    cancelled = _cancel_pending(post)
    if post.state in BACK_TO_DRAFT:
        post = post_transition(post=post, to=S.DRAFT, actor=actor, reason=reason,
                               changes={"cancelled_publications": cancelled} if cancelled else None)
    return post


def post_update(*, actor, post: Post, title: str | None = None, variants: dict | None = None,
                notes: str | None = None, campaign=..., pillar=...) -> Post:
    """Change a post; only the arguments given change.

    A change to the content (title or variants) keeps a new version; when the post was in review,
    approved or scheduled it goes back to draft, its approval no longer holds and its pending
    publications are cancelled.
    """
    with transaction.atomic():
        locked = Post.objects.select_for_update(of=("self",)).select_related("unit").get(pk=post.pk)
        if locked.archived_at is not None:
            raise ValidationError({"post": _("Konten yang diarsipkan tidak dapat diubah. Pulihkan dulu.")})
        if locked.state not in EDITABLE:
            raise ValidationError({"post": _("Konten berstatus “%(state)s” tidak dapat diubah.")
                                   % {"state": locked.get_state_display()}})
        unit = locked.unit
        before = post_snapshot(locked)
        new_title = _clean_title(title) if title is not None else locked.title
        if variants is not None:
            inputs = variants_parse(unit, variants)
            _check_inputs(unit, inputs)
            after = _inputs_snapshot(new_title, inputs)
        else:
            inputs = None
            after = {**before, "title": new_title}
        plan_kwargs = {}
        if campaign is not ...:
            plan_kwargs["campaign"] = campaign
        if pillar is not ...:
            plan_kwargs["pillar"] = pillar
        plan = {k: v for k, v in _plan_fields(unit, **plan_kwargs).items() if k in plan_kwargs}
        changed = after != before
        state_before = locked.state
        if changed and locked.state in BACK_TO_DRAFT:
            locked = _withdraw(actor=actor, post=locked, reason="edited")
        fields = ["updated_at"]
        for name, value in plan.items():
            setattr(locked, name, value)
            fields.append(name)
        if notes is not None:
            locked.notes = _text(notes)
            fields.append("notes")
        if changed:
            locked.title = new_title
            locked.version += 1
            locked.warnings, locked.needs_escalation = [], False
            fields += ["title", "version", "warnings", "needs_escalation"]
            if inputs is not None:
                _write_variants(locked, inputs)
            _version_save(locked, after, actor)
            audit_record(actor=actor, unit=unit, action="post.update", target=locked, changes={
                "version": locked.version, "title": [before["title"], new_title] if before["title"] != new_title
                else new_title, "platforms": sorted(after["variants"]), "state_before": state_before})
        elif len(fields) > 1:
            audit_record(actor=actor, unit=unit, action="post.update", target=locked,
                         changes={"fields": fields[1:]})
        locked.save(update_fields=list(dict.fromkeys(fields)))
    post.refresh_from_db()
    return post


def post_archive(*, actor, post: Post, archived: bool = True) -> Post:
    """Archive a post (it leaves lists and the calendar) or restore it. A post on its way to a
    platform cannot be archived; take it off the schedule first."""
    with transaction.atomic():
        locked = Post.objects.select_for_update(of=("self",)).select_related("unit").get(pk=post.pk)
        if archived == (locked.archived_at is not None):
            return locked
        if archived:
            if locked.state in (S.SCHEDULED, S.PUBLISHING, S.UNCERTAIN):
                raise ValidationError({"post": _("Konten berstatus “%(state)s” tidak dapat diarsipkan. "
                                                 "Batalkan jadwal terbitnya dulu.") % {"state": locked.get_state_display()}})
            if locked.state in (S.IN_REVIEW, S.APPROVED):
                locked = _withdraw(actor=actor, post=locked, reason="archived")
            locked.archived_at = timezone.now()
        else:
            locked.archived_at = None
        locked.save(update_fields=["archived_at", "updated_at"])
        audit_record(actor=actor, unit=locked.unit, action="post.archive" if archived else "post.restore",
                     target=locked, changes={"state": locked.state})
    post.refresh_from_db()
    return post


def post_duplicate(*, actor, post: Post, unit=None) -> Post:
    """A new draft with the same variants and media (into ``unit``, default the post's own)."""
    unit = unit or post.unit
    snap = post_snapshot(post)
    variants = {p: {**data} for p, data in snap["variants"].items()}
    title = (_("Salinan: %(title)s") % {"title": post.title})[:TITLE_MAX]
    plan = {}
    for name in ("campaign", "pillar"):
        if hasattr(Post, f"{name}_id") and unit.pk == post.unit_id:
            plan[name] = getattr(post, name)
    with transaction.atomic():
        inputs = variants_parse(unit, variants)
        copy = Post.objects.create(unit=unit, title=title, notes=post.notes, created_by=actor, **plan)
        _write_variants(copy, inputs)
        _version_save(copy, _inputs_snapshot(title, inputs), actor)
        audit_record(actor=actor, unit=unit, action="post.duplicate", target=copy,
                     changes={"from": str(post.uuid), "title": title})
    return copy


def post_comment_add(*, actor, post: Post, body: str) -> PostComment:
    body = _text(body)
    if not body:
        raise ValidationError({"body": _("Komentar tidak boleh kosong.")})
    if len(body) > COMMENT_MAX:
        raise ValidationError({"body": _("Komentar paling banyak %(n)s karakter.") % {"n": COMMENT_MAX}})
    with transaction.atomic():
        comment = PostComment.objects.create(post=post, author=actor, body=body)
        audit_record(actor=actor, unit=post.unit, action="post.comment", target=post, changes={"body": body[:500]})
        if post.created_by_id and post.created_by_id != getattr(actor, "pk", None):
            from django.urls import reverse

            from warta.notifications.services import notify

            notify(users=[post.created_by], unit=post.unit, kind="post-comment",
                   title=_("Komentar baru pada %(title)s") % {"title": post.title}, body=body[:500],
                   url=reverse("publishing:post-detail", args=[post.unit.uuid, post.uuid]), email=False)
    return comment


def post_inputs(post: Post) -> list[VariantInput]:
    """The stored variants of a post as inputs (for checks)."""
    out = []
    for v in post.variants.all().prefetch_related("media__asset__unit"):
        out.append(VariantInput(platform=v.platform, text=v.text, link=v.link, first_comment=v.first_comment,
                                title=v.title,
                                media=[MediaChoice(asset=m.asset, alt_text=m.alt_text) for m in v.media.all()]))
    return out


def post_checks(post: Post, *, guideline: bool = True) -> list[VariantCheck]:
    return [variant_check(unit=post.unit, variant=v, when=post.scheduled_at, guideline=guideline)
            for v in post_inputs(post)]


def post_submit(*, actor, post: Post) -> Post:
    """Ask for approval: every variant is checked against its platform and the unit's guideline.

    Guideline errors (and what the platform would refuse) block with their messages; warnings
    are kept on the post and handed to the approver, who must acknowledge them; a finding that
    needs a higher approver (a sensitive period) escalates the chain. With no approval level
    the post is approved at once.
    """
    from warta.approvals.services import approval_submit

    with transaction.atomic():
        locked = Post.objects.select_for_update(of=("self",)).select_related("unit").get(pk=post.pk)
        if locked.archived_at is not None:
            raise ValidationError({"post": _("Konten yang diarsipkan tidak dapat diajukan.")})
        if locked.state not in (S.DRAFT, S.CHANGES_REQUESTED):
            raise ValidationError({"post": _("Konten berstatus “%(state)s” tidak dapat diajukan.")
                                   % {"state": locked.get_state_display()}})
        checks = post_checks(locked)
        if not checks:
            raise ValidationError({"variants": _("Pilih paling sedikit satu platform.")})
        _refuse_problems(checks, submitting=True)
        warnings, escalate = [], False
        for c in checks:
            if c.guideline is None:
                continue
            warnings += [finding_dict(f, platform=c.platform) for f in c.guideline.warnings]
            escalate = escalate or bool(c.guideline.escalate)
        locked.warnings, locked.needs_escalation = warnings, escalate
        locked.save(update_fields=["warnings", "needs_escalation", "updated_at"])
        audit_record(actor=actor, unit=locked.unit, action="post.submit", target=locked,
                     changes={"version": locked.version, "warnings": len(warnings), "escalate": escalate})
        try:
            locked = post_transition(post=locked, to=S.IN_REVIEW, actor=actor, reason="submit")
        except TransitionError as exc:
            raise ValidationError({"post": str(exc)}) from None
        approval_submit(actor=actor, subject=locked, warnings=[
            {**w, "message": f"{w.get('platform_name', '')}: {w['message']}"} for w in warnings], escalate=escalate,
            kind="post")
    post.refresh_from_db()
    return post


def post_withdraw(*, actor, post: Post) -> Post:
    """The author takes a post back out of review (to draft)."""
    with transaction.atomic():
        locked = Post.objects.select_for_update(of=("self",)).select_related("unit").get(pk=post.pk)
        if locked.state not in (S.IN_REVIEW, S.APPROVED):
            raise ValidationError({"post": _("Hanya konten yang menunggu persetujuan atau sudah disetujui yang "
                                             "dapat ditarik.")})
        _withdraw(actor=actor, post=locked, reason="withdrawn")
        audit_record(actor=actor, unit=locked.unit, action="post.withdraw", target=locked,
                     changes={"version": locked.version})
    post.refresh_from_db()
    return post


# --- templates and snippets ----------------------------------------------------------------------


def _template_fields(kind, name, text) -> tuple[str, str, str]:
    if kind not in TemplateKind.values:
        raise ValidationError({"kind": _("Jenis tidak dikenal: pilih templat atau potongan teks.")})
    name, text = _text(name), _text(text)
    if not name:
        raise ValidationError({"name": _("Nama wajib diisi.")})
    if len(name) > 120:
        raise ValidationError({"name": _("Nama paling banyak 120 karakter.")})
    if not text:
        raise ValidationError({"text": _("Teks wajib diisi.")})
    if len(text) > TEMPLATE_TEXT_MAX:
        raise ValidationError({"text": _("Teks paling banyak %(n)s karakter.") % {"n": TEMPLATE_TEXT_MAX}})
    return kind, name, text


def _template_save(template: Template) -> Template:
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError:
        raise ValidationError({"name": _("Nama ini sudah dipakai di unit ini.")}) from None
    return template


def template_create(*, actor, unit, kind: str, name: str, text: str) -> Template:
    kind, name, text = _template_fields(kind, name, text)
    with transaction.atomic():
        template = _template_save(Template(unit=unit, kind=kind, name=name, text=text, created_by=actor))
        audit_record(actor=actor, unit=unit, action="post_template.create", target=template,
                     changes={"kind": kind, "name": name})
    return template


def template_update(*, actor, template: Template, kind: str | None = None, name: str | None = None,
                    text: str | None = None) -> Template:
    kind, name, text = _template_fields(kind if kind is not None else template.kind,
                                        name if name is not None else template.name,
                                        text if text is not None else template.text)
    before = {"kind": template.kind, "name": template.name}
    with transaction.atomic():
        locked = Template.objects.select_for_update().get(pk=template.pk)
        locked.kind, locked.name, locked.text = kind, name, text
        _template_save(locked)
        audit_record(actor=actor, unit=locked.unit, action="post_template.update", target=locked,
                     changes={"before": before, "kind": kind, "name": name})
    template.refresh_from_db()
    return template


def template_delete(*, actor, template: Template) -> None:
    with transaction.atomic():
        audit_record(actor=actor, unit=template.unit, action="post_template.delete", target=template,
                     changes={"kind": template.kind, "name": template.name})
        template.delete()
