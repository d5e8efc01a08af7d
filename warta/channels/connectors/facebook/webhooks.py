"""Meta webhooks (Pages and Instagram): the subscription handshake, the signature, the parser.

Pure functions over :class:`WebhookRequest`; the channels app's view calls them and stores the
items. Meta signs each delivery with ``X-Hub-Signature-256: sha256=<HMAC-SHA256(app secret,
raw body)>`` and verifies the callback once with ``hub.mode=subscribe``, ``hub.verify_token``
and ``hub.challenge``. Change types Warta does not read (reactions, ratings, story insights…)
are skipped, never an error: Meta adds fields without notice.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterator, Mapping
from typing import Any

from warta.channels.connectors.base import InboundItem, ItemKind, WebhookRequest
from warta.channels.connectors.graph import graph_time

logger = logging.getLogger(__name__)

POST_ITEMS = frozenset({"post", "status", "photo", "video", "share", "album"})
COMMENT_ITEMS = frozenset({"comment", "reply"})
KEPT_VERBS = frozenset({"add", "edited", "edit"})


def handshake(request: WebhookRequest, *, verify_token: str) -> str | None:
    """Return ``hub.challenge`` when Meta's subscription check carries our verify token."""
    if request.query.get("hub.mode") != "subscribe" or not verify_token:
        return None
    offered = request.query.get("hub.verify_token", "")
    if not hmac.compare_digest(offered.encode(), verify_token.encode()):
        return None
    return request.query.get("hub.challenge", "") or None


def verify(request: WebhookRequest, *, secret: str) -> bool:
    """Check ``X-Hub-Signature-256`` against the raw body, in constant time."""
    header = request.headers.get("x-hub-signature-256", "")
    if not secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header[len("sha256="):].strip().lower().encode(), expected.encode())


def parse(request: WebhookRequest) -> tuple[InboundItem, ...]:
    """Return the comments, posts, mentions and messages of one delivery (the rest skipped)."""
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        logger.warning("meta webhook: body is not JSON")
        return ()
    items: list[InboundItem] = []
    for envelope in payload if isinstance(payload, list) else [payload]:
        if not isinstance(envelope, Mapping):
            continue
        platform = "instagram" if envelope.get("object") == "instagram" else "facebook"
        if envelope.get("object") not in ("page", "instagram"):
            continue
        for entry in envelope.get("entry") or []:
            if not isinstance(entry, Mapping):
                continue
            for item in _entry_items(platform, entry):
                items.append(item)
    return tuple(items)


def _entry_items(platform: str, entry: Mapping[str, Any]) -> Iterator[InboundItem]:
    account_id = str(entry.get("id") or "")
    entry_time = entry.get("time")
    changes = list(entry.get("changes") or [])
    if "field" in entry and "value" in entry:  # Instagram Login sends the change inline
        changes.append({"field": entry["field"], "value": entry["value"]})
    for change in changes:
        if not isinstance(change, Mapping) or not isinstance(change.get("value"), Mapping):
            continue
        try:
            item = _change_item(platform, account_id, entry_time, str(change.get("field") or ""), change["value"])
        except (KeyError, TypeError, ValueError) as exc:
            logger.warning("meta webhook: skipped a %s change: %s", change.get("field"), type(exc).__name__)
            continue
        if item is not None:
            yield item
    for event in entry.get("messaging") or []:
        if isinstance(event, Mapping):
            item = _message_item(platform, account_id, event)
            if item is not None:
                yield item


def _change_item(platform: str, account_id: str, entry_time: Any, field: str,
                 value: Mapping[str, Any]) -> InboundItem | None:
    if platform == "facebook" and field == "feed":
        return _feed_item(account_id, entry_time, value)
    if platform == "facebook" and field == "mention":
        return _page_mention(account_id, entry_time, value)
    if platform == "instagram" and field in ("comments", "live_comments"):
        return _ig_comment(account_id, entry_time, value, live=field == "live_comments")
    if platform == "instagram" and field == "mentions":
        return _ig_mention(account_id, entry_time, value)
    return None


def _author(value: Mapping[str, Any]) -> Mapping[str, Any]:
    author = value.get("from")
    return author if isinstance(author, Mapping) else {}


