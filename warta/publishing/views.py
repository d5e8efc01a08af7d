"""Pages of the composer: the post list, compose and edit (with the live check), the post page,
its actions, the version diff, and the unit's templates and snippets."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from warta.channels import limits
from warta.core.forms import form_errors_add
from warta.organisations.decorators import scoped
from warta.publishing import selectors, services
from warta.publishing.forms import (
    CommentForm,
    ComposerForm,
    FilterForm,
    TemplateForm,
    variants_from_data,
)
from warta.publishing.models import Post, PostState, TemplateKind

PAGE_SIZE = 25
S = PostState


def _planning(unit):
    """Campaigns and pillars the unit may use (planning app), or (None, None) before it exists."""
    if not hasattr(Post, "campaign_id"):
        return None, None
    try:
        from warta.planning import selectors as planning
    except ImportError:
        return None, None
    campaigns = planning.campaigns_available(unit) if hasattr(planning, "campaigns_available") else None
    pillars = planning.pillars_available(unit) if hasattr(planning, "pillars_available") else None
    return campaigns, pillars


def _partial_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


# --- the list ------------------------------------------------------------------------------------


@scoped("publishing.view")
def post_list(request):
    scope = request.scope
    campaigns, pillars = _planning(scope.unit)
    form = FilterForm(request.GET or None, units=selectors.scope_units(scope=scope), campaigns=campaigns,
                      pillars=pillars)
    filters = selectors.PostFilter()
    if form.is_valid():
        d = form.cleaned_data
        filters = selectors.PostFilter(state=d["state"], platform=d["platform"], unit_uuid=d["unit"],
                                       query=d["q"].replace("\x00", "").strip(), archived=d["arsip"],
                                       campaign=d.get("campaign"), pillar=d.get("pillar"))
    page = Paginator(selectors.post_list(scope=scope, filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(request, "publishing/post_list.html", {
        "unit": scope.unit, "form": form, "page": page, "querystring": urlencode(query),
        "can_edit": scope.can("publishing.edit"), "has_planning": campaigns is not None,
        "has_calendar": _url_exists("publishing:calendar"),
    })


def _url_exists(name: str) -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse(name, args=["00000000-0000-0000-0000-000000000000"])
    except NoReverseMatch:
        return False
    return True


# --- the composer --------------------------------------------------------------------------------


def _composer_initial(post: Post | None) -> tuple[dict, dict]:
    if post is None:
        return {}, {}
    initial = {"title": post.title, "notes": post.notes,
               "platforms": list(post.variants.values_list("platform", flat=True))}
    for name in ("campaign", "pillar"):
        if hasattr(post, f"{name}_id"):
            initial[name] = getattr(post, f"{name}_id")
    values = {}
    for v in post.variants.all().prefetch_related("media__asset"):
        values[v.platform] = {"text": v.text, "link": v.link, "first_comment": v.first_comment, "title": v.title,
                              "media": [{"uuid": str(m.asset.uuid), "asset": m.asset, "alt_text": m.alt_text}
                                        for m in v.media.all()]}
    return initial, values


def _values_from_post(data, platforms) -> dict:
    values = {}
    for platform, v in variants_from_data(data, platforms).items():
        values[platform] = {**v, "media": [{"uuid": m["asset"], "alt_text": m["alt_text"]} for m in v["media"]]}
    return values


def _platform_rows(values: dict, chosen) -> list[dict]:
    rows = []
    for platform, name in services.platforms():
        rules = limits.rules_for(platform)
        v = values.get(platform, {})
        rows.append({"platform": platform, "name": name, "chosen": platform in chosen, "values": v,
                     "selected": [m["uuid"] for m in v.get("media", [])], "limit": rules.text_limit,
                     "first_comment": rules.first_comment, "has_title": services.platform_has_title(platform),
                     "accepts_media": rules.max_images > 0 or rules.max_videos > 0})
    return rows


def _composer(request, *, post: Post | None = None):
    scope = request.scope
    unit = post.unit if post is not None else scope.unit
    campaigns, pillars = _planning(unit)
    initial, values = _composer_initial(post)
    form = ComposerForm(request.POST or None, initial=initial, campaigns=campaigns, pillars=pillars)
    if request.method == "POST":
        values = _values_from_post(request.POST, request.POST.getlist("platforms"))
        if form.is_valid():
            d = form.cleaned_data
            variants = variants_from_data(request.POST, d["platforms"])
            plan = {k: d[k] for k in ("campaign", "pillar") if k in d}
            try:
                if post is None:
                    saved = services.post_create(actor=request.user, unit=unit, title=d["title"], variants=variants,
                                                 notes=d["notes"], **plan)
                    messages.success(request, _("Draf “%(title)s” disimpan.") % {"title": saved.title})
                else:
                    state_before = post.state
                    saved = services.post_update(actor=request.user, post=post, title=d["title"],
                                                 variants=variants, notes=d["notes"], **plan)
                    if state_before in services.BACK_TO_DRAFT and saved.state == S.DRAFT and state_before != S.DRAFT:
                        messages.warning(request, _("Perubahan disimpan. Konten kembali menjadi draf dan perlu "
                                                    "diajukan lagi untuk persetujuan."))
                    else:
                        messages.success(request, _("Perubahan disimpan."))
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                if request.POST.get("then") == "submit":
                    try:
                        services.post_submit(actor=request.user, post=saved)
                        messages.success(request, _("Konten diajukan untuk persetujuan."))
                    except ValidationError as exc:
                        for m in exc.messages:
                            messages.error(request, m)
                return redirect("publishing:post-detail", scope.unit.uuid, saved.uuid)
    chosen = form["platforms"].value() or []
    templates = selectors.templates_available(unit)
    return render(request, "publishing/composer.html", {
        "unit": scope.unit, "post": post, "form": form, "rows": _platform_rows(values, chosen),
        "templates": [t for t in templates if t.kind == TemplateKind.TEMPLATE],
        "snippets": [t for t in templates if t.kind == TemplateKind.SNIPPET],
        "check_url": reverse("publishing:compose-check", args=[scope.unit.uuid]),
        "has_picker": _url_exists("media:picker"),
    }, status=400 if form.errors else 200)


@scoped("publishing.edit")
def post_create(request):
    return _composer(request)


@scoped("publishing.edit")
def post_edit(request, post_uuid):
    post = selectors.post_get(scope=request.scope, post_uuid=post_uuid)
    if post.archived_at is not None or post.state not in services.EDITABLE:
        messages.error(request, _("Konten berstatus “%(state)s” tidak dapat diubah.")
                       % {"state": post.get_state_display()})
        return redirect("publishing:post-detail", request.scope.unit.uuid, post.uuid)
    return _composer(request, post=post)


@require_POST
@scoped("publishing.edit")
def compose_check(request):
    """The live check (htmx): per platform the length as it counts, the problems, the guideline
    findings and a preview. Writes nothing."""
    scope = request.scope
    unit = scope.unit
    post_uuid = request.POST.get("post", "")
    if post_uuid:
        try:
            unit = selectors.post_get(scope=scope, post_uuid=post_uuid).unit
        except (Http404, ValidationError, ValueError):
            unit = scope.unit
    platforms = [p for p in request.POST.getlist("platforms") if p in limits.RULES]
    results, error = [], ""
    try:
        inputs = services.variants_parse(unit, variants_from_data(request.POST, platforms))
    except ValidationError as exc:
        inputs, error = [], " ".join(exc.messages)
    checks = [services.variant_check(unit=unit, variant=v) for v in inputs]
    cards = selectors.preview_cards(unit=unit, variants=inputs)
    for check, card in zip(checks, cards, strict=True):
        results.append({"check": check, "card": card})
    return render(request, "publishing/_live.html", {"unit": scope.unit, "results": results, "error": error,
                                                     "thumbnails": True})


# --- the post page -------------------------------------------------------------------------------


def _approvals(post: Post) -> list:
    from warta.approvals.services import approval_history

    return approval_history(post)


@scoped("publishing.view")
def post_detail(request, post_uuid):
    scope = request.scope
    post = selectors.post_get(scope=scope, post_uuid=post_uuid)
    inputs = services.post_inputs(post)
    cards = selectors.preview_cards(unit=post.unit, variants=inputs)
    checks = services.post_checks(post, guideline=False)
    versions = selectors.post_versions(post)
    old, new = selectors.version_pair(post, None, None)
    can_edit = scope.can("publishing.edit")
    archived = post.archived_at is not None
    context = {
        "unit": scope.unit, "post": post, "cards": cards, "checks": checks, "thumbnails": True,
        "comments": post.comments.select_related("author"), "comment_form": CommentForm(),
        "versions": versions, "diff": selectors.snapshot_diff(old.snapshot, new.snapshot) if old and new else [],
        "diff_old": old, "diff_new": new, "approvals": _approvals(post),
        "can_edit": can_edit and not archived and post.state in services.EDITABLE,
        "can_submit": can_edit and not archived and post.state in (S.DRAFT, S.CHANGES_REQUESTED),
        "can_withdraw": can_edit and not archived and post.state in (S.IN_REVIEW, S.APPROVED),
        "can_duplicate": can_edit, "can_comment": can_edit,
        "can_archive": scope.can("publishing.delete") and post.state not in (S.SCHEDULED, S.PUBLISHING, S.UNCERTAIN),
        "archived": archived, "zone": post.unit.zone,
        "has_publications": _partial_exists("publishing/_publications.html"),
        "can_publish": scope.can("publishing.publish"),
    }
    if context["has_publications"]:  # the engine's panel: publications, schedule and publish-now
        context.update(_engine_context(request, post))
    return render(request, "publishing/post_detail.html", context)


def _engine_context(request, post: Post) -> dict:
    """Whatever H5's panel needs (it reads ``post``, ``unit`` and ``publications``)."""
    try:
        from warta.publishing import engine_views
    except ImportError:
        return {"publications": post.publications.select_related("account").order_by("pk")}
    context_for = getattr(engine_views, "publications_context", None)
    if context_for is not None:
        return context_for(request, post)
    return {"publications": post.publications.select_related("account").order_by("pk")}


