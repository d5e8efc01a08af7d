"""The sandbox platform's HTTP API (/sandbox/api/), modelled on real social APIs.

JSON in and out, ``Authorization: Bearer <token>`` only (no session, no CSRF), cursor paging
with ``next_cursor``, errors as ``{"error": {"code": ..., "message": ...}}``, a rate window per
token answering 429 with ``Retry-After``. The OAuth token endpoint answers as RFC 6749 says.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from functools import wraps

from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.utils.dateparse import parse_datetime
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from warta.sandbox.models import DirectMessage, Mention, NewsArticle, Post, SandboxAccount
from warta.sandbox.scenarios import scenario_list, scenario_start, scenario_stop
from warta.sandbox.services import (
    SandboxError,
    client_authenticate,
    comment_hide,
    message_send,
    post_create,
    post_delete,
    rate_limit_hit,
    token_authenticate,
    token_exchange_code,
    token_refresh,
)

PAGE_DEFAULT, PAGE_MAX = 25, 100


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def error_response(error: SandboxError) -> JsonResponse:
    response = JsonResponse({"error": {"code": error.code, "message": error.message}}, status=error.status)
    if error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    if error.status == 401:
        response["WWW-Authenticate"] = f'Bearer error="{error.code}"'
    return response


def api_view(*methods: str, scope: str = ""):
    """Authenticate by Bearer token, count the rate window, answer errors as JSON."""

    def decorator(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                if request.method not in methods:
                    raise SandboxError("method_not_allowed", _("Metode HTTP ini tidak didukung."), status=405)
                header = request.headers.get("Authorization", "")
                if not header.startswith("Bearer "):
                    raise SandboxError("invalid_token", _("Sertakan header Authorization: Bearer <token>."), status=401)
                token = token_authenticate(header[7:].strip())
                if scope and scope not in token.scope.split():
                    raise SandboxError("insufficient_scope", _("Token ini tidak berwenang untuk permintaan ini."),
                                       status=403)
                rate_limit_hit(token=token)
                request.sandbox_token = token
                request.sandbox_account = token.account
                return view(request, *args, **kwargs)
            except SandboxError as error:
                return error_response(error)

        return wrapper

    return decorator


def _body(request) -> dict:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            raise SandboxError("invalid_json", _("Isi permintaan bukan JSON yang sah.")) from None
        if not isinstance(data, dict):
            raise SandboxError("invalid_json", _("Isi permintaan harus objek JSON."))
        return data
    return request.POST.dict()


def _cursor(request) -> int | None:
    raw = request.GET.get("cursor", "")
    if not raw:
        return None
    try:
        return int(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise SandboxError("invalid_cursor", _("Kursor halaman tidak sah.")) from None


def _limit(request) -> int:
    try:
        limit = int(request.GET.get("limit", PAGE_DEFAULT))
    except ValueError:
        raise SandboxError("invalid_limit", _("Batas harus bilangan bulat.")) from None
    if not 1 <= limit <= PAGE_MAX:
        raise SandboxError("invalid_limit", _("Batas harus antara 1 dan %(n)s.") % {"n": PAGE_MAX})
    return limit


def _since(request) -> datetime | None:
    raw = request.GET.get("since", "")
    if not raw:
        return None
    value = parse_datetime(raw.replace(" ", "+"))
    if value is None or value.tzinfo is None:
        raise SandboxError("invalid_since", _("Parameter since harus waktu ISO 8601 dengan zona waktu."))
    return value


def _page(request, queryset, serialize) -> JsonResponse:
    """Page newest first by id; ``next_cursor`` points past the last item, empty at the end."""
    cursor, limit = _cursor(request), _limit(request)
    if cursor is not None:
        queryset = queryset.filter(pk__lt=cursor)
    rows = list(queryset.order_by("-pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = base64.urlsafe_b64encode(str(rows[-1].pk).encode()).decode().rstrip("=") if more else ""
    return JsonResponse({"data": [serialize(request, r) for r in rows], "next_cursor": next_cursor})


def account_json(request, account: SandboxAccount) -> dict:
    return {"id": str(account.pk), "handle": account.handle, "display_name": account.display_name,
            "kind": account.kind, "bio": account.bio, "region": account.region,
            "followers_count": account.followers_count, "following_count": account.following_count,
            "posts_count": account.posts_count, "created_at": _iso(account.created_at),
            "url": request.build_absolute_uri(f"/sandbox/?akun={account.handle}")}


def post_json(request, post: Post) -> dict:
    author = post.author
    return {
        "id": str(post.pk), "text": post.text, "created_at": _iso(post.created_at),
        "author": {"id": str(author.pk), "handle": author.handle, "display_name": author.display_name,
                   "kind": author.kind},
        "parent_id": str(post.parent_id) if post.parent_id else None,
        "root_id": str(post.root_id) if post.root_id else None,
        "quote_of_id": str(post.quote_of_id) if post.quote_of_id else None,
        "link": post.link, "image_url": request.build_absolute_uri(post.image.url) if post.image else None,
        "hidden": post.hidden,
        "url": request.build_absolute_uri(f"/sandbox/?kiriman={post.pk}"),
        "metrics": {"likes": post.likes_count, "shares": post.shares_count, "comments": post.comments_count,
                    "views": post.views_count},
    }


def message_json(request, message: DirectMessage) -> dict:
    return {"id": str(message.pk), "text": message.text, "created_at": _iso(message.created_at),
            "sender": {"id": str(message.sender_id), "handle": message.sender.handle,
                       "display_name": message.sender.display_name},
            "recipient": {"id": str(message.recipient_id), "handle": message.recipient.handle}}


def article_json(request, article: NewsArticle) -> dict:
    return {"id": str(article.pk), "title": article.title, "body": article.body,
            "url": request.build_absolute_uri(f"/sandbox/berita/{article.slug}/"),
            "published_at": _iso(article.published_at),
            "portal": {"id": str(article.portal_id), "handle": article.portal.handle,
                       "display_name": article.portal.display_name}}


def _posts():
    return Post.objects.select_related("author").filter(deleted=False)


def _get_post(post_id: int) -> Post:
    post = _posts().filter(pk=post_id).first()
    if post is None:
        raise SandboxError("not_found", _("Kiriman tidak ditemukan."), status=404)
    return post


def _own_account(request, account_id: int) -> SandboxAccount:
    if request.sandbox_account.pk != account_id:
        raise SandboxError("forbidden", _("Token ini hanya berlaku untuk akunnya sendiri."), status=403)
    return request.sandbox_account


@api_view("GET")
def me(request):
    return JsonResponse(account_json(request, request.sandbox_account))


@api_view("GET")
def account_detail(request, handle: str):
    handle = handle.lstrip("@").lower()
    lookup = Q(handle=handle) | (Q(pk=int(handle)) if handle.isdigit() else Q())
    account = SandboxAccount.objects.filter(lookup).first()
    if account is None:
        raise SandboxError("not_found", _("Akun tidak ditemukan."), status=404)
    return JsonResponse(account_json(request, account))


@api_view("POST")
def post_create_view(request):
    data = _body(request)
    post = post_create(author=request.sandbox_account, text=str(data.get("text", "")),
                       link=str(data.get("link", "")), image=request.FILES.get("image"),
                       idempotency_key=str(data.get("idempotency_key", "")))
    if post.deleted:  # an earlier post of this idempotency key, since deleted
        raise SandboxError("not_found", _("Kiriman tidak ditemukan."), status=404)
    post.author = request.sandbox_account  # the caller wrote it: no second read
    return JsonResponse(post_json(request, post), status=201)


@api_view("GET", "DELETE")
def post_detail(request, post_id: int):
    post = _get_post(post_id)
    if request.method == "DELETE":
        post_delete(actor=request.sandbox_account, post=post)
        return JsonResponse({"deleted": True, "id": str(post.pk)})
    if post.hidden and post.author_id != request.sandbox_account.pk:
        raise SandboxError("not_found", _("Kiriman tidak ditemukan."), status=404)
    return JsonResponse(post_json(request, post))


@api_view("GET")
def account_posts(request, account_id: int):
    queryset = _posts().filter(author_id=account_id, parent=None)
    since = _since(request)
    if since:
        queryset = queryset.filter(created_at__gte=since)
    return _page(request, queryset, post_json)


@api_view("GET", "POST")
def post_comments(request, post_id: int):
    post = _get_post(post_id)
    if request.method == "POST":
        comment = post_create(author=request.sandbox_account, text=str(_body(request).get("text", "")), parent=post)
        return JsonResponse(post_json(request, _get_post(comment.pk)), status=201)
    queryset = _posts().filter(root_id=post.pk)
    if post.author_id != request.sandbox_account.pk:
        queryset = queryset.filter(hidden=False)
    return _page(request, queryset, post_json)


@api_view("POST")
def comment_reply(request, comment_id: int):
    comment = _get_post(comment_id)
    reply = post_create(author=request.sandbox_account, text=str(_body(request).get("text", "")), parent=comment)
    return JsonResponse(post_json(request, _get_post(reply.pk)), status=201)


@api_view("POST")
def comment_hide_view(request, comment_id: int):
    comment = _get_post(comment_id)
    hidden = _body(request).get("hidden", True)
    hidden = hidden if isinstance(hidden, bool) else str(hidden).lower() not in ("0", "false", "no", "")
    comment = comment_hide(actor=request.sandbox_account, comment=comment, hidden=hidden)
    return JsonResponse({"id": str(comment.pk), "hidden": comment.hidden})


@api_view("GET")
def account_mentions(request, account_id: int):
    account = _own_account(request, account_id)
    post_ids = Mention.objects.filter(account=account).values("post_id")
    queryset = _posts().filter(pk__in=post_ids, hidden=False)
    since = _since(request)
    if since:
        queryset = queryset.filter(created_at__gte=since)
    return _page(request, queryset, post_json)


@api_view("GET")
def search(request):
    query = request.GET.get("q", "").strip()
    if len(query) < 2:
        raise SandboxError("invalid_query", _("Kata kunci pencarian paling sedikit 2 karakter."))
    if len(query) > 200:
        raise SandboxError("invalid_query", _("Kata kunci pencarian paling panjang 200 karakter."))
    queryset = _posts().filter(hidden=False)
    for term in query.split()[:8]:
        queryset = queryset.filter(text__icontains=term)
    since = _since(request)
    if since:
        queryset = queryset.filter(created_at__gte=since)
    return _page(request, queryset, post_json)


@api_view("GET")
def post_metrics(request, post_id: int):
    post = _get_post(post_id)
    if post.author_id != request.sandbox_account.pk:
        raise SandboxError("forbidden", _("Metrik hanya tersedia untuk kiriman akun sendiri."), status=403)
    return JsonResponse({"id": str(post.pk), "metrics": {
        "impressions": post.views_count, "reach": int(post.views_count * 0.8), "likes": post.likes_count,
        "comments": post.comments_count, "shares": post.shares_count}})


@api_view("GET")
def account_metrics(request, account_id: int):
    account = _own_account(request, account_id)
    account.refresh_from_db()
    return JsonResponse({"id": str(account.pk), "followers_count": account.followers_count,
                         "following_count": account.following_count, "posts_count": account.posts_count})


@api_view("GET", "POST")
def messages(request):
    account = request.sandbox_account
    if request.method == "POST":
        data = _body(request)
        to = str(data.get("to", "")).lstrip("@").lower()
        lookup = Q(handle=to) | (Q(pk=int(to)) if to.isdigit() else Q())
        recipient = SandboxAccount.objects.filter(lookup).first() if to else None
        if recipient is None:
            raise SandboxError("invalid_recipient", _("Penerima pesan tidak ditemukan."))
        message = message_send(sender=account, recipient=recipient, text=str(data.get("text", "")))
        return JsonResponse(message_json(request, message), status=201)
    queryset = DirectMessage.objects.select_related("sender", "recipient").filter(
        Q(recipient=account) | Q(sender=account))
    return _page(request, queryset, message_json)


@api_view("GET")
def news(request):
    return _page(request, NewsArticle.objects.select_related("portal"), article_json)


@api_view("GET")
def scenarios(request):
    return JsonResponse({"data": [
        {"slug": s.slug, "name": s.name, "state": s.latest_run.state if s.latest_run else "idle",
         "events_generated": s.latest_run.events_generated if s.latest_run else 0}
        for s in scenario_list()], "next_cursor": ""})


@api_view("POST", scope="admin")
def scenario_action(request, slug: str, action: str):
    if action not in ("start", "stop"):
        raise SandboxError("not_found", _("Tindakan tidak dikenal: gunakan start atau stop."), status=404)
    if action == "start":
        run = scenario_start(slug=slug)
    else:
        run = scenario_stop(slug=slug)
    return JsonResponse({"slug": slug, "state": run.state, "started_at": _iso(run.started_at)},
                        status=201 if action == "start" else 200)


# --- not Bearer: the public RSS feed and the OAuth token endpoint --------------------------------------


def news_rss(request):
    """The news portals' articles as RSS 2.0, so the RSS connector can follow them."""
    feed = Rss201rev2Feed(title="Berita Sandbox Warta", link=request.build_absolute_uri("/sandbox/"),
                          description=_("Artikel portal berita di platform sandbox."), language="id")
    for article in NewsArticle.objects.select_related("portal").order_by("-published_at", "-id")[:50]:
        feed.add_item(title=article.title, link=request.build_absolute_uri(f"/sandbox/berita/{article.slug}/"),
                      description=article.body, pubdate=article.published_at, unique_id=f"sandbox-news-{article.pk}",
                      author_name=article.portal.display_name)
    response = HttpResponse(content_type="application/rss+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


def _oauth_error(code: str, description: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": code, "error_description": description}, status=status)


@csrf_exempt
def oauth_token(request):
    """POST grant_type=authorization_code (with PKCE) or refresh_token; client credentials in
    the form or as HTTP Basic."""
    if request.method != "POST":
        return _oauth_error("invalid_request", _("Gunakan metode POST."), 405)
    data = request.POST
    client_id, client_secret = data.get("client_id", ""), data.get("client_secret", "")
    basic = request.headers.get("Authorization", "")
    if basic.startswith("Basic "):
        try:
            client_id, _sep, client_secret = base64.b64decode(basic[6:]).decode().partition(":")
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return _oauth_error("invalid_client", _("Header Basic tidak sah."), 401)
    try:
        client = client_authenticate(client_id=client_id, client_secret=client_secret)
        grant = data.get("grant_type", "")
        if grant == "authorization_code":
            tokens = token_exchange_code(client=client, code=data.get("code", ""),
                                         redirect_uri=data.get("redirect_uri", ""),
                                         code_verifier=data.get("code_verifier", ""))
        elif grant == "refresh_token":
            tokens = token_refresh(client=client, refresh_token=data.get("refresh_token", ""))
        else:
            return _oauth_error("unsupported_grant_type", _("Jenis grant tidak didukung."))
    except SandboxError as error:
        return _oauth_error(error.code, error.message, 401 if error.code == "invalid_client" else 400)
    response = JsonResponse(tokens)
    response["Cache-Control"] = "no-store"
    return response