def _feed_item(page_id: str, entry_time: Any, value: Mapping[str, Any]) -> InboundItem | None:
    item, verb = value.get("item"), value.get("verb")
    if verb not in KEPT_VERBS:
        return None  # remove, hide, unhide, block… are moderation echoes, not content
    author = _author(value)
    created = graph_time(value.get("created_time") or entry_time)
    common = dict(platform="facebook", text=str(value.get("message") or ""), created_at=created,
                  account_external_id=page_id, author_external_id=str(author.get("id") or ""),
                  author_name=str(author.get("name") or ""), extra={"verb": str(verb), "item": str(item)})
    post_id = str(value.get("post_id") or "")
    if item in COMMENT_ITEMS:
        comment_id = str(value["comment_id"])
        return InboundItem(external_id=comment_id, kind=ItemKind.COMMENT, url=f"https://www.facebook.com/{comment_id}",
                           parent_external_id=str(value.get("parent_id") or post_id), thread_external_id=post_id,
                           **common)
    if item in POST_ITEMS:
        own = str(author.get("id") or "") == page_id
        media = (str(value["photo"]),) if value.get("photo") else ()
        return InboundItem(external_id=post_id, kind=ItemKind.POST if own else ItemKind.MENTION,
                           url=f"https://www.facebook.com/{post_id}", thread_external_id=post_id,
                           media_urls=media, **common)
    return None  # reactions, likes, events, ratings


def _page_mention(page_id: str, entry_time: Any, value: Mapping[str, Any]) -> InboundItem | None:
    if value.get("verb") not in KEPT_VERBS:
        return None
    external_id = str(value.get("comment_id") or value["post_id"])
    return InboundItem(
        platform="facebook", external_id=external_id, kind=ItemKind.MENTION, text=str(value.get("message") or ""),
        created_at=graph_time(value.get("created_time") or entry_time), url=f"https://www.facebook.com/{external_id}",
        account_external_id=page_id, author_external_id=str(value.get("sender_id") or ""),
        author_name=str(value.get("sender_name") or ""), thread_external_id=str(value.get("post_id") or ""),
        extra={"item": str(value.get("item") or "")},
    )


def _ig_comment(account_id: str, entry_time: Any, value: Mapping[str, Any], *, live: bool) -> InboundItem:
    author = _author(value)
    media = value.get("media") if isinstance(value.get("media"), Mapping) else {}
    media_id = str(media.get("id") or "")
    return InboundItem(
        platform="instagram", external_id=str(value["id"]), kind=ItemKind.COMMENT, text=str(value.get("text") or ""),
        created_at=graph_time(value.get("timestamp") or entry_time), account_external_id=account_id,
        author_external_id=str(author.get("id") or ""), author_handle=str(author.get("username") or ""),
        parent_external_id=str(value.get("parent_id") or media_id), thread_external_id=media_id,
        extra={"media_product_type": str(media.get("media_product_type") or ""), "live": live},
    )


def _ig_mention(account_id: str, entry_time: Any, value: Mapping[str, Any]) -> InboundItem:
    """An @mention carries only ids: the connector's ``mention_get`` reads its text later."""
    media_id = str(value["media_id"])
    comment_id = str(value.get("comment_id") or "")
    return InboundItem(
        platform="instagram", external_id=comment_id or media_id, kind=ItemKind.MENTION, text="",
        created_at=graph_time(entry_time), account_external_id=account_id,
        parent_external_id=media_id if comment_id else "", thread_external_id=media_id,
        extra={"media_id": media_id, "comment_id": comment_id, "needs_lookup": True},
    )


def _message_item(platform: str, account_id: str, event: Mapping[str, Any]) -> InboundItem | None:
    message = event.get("message")
    if not isinstance(message, Mapping) or message.get("is_echo") or not message.get("mid"):
        return None  # delivery and read receipts, our own sent messages
    sender = event.get("sender") if isinstance(event.get("sender"), Mapping) else {}
    attachments = message.get("attachments") if isinstance(message.get("attachments"), list) else []
    media = tuple(str(a["payload"]["url"]) for a in attachments
                  if isinstance(a, Mapping) and isinstance(a.get("payload"), Mapping) and a["payload"].get("url"))
    return InboundItem(
        platform=platform, external_id=str(message["mid"]), kind=ItemKind.MESSAGE, text=str(message.get("text") or ""),
        created_at=graph_time(event.get("timestamp")), account_external_id=account_id,
        author_external_id=str(sender.get("id") or ""), thread_external_id=str(sender.get("id") or ""),
        media_urls=media,
    )