def _action(request, post_uuid, fn, ok: str):
    scope = request.scope
    post = selectors.post_get(scope=scope, post_uuid=post_uuid)
    try:
        result = fn(post)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
        return redirect("publishing:post-detail", scope.unit.uuid, post.uuid)
    messages.success(request, ok)
    target = result if isinstance(result, Post) else post
    return redirect("publishing:post-detail", scope.unit.uuid, target.uuid)


@require_POST
@scoped("publishing.edit")
def post_submit(request, post_uuid):
    return _action(request, post_uuid, lambda p: services.post_submit(actor=request.user, post=p),
                   _("Konten diajukan untuk persetujuan."))


@require_POST
@scoped("publishing.edit")
def post_withdraw(request, post_uuid):
    return _action(request, post_uuid, lambda p: services.post_withdraw(actor=request.user, post=p),
                   _("Pengajuan ditarik; konten kembali menjadi draf."))


@require_POST
@scoped("publishing.edit")
def post_duplicate(request, post_uuid):
    return _action(request, post_uuid, lambda p: services.post_duplicate(actor=request.user, post=p),
                   _("Salinan konten dibuat sebagai draf."))


@require_POST
@scoped("publishing.view", write_permission="publishing.delete")
def post_archive(request, post_uuid):
    archived = request.POST.get("archived", "1") == "1"
    return _action(request, post_uuid,
                   lambda p: services.post_archive(actor=request.user, post=p, archived=archived),
                   _("Konten diarsipkan.") if archived else _("Konten dipulihkan."))


