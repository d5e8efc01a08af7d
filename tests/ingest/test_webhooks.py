"""Webhook endpoints: a bad signature or secret is refused, logged, and stores nothing;
a good one stores each item once, also when the platform delivers it again."""

import hashlib
import hmac
import json
import logging

import pytest
from django.urls import reverse

from warta.channels.models import Account, Credential, PlatformApp
from warta.ingest.models import Item, Quarantine

pytestmark = pytest.mark.django_db
APP_SECRET = "meta-app-secret"
PAGE_ID = "104729582937465"

META_EVENT = {"object": "page", "entry": [{"id": PAGE_ID, "time": 1763884800, "changes": [{"field": "feed", "value": {
    "item": "comment", "verb": "add", "comment_id": f"{PAGE_ID}_555_777", "post_id": f"{PAGE_ID}_555",
    "parent_id": f"{PAGE_ID}_555", "from": {"id": "2468", "name": "Warga Cibinong"},
    "message": "Jalan di depan pasar berlubang, mohon diperbaiki", "created_time": 1763884800}}]}]}


@pytest.fixture
def meta(tree):
    PlatformApp.objects.create(platform="facebook", client_id="123",
                               secret={"client_secret": APP_SECRET, "webhook_verify_token": "verif-123"})
    return Account.objects.create(unit=tree.kab, platform="facebook", handle="humasbogorkab", external_id=PAGE_ID,
                                  state="connected")


def signed(body: bytes, secret=APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_meta_handshake_echoes_the_challenge_only_for_the_right_token(client, meta):
    url = reverse("webhooks:meta")
    ok = client.get(url, {"hub.mode": "subscribe", "hub.verify_token": "verif-123", "hub.challenge": "1158201444"})
    bad = client.get(url, {"hub.mode": "subscribe", "hub.verify_token": "salah", "hub.challenge": "1158201444"})
    assert (ok.status_code, ok.content) == (200, b"1158201444")
    assert bad.status_code == 403


def test_meta_event_with_a_good_signature_is_stored_once(client, meta, tree):
    body = json.dumps(META_EVENT).encode()
    for _ in range(2):
        response = client.post(reverse("webhooks:meta"), body, content_type="application/json",
                               headers={"X-Hub-Signature-256": signed(body)})
        assert response.status_code == 200
    stored = Item.objects.get()
    assert (stored.kind, stored.account, stored.unit, stored.deliveries) == ("comment", meta, tree.kab, 2)
    assert "berlubang" in stored.text


def test_meta_event_with_a_bad_signature_is_refused_logged_and_not_stored(client, meta, caplog):
    body = json.dumps(META_EVENT).encode()
    with caplog.at_level(logging.WARNING, logger="warta.ingest.webhooks"):
        wrong = client.post(reverse("webhooks:meta"), body, content_type="application/json",
                            headers={"X-Hub-Signature-256": signed(body, "bukan-rahasia")})
        missing = client.post(reverse("webhooks:meta"), body, content_type="application/json")
    assert (wrong.status_code, missing.status_code) == (403, 403)
    assert Item.objects.count() == 0
    assert Quarantine.objects.count() == 0
    assert "refused" in caplog.text
    assert APP_SECRET not in caplog.text


UPDATE = {"update_id": 900001, "channel_post": {"message_id": 42, "date": 1763884800,
          "chat": {"id": -1001234567890, "title": "Humas Kab. Bogor", "type": "channel", "username": "humasbogorkab"},
          "text": "Jadwal vaksinasi minggu ini di Puskesmas Cibinong"}}


@pytest.fixture
def telegram(tree):
    account = Account.objects.create(unit=tree.kab, platform="telegram", handle="@humasbogorkab",
                                     external_id="-1001234567890", state="connected")
    Credential.objects.create(account=account, tokens={"access_token": "", "extra": {
        "bot_token": "123456:ABC", "webhook_secret": "rahasia-webhook-1"}})
    return account


def test_telegram_update_with_the_secret_token_is_stored(client, telegram):
    url = reverse("webhooks:telegram", args=[telegram.uuid])
    response = client.post(url, json.dumps(UPDATE), content_type="application/json",
                           headers={"X-Telegram-Bot-Api-Secret-Token": "rahasia-webhook-1"})
    assert response.status_code == 200
    assert Item.objects.get().account == telegram


def test_telegram_without_the_secret_is_refused_and_unknown_accounts_are_404(client, telegram, tree):
    url = reverse("webhooks:telegram", args=[telegram.uuid])
    assert client.post(url, json.dumps(UPDATE), content_type="application/json",
                       headers={"X-Telegram-Bot-Api-Secret-Token": "tebakan"}).status_code == 403
    assert client.post(url, json.dumps(UPDATE), content_type="application/json").status_code == 403
    other = reverse("webhooks:telegram", args=["00000000-0000-0000-0000-000000000000"])
    assert client.post(other, json.dumps(UPDATE), content_type="application/json").status_code == 404
    assert Item.objects.count() == 0


def test_a_verified_body_that_cannot_be_parsed_is_quarantined(client, telegram):
    url = reverse("webhooks:telegram", args=[telegram.uuid])
    response = client.post(url, b"{not json", content_type="application/json",
                           headers={"X-Telegram-Bot-Api-Secret-Token": "rahasia-webhook-1"})
    assert response.status_code == 200
    assert Quarantine.objects.get().reason.startswith("webhook telegram")


def test_a_signed_meta_body_with_an_impossible_time_is_quarantined_not_a_500(client, meta):
    # Given a signed delivery whose created_time no clock can hold (JSON allows 1e20)
    event = json.loads(json.dumps(META_EVENT))
    event["entry"][0]["changes"][0]["value"]["created_time"] = 1e20
    body = json.dumps(event).encode()

    # When Meta delivers it
    response = client.post(reverse("webhooks:meta"), body, content_type="application/json",
                           headers={"X-Hub-Signature-256": signed(body)})

    # Then it is answered 200 (no endless retries), quarantined, and nothing is stored
    assert response.status_code == 200
    assert Quarantine.objects.get().reason.startswith("webhook meta")
    assert Item.objects.count() == 0


def test_a_quarantined_body_keeps_no_nul_character(client, telegram):
    # PostgreSQL refuses text with NUL: the raw body would fail to be quarantined (a 500, retried for ever)
    url = reverse("webhooks:telegram", args=[telegram.uuid])
    response = client.post(url, b"{\x00not json", content_type="application/json",
                           headers={"X-Telegram-Bot-Api-Secret-Token": "rahasia-webhook-1"})
    assert response.status_code == 200
    assert Quarantine.objects.get().payload == "{\ufffdnot json"
