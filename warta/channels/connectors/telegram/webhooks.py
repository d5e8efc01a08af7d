"""Telegram's webhook: each call is one ``Update`` as JSON, authenticated by the secret token
given to ``setWebhook`` and sent back in the ``X-Telegram-Bot-Api-Secret-Token`` header."""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping

from warta.channels.connectors.base import InboundItem, WebhookRequest
from warta.channels.connectors.telegram.mapping import items_from_updates

SECRET_HEADER = "x-telegram-bot-api-secret-token"


def verify(request: WebhookRequest, *, secret: str) -> bool:
    """Say whether the call carries this bot's webhook secret (an empty secret never verifies)."""
    if not secret:
        return False
    received = next((value for name, value in request.headers.items() if name.lower() == SECRET_HEADER), "")
    if not received:
        return False
    return hmac.compare_digest(received.encode("utf-8"), secret.encode("utf-8"))


def parse(request: WebhookRequest) -> tuple[InboundItem, ...]:
    """Return the items of one Update (none for update types Warta does not keep).

    Raises ValueError when the body is not a JSON object. ``account_external_id`` is left empty:
    the view knows the account from the webhook's URL.
    """
    try:
        update = json.loads(request.body)
    except ValueError:  # includes UnicodeDecodeError
        raise ValueError("the body is not JSON") from None
    if not isinstance(update, Mapping):
        raise ValueError("the body is not a Telegram Update object")
    return items_from_updates([update])
