"""Telegram ``Update`` objects → :class:`InboundItem` (one mapping for polling and webhooks).

* ``channel_post`` / ``edited_channel_post`` → ``POST``.
* A message in the channel's linked discussion group that answers the channel post Telegram
  forwarded there automatically (``is_automatic_forward``) → ``COMMENT`` whose parent and thread
  are the channel post. A reply to another comment → ``COMMENT`` whose parent is that comment;
  its thread is the channel post when the automatic forward is in the same batch, else it is
  left empty and ``extra["discussion_thread"]`` names the forward (Telegram does not say which
  channel post a comment's comment belongs to).
* A private message to the bot → ``MESSAGE``.
* Anything else (the automatic forwards themselves, group chatter outside a post's thread,
  other update types) → nothing.

``external_id`` is ``"<chat_id>:<message_id>"``: message ids are only unique within a chat.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from warta.channels.connectors.base import InboundItem, ItemKind, Platform

Message = Mapping[str, Any]


def message_key(chat_id: Any, message_id: Any) -> str:
    return f"{chat_id}:{message_id}"


def split_key(external_id: str) -> tuple[str, int]:
    """Split ``"<chat_id>:<message_id>"``; ValueError when it is not one."""
    chat_id, _, message_id = str(external_id).rpartition(":")
    if not chat_id or not message_id.isdigit():
        raise ValueError(f"not a Telegram message id: {external_id!r}")
    return chat_id, int(message_id)


def message_url(chat: Mapping[str, Any], message_id: Any) -> str:
    """Return the t.me link of a message in a channel or supergroup ("" for private chats)."""
    username = chat.get("username")
    if username and chat.get("type") != "private":
        return f"https://t.me/{username}/{message_id}"
    chat_id = str(chat.get("id", ""))
    if chat_id.startswith("-100"):
        return f"https://t.me/c/{chat_id[4:]}/{message_id}"
    return ""


def items_from_updates(updates: Iterable[Mapping[str, Any]]) -> tuple[InboundItem, ...]:
    """Map a batch of updates, in order; see the module docstring."""
    updates = [update for update in updates if isinstance(update, Mapping)]
    forwards: dict[str, str] = {}  # "<group>:<forward msg id>" → channel post external id
    for update in updates:
        message = update.get("message") or update.get("edited_message")
        if isinstance(message, Mapping) and message.get("is_automatic_forward"):
            origin = forward_origin(message)
            if origin:
                forwards[message_key(_chat(message).get("id"), message.get("message_id"))] = origin
    items: list[InboundItem] = []
    for update in updates:
        item = item_from_update(update)
        if item is None:
            continue
        pending = item.extra.get("discussion_thread")
        if item.kind == ItemKind.COMMENT and not item.thread_external_id and pending in forwards:
            item = replace(item, thread_external_id=forwards[pending])
        items.append(item)
    return tuple(items)


def item_from_update(update: Mapping[str, Any]) -> InboundItem | None:
    """Map one update, or return None for one Warta does not keep."""
    for field, edited in (("channel_post", False), ("edited_channel_post", True)):
        post = update.get(field)
        if isinstance(post, Mapping):
            return _item(post, ItemKind.POST, edited=edited)
    for field, edited in (("message", False), ("edited_message", True)):
        message = update.get(field)
        if isinstance(message, Mapping):
            return _from_message(message, edited=edited)
    return None


def forward_origin(message: Message) -> str:
    """Return the channel post a message was forwarded from ("" if none)."""
    origin = message.get("forward_origin")
    if isinstance(origin, Mapping) and origin.get("type") == "channel":
        chat = origin.get("chat") if isinstance(origin.get("chat"), Mapping) else {}
        if chat.get("id") is not None and origin.get("message_id") is not None:
            return message_key(chat["id"], origin["message_id"])
    chat = message.get("forward_from_chat")  # before Bot API 7.0
    if isinstance(chat, Mapping) and chat.get("type") == "channel" and message.get("forward_from_message_id"):
        return message_key(chat.get("id"), message["forward_from_message_id"])
    return ""


def _origin_chat(message: Message) -> Mapping[str, Any]:
    origin = message.get("forward_origin")
    chat = origin.get("chat") if isinstance(origin, Mapping) else message.get("forward_from_chat")
    return chat if isinstance(chat, Mapping) else {}


def _from_message(message: Message, *, edited: bool) -> InboundItem | None:
    chat = _chat(message)
    chat_type = chat.get("type")
    if chat_type == "private":
        reply = message.get("reply_to_message")
        parent = message_key(chat.get("id"), reply.get("message_id")) if isinstance(reply, Mapping) else ""
        return _item(message, ItemKind.MESSAGE, edited=edited, parent=parent)
    if chat_type not in ("group", "supergroup") or message.get("is_automatic_forward"):
        return None
    reply = message.get("reply_to_message")
    if not isinstance(reply, Mapping):
        return None
    if reply.get("is_automatic_forward"):
        post = forward_origin(reply)
        if post:
            origin_chat = _origin_chat(reply)
            facts = {"channel_username": origin_chat["username"]} if origin_chat.get("username") else {}
            return _item(message, ItemKind.COMMENT, edited=edited, parent=post, thread=post, extra=facts)
    thread_id = message.get("message_thread_id")
    if thread_id is None or message.get("is_topic_message"):
        return None
    return _item(message, ItemKind.COMMENT, edited=edited,
                 parent=message_key(chat.get("id"), reply.get("message_id")),
                 extra={"discussion_thread": message_key(chat.get("id"), thread_id)})


def _item(message: Message, kind: ItemKind, *, edited: bool, parent: str = "", thread: str = "",
          extra: Mapping[str, Any] | None = None) -> InboundItem | None:
    chat = _chat(message)
    if chat.get("id") is None or message.get("message_id") is None:
        return None
    author = message.get("from") if isinstance(message.get("from"), Mapping) else {}
    sender_chat = message.get("sender_chat") if isinstance(message.get("sender_chat"), Mapping) else {}
    if sender_chat:  # a channel or an anonymous group admin speaking as the chat
        author_id, handle = sender_chat.get("id"), sender_chat.get("username") or ""
        name = sender_chat.get("title") or message.get("author_signature") or ""
    else:
        author_id, handle = author.get("id"), author.get("username") or ""
        name = " ".join(part for part in (author.get("first_name"), author.get("last_name")) if part)
    facts: dict[str, Any] = {"chat_id": str(chat["id"]), "chat_type": chat.get("type", "")}
    if chat.get("username"):
        facts["chat_username"] = chat["username"]
    if edited:
        facts["edited"] = True
        if message.get("edit_date"):
            facts["edited_at"] = _time(message["edit_date"]).isoformat()
    photos = message.get("photo")
    if isinstance(photos, list) and photos:
        # The file's download URL carries the bot token: keep the file id, never a URL.
        facts["photo_file_id"] = str(photos[-1].get("file_id", "")) if isinstance(photos[-1], Mapping) else ""
    for media in ("video", "document", "audio", "voice", "animation"):
        if isinstance(message.get(media), Mapping):
            facts["media_type"] = media
    if extra:
        facts.update(extra)
    return InboundItem(
        platform=Platform.TELEGRAM,
        external_id=message_key(chat["id"], message["message_id"]),
        kind=kind,
        text=str(message.get("text") or message.get("caption") or ""),
        created_at=_time(message.get("date")),
        url=message_url(chat, message["message_id"]),
        author_external_id="" if author_id is None else str(author_id),
        author_handle=str(handle),
        author_name=str(name),
        parent_external_id=parent,
        thread_external_id=thread,
        source_name=str(chat.get("title") or ""),
        extra=facts,
    )


def _chat(message: Message) -> Mapping[str, Any]:
    chat = message.get("chat")
    return chat if isinstance(chat, Mapping) else {}


def _time(value: Any) -> datetime:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return datetime.now(tz=UTC)
