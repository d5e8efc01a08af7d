"""Telegram's webhook: the secret token header is checked, and an Update maps like getUpdates."""

import json
from pathlib import Path

import pytest

from warta.channels.connectors.base import ItemKind, WebhookRequest
from warta.channels.connectors.telegram import webhooks
from warta.ingest.services import item_from_record

RECORDED = Path(__file__).parent / "recorded" / "telegram"
SECRET = "wH7-kq2_Zr9XbT4mN8pL"


def call(name: str | None = None, *, body: bytes | None = None, secret: str | None = SECRET) -> WebhookRequest:
    headers = {"content-type": "application/json"}
    if secret is not None:
        headers["x-telegram-bot-api-secret-token"] = secret
    if body is None:
        body = (RECORDED / name).read_bytes()
    return WebhookRequest(method="POST", headers=headers, query={}, body=body)


def test_the_right_secret_verifies():
    assert webhooks.verify(call("webhook_channel_post.json"), secret=SECRET) is True


@pytest.mark.parametrize("sent", [None, "", "salah", SECRET + "x", SECRET[:-1], SECRET.upper()])
def test_a_wrong_or_missing_secret_is_refused(sent):
    assert webhooks.verify(call("webhook_channel_post.json", secret=sent), secret=SECRET) is False


def test_an_empty_configured_secret_never_verifies():
    assert webhooks.verify(call("webhook_channel_post.json", secret=""), secret="") is False
    assert webhooks.verify(call("webhook_channel_post.json"), secret="") is False


def test_a_channel_post_is_parsed():
    (item,) = webhooks.parse(call("webhook_channel_post.json"))
    item_from_record(item)
    assert (item.platform, item.kind, item.external_id) == ("telegram", ItemKind.POST, "-1001234567890:1540")
    assert item.url == "https://t.me/humasbogorkab/1540"
    assert item.account_external_id == ""  # the view knows the account from the webhook URL


def test_a_discussion_comment_is_parsed_with_its_post():
    (item,) = webhooks.parse(call("webhook_comment.json"))
    item_from_record(item)
    assert (item.kind, item.external_id) == (ItemKind.COMMENT, "-1009876543210:312")
    assert item.parent_external_id == item.thread_external_id == "-1001234567890:1540"
    assert item.author_name == "Siti Rahmawati"


def test_unknown_update_types_give_no_items():
    assert webhooks.parse(call("webhook_callback_query.json")) == ()
    assert webhooks.parse(call(body=b'{"update_id": 1}')) == ()


@pytest.mark.parametrize("body", [b"", b"{not json", b"\xff\xfe\x00", b"[1, 2]", b'"teks"'])
def test_malformed_bodies_raise_value_error(body):
    with pytest.raises(ValueError, match="not JSON|not a Telegram Update"):
        webhooks.parse(call(body=body))


def test_polling_and_webhook_map_an_update_the_same_way():
    from warta.channels.connectors.telegram.mapping import items_from_updates

    update = json.loads((RECORDED / "webhook_comment.json").read_text())
    assert webhooks.parse(call("webhook_comment.json")) == items_from_updates([update])
