"""Pages of the official-account registry, the connect flows and the installation settings."""

import csv
import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from warta.channels import connectors as registry
from warta.channels import selectors, services
from warta.channels.connectors.base import Platform
from warta.channels.forms import (
    AccountForm,
    ChooseForm,
    FilterForm,
    NetworkAllowForm,
    PlatformAppForm,
    TelegramConnectForm,
)
from warta.channels.models import PLATFORM_LABELS, ConnectionState, NetworkAllow
from warta.core.csvsafe import csv_safe_row
from warta.core.forms import form_errors_add
from warta.organisations.decorators import scoped
from warta.organisations.models import Unit

PAGE_SIZE = 50


def _filters(form: FilterForm) -> selectors.AccountFilter:
    if not form.is_valid():
        return selectors.AccountFilter()
    d = form.cleaned_data
    return selectors.AccountFilter(query=d["q"].strip(), platform=d["platform"], kind=d["kind"], region=d["region"],
                                   unit_uuid=d["unit"], state=d["state"], archived=d["arsip"])


# --- the directory ------------------------------------------------------------------------------


@scoped("account.view")
def account_list(request):
    scope = request.scope
    form = FilterForm(request.GET or None, units=selectors.scope_units(scope=scope))
    filters = _filters(form)
    page = Paginator(selectors.account_list(scope=scope, filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    counts = selectors.account_state_counts(scope=scope, filters=filters)
    context = {
        "unit": scope.unit, "form": form, "page": page, "querystring": urlencode(query),
        "counts": [(value, label, counts[value]) for value, label in ConnectionState.choices],
        "total": sum(counts.values()), "can_manage": scope.can("account.manage"),
        "attention": counts[ConnectionState.RECONNECT] + counts[ConnectionState.SUSPENDED],
        "export_query": urlencode(query),
    }
    template = "channels/account_list.html#results" if request.htmx else "channels/account_list.html"
    return render(request, template, context)


class _Echo:
    def write(self, value):
        return value


@scoped("account.view")
def account_export(request):
    """Stream the filtered directory as CSV (no page limit; rows fetched in chunks)."""
    scope = request.scope
    filters = _filters(FilterForm(request.GET or None, units=selectors.scope_units(scope=scope)))
    writer = csv.writer(_Echo())
    zone = scope.unit.zone

    def rows():
        yield "\ufeff"
        yield writer.writerow([_("Platform"), _("Nama akun"), _("Nama tampilan"), _("Alamat"), _("Terverifikasi"),
                               _("Unit pemilik"), _("Jenis unit"), _("Kode wilayah"), _("Status koneksi"),
                               _("Sinkron terakhir"), _("Petugas penanggung jawab")])
        for a in selectors.account_export_rows(scope=scope, filters=filters):
            synced = timezone.localtime(a.last_synced_at, zone).strftime("%Y-%m-%d %H:%M") if a.last_synced_at else ""
            # Names, addresses and e-mails are typed by people: never let a sheet run them (csv_safe).
            yield writer.writerow(csv_safe_row([
                str(PLATFORM_LABELS.get(a.platform, a.platform)), a.handle, a.display_name, a.url,
                _("ya") if a.verified else _("tidak"), a.unit.name, a.unit.kind_label, a.unit.region_code or "",
                a.get_state_display(), synced, "; ".join(u.email for u in a.officers.all()),
            ]))

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(timezone.now(), zone).strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="akun-resmi-{stamp}.csv"'
    return response


# --- register and edit --------------------------------------------------------------------------


def _account_form(request, *, account=None):
    scope = request.scope
    units = Unit.objects.subtree_of(scope.unit).filter(archived_at__isnull=True)
    # Every member of the scope's subtree may be offered; the service checks them per unit.
    officers = services.officer_candidates(scope=scope, unit=scope.unit)
    initial = {"unit": scope.unit.pk}
    if account is not None:
        initial = {"unit": account.unit_id, "handle": account.handle, "display_name": account.display_name,
                   "url": account.url, "verified": account.verified,
                   "officers": list(account.officers.values_list("pk", flat=True))}
    form = AccountForm(request.POST or None, initial=initial, units=units, officers=officers, editing=account is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if account is None:
                saved = services.account_register(scope=scope, unit=data["unit"], platform=data["platform"],
                                                  handle=data["handle"], display_name=data["display_name"],
                                                  url=data["url"], verified=data["verified"], officers=data["officers"])
                messages.success(request, _("Akun %(handle)s didaftarkan.") % {"handle": saved.handle})
            else:
                saved = services.account_update(scope=scope, account=account, unit=data["unit"], handle=data["handle"],
                                                display_name=data["display_name"], url=data["url"],
                                                verified=data["verified"], officers=data["officers"])
                messages.success(request, _("Perubahan pada %(handle)s disimpan.") % {"handle": saved.handle})
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            return redirect("channels:account-detail", scope.unit.uuid, saved.uuid)
    return render(request, "channels/account_form.html", {"form": form, "unit": scope.unit, "account": account},
                  status=400 if form.errors else 200)


@scoped("account.manage")
def account_create(request):
    return _account_form(request)


@scoped("account.manage")
def account_edit(request, account_uuid):
    account = selectors.account_get(scope=request.scope, account_uuid=account_uuid)
    return _account_form(request, account=account)


# --- detail -------------------------------------------------------------------------------------


@scoped("account.view")
def account_detail(request, account_uuid):
    scope = request.scope
    account = selectors.account_get(scope=scope, account_uuid=account_uuid)
    explanation, action = services.state_explain(account)
    credential = services.Credential.objects.filter(account=account).only(
        "expires_at", "refreshed_at", "refresh_failures", "scopes", "created_at").first()
    return render(request, "channels/account_detail.html", {
        "unit": scope.unit, "account": account, "explanation": explanation, "action": action,
        "credential": credential, "officers": list(account.officers.all().order_by("email")),
        "can_manage": scope.can("account.manage"), "zone": account.unit.zone,
        "is_rss": account.platform == Platform.RSS,
        "tiktok_unaudited": account.platform == Platform.TIKTOK
        and str(services.app_config(Platform.TIKTOK).extra.get("audited", "")).lower() != "true",
    })


@scoped("account.view")
def account_quota(request, account_uuid):
    """Ask Instagram how many of its 24-hour publishing quota the account has used."""
    scope = request.scope
    account = selectors.account_get(scope=scope, account_uuid=account_uuid)
    if account.platform != Platform.INSTAGRAM:
        raise Http404
    quota, error = None, ""
    try:
        used, limit = services.connector_for(account, purpose="quota", actor=request.user).publishing_quota()
        quota = {"used": used, "limit": limit, "left": max(0, limit - used)}
    except services.ConnectorError as exc:
        services.account_error_record(account, exc)
        error = services.error_explain(exc)[0]
    return render(request, "channels/_quota.html", {"unit": scope.unit, "account": account, "quota": quota,
                                                    "error": error})


@require_POST
@scoped("account.manage")
def account_archive(request, account_uuid):
    scope = request.scope
    account = selectors.account_get(scope=scope, account_uuid=account_uuid)
    archived = request.POST.get("archived", "1") == "1"
    try:
        services.account_archive(scope=scope, account=account, archived=archived)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Akun %(handle)s diarsipkan.") % {"handle": account.handle} if archived
                         else _("Akun %(handle)s dipulihkan.") % {"handle": account.handle})
    return redirect("channels:account-detail", scope.unit.uuid, account.uuid)


@require_POST
@scoped("account.manage")
def account_disconnect(request, account_uuid):
    scope = request.scope
    account = selectors.account_get(scope=scope, account_uuid=account_uuid)
    services.account_disconnect(scope=scope, account=account)
    messages.success(request, _("Sambungan %(handle)s diputus; token dihapus dari Warta.") % {"handle": account.handle})
    return redirect("channels:account-detail", scope.unit.uuid, account.uuid)


# --- connect ------------------------------------------------------------------------------------


def callback_url(request) -> str:
    return request.build_absolute_uri(reverse("channels:oauth-callback"))


@scoped("account.manage")
def account_connect(request, account_uuid):
    """GET: what connecting means for this platform; POST: start OAuth (a page with the link
    to the platform) or save a Telegram bot token."""
    scope = request.scope
    account = selectors.account_get(scope=scope, account_uuid=account_uuid)
    context = {"unit": scope.unit, "account": account, "platform_label": services.platform_label(account.platform)}
    if account.platform == Platform.RSS:
        messages.info(request, _("Berita daring tidak memerlukan kredensial."))
        return redirect("channels:account-detail", scope.unit.uuid, account.uuid)
    if account.platform == Platform.TELEGRAM:
        form = TelegramConnectForm(request.POST or None, initial={"webhook": request.is_secure()})
        if request.method == "POST" and form.is_valid():
            hook = ""
            if form.cleaned_data["webhook"]:
                hook = request.build_absolute_uri(reverse("webhooks:telegram", args=[account.uuid]))
            try:
                services.telegram_connect(scope=scope, account=account, bot_token=form.cleaned_data["bot_token"],
                                          webhook_url=hook)
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                messages.success(request, _("Kanal Telegram %(handle)s terhubung.") % {"handle": account.handle})
                return redirect("channels:account-detail", scope.unit.uuid, account.uuid)
        return render(request, "channels/account_connect.html", context | {"form": form},
                      status=400 if form.errors else 200)
    if request.method == "POST":
        try:
            _state, url = services.oauth_start(scope=scope, account=account, redirect_uri=callback_url(request))
        except ValidationError as exc:
            return render(request, "channels/account_connect.html", context | {"errors": exc.messages}, status=400)
        # A page with a link rather than a redirect: CSP form-action would block a POST that
        # redirects to another origin.
        return render(request, "channels/account_connect.html", context | {"authorization_url": url})
    return render(request, "channels/account_connect.html", context)


@login_required
def oauth_callback(request):
    """The one callback of every platform: the state names the account, unit and user."""
    try:
        outcome = services.oauth_complete(
            user=request.user, state=request.GET.get("state", ""), code=request.GET.get("code", ""),
            error=request.GET.get("error", ""), error_description=request.GET.get("error_description", ""),
        )
    except (ValidationError, Http404, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else _(
            "Anda tidak lagi berwenang menghubungkan akun ini.")
        return render(request, "channels/oauth_failed.html", {"message": text}, status=400)
    account = outcome.account
    if outcome.needs_choice:
        return redirect("channels:account-choose", account.unit.uuid, account.uuid)
    messages.success(request, _("Akun %(handle)s terhubung.") % {"handle": account.handle})
    return redirect("channels:account-detail", account.unit.uuid, account.uuid)


@scoped("account.manage")
def account_choose(request, account_uuid):
    scope = request.scope
    account = selectors.account_get(scope=scope, account_uuid=account_uuid)
    pending = services.oauth_pending(scope=scope, account=account)
    choices = services.oauth_choices(pending) if pending else ()
    form = ChooseForm(request.POST or None, choices=choices)
    if request.method == "POST" and pending and form.is_valid():
        try:
            services.oauth_choose(scope=scope, account=account, state=pending,
                                  external_id=form.cleaned_data["external_id"])
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, _("Akun %(handle)s terhubung.") % {"handle": account.handle})
            return redirect("channels:account-detail", scope.unit.uuid, account.uuid)
    return render(request, "channels/account_choose.html",
                  {"unit": scope.unit, "account": account, "form": form, "pending": pending},
                  status=400 if form.errors else 200)


# --- installation settings ------------------------------------------------------------------------


def installation_admin(view):
    """Installation-wide pages: an installation admin (superuser) only; anyone else 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _platform_rows():
    apps = selectors.platform_app_list()
    rows = []
    for platform in Platform:
        try:
            provider_path = registry.OAUTH_PROVIDERS.get(platform)
            capabilities = sorted(registry.capabilities(platform))
            installed = True
        except ImportError:
            provider_path, capabilities, installed = registry.OAUTH_PROVIDERS.get(platform), [], False
        app = apps.get(platform.value)
        secret = (app.secret or {}) if app else {}
        rows.append({
            "platform": platform.value, "label": PLATFORM_LABELS[platform], "installed": installed,
            "oauth": bool(provider_path), "capabilities": capabilities, "app": app,
            "has_client_secret": bool(secret.get("client_secret")),
            "has_verify_token": bool(secret.get("webhook_verify_token")),
        })
    return rows


@installation_admin
def platform_app_list(request):
    return render(request, "channels/platform_app_list.html", {
        "rows": _platform_rows(), "networks": selectors.network_allow_list(), "network_form": NetworkAllowForm(),
    })


@installation_admin
def platform_app_edit(request, platform):
    try:
        platform = Platform(platform).value
    except ValueError:
        raise Http404 from None
    app = selectors.platform_app_list().get(platform)
    secret = (app.secret or {}) if app else {}
    initial = {}
    if app is not None:
        initial = {"client_id": app.client_id, "api_version": app.api_version, "base_url": app.base_url,
                   "options": json.dumps(app.options) if app.options else ""}
    form = PlatformAppForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.platform_app_update(
                actor=request.user, platform=platform, client_id=d["client_id"], api_version=d["api_version"],
                base_url=d["base_url"], options=d["options"],
                secrets_new={"client_secret": d["client_secret"], "webhook_verify_token": d["webhook_verify_token"]},
                secrets_clear=[k for k in services.SECRET_KEYS if d.get(f"clear_{k}")],
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, _("Aplikasi %(platform)s disimpan.") % {"platform": services.platform_label(platform)})
            return redirect("channels:platform-app-list")
    return render(request, "channels/platform_app_form.html", {
        "form": form, "platform_label": services.platform_label(platform), "platform": platform,
        "has_client_secret": bool(secret.get("client_secret")),
        "has_verify_token": bool(secret.get("webhook_verify_token")),
    }, status=400 if form.errors else 200)


@installation_admin
def network_allow(request):
    form = NetworkAllowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.network_allow_add(actor=request.user, network=form.cleaned_data["network"],
                                             note=form.cleaned_data["note"])
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, _("%(n)s diizinkan.") % {"n": row.network})
            return redirect("channels:network-allow")
    return render(request, "channels/network_allow.html", {"form": form, "networks": selectors.network_allow_list()},
                  status=400 if form.errors else 200)


@installation_admin
@require_POST
def network_allow_remove(request, network_pk):
    row = get_object_or_404(NetworkAllow, pk=network_pk)
    services.network_allow_remove(actor=request.user, row=row)
    messages.success(request, _("Izin untuk %(n)s dicabut.") % {"n": row.network})
    return redirect("channels:network-allow")
