"""Inbound webhooks: verify the platform's signature, parse, store once.

A call whose signature (Meta's X-Hub-Signature-256 HMAC) or secret token (Telegram) does not
verify is refused with 403, logged, and nothing is stored. A verified body that cannot be
parsed is quarantined and answered 200, so the platform does not retry it for ever.
"""

import logging
from importlib import import_module

from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from warta.channels.connectors.base import Platform, WebhookRequest
from warta.channels.models import Account, Credential, PlatformApp
from warta.core.context import request_ip
from warta.ingest.models import Source
from warta.ingest.services import items_ingest, quarantine_record

logger = logging.getLogger(__name__)
MAX_BODY = 2 * 1024 * 1024


def _webhook_request(request) -> WebhookRequest:
    return WebhookRequest(
        method=request.method,
        headers={k.lower(): v for k, v in request.headers.items()},
        query={k: v for k, v in request.GET.items()},
        body=request.body,
    )


def _meta_secrets() -> list[dict]:
    return [app.secret or {} for app in PlatformApp.objects.filter(platform__in=[Platform.FACEBOOK, Platform.INSTAGRAM])]


def _refuse(platform: str, request, why: str) -> HttpResponse:
    logger.warning("webhook %s refused from %s: %s", platform, request_ip(request) or "?", why)
    return HttpResponseForbidden("refused")


def _store(platform: str, module, hook: WebhookRequest, *, account=None) -> HttpResponse:
    try:
        items = module.parse(hook)
    except (ValueError, KeyError, TypeError, OverflowError, OSError) as exc:  # the last two: a time no clock holds
        quarantine_record(payload=hook.body.decode("utf-8", "replace").replace("\x00", "\ufffd"), reason=f"webhook {platform}: {exc}",
                          source=Source.WEBHOOK, account=account)
        return HttpResponse("ok")
    items_ingest(items=items, source=Source.WEBHOOK, account=account)
    return HttpResponse("ok")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def meta_webhook(request):
    """Meta (Facebook Pages, Instagram): the verify-token handshake, then signed events."""
    module = import_module("warta.channels.connectors.facebook.webhooks")
    hook = _webhook_request(request)
    secrets = _meta_secrets()
    if request.method == "GET":
        for secret in secrets:
            challenge = module.handshake(hook, verify_token=secret.get("webhook_verify_token", ""))
            if challenge is not None:
                return HttpResponse(challenge, content_type="text/plain")
        return _refuse("meta", request, "verify token does not match")
    if len(hook.body) > MAX_BODY:
        return _refuse("meta", request, "body too large")
    if not any(s.get("client_secret") and module.verify(hook, secret=s["client_secret"]) for s in secrets):
        return _refuse("meta", request, "bad X-Hub-Signature-256")
    return _store("meta", module, hook)


@csrf_exempt
@require_http_methods(["POST"])
def telegram_webhook(request, account_uuid):
    """Telegram: updates for one bot, proven by the secret token set with setWebhook."""
    account = Account.objects.active().filter(uuid=account_uuid, platform=Platform.TELEGRAM).select_related("unit").first()
    if account is None:
        raise Http404
    credential = Credential.objects.filter(account=account).first()
    secret = ((credential.tokens or {}).get("extra") or {}).get("webhook_secret", "") if credential else ""
    module = import_module("warta.channels.connectors.telegram.webhooks")
    hook = _webhook_request(request)
    if len(hook.body) > MAX_BODY:
        return _refuse("telegram", request, "body too large")
    if not secret or not module.verify(hook, secret=secret):
        return _refuse("telegram", request, "bad secret token")
    return _store("telegram", module, hook, account=account)
