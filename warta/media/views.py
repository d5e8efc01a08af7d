"""Pages of the media library: the grid, uploads, an asset's detail with its renditions, edits,
archiving, the files themselves (through the scope, never a public path) and the composer's picker."""

import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from warta.channels import limits
from warta.media import selectors, services
from warta.media.forms import EditForm, FilterForm, UploadForm
from warta.media.models import MediaKind
from warta.organisations.decorators import scoped

LIBRARY_PAGE = 24
PICKER_PAGE = 12


def _querystring(request, drop=("page",)) -> str:
    query = request.GET.copy()
    for key in drop:
        query.pop(key, None)
    return query.urlencode()


def _filters(request) -> tuple[FilterForm, selectors.MediaFilter]:
    form = FilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, selectors.MediaFilter(query=data["q"], kind=data["kind"], archived=data["arsip"])
    return form, selectors.MediaFilter()


@scoped("media.view")
def library(request):
    """The unit's media (and its sub-units'), newest first, as a grid of thumbnails."""
    scope = request.scope
    form, filters = _filters(request)
    page = Paginator(selectors.asset_list(scope=scope, filters=filters), LIBRARY_PAGE).get_page(request.GET.get("page"))
    context = {"unit": scope.unit, "page": page, "form": form, "querystring": _querystring(request),
               "can_manage": scope.can("media.manage")}
    if request.htmx and request.htmx.target == "results":
        return render(request, "media/library.html#results", context)
    return render(request, "media/library.html", context)


@scoped("media.manage")
def upload(request):
    """Upload one or more files; each is checked by content. Files that fail are named with the reason."""
    scope = request.scope
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        stored, failed = [], []
        for upload_file in form.cleaned_data["files"]:
            try:
                stored.append(services.media_upload(
                    actor=request.user, unit=scope.unit, file=upload_file, title=form.cleaned_data["title"],
                    alt_text=form.cleaned_data["alt_text"]))
            except ValidationError as exc:
                failed.extend(exc.messages)
        for message in failed:
            form.add_error("files", message)
        if stored:
            messages.success(request, _("%(n)s berkas tersimpan di pustaka media.") % {"n": len(stored)})
        if not failed:
            if len(stored) == 1:
                return redirect("media:detail", scope.unit.uuid, stored[0].uuid)
            return redirect("media:library", scope.unit.uuid)
        return render(request, "media/upload.html", {"unit": scope.unit, "form": form, "stored": stored}, status=400)
    return render(request, "media/upload.html", {"unit": scope.unit, "form": form, "stored": []},
                  status=400 if form.is_bound else 200)


@scoped("media.view")
def detail(request, asset_uuid):
    """One asset: its facts, the fitness for every platform, the renditions made."""
    scope = request.scope
    asset = selectors.asset_get(scope=scope, asset_uuid=asset_uuid)
    return render(request, "media/detail.html", {
        "unit": scope.unit, "asset": asset, "fitness": services.asset_fitness(asset),
        "can_manage": scope.can("media.manage"),
    })


