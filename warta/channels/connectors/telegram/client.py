"""The Telegram Bot API over HTTP: ``POST <base>/bot<token>/<method>``, answers ``{"ok": …}``.

The bot token travels in the path, so it must never reach a message, a repr or a log line:
errors are built from the answer's body only (never the URL), and a logging filter masks
``/bot<token>/`` in httpx's own request log. A revoked token cannot be refreshed: the officer
enters a new one (``AUTH_EXPIRED`` without calling ``on_auth_expired``).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import httpx
from django.utils.translation import gettext as _

from warta.channels.connectors.base import ConnectorContext, Platform
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.http import ApiClient, retry_after_seconds

DEFAULT_BASE_URL = "https://api.telegram.org"
# Telegram: about 20 messages per minute into one group or channel, 30 per second per bot.
# Warta's limiter counts per account (one channel), so the per-channel figure is the one that
# binds; the per-bot figure cannot be exceeded by one account at 20/min.
RATE_LIMIT = (20, 60)
ALLOWED_UPDATES = ("channel_post", "edited_channel_post", "message", "edited_message")
_TOKEN_FORMAT = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,100}$")
_SECRET_FORMAT = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_TOKEN_IN_PATH = re.compile(r"/bot[^/\s]+/")


class _RedactBotToken(logging.Filter):
    """Mask ``/bot<token>/`` in the records of httpx and httpcore (they log request URLs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(_redact(arg) for arg in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {key: _redact(value) for key, value in record.args.items()}
        if isinstance(record.msg, str) and "/bot" in record.msg:
            record.msg = _TOKEN_IN_PATH.sub("/bot<hidden>/", record.msg)
        return True


def _redact(value: Any) -> Any:
    if isinstance(value, httpx.URL | str | bytes):
        text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
        if "/bot" in text:
            return _TOKEN_IN_PATH.sub("/bot<hidden>/", text)
    return value


_REDACTOR = _RedactBotToken()
for _name in ("httpx", "httpcore"):
    if _REDACTOR not in logging.getLogger(_name).filters:
        logging.getLogger(_name).addFilter(_REDACTOR)


def bot_token(context: ConnectorContext) -> str:
    """Return the account's bot token, or raise ``AUTH_EXPIRED`` asking for a new one."""
    token = (context.tokens.extra.get("bot_token") or context.tokens.access_token or "").strip()
    if not _TOKEN_FORMAT.match(token):
        raise ConnectorError(ErrorKind.AUTH_EXPIRED,
                             _("Token bot Telegram tidak ada atau tidak sah. Masukkan token bot yang "
                               "baru dari @BotFather."), code="bot_token_invalid")
    return token


class TelegramClient(ApiClient):
    """The Bot API for one bot; ``call`` returns the answer's ``result``."""

    platform = Platform.TELEGRAM
    default_base_url = DEFAULT_BASE_URL
    rate_limit = RATE_LIMIT

    def __init__(self, context: ConnectorContext, *, transport: httpx.BaseTransport | None = None) -> None:
        # A bot token is not refreshable: never ask the channels app to refresh it.
        super().__init__(replace(context, on_auth_expired=None), transport=transport)
        self._token = bot_token(context)

    def __repr__(self) -> str:
        return f"TelegramClient(account={self.context.account.external_id!r}, <token hidden>)"

    def auth(self, request_kwargs: dict[str, Any]) -> None:
        """Nothing to add: the token is in the path."""

    def call(self, method: str, params: Mapping[str, Any] | None = None, *,
             files: Mapping[str, Any] | None = None) -> Any:
        """Call one Bot API method: JSON body, or multipart form when ``files`` are given."""
        kwargs: dict[str, Any] = {}
        if files:
            kwargs["data"] = {key: value if isinstance(value, str) else json.dumps(value)
                              for key, value in (params or {}).items()}
            kwargs["files"] = files
        else:
            kwargs["json"] = dict(params or {})
        payload = self.post(f"/bot{self._token}/{method}", **kwargs)
        return payload["result"]

    def check_payload(self, response: httpx.Response, payload: Any) -> None:
        if not isinstance(payload, Mapping) or "ok" not in payload:
            raise ConnectorError(ErrorKind.TRANSIENT, "unexpected answer from Telegram",
                                 status=response.status_code)
        if payload.get("ok") is not True:
            raise self.map_error(response, payload)
        if "result" not in payload:
            raise ConnectorError(ErrorKind.TRANSIENT, "unexpected answer from Telegram",
                                 status=response.status_code)

    def map_error(self, response: httpx.Response, payload: Any) -> ConnectorError:
        body = payload if isinstance(payload, Mapping) else {}
        try:
            code = int(body.get("error_code") or response.status_code)
        except (TypeError, ValueError):
            code = response.status_code
        description = str(body.get("description") or response.reason_phrase or "")
        parameters = body.get("parameters") if isinstance(body.get("parameters"), Mapping) else {}
        common = {"platform_message": description, "status": response.status_code, "code": str(code)}
        if code == 429:
            retry_after = parameters.get("retry_after")
            seconds = (float(retry_after) if isinstance(retry_after, int | float)
                       else retry_after_seconds(response.headers.get("retry-after")))
            return ConnectorError(ErrorKind.RATE_LIMITED, "Telegram flood control", retry_after=seconds,
                                  **common)
        if code == 401:
            return ConnectorError(ErrorKind.AUTH_EXPIRED,
                                  _("Telegram menolak token bot ini (token dicabut atau diganti). "
                                    "Masukkan token bot yang baru dari @BotFather."), **common)
        if code == 403:
            return ConnectorError(ErrorKind.PERMANENT,
                                  _("Bot tidak punya izin di kanal ini. Jadikan bot admin kanal dengan "
                                    "izin mengirim pesan, lalu coba lagi."), **common)
        if code >= 500 or response.status_code >= 500:
            return ConnectorError(ErrorKind.TRANSIENT, "Telegram server error", **common)
        # 400 (bad request), 404, 409 (webhook active / concurrent getUpdates)…
        return ConnectorError(ErrorKind.PERMANENT, description or "request refused", **common)

    # --- methods used by the connector and the registry page ----------------------------------

    def get_chat(self, chat_id: str) -> Mapping[str, Any]:
        return self.call("getChat", {"chat_id": chat_id})

    def get_me(self) -> Mapping[str, Any]:
        return self.call("getMe")


def set_webhook(context: ConnectorContext, url: str, secret_token: str, *,
                transport: httpx.BaseTransport | None = None) -> bool:
    """Ask Telegram to push this bot's updates to ``url`` with ``secret_token`` in the
    ``X-Telegram-Bot-Api-Secret-Token`` header (1–256 characters of A–Z, a–z, 0–9, _ and -)."""
    if not _SECRET_FORMAT.match(secret_token or ""):
        raise ConnectorError(ErrorKind.PERMANENT,
                             _("Token rahasia webhook harus 1–256 karakter huruf, angka, _ atau -."))
    if not url.startswith("https://"):
        raise ConnectorError(ErrorKind.PERMANENT, _("Alamat webhook Telegram harus memakai https://."))
    client = TelegramClient(context, transport=transport)
    try:
        return bool(client.call("setWebhook", {"url": url, "secret_token": secret_token,
                                               "allowed_updates": list(ALLOWED_UPDATES)}))
    finally:
        client.close()


def delete_webhook(context: ConnectorContext, *, transport: httpx.BaseTransport | None = None) -> bool:
    """Stop pushing updates (polling with getUpdates works again); pending updates are kept."""
    client = TelegramClient(context, transport=transport)
    try:
        return bool(client.call("deleteWebhook", {"drop_pending_updates": False}))
    finally:
        client.close()


def chat_info(context: ConnectorContext, *, transport: httpx.BaseTransport | None = None) -> Mapping[str, Any]:
    """Return getChat for the account's chat (id, title, username, linked_chat_id…): the
    registry page uses it to store the numeric chat id and check the bot can see the channel."""
    client = TelegramClient(context, transport=transport)
    try:
        return client.get_chat(context.account.external_id)
    finally:
        client.close()