@require_POST
@scoped("publishing.edit")
def post_comment(request, post_uuid):
    scope = request.scope
    post = selectors.post_get(scope=scope, post_uuid=post_uuid)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.post_comment_add(actor=request.user, post=post, body=form.cleaned_data["body"])
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            messages.success(request, _("Komentar ditambahkan."))
    else:
        for errs in form.errors.values():
            for m in errs:
                messages.error(request, m)
    return redirect(reverse("publishing:post-detail", args=[scope.unit.uuid, post.uuid]) + "#komentar")


@scoped("publishing.view")
def post_versions(request, post_uuid):
    """The version history and the diff between two chosen versions (``?dari=&ke=``)."""
    scope = request.scope
    post = selectors.post_get(scope=scope, post_uuid=post_uuid)

    def number(key):
        value = request.GET.get(key, "")
        return int(value) if value.isascii() and value.isdigit() else None

    old, new = selectors.version_pair(post, number("dari"), number("ke"))
    bad = (request.GET.get("dari") or request.GET.get("ke")) and (old is None or new is None)
    return render(request, "publishing/post_versions.html", {
        "unit": scope.unit, "post": post, "versions": selectors.post_versions(post), "old": old, "new": new,
        "diff": selectors.snapshot_diff(old.snapshot, new.snapshot) if old and new else [], "bad": bad,
    }, status=400 if bad else 200)


# --- templates and snippets ----------------------------------------------------------------------


@scoped("publishing.view")
def template_list(request):
    scope = request.scope
    kind = request.GET.get("jenis", "")
    kind = kind if kind in TemplateKind.values else ""
    page = Paginator(selectors.template_list(scope=scope, kind=kind), PAGE_SIZE).get_page(request.GET.get("page"))
    inherited = [t for t in selectors.templates_available(scope.unit) if t.unit_id != scope.unit.pk]
    return render(request, "publishing/template_list.html", {
        "unit": scope.unit, "page": page, "kind": kind, "kinds": TemplateKind.choices, "inherited": inherited,
        "can_edit": scope.can("publishing.edit"), "querystring": urlencode({"jenis": kind} if kind else {}),
    })


def _template_form(request, *, template=None):
    scope = request.scope
    initial = {"kind": request.GET.get("jenis") or TemplateKind.TEMPLATE}
    if template is not None:
        initial = {"kind": template.kind, "name": template.name, "text": template.text}
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if template is None:
                services.template_create(actor=request.user, unit=scope.unit, kind=d["kind"], name=d["name"],
                                         text=d["text"])
            else:
                services.template_update(actor=request.user, template=template, kind=d["kind"], name=d["name"],
                                         text=d["text"])
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, _("Templat “%(name)s” disimpan.") % {"name": d["name"]})
            return redirect("publishing:template-list", scope.unit.uuid)
    return render(request, "publishing/template_form.html", {"unit": scope.unit, "form": form,
                                                             "template": template},
                  status=400 if form.errors else 200)


@scoped("publishing.edit")
def template_create(request):
    return _template_form(request)


@scoped("publishing.edit")
def template_edit(request, template_uuid):
    return _template_form(request, template=selectors.template_get(scope=request.scope, template_uuid=template_uuid))


@require_POST
@scoped("publishing.edit")
def template_delete(request, template_uuid):
    scope = request.scope
    template = selectors.template_get(scope=scope, template_uuid=template_uuid)
    services.template_delete(actor=request.user, template=template)
    messages.success(request, _("Templat “%(name)s” dihapus.") % {"name": template.name})
    return redirect("publishing:template-list", scope.unit.uuid)
