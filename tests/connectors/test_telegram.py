"""Contract tests of the Telegram connector against a local Bot API server.

The answers are recorded from the Bot API documentation (tests/connectors/recorded/telegram/).
"""

import json
import logging
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tests.connectors.support import (
    RECORDED_ROOT,
    failure_of,
    local_app,
    local_context,
    malformed_json_error,
    recorded_for,
    timeout_error,
)
from warta.channels.connectors.base import (
    AppConfig,
    Capability,
    ConnectorContext,
    ItemKind,
    Media,
    OutboundPost,
    TokenSet,
)
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.telegram.client import chat_info, delete_webhook, set_webhook
from warta.channels.connectors.telegram.connector import TelegramConnector
from warta.ingest.services import item_from_record

RECORDED = RECORDED_ROOT / "telegram"
recorded = recorded_for("telegram")
TOKEN = "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
BOT = f"/bot{TOKEN}"
CHANNEL = "-1001234567890"
GROUP = "-1009876543210"


def make_context(httpserver, *, token=TOKEN, external_id=CHANNEL, on_auth_expired=None, timeout_s=5.0,
                 limiter=None) -> ConnectorContext:
    return local_context(local_app(httpserver, "telegram"), external_id, handle="@humasbogorkab", key="acc-tg-1",
                         tokens=TokenSet(extra={"bot_token": token}), on_auth_expired=on_auth_expired,
                         timeout_s=timeout_s, rate_limiter=limiter)


def make_connector(httpserver, **kwargs) -> TelegramConnector:
    return TelegramConnector(make_context(httpserver, **kwargs))


def answer(httpserver, method: str, body, *, status: int = 200):
    httpserver.expect_request(f"{BOT}/{method}", method="POST").respond_with_json(body, status=status)


def calls(httpserver, method: str) -> list:
    return [request for request, _ in httpserver.log if request.path == f"{BOT}/{method}"]


def test_capabilities_and_published_limits():
    assert TelegramConnector.capabilities == {
        Capability.PUBLISH_TEXT, Capability.PUBLISH_IMAGE, Capability.PUBLISH_LINK, Capability.DELETE,
        Capability.ACCOUNT_METRICS, Capability.FETCH_POSTS, Capability.FETCH_COMMENTS, Capability.REPLY,
        Capability.DIRECT_MESSAGES, Capability.WEBHOOKS}
    assert TelegramConnector.rate_limit == (20, 60)  # ~20 messages a minute per channel


# --- publishing ----------------------------------------------------------------------------------


def test_publish_text_with_a_link(httpserver):
    answer(httpserver, "sendMessage", recorded("send_message.json"))
    connector = make_connector(httpserver)
    result = connector.publish(OutboundPost(
        text="Pemkab Bogor membuka pendaftaran Bimtek Kehumasan 2026 untuk pranata humas kecamatan.",
        link="https://bogorkab.go.id/berita/bimtek-kehumasan-2026"))
    assert result.external_id == f"{CHANNEL}:1542"
    assert result.url == "https://t.me/humasbogorkab/1542"
    assert result.published_at == datetime.fromtimestamp(1763902800, tz=UTC)
    sent = calls(httpserver, "sendMessage")
    assert len(sent) == 1
    assert sent[0].get_json() == {
        "chat_id": CHANNEL,
        "text": "Pemkab Bogor membuka pendaftaran Bimtek Kehumasan 2026 untuk pranata humas kecamatan.\n\n"
                "https://bogorkab.go.id/berita/bimtek-kehumasan-2026"}


def test_publish_a_link_already_in_the_text_is_not_repeated(httpserver):
    answer(httpserver, "sendMessage", recorded("send_message.json"))
    make_connector(httpserver).publish(OutboundPost(text="Baca: https://bogorkab.go.id/a", link="https://bogorkab.go.id/a"))
    assert calls(httpserver, "sendMessage")[0].get_json()["text"] == "Baca: https://bogorkab.go.id/a"


def test_publish_photo_uploads_the_file_as_multipart(httpserver, tmp_path):
    photo = tmp_path / "jembatan.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"JFIF-bytes" * 10)
    answer(httpserver, "sendPhoto", recorded("send_photo.json"))
    result = make_connector(httpserver).publish(OutboundPost(
        text="Bupati Bogor meresmikan Jembatan Cikereteg, Senin (23/11).",
        media=(Media(kind="image", path=str(photo), mime_type="image/jpeg", size_bytes=photo.stat().st_size),)))
    assert result.external_id == f"{CHANNEL}:1543"
    request = calls(httpserver, "sendPhoto")[0]
    assert request.form["chat_id"] == CHANNEL
    assert request.form["caption"] == "Bupati Bogor meresmikan Jembatan Cikereteg, Senin (23/11)."
    assert request.files["photo"].filename == "jembatan.jpg"
    assert request.files["photo"].read() == photo.read_bytes()


