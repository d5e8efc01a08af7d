"""Telegram (Bot API): ``client.py`` (HTTP, errors, webhook set-up), ``mapping.py`` (Update →
InboundItem), ``connector.py`` (TelegramConnector), ``webhooks.py`` (verify and parse pushes)."""
