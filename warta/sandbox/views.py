"""The sandbox's pages: the public timeline (signed-in users), the OAuth consent page, and the
installation admin's simulation and scenario controls (``user.is_superuser`` only)."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from warta.sandbox.models import AccountKind, AppClient, NewsArticle, Post, SandboxAccount
from warta.sandbox.scenarios import scenario_list, scenario_start, scenario_stop
from warta.sandbox.services import (
    SandboxError,
    authorization_code_issue,
    simulation_state,
    simulation_update,
)


def install_admin_required(view):
    """Installation admins only: anonymous → login, anyone else → 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@login_required
def feed(request):
    """The public timeline of the sandbox: what citizens, portals and officials post."""
    posts = Post.objects.select_related("author", "quote_of__author").filter(deleted=False, hidden=False, parent=None)
    handle = request.GET.get("akun", "").lstrip("@").lower()
    account = SandboxAccount.objects.filter(handle=handle).first() if handle else None
    if account is not None:
        posts = posts.filter(author=account)
    focus = request.GET.get("kiriman", "")
    if focus.isdigit():  # one post (or comment) and the conversation under it
        focused = Post.objects.select_related("author").filter(pk=int(focus), deleted=False, hidden=False).first()
        if focused is not None:
            comments = (Post.objects.select_related("author")
                        .filter(root_id=focused.root_id or focused.pk, deleted=False, hidden=False).order_by("id")[:200])
            return render(request, "sandbox/post_detail.html", {"post": focused, "comments": comments})
    query = request.GET.get("q", "").strip()[:100]
    if query:
        posts = posts.filter(text__icontains=query)
    page = Paginator(posts.order_by("-id"), 30).get_page(request.GET.get("page"))
    querystring = urlencode({k: v for k, v in (("akun", handle), ("q", query)) if v})
    officials = SandboxAccount.objects.filter(kind=AccountKind.OFFICIAL).order_by("handle")
    articles = NewsArticle.objects.select_related("portal").order_by("-published_at")[:5]
    return render(request, "sandbox/feed.html", {"page": page, "account": account, "query": query,
                                                 "querystring": querystring, "officials": officials,
                                                 "articles": articles})


@login_required
def oauth_authorize(request):
    """The consent page: the signed-in user chooses which official sandbox account to connect."""
    params = request.GET if request.method == "GET" else request.POST
    client = AppClient.objects.filter(client_id=params.get("client_id", "")).first()
    redirect_uri = params.get("redirect_uri", "")
    problem = ""
    if client is None:
        problem = _("Aplikasi yang meminta akses tidak dikenal.")
    elif not client.allows_redirect(redirect_uri):
        problem = _("Alamat pengalihan tidak terdaftar untuk aplikasi ini.")
    elif params.get("response_type", "code") != "code" or params.get("code_challenge_method", "S256") != "S256":
        problem = _("Permintaan otorisasi harus memakai kode dan PKCE S256.")
    officials = SandboxAccount.objects.filter(kind=AccountKind.OFFICIAL).order_by("handle")
    if problem:
        return render(request, "sandbox/oauth_authorize.html", {"problem": problem}, status=400)
    state = params.get("state", "")
    if request.method == "POST":
        if "deny" in request.POST:
            return HttpResponseRedirect(f"{redirect_uri}?{urlencode({'error': 'access_denied', 'state': state})}")
        account_id = request.POST.get("account", "")
        account = officials.filter(pk=int(account_id)).first() if account_id.isdigit() else None
        if account is None:
            messages.error(request, _("Pilih akun resmi yang akan dihubungkan."))
        else:
            try:
                code = authorization_code_issue(client=client, account=account, user=request.user,
                                                redirect_uri=redirect_uri,
                                                code_challenge=params.get("code_challenge", ""),
                                                scope=params.get("scope", ""))
            except SandboxError as error:
                return render(request, "sandbox/oauth_authorize.html", {"problem": error.message}, status=400)
            return HttpResponseRedirect(f"{redirect_uri}?{urlencode({'code': code, 'state': state})}")
    hidden = {k: params.get(k, "") for k in ("client_id", "redirect_uri", "state", "code_challenge",
                                               "code_challenge_method", "scope", "response_type")}
    return render(request, "sandbox/oauth_authorize.html", {"client": client, "officials": officials,
                                                           "hidden": hidden})


@install_admin_required
def admin(request):
    """Start or stop the simulation, set its speed, and run scenarios."""
    return render(request, "sandbox/admin.html", {"state": simulation_state(), "scenarios": scenario_list(),
                                                  "counts": {
                                                      "accounts": SandboxAccount.objects.count(),
                                                      "posts": Post.objects.count(),
                                                      "articles": NewsArticle.objects.count()}})


@install_admin_required
@require_POST
def simulation_update_view(request):
    action = request.POST.get("action", "")
    try:
        speed = request.POST.get("speed", "").replace(",", ".")
        simulation_update(actor=request.user,
                          running={"start": True, "stop": False}.get(action),
                          speed=float(speed) if speed else None)
    except ValueError:
        messages.error(request, _("Kecepatan harus berupa angka, mis. 1 atau 2,5."))
    except SandboxError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Pengaturan simulasi disimpan."))
    return redirect("sandbox:admin")


@install_admin_required
def scenario_list_view(request):
    return render(request, "sandbox/scenario_list.html", {"scenarios": scenario_list()})


@install_admin_required
@require_POST
def scenario_start_view(request, slug: str):
    try:
        run = scenario_start(slug=slug, actor=request.user)
    except SandboxError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Skenario “%(name)s” dimulai.") % {"name": run.scenario.name})
    return redirect("sandbox:scenario-list")


@install_admin_required
@require_POST
def scenario_stop_view(request, slug: str):
    try:
        run = scenario_stop(slug=slug, actor=request.user)
    except SandboxError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Skenario “%(name)s” dihentikan.") % {"name": run.scenario.name})
    return redirect("sandbox:scenario-list")


def article_detail(request, slug: str):
    """A news article (public, like a news portal's page)."""
    article = get_object_or_404(NewsArticle.objects.select_related("portal"), slug=slug)
    return render(request, "sandbox/article_detail.html", {"article": article})