def test_publish_refuses_what_telegram_cannot_take_without_calling_it(httpserver, tmp_path):
    connector = make_connector(httpserver)
    photo = tmp_path / "a.jpg"
    photo.write_bytes(b"x")
    image = Media(kind="image", path=str(photo), mime_type="image/jpeg", size_bytes=1)
    cases = [
        (OutboundPost(text=""), ErrorKind.PERMANENT, "Teks kiriman kosong."),
        (OutboundPost(text="x" * 4097), ErrorKind.PERMANENT,
         "Teks terlalu panjang untuk Telegram (paling banyak 4096 karakter)."),
        (OutboundPost(text="x" * 1025, media=(image,)), ErrorKind.PERMANENT,
         "Keterangan foto terlalu panjang untuk Telegram (paling banyak 1024 karakter)."),
        (OutboundPost(text="a", media=(image, image)), ErrorKind.PERMANENT,
         "Telegram: satu kiriman hanya dapat memuat satu foto."),
        (OutboundPost(text="a", media=(Media(kind="image", path=str(tmp_path / "hilang.jpg"),
                                             mime_type="image/jpeg", size_bytes=1),)),
         ErrorKind.PERMANENT, "Berkas foto tidak dapat dibaca."),
        (OutboundPost(text="a", media=(Media(kind="video", path=str(photo), mime_type="video/mp4", size_bytes=1),)),
         ErrorKind.NOT_SUPPORTED, None),
        (OutboundPost(text="a", first_comment="komentar"), ErrorKind.NOT_SUPPORTED, None),
    ]
    for post, kind, message in cases:
        with pytest.raises(ConnectorError) as caught:
            connector.publish(post)
        assert caught.value.kind == kind
        if message:
            assert caught.value.message == message
    assert httpserver.log == []


def test_delete(httpserver):
    answer(httpserver, "deleteMessage", recorded("delete_message.json"))
    assert make_connector(httpserver).delete(f"{CHANNEL}:1542") is None
    assert calls(httpserver, "deleteMessage")[0].get_json() == {"chat_id": CHANNEL, "message_id": 1542}


def test_delete_of_an_id_that_is_not_telegrams_is_permanent(httpserver):
    with pytest.raises(ConnectorError) as caught:
        make_connector(httpserver).delete("1542")
    assert caught.value.kind == ErrorKind.PERMANENT
    assert httpserver.log == []


def test_reply_to_a_comment_goes_to_the_discussion_group_as_a_reply(httpserver):
    sent = recorded("send_message.json")
    sent["result"]["chat"] = {"id": int(GROUP), "title": "Diskusi Humas Kabupaten Bogor", "type": "supergroup"}
    sent["result"]["message_id"] = 320
    answer(httpserver, "sendMessage", sent)
    result = make_connector(httpserver).reply(f"{GROUP}:312", "Bisa, Kak. Kantor kecamatan melayani Senin–Jumat.")
    assert result.external_id == f"{GROUP}:320"
    assert result.url == "https://t.me/c/9876543210/320"
    assert calls(httpserver, "sendMessage")[0].get_json() == {
        "chat_id": GROUP, "text": "Bisa, Kak. Kantor kecamatan melayani Senin–Jumat.",
        "reply_parameters": {"message_id": 312, "allow_sending_without_reply": True}}


def test_send_message_to_a_person_who_wrote_to_the_bot(httpserver):
    sent = recorded("send_message.json")
    sent["result"]["chat"] = {"id": 5345678901, "first_name": "Agus", "type": "private"}
    answer(httpserver, "sendMessage", sent)
    result = make_connector(httpserver).send_message("5345678901", "Terima kasih, laporan Bapak kami teruskan.")
    assert result.external_id == "5345678901:1542"
    assert result.url == ""
    assert calls(httpserver, "sendMessage")[0].get_json() == {
        "chat_id": "5345678901", "text": "Terima kasih, laporan Bapak kami teruskan."}


def test_account_metrics_counts_the_channels_members(httpserver):
    answer(httpserver, "getChatMemberCount", recorded("get_chat_member_count.json"))
    metrics = make_connector(httpserver).account_metrics()
    assert metrics.followers == 15234
    assert metrics.observed_at.tzinfo is UTC
    assert calls(httpserver, "getChatMemberCount")[0].get_json() == {"chat_id": CHANNEL}


