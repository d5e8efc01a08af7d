"""Meta webhooks (Pages and Instagram): handshake, signature, and parsing of recorded deliveries."""

import hashlib
import hmac
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from warta.channels.connectors.base import ItemKind, WebhookRequest
from warta.channels.connectors.facebook.webhooks import handshake, parse, verify
from warta.ingest.services import item_from_record

RECORDED = Path(__file__).parent / "recorded"
SECRET = "app-secret-123"


def delivery(platform: str, name: str, *, secret: str = SECRET, signature: str | None = None) -> WebhookRequest:
    body = (RECORDED / platform / name).read_bytes()
    if signature is None:
        signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return WebhookRequest(method="POST", headers={"x-hub-signature-256": signature,
                                                  "content-type": "application/json"}, query={}, body=body)


def subscribe(**query) -> WebhookRequest:
    return WebhookRequest(method="GET", headers={}, query=query, body=b"")


# --- handshake -------------------------------------------------------------------------------


def test_handshake_echoes_the_challenge_for_our_verify_token():
    request = subscribe(**{"hub.mode": "subscribe", "hub.verify_token": "token-warta", "hub.challenge": "1158201444"})

    assert handshake(request, verify_token="token-warta") == "1158201444"


@pytest.mark.parametrize(("query", "verify_token"), [
    ({"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"}, "token-warta"),
    ({"hub.mode": "unsubscribe", "hub.verify_token": "token-warta", "hub.challenge": "1"}, "token-warta"),
    ({"hub.verify_token": "token-warta", "hub.challenge": "1"}, "token-warta"),
    ({"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}, ""),
    ({"hub.mode": "subscribe", "hub.verify_token": "token-warta"}, "token-warta"),
])
def test_handshake_refuses_anything_else(query, verify_token):
    assert handshake(subscribe(**query), verify_token=verify_token) is None


# --- signature -------------------------------------------------------------------------------


def test_a_good_signature_is_accepted_and_parsed():
    request = delivery("facebook", "webhook_feed_comment.json")

    assert verify(request, secret=SECRET) is True
    assert len(parse(request)) == 1


@pytest.mark.parametrize("signature", [
    "sha256=" + "0" * 64,
    "sha1=" + "0" * 40,
    "",
    "sha256=",
])
def test_a_bad_or_missing_signature_is_refused(signature):
    assert verify(delivery("facebook", "webhook_feed_comment.json", signature=signature), secret=SECRET) is False


def test_a_signature_made_with_another_secret_or_over_another_body_is_refused():
    forged = delivery("facebook", "webhook_feed_comment.json", secret="someone-else")
    good = delivery("facebook", "webhook_feed_comment.json")
    tampered = WebhookRequest(method="POST", headers=good.headers, query={}, body=good.body.replace(b"Kapan", b"Kpan"))

    assert verify(forged, secret=SECRET) is False
    assert verify(tampered, secret=SECRET) is False
    assert verify(good, secret="") is False  # no secret configured: nothing is trusted


# --- parsing ---------------------------------------------------------------------------------


def test_page_feed_comment_is_parsed_and_reactions_removals_and_ratings_skipped():
    (comment,) = parse(delivery("facebook", "webhook_feed_comment.json"))

    assert comment.platform == "facebook"
    assert (comment.external_id, comment.kind) == ("20194857361_50010", ItemKind.COMMENT)
    assert comment.text == "Kapan jadwal untuk Desa Pakansari?"
    assert (comment.author_external_id, comment.author_name) == ("7001", "Siti Rahma")
    assert (comment.parent_external_id, comment.thread_external_id) == (
        "104857362910_20194857361", "104857362910_20194857361")
    assert comment.account_external_id == "104857362910"
    assert comment.created_at == datetime.fromtimestamp(1763970000, tz=UTC)
    item_from_record(comment)


def test_page_feed_posts_are_own_posts_or_visitor_mentions():
    own, visitor = parse(delivery("facebook", "webhook_feed_post.json"))

    assert (own.kind, own.external_id) == (ItemKind.POST, "104857362910_20194857370")
    assert (visitor.kind, visitor.author_name) == (ItemKind.MENTION, "Rudi Hartono")
    assert visitor.media_urls == ("https://scontent.xx.fbcdn.net/jalan.jpg",)


def test_page_mention_field_is_a_mention():
    (mention,) = parse(delivery("facebook", "webhook_mention.json"))

    assert (mention.kind, mention.external_id, mention.author_name) == (
        ItemKind.MENTION, "5005_6006", "Karang Taruna Cibinong")
    assert mention.text.startswith("Terima kasih")


def test_messages_are_parsed_and_echoes_and_receipts_skipped():
    (message,) = parse(delivery("facebook", "webhook_messages.json"))

    assert (message.kind, message.external_id, message.author_external_id) == (ItemKind.MESSAGE, "m_AbCdEf123", "6101")
    assert message.created_at == datetime.fromtimestamp(1763973000, tz=UTC)
    item_from_record(message)


def test_instagram_comments_are_parsed_and_story_insights_skipped():
    (comment,) = parse(delivery("instagram", "webhook_comments.json"))

    assert comment.platform == "instagram"
    assert (comment.external_id, comment.kind, comment.author_handle) == (
        "17870913679156950", ItemKind.COMMENT, "warga.cibinong")
    assert (comment.parent_external_id, comment.thread_external_id) == ("17870913679156901", "17920238422030506")
    assert comment.account_external_id == "17841400000000001"
    item_from_record(comment)


def test_instagram_mentions_carry_ids_for_a_later_lookup():
    in_comment, in_caption = parse(delivery("instagram", "webhook_mentions.json"))

    assert (in_comment.kind, in_comment.external_id, in_comment.thread_external_id) == (
        ItemKind.MENTION, "17870900000000099", "17930000000000055")
    assert dict(in_comment.extra) == {"media_id": "17930000000000055", "comment_id": "17870900000000099",
                                      "needs_lookup": True}
    assert in_caption.external_id == "17930000000000056"
    assert in_caption.text == ""
    item_from_record(in_caption)


def test_a_broken_change_is_skipped_and_the_rest_kept():
    body = json.dumps({"object": "page", "entry": [{"id": "1", "time": 1763970000, "changes": [
        {"field": "feed", "value": {"item": "comment", "verb": "add", "post_id": "1_2"}},  # no comment_id
        {"field": "feed", "value": {"item": "comment", "verb": "add", "post_id": "1_2", "comment_id": "2_3",
                                    "message": "ok", "created_time": 1763970000}},
        {"field": "feed", "value": "not an object"},
    ]}]}).encode()

    items = parse(WebhookRequest(method="POST", headers={}, query={}, body=body))

    assert [i.external_id for i in items] == ["2_3"]


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"object": "user", "entry": [{"id": "1"}]}', b""])
def test_unknown_or_malformed_deliveries_give_nothing(body):
    assert parse(WebhookRequest(method="POST", headers={}, query={}, body=body)) == ()


def test_instagram_package_serves_the_same_functions():
    from warta.channels.connectors.instagram import webhooks as instagram_webhooks

    assert (instagram_webhooks.verify, instagram_webhooks.parse, instagram_webhooks.handshake) == (verify, parse, handshake)
