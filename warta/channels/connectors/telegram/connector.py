"""Telegram channels through a bot that is an admin of the channel (Bot API).

``AccountRef.external_id`` is the channel's chat id (``-100…``, preferred: it never changes) or
``@username``. Posts, discussion-group comments and private messages to the bot all arrive in
one stream of updates: :meth:`TelegramConnector.fetch_posts` reads it with ``getUpdates`` (the
cursor is the next update offset, which also confirms the updates already read), or Telegram
pushes it to Warta's webhook (``webhooks.py``). ``fetch_comments`` and ``fetch_messages``
therefore return nothing: their items come with ``fetch_posts``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from warta.channels.connectors.base import (
    AccountMetrics,
    BaseConnector,
    Capability,
    InboundItem,
    ItemKind,
    OutboundPost,
    Page,
    Platform,
    PublishResult,
    text_with_link,
)
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.telegram.client import ALLOWED_UPDATES, TelegramClient
from warta.channels.connectors.telegram.mapping import (
    items_from_updates,
    message_key,
    message_url,
    split_key,
)

TEXT_LIMIT = 4096  # characters of a message
CAPTION_LIMIT = 1024  # characters of a photo caption
PHOTO_LIMIT_BYTES = 10 * 1024 * 1024  # sendPhoto upload limit
UPDATES_PER_CALL = 100


class TelegramConnector(BaseConnector):
    platform = Platform.TELEGRAM
    capabilities = frozenset({
        Capability.PUBLISH_TEXT,
        Capability.PUBLISH_IMAGE,
        Capability.PUBLISH_LINK,
        Capability.DELETE,
        Capability.ACCOUNT_METRICS,
        Capability.FETCH_POSTS,
        Capability.FETCH_COMMENTS,
        Capability.REPLY,
        Capability.DIRECT_MESSAGES,
        Capability.WEBHOOKS,
    })
    client_class = TelegramClient  # its rate_limit: RATE_LIMIT, per channel

    def __repr__(self) -> str:
        return f"TelegramConnector(account={self.context.account.external_id!r})"

    @property
    def chat_id(self) -> str:
        return self.context.account.external_id

    # --- publishing ---------------------------------------------------------------------------

    def publish(self, post: OutboundPost) -> PublishResult:
        if post.first_comment:
            self._unsupported("first_comment")
        if any(media.kind != "image" for media in post.media):
            self._unsupported("video")
        if len(post.media) > 1:
            raise ConnectorError(ErrorKind.PERMANENT, _("Telegram: satu kiriman hanya dapat memuat satu foto."))
        text = text_with_link(post.text.strip(), post.link, separator="\n\n")
        if post.media:
            return self._send_photo(text, post.media[0])
        if not text:
            raise ConnectorError(ErrorKind.PERMANENT, _("Teks kiriman kosong."))
        _check_length(text)
        return self._result(self.client.call("sendMessage", {"chat_id": self.chat_id, "text": text}))

    def _send_photo(self, caption: str, media: Any) -> PublishResult:
        if len(caption) > CAPTION_LIMIT:
            raise ConnectorError(ErrorKind.PERMANENT,
                                 _("Keterangan foto terlalu panjang untuk Telegram (paling banyak "
                                   "%(limit)s karakter).") % {"limit": CAPTION_LIMIT})
        path = Path(media.path)
        try:
            size = path.stat().st_size
            if size > PHOTO_LIMIT_BYTES:
                raise ConnectorError(ErrorKind.PERMANENT, _("Foto terlalu besar untuk Telegram (paling besar 10 MB)."))
            with path.open("rb") as handle:
                params = {"chat_id": self.chat_id}
                if caption:
                    params["caption"] = caption
                result = self.client.call("sendPhoto", params,
                                          files={"photo": (path.name, handle, media.mime_type or "image/jpeg")})
        except OSError:
            raise ConnectorError(ErrorKind.PERMANENT, _("Berkas foto tidak dapat dibaca.")) from None
        return self._result(result)

    def delete(self, external_id: str) -> None:
        chat_id, message_id = self._split(external_id)
        self.client.call("deleteMessage", {"chat_id": chat_id, "message_id": message_id})

    def reply(self, to_external_id: str, text: str) -> PublishResult:
        """Answer a comment (in the discussion group) or a private message, as a reply to it."""
        chat_id, message_id = self._split(to_external_id)
        return self._send(chat_id, text, reply_to=message_id)

    def send_message(self, to_external_id: str, text: str) -> PublishResult:
        """Write to a person who wrote to the bot: ``to_external_id`` is their chat id, or one of
        their messages (``"<chat_id>:<message_id>"``, then sent as a reply)."""
        if ":" in to_external_id:
            return self.reply(to_external_id, text)
        return self._send(to_external_id, text)

    def _send(self, chat_id: str, text: str, *, reply_to: int | None = None) -> PublishResult:
        text = text.strip()
        if not text:
            raise ConnectorError(ErrorKind.PERMANENT, _("Teks balasan kosong."))
        _check_length(text)
        params: dict[str, Any] = {"chat_id": chat_id, "text": text}
        if reply_to is not None:
            params["reply_parameters"] = {"message_id": reply_to, "allow_sending_without_reply": True}
        return self._result(self.client.call("sendMessage", params))

    def _result(self, message: Any) -> PublishResult:
        if not isinstance(message, dict) or not isinstance(message.get("chat"), dict) or "message_id" not in message:
            raise ConnectorError(ErrorKind.TRANSIENT, "unexpected answer from Telegram")
        chat = message["chat"]
        published = message.get("date")
        return PublishResult(
            external_id=message_key(chat.get("id"), message["message_id"]),
            url=message_url(chat, message["message_id"]),
            published_at=datetime.fromtimestamp(int(published), tz=UTC) if published else None,
        )

    def _split(self, external_id: str) -> tuple[str, int]:
        try:
            return split_key(external_id)
        except ValueError:
            raise ConnectorError(ErrorKind.PERMANENT,
                                 _("Pengenal pesan Telegram tidak dikenal.")) from None

    # --- reading --------------------------------------------------------------------------------

    def account_metrics(self) -> AccountMetrics:
        count = self.client.call("getChatMemberCount", {"chat_id": self.chat_id})
        return AccountMetrics(observed_at=datetime.now(tz=UTC), followers=int(count))

    def fetch_posts(self, *, cursor: str = "", since: datetime | None = None) -> Page[InboundItem]:
        """Read the next updates; ``cursor`` is the offset to ask for (the last update id + 1).

        Asking with an offset confirms every earlier update to Telegram, so the next cursor is
        only returned with the items it confirms, and the caller stores it after storing them.
        ``since`` is not used: the stream has no dates to page by.
        """
        params: dict[str, Any] = {"limit": UPDATES_PER_CALL, "timeout": 0,
                                  "allowed_updates": list(ALLOWED_UPDATES)}
        if cursor.strip().lstrip("-").isdigit():
            params["offset"] = int(cursor)
        try:
            updates = self.client.call("getUpdates", params)
        except ConnectorError as error:
            if error.status == 409:  # a webhook is set (updates are pushed) or another poll runs
                return Page(items=(), next_cursor=cursor)
            raise
        if not isinstance(updates, list):
            raise ConnectorError(ErrorKind.TRANSIENT, "unexpected answer from Telegram")
        ids = [update["update_id"] for update in updates
               if isinstance(update, dict) and isinstance(update.get("update_id"), int)]
        next_cursor = str(max(ids) + 1) if ids else cursor
        items = tuple(replace(item, account_external_id=self.chat_id)
                      for item in items_from_updates(updates) if self._belongs(item))
        return Page(items=items, next_cursor=next_cursor)

    def fetch_comments(self, post_external_id: str, *, cursor: str = "") -> Page[InboundItem]:
        return Page(items=())  # comments arrive in the update stream (fetch_posts / webhook)

    def fetch_messages(self, *, cursor: str = "") -> Page[InboundItem]:
        return Page(items=())  # private messages arrive in the update stream too

    def _belongs(self, item: InboundItem) -> bool:
        """Drop the posts (and their comments) of other channels the same bot administers."""
        own = self.chat_id.strip()
        if item.kind == ItemKind.POST:
            return self._is_own(item.extra.get("chat_id", ""), item.extra.get("chat_username", ""), own)
        if item.kind == ItemKind.COMMENT and item.thread_external_id:
            channel_id = item.thread_external_id.rpartition(":")[0]
            return self._is_own(channel_id, item.extra.get("channel_username", ""), own, unknown=True)
        return True

    @staticmethod
    def _is_own(chat_id: str, username: str, own: str, *, unknown: bool = False) -> bool:
        if own.startswith("@"):
            if not username:
                return unknown
            return username.lower() == own[1:].lower()
        return chat_id == own


def _check_length(text: str) -> None:
    if len(text) > TEXT_LIMIT:
        raise ConnectorError(ErrorKind.PERMANENT,
                             _("Teks terlalu panjang untuk Telegram (paling banyak %(limit)s karakter).")
                             % {"limit": TEXT_LIMIT})