# --- reading the update stream ----------------------------------------------------------------------


def test_get_updates_pages_with_the_offset_across_two_polls(httpserver):
    answer(httpserver, "getUpdates", recorded("get_updates_1.json"))
    connector = make_connector(httpserver)
    first = connector.fetch_posts(cursor="")
    assert first.next_cursor == "870006"
    httpserver.clear()
    answer(httpserver, "getUpdates", recorded("get_updates_2.json"))
    second = connector.fetch_posts(cursor=first.next_cursor)
    assert second.next_cursor == "870011"
    httpserver.clear()
    answer(httpserver, "getUpdates", recorded("get_updates_empty.json"))
    third = connector.fetch_posts(cursor=second.next_cursor)
    assert third.items == ()
    assert third.next_cursor == "870011"  # nothing new: the same cursor, and the ingest loop stops
    request = calls(httpserver, "getUpdates")[0].get_json()
    assert request == {"offset": 870011, "limit": 100, "timeout": 0,
                       "allowed_updates": ["channel_post", "edited_channel_post", "message", "edited_message"]}


def test_the_first_poll_sends_no_offset(httpserver):
    answer(httpserver, "getUpdates", recorded("get_updates_empty.json"))
    page = make_connector(httpserver).fetch_posts()
    assert page.items == ()
    assert page.next_cursor == ""
    assert "offset" not in calls(httpserver, "getUpdates")[0].get_json()


def test_channel_posts_comments_and_private_messages_are_mapped(httpserver):
    answer(httpserver, "getUpdates", recorded("get_updates_1.json"))
    items = make_connector(httpserver).fetch_posts().items
    for item in items:
        item_from_record(item)  # every item fits the ingest schema
    post, comment, reply, message = items  # the automatic forward into the group is not an item
    assert (post.kind, post.external_id, post.url) == (ItemKind.POST, f"{CHANNEL}:1540",
                                                      "https://t.me/humasbogorkab/1540")
    assert post.text.startswith("Jadwal pelayanan KTP-el keliling")
    assert post.created_at == datetime.fromtimestamp(1763895600, tz=UTC)
    assert post.account_external_id == CHANNEL
    assert post.source_name == "Humas Kabupaten Bogor"
    assert (comment.kind, comment.external_id) == (ItemKind.COMMENT, f"{GROUP}:312")
    assert comment.parent_external_id == f"{CHANNEL}:1540"
    assert comment.thread_external_id == f"{CHANNEL}:1540"
    assert (comment.author_external_id, comment.author_handle, comment.author_name) == (
        "5123456789", "sitirahma", "Siti Rahmawati")
    assert comment.url == "https://t.me/c/9876543210/312"
    assert comment.account_external_id == CHANNEL
    # a reply to a comment: its parent is the comment; the thread is found through the forward
    assert (reply.kind, reply.external_id) == (ItemKind.COMMENT, f"{GROUP}:313")
    assert reply.parent_external_id == f"{GROUP}:312"
    assert reply.thread_external_id == f"{CHANNEL}:1540"
    assert (message.kind, message.external_id, message.author_handle) == (ItemKind.MESSAGE, "5345678901:88", "agus_bgr")
    assert message.text.startswith("Selamat siang, jalan di Desa Pakansari")


def test_edits_photos_other_channels_and_other_update_types(httpserver):
    answer(httpserver, "getUpdates", recorded("get_updates_2.json"))
    items = make_connector(httpserver).fetch_posts(cursor="870006").items
    edited, photo, late_reply = items  # the other channel's post and my_chat_member are dropped
    assert (edited.external_id, edited.kind) == (f"{CHANNEL}:1540", ItemKind.POST)
    assert edited.extra["edited"] is True
    assert edited.text.endswith("Bawa fotokopi KK.")
    assert photo.text == "Kerja bakti bersama warga Desa Pakansari membersihkan saluran air."
    assert photo.extra["photo_file_id"] == "AgACAgUAAxkBAAIF-large"
    assert photo.media_urls == ()  # a file URL would carry the bot token
    assert late_reply.parent_external_id == f"{GROUP}:313"
    assert late_reply.thread_external_id == ""  # the forward is not in this batch
    assert late_reply.extra["discussion_thread"] == f"{GROUP}:311"


def test_an_account_known_by_username_keeps_its_own_posts_only(httpserver):
    answer(httpserver, "getUpdates", recorded("get_updates_2.json"))
    items = make_connector(httpserver, external_id="@HumasBogorKab").fetch_posts(cursor="870006").items
    assert [item.external_id for item in items] == [f"{CHANNEL}:1540", f"{CHANNEL}:1541", f"{GROUP}:314"]
    assert {item.account_external_id for item in items} == {"@HumasBogorKab"}