@scoped("media.manage")
def edit(request, asset_uuid):
    scope = request.scope
    asset = selectors.asset_get(scope=scope, asset_uuid=asset_uuid)
    form = EditForm(request.POST or None, initial={"title": asset.title, "alt_text": asset.alt_text})
    if request.method == "POST" and form.is_valid():
        try:
            services.media_update(actor=request.user, asset=asset, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Perubahan media disimpan."))
            return redirect("media:detail", scope.unit.uuid, asset.uuid)
    return render(request, "media/edit.html", {"unit": scope.unit, "asset": asset, "form": form},
                  status=400 if form.is_bound and form.errors else 200)


@require_POST
@scoped("media.manage")
def archive(request, asset_uuid):
    scope = request.scope
    asset = selectors.asset_get(scope=scope, asset_uuid=asset_uuid)
    restore = request.POST.get("restore") == "1"
    services.media_archive(actor=request.user, asset=asset, archived=not restore)
    messages.success(request, _("Media dipulihkan.") if restore else _("Media diarsipkan."))
    return redirect("media:detail", scope.unit.uuid, asset.uuid)


@require_POST
@scoped("media.manage")
def renditions(request, asset_uuid):
    """Make the platform renditions now (they are also made in the background after upload)."""
    scope = request.scope
    asset = selectors.asset_get(scope=scope, asset_uuid=asset_uuid)
    unfit = services.renditions_make(asset)
    if unfit:
        names = ", ".join(limits.PLATFORM_NAMES[p] for p in unfit)
        messages.warning(request, _("Rendisi dibuat; tidak cocok untuk: %(names)s.") % {"names": names})
    else:
        messages.success(request, _("Rendisi untuk semua platform sudah dibuat."))
    return redirect("media:detail", scope.unit.uuid, asset.uuid)


def _file_response(field, mime_type: str, *, download_name: str = "") -> HttpResponse:
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=mime_type or mimetypes.guess_type(field.name)[0]
                            or "application/octet-stream")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if download_name:
        response["Content-Disposition"] = f'attachment; filename="{download_name}"'
    return response


@scoped("media.view")
def original(request, asset_uuid):
    """The original file, for viewing and download (only through the scope)."""
    asset = selectors.asset_get(scope=request.scope, asset_uuid=asset_uuid)
    name = ""
    if request.GET.get("unduh") == "1":
        name = f"{asset.uuid}.{asset.original.name.rsplit('.', 1)[-1]}"
    return _file_response(asset.original, asset.mime_type, download_name=name)


@scoped("media.view")
def thumbnail(request, asset_uuid):
    """A small JPEG of an image asset for the grid; 404 for videos."""
    asset = selectors.asset_get(scope=request.scope, asset_uuid=asset_uuid)
    if asset.kind != MediaKind.IMAGE:
        raise Http404
    try:
        data = services.thumbnail_bytes(asset)
    except (OSError, ValueError):
        raise Http404 from None
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@scoped("media.view")
def rendition_file(request, asset_uuid, platform: str):
    rendition = selectors.rendition_get(scope=request.scope, asset_uuid=asset_uuid, platform=platform)
    return _file_response(rendition.file, rendition.mime_type)


@scoped("media.view")
def picker(request):
    """The composer's picker: a partial listing active assets with a checkbox each.

    ``?q=`` searches titles, ``?kind=`` filters, ``?platform=`` shows each asset's fitness for
    that platform, ``?name=`` names the checkbox field (default ``media``), ``?selected=`` (repeated)
    pre-ticks assets.
    """
    scope = request.scope
    form, filters = _filters(request)
    filters = selectors.MediaFilter(query=filters.query, kind=filters.kind, archived=False)
    platform = request.GET.get("platform", "")
    if platform not in limits.RULES:
        platform = ""
    page = Paginator(selectors.asset_list(scope=scope, filters=filters), PICKER_PAGE).get_page(request.GET.get("page"))
    field = request.GET.get("name", "media")
    if not field.replace("_", "").replace("-", "").isalnum():
        field = "media"
    rows = []
    rules = limits.rules_for(platform) if platform else None
    for asset in page.object_list:
        problems = services.asset_problems(asset, platform) if platform else []
        # An image the platform takes is cropped, scaled and converted automatically; a video is not.
        fixable = bool(rules) and asset.kind == MediaKind.IMAGE and rules.accepts("image") and not rules.video_required
        rows.append({"asset": asset, "problems": problems, "fixable": fixable})
    return render(request, "media/_picker.html", {
        "unit": scope.unit, "page": page, "rows": rows, "form": form, "platform": platform,
        "platform_name": limits.PLATFORM_NAMES.get(platform, ""), "field": field,
        "selected": set(request.GET.getlist("selected")), "querystring": _querystring(request),
        "picker_url": reverse("media:picker", args=[scope.unit.uuid]),
    })