def test_comments_and_messages_come_with_the_posts_stream(httpserver):
    connector = make_connector(httpserver)
    assert connector.fetch_comments(f"{CHANNEL}:1540").items == ()
    assert connector.fetch_messages().items == ()
    assert httpserver.log == []


def test_get_updates_while_a_webhook_is_set_returns_nothing_and_keeps_the_cursor(httpserver):
    answer(httpserver, "getUpdates", recorded("error_409.json"), status=409)
    page = make_connector(httpserver).fetch_posts(cursor="870006")
    assert page.items == ()
    assert page.next_cursor == "870006"


# --- errors ----------------------------------------------------------------------------------------


def test_429_is_rate_limited_with_telegrams_retry_after(httpserver):
    answer(httpserver, "sendMessage", recorded("error_429.json"), status=429)
    with pytest.raises(ConnectorError) as caught:
        make_connector(httpserver).publish(OutboundPost(text="Halo"))
    assert caught.value.kind == ErrorKind.RATE_LIMITED
    assert caught.value.retry_after == 35
    assert caught.value.platform_message == "Too Many Requests: retry after 35"
    assert len(httpserver.log) == 1


def test_401_is_auth_expired_without_any_refresh(httpserver):
    refreshes = []

    def on_auth_expired():
        refreshes.append(1)
        return TokenSet(extra={"bot_token": TOKEN})

    answer(httpserver, "getChatMemberCount", recorded("error_401.json"), status=401)
    with pytest.raises(ConnectorError) as caught:
        make_connector(httpserver, on_auth_expired=on_auth_expired).account_metrics()
    assert caught.value.kind == ErrorKind.AUTH_EXPIRED
    assert caught.value.message == ("Telegram menolak token bot ini (token dicabut atau diganti). "
                                    "Masukkan token bot yang baru dari @BotFather.")
    assert refreshes == []
    assert len(httpserver.log) == 1


def test_a_missing_or_malformed_bot_token_asks_for_a_new_one(httpserver):
    for token in ("", "bukan-token", f"{TOKEN}/../getMe"):
        with pytest.raises(ConnectorError) as caught:
            make_connector(httpserver, token=token)
        assert caught.value.kind == ErrorKind.AUTH_EXPIRED
        assert "Masukkan token bot yang baru" in caught.value.message
    assert httpserver.log == []


def test_400_is_permanent_with_telegrams_description(httpserver):
    answer(httpserver, "sendMessage", recorded("error_400.json"), status=400)
    with pytest.raises(ConnectorError) as caught:
        make_connector(httpserver).reply(f"{GROUP}:312", "Halo")
    assert caught.value.kind == ErrorKind.PERMANENT
    assert caught.value.message == "Bad Request: message text is empty"
    assert caught.value.platform_message == "Bad Request: message text is empty"
    assert caught.value.status == 400


def test_403_bot_not_admin_is_permanent_in_plain_words(httpserver):
    answer(httpserver, "sendMessage", recorded("error_403.json"), status=403)
    with pytest.raises(ConnectorError) as caught:
        make_connector(httpserver).publish(OutboundPost(text="Halo"))
    assert caught.value.kind == ErrorKind.PERMANENT
    assert caught.value.message == ("Bot tidak punya izin di kanal ini. Jadikan bot admin kanal dengan "
                                    "izin mengirim pesan, lalu coba lagi.")
    assert caught.value.platform_message == "Forbidden: bot is not a member of the channel chat"


@pytest.mark.parametrize(("status", "body", "content_type"), [
    (500, json.dumps(recorded("error_500.json")), "application/json"),
    (502, (RECORDED / "error_502.html").read_text(), "text/html"),
])
def test_5xx_is_transient(httpserver, status, body, content_type):
    error = failure_of(httpserver, f"{BOT}/getUpdates", lambda: make_connector(httpserver).fetch_posts(cursor="870006"),
                       data=body, status=status, content_type=content_type)
    assert (error.kind, error.status) == (ErrorKind.TRANSIENT, status)


def test_malformed_json_is_transient(httpserver):
    malformed_json_error(httpserver, f"{BOT}/sendMessage",
                         lambda: make_connector(httpserver).publish(OutboundPost(text="Halo")),
                         body='{"ok": true, "result": {')


def test_an_answer_without_ok_is_transient(httpserver):
    answer(httpserver, "getChatMemberCount", {"result": 5})
    with pytest.raises(ConnectorError) as caught:
        make_connector(httpserver).account_metrics()
    assert caught.value.kind == ErrorKind.TRANSIENT


def test_timeout_is_transient(httpserver):
    timeout_error(httpserver, f"{BOT}/getUpdates", make_connector(httpserver, timeout_s=0.3).fetch_posts,
                  body=json.dumps(recorded("get_updates_empty.json")))


def test_the_bot_token_never_shows_in_errors_reprs_or_logs(httpserver, caplog):
    # Settings keep httpx at WARNING; the filter must hold even when someone turns it up.
    for name in ("httpx", "httpcore", ""):
        caplog.set_level(logging.DEBUG, logger=name)
    connector = make_connector(httpserver)
    answer(httpserver, "sendMessage", recorded("error_400.json"), status=400)
    errors = []
    for call in (lambda: connector.publish(OutboundPost(text="Halo")),
                 lambda: make_connector(httpserver, timeout_s=0.3, token=TOKEN).client.call("getMe")):
        with pytest.raises(ConnectorError) as caught:
            call()
        errors.append(caught.value)
    unreachable = replace(make_context(httpserver), app=AppConfig(platform="telegram", base_url="http://127.0.0.1:9"))
    with pytest.raises(ConnectorError) as caught:
        TelegramConnector(unreachable).account_metrics()
    errors.append(caught.value)
    secret = TOKEN.split(":")[1]
    for error in errors:
        assert secret not in str(error)
        assert secret not in repr(error)
        assert secret not in error.platform_message
    assert secret not in repr(connector)
    assert secret not in repr(connector.client)
    assert secret not in repr(connector.context)
    ours = [record.getMessage() for record in caplog.records if record.name != "werkzeug"]  # not the fake server
    assert any("HTTP Request" in line for line in ours)  # httpx did log the requests…
    assert not [line for line in ours if secret in line]  # …with the token masked


# --- the rate limiter and the webhook helpers ------------------------------------------------------


def test_the_local_rate_limiter_is_asked_before_each_call(httpserver):
    class Limiter:
        def __init__(self):
            self.calls = []

        def acquire(self, key, *, limit, window_s):
            self.calls.append((key, limit, window_s))
            if len(self.calls) > 1:
                raise ConnectorError(ErrorKind.RATE_LIMITED, "local", retry_after=12)

    limiter = Limiter()
    answer(httpserver, "sendMessage", recorded("send_message.json"))
    connector = make_connector(httpserver, limiter=limiter)
    connector.publish(OutboundPost(text="Satu"))
    with pytest.raises(ConnectorError) as caught:
        connector.publish(OutboundPost(text="Dua"))
    assert caught.value.kind == ErrorKind.RATE_LIMITED
    assert limiter.calls == [("telegram:acc-tg-1", 20, 60)] * 2
    assert len(calls(httpserver, "sendMessage")) == 1


def test_set_webhook_sends_the_secret_token(httpserver):
    answer(httpserver, "setWebhook", recorded("set_webhook.json"))
    context = make_context(httpserver)
    assert set_webhook(context, "https://warta.bogorkab.go.id/webhooks/telegram/abc/", "s3cr3t_Token-1") is True
    assert calls(httpserver, "setWebhook")[0].get_json() == {
        "url": "https://warta.bogorkab.go.id/webhooks/telegram/abc/", "secret_token": "s3cr3t_Token-1",
        "allowed_updates": ["channel_post", "edited_channel_post", "message", "edited_message"]}


def test_set_webhook_refuses_a_bad_secret_or_a_plain_http_url(httpserver):
    context = make_context(httpserver)
    for url, secret in (("https://warta.example/wh/", ""), ("https://warta.example/wh/", "ada spasi"),
                        ("https://warta.example/wh/", "x" * 257), ("http://warta.example/wh/", "rahasia")):
        with pytest.raises(ConnectorError) as caught:
            set_webhook(context, url, secret)
        assert caught.value.kind == ErrorKind.PERMANENT
    assert httpserver.log == []


def test_delete_webhook_and_chat_info(httpserver):
    answer(httpserver, "deleteWebhook", recorded("delete_webhook.json"))
    answer(httpserver, "getChat", recorded("get_chat.json"))
    context = make_context(httpserver, external_id="@humasbogorkab")
    assert delete_webhook(context) is True
    assert calls(httpserver, "deleteWebhook")[0].get_json() == {"drop_pending_updates": False}
    chat = chat_info(context)
    assert (chat["id"], chat["linked_chat_id"]) == (-1001234567890, -1009876543210)
    assert calls(httpserver, "getChat")[0].get_json() == {"chat_id": "@humasbogorkab"}
