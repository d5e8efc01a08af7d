"""Contract tests of the sandbox connector and its OAuth provider, against answers recorded
from the sandbox platform's own API (tests/connectors/recorded/sandbox/), and one end-to-end
run against the real sandbox views through Django's live server."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.connectors.support import (
    bearer,
    expect_refresh_and_retry,
    failure_of,
    local_context,
    malformed_json_error,
    recorded_for,
    timeout_error,
)
from warta.channels.connectors import capabilities, connector_class, oauth_provider
from warta.channels.connectors.base import (
    AccountRef,
    AppConfig,
    Capability,
    ConnectorContext,
    ItemKind,
    Media,
    OutboundPost,
    TokenSet,
)
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.sandbox.connector import SandboxConnector
from warta.channels.connectors.sandbox.oauth import SandboxOAuth

recorded = recorded_for("sandbox", suffix=".json")
ACCOUNT_ID = "1"


def app_config(base_url: str) -> AppConfig:
    return AppConfig(platform="sandbox", client_id="warta-local", client_secret="rahasia-klien", base_url=base_url)


def make(httpserver, *, on_auth_expired=None, timeout_s: float = 5.0) -> SandboxConnector:
    return SandboxConnector(local_context(app_config(httpserver.url_for("")), ACCOUNT_ID, handle="@humasbogorkab",
                                          key="akun-1", on_auth_expired=on_auth_expired, timeout_s=timeout_s))


def test_the_registry_finds_the_sandbox_classes():
    assert connector_class("sandbox") is SandboxConnector
    assert isinstance(oauth_provider("sandbox"), SandboxOAuth)
    assert Capability.PUBLISH_VIDEO not in capabilities("sandbox")
    assert {Capability.SEARCH, Capability.DIRECT_MESSAGES, Capability.HIDE_COMMENT} <= capabilities("sandbox")


# --- publishing ----------------------------------------------------------------------------------


def test_publish_text_with_first_comment(httpserver):
    # Given the sandbox accepts the post and its first comment
    httpserver.expect_request("/posts", method="POST", headers=bearer(), json={
        "text": "Layanan KTP keliling hadir di Cibinong hari ini.", "link": "", "idempotency_key": "pub-42"},
    ).respond_with_json(recorded("post_created"), status=201)
    httpserver.expect_request("/posts/4/comments", method="POST", json={
        "text": "Informasi lengkap di laman Disdukcapil."}).respond_with_json(recorded("comment_created"), status=201)
    # When it is published
    result = make(httpserver).publish(OutboundPost(text="Layanan KTP keliling hadir di Cibinong hari ini.",
                                                   first_comment="Informasi lengkap di laman Disdukcapil.",
                                                   idempotency_key="pub-42"))
    # Then both went out and the result names them
    httpserver.check_assertions()
    assert (result.external_id, result.first_comment_id) == ("4", "5")
    assert result.url == "http://testserver/sandbox/?kiriman=4"
    assert result.published_at.tzinfo is not None


def test_publish_with_image_sends_multipart(httpserver, tmp_path):
    image = tmp_path / "poster.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n bytes")
    httpserver.expect_request("/posts", method="POST", headers=bearer()).respond_with_json(
        recorded("post_created"), status=201)
    make(httpserver).publish(OutboundPost(text="Poster", media=(Media(kind="image", path=str(image),
                                                                      mime_type="image/png", size_bytes=16),)))
    request = httpserver.log[0][0]
    assert request.content_type.startswith("multipart/form-data")
    assert request.files["image"].read() == b"\x89PNG\r\n\x1a\n bytes"
    assert request.form["text"] == "Poster"


def test_video_is_refused_before_any_request(httpserver):
    with pytest.raises(ConnectorError) as caught:
        make(httpserver).publish(OutboundPost(text="x", media=(Media(kind="video", path="/tmp/v.mp4",
                                                                     mime_type="video/mp4", size_bytes=1),)))
    assert caught.value.kind == ErrorKind.PERMANENT
    assert len(httpserver.log) == 0


def test_reply_hide_delete_and_message(httpserver):
    httpserver.expect_request("/comments/6/reply", method="POST", json={"text": "Pukul 08.00 WIB, Bu."}).respond_with_json(
        recorded("reply_created"), status=201)
    httpserver.expect_request("/comments/6/hide", method="POST", json={"hidden": True}).respond_with_json(recorded("hide"))
    httpserver.expect_request("/posts/4", method="DELETE").respond_with_json(recorded("deleted"))
    httpserver.expect_request("/messages", method="POST", json={"to": "3", "text": "Silakan datang ke kantor desa."}
                              ).respond_with_json(recorded("message_sent"), status=201)
    connector = make(httpserver)
    assert connector.reply("6", "Pukul 08.00 WIB, Bu.").external_id == "7"
    connector.hide_comment("6")
    connector.delete("4")
    assert connector.send_message("3", "Silakan datang ke kantor desa.").external_id.startswith("dm:")
    httpserver.check_assertions()


# --- reading ---------------------------------------------------------------------------------------


def test_mentions_page_through_next_cursor(httpserver):
    first, second = recorded("mentions_page1"), recorded("mentions_page2")
    httpserver.expect_ordered_request(f"/accounts/{ACCOUNT_ID}/mentions", query_string={"limit": "100"}
                                      ).respond_with_json(first)
    httpserver.expect_ordered_request(f"/accounts/{ACCOUNT_ID}/mentions",
                                      query_string={"limit": "100", "cursor": first["next_cursor"]}
                                      ).respond_with_json(second)
    connector = make(httpserver)
    page = connector.fetch_mentions()
    assert page.next_cursor == first["next_cursor"]
    last = connector.fetch_mentions(cursor=page.next_cursor)
    assert last.next_cursor == ""
    items = page.items + last.items
    assert [i.text for i in items] == [f"Jalan rusak di Cibinong nomor {n} @humasbogorkab" for n in (2, 1, 0)]
    item = items[0]
    assert (item.platform, item.kind, item.external_id, item.author_handle) == ("sandbox", ItemKind.MENTION, "3", "asep")
    assert item.account_external_id == ACCOUNT_ID
    assert item.created_at == datetime(2026, 3, 2, 3, 2, tzinfo=UTC)
    assert item.metrics == {"likes": 0, "shares": 0, "comments": 0, "views": 0}


def test_since_travels_as_iso_utc(httpserver):
    httpserver.expect_request("/search", query_string={"q": "jalan rusak", "limit": "100",
                                                       "since": "2026-03-02T00:00:00+00:00"}
                              ).respond_with_json(recorded("search"))
    page = make(httpserver).search("jalan rusak", since=datetime(2026, 3, 2, tzinfo=UTC))
    assert [i.kind for i in page.items] == [ItemKind.SEARCH_RESULT, ItemKind.SEARCH_RESULT]
    assert page.next_cursor != ""


def test_comments_posts_messages_and_metrics(httpserver):
    httpserver.expect_request("/posts/4/comments").respond_with_json(recorded("comments"))
    httpserver.expect_request(f"/accounts/{ACCOUNT_ID}/posts").respond_with_json(recorded("account_posts"))
    httpserver.expect_request("/messages").respond_with_json(recorded("messages"))
    httpserver.expect_request("/posts/4/metrics").respond_with_json(recorded("post_metrics"))
    httpserver.expect_request(f"/accounts/{ACCOUNT_ID}/metrics").respond_with_json(recorded("account_metrics"))
    connector = make(httpserver)
    comments = connector.fetch_comments("4").items
    assert {c.kind for c in comments} == {ItemKind.COMMENT}
    assert all(c.thread_external_id == "4" for c in comments)
    assert connector.fetch_posts().items[0].kind == ItemKind.POST
    messages = connector.fetch_messages().items
    assert messages[0].external_id.startswith("dm:")
    assert messages[0].extra["direction"] == "incoming"
    metrics = connector.post_metrics(("4",))
    assert metrics[0].values["comments"] == recorded("post_metrics")["metrics"]["comments"]
    assert connector.account_metrics().posts == recorded("account_metrics")["posts_count"]


# --- failures ----------------------------------------------------------------------------------------


def test_validation_error_is_permanent_with_the_platforms_words(httpserver):
    error = failure_of(httpserver, "/posts", lambda: make(httpserver).publish(OutboundPost(text="")), method="POST",
                       json_body=recorded("error_validation"), status=400)
    assert error.kind == ErrorKind.PERMANENT
    assert (error.code, error.platform_message) == ("invalid_text", "Teks tidak boleh kosong.")


def test_expired_token_is_refreshed_and_the_call_retried(httpserver):
    refreshed = expect_refresh_and_retry(httpserver, f"/accounts/{ACCOUNT_ID}/metrics", recorded("error_token_expired"),
                                         recorded("account_metrics"),
                                         tokens=TokenSet(access_token="new-token", refresh_token="r2"))

    metrics = make(httpserver, on_auth_expired=refreshed).account_metrics()
    assert refreshed.calls == [1]
    assert [entry[0].headers["Authorization"] for entry in httpserver.log] == ["Bearer old-token", "Bearer new-token"]
    assert metrics.followers == recorded("account_metrics")["followers_count"]
    httpserver.check_assertions()


def test_expired_token_without_refresh_is_auth_expired(httpserver):
    httpserver.expect_request("/messages").respond_with_json(recorded("error_token_expired"), status=401)
    with pytest.raises(ConnectorError) as caught:
        make(httpserver).fetch_messages()
    assert (caught.value.kind, caught.value.code) == (ErrorKind.AUTH_EXPIRED, "token_expired")


def test_429_carries_retry_after(httpserver):
    error = failure_of(httpserver, f"/accounts/{ACCOUNT_ID}/mentions", make(httpserver).fetch_mentions,
                       json_body=recorded("error_rate_limited"), status=429, headers={"Retry-After": "900"})
    assert (error.kind, error.retry_after) == (ErrorKind.RATE_LIMITED, 900.0)


def test_5xx_is_transient(httpserver):
    error = failure_of(httpserver, "/search", lambda: make(httpserver).search("banjir"),
                       data="Internal Server Error", status=500)
    assert (error.kind, error.status) == (ErrorKind.TRANSIENT, 500)


def test_malformed_json_is_transient(httpserver):
    malformed_json_error(httpserver, "/posts/4/comments", lambda: make(httpserver).fetch_comments("4"),
                         body="<html>proxy")


def test_a_body_without_data_list_is_transient(httpserver):
    error = failure_of(httpserver, "/search", lambda: make(httpserver).search("banjir"), json_body={"hasil": []})
    assert error.kind == ErrorKind.TRANSIENT


def test_timeout_is_transient(httpserver):
    timeout_error(httpserver, f"/accounts/{ACCOUNT_ID}/metrics", make(httpserver, timeout_s=0.2).account_metrics)


# --- OAuth ---------------------------------------------------------------------------------------------


def test_authorization_url_carries_pkce_and_state(httpserver):
    url = SandboxOAuth().authorization_url(app_config(httpserver.url_for("/sandbox/api")), redirect_uri="http://w/cb",
                                           state="st", code_challenge="c" * 43)
    parts = urlsplit(url)
    assert parts.path == "/sandbox/oauth/authorize"
    assert parse_qs(parts.query) == {"response_type": ["code"], "client_id": ["warta-local"],
                                     "redirect_uri": ["http://w/cb"], "state": ["st"], "code_challenge": ["c" * 43],
                                     "code_challenge_method": ["S256"], "scope": ["publish read messages metrics"]}


def test_exchange_code_and_refresh(httpserver):
    httpserver.expect_request("/sandbox/oauth/token", method="POST", data=None).respond_with_json(recorded("oauth_token"))
    app = app_config(httpserver.url_for("/sandbox/api"))
    tokens = SandboxOAuth().exchange_code(app, code="kode", redirect_uri="http://w/cb", code_verifier="v" * 43)
    assert tokens.access_token == "sbxa_recorded-access-token"
    assert tokens.scopes == ("publish", "read")
    assert tokens.extra == {"account_id": "1"}
    assert tokens.expires_at > datetime.now(UTC) + timedelta(minutes=100)
    form = parse_qs(httpserver.log[-1][0].get_data(as_text=True))
    assert form["code_verifier"] == ["v" * 43]
    assert form["grant_type"] == ["authorization_code"]


def test_a_reused_code_is_auth_expired(httpserver):
    httpserver.expect_request("/sandbox/oauth/token").respond_with_json(recorded("oauth_invalid_grant"), status=400)
    with pytest.raises(ConnectorError) as caught:
        SandboxOAuth().refresh(app_config(httpserver.url_for("/sandbox/api")), TokenSet(refresh_token="r"))
    assert caught.value.kind == ErrorKind.AUTH_EXPIRED
    assert caught.value.platform_message == "Kode otorisasi sudah pernah dipakai."


def test_discover_accounts_reads_me(httpserver):
    httpserver.expect_request("/sandbox/api/me", headers=bearer("t")).respond_with_json(recorded("me"))
    found = SandboxOAuth().discover_accounts(app_config(httpserver.url_for("/sandbox/api")),
                                             TokenSet(access_token="t"))
    assert [(a.external_id, a.handle) for a in found] == [("1", "@humasbogorkab")]


# --- end to end against the real sandbox ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_end_to_end_against_the_live_sandbox(live_server):
    from warta.sandbox.models import AccountKind, Post
    from warta.sandbox.services import account_create, post_create, token_issue

    humas = account_create(handle="humasbogorkab", display_name="Humas", kind=AccountKind.OFFICIAL)
    asep = account_create(handle="asep", display_name="Asep")
    for i in range(5):
        post_create(author=asep, text=f"Banjir di Citeureup ke-{i} @humasbogorkab")
    tokens = token_issue(account=humas)
    context = ConnectorContext(
        account=AccountRef(platform="sandbox", external_id=str(humas.pk), handle="@humasbogorkab"),
        app=AppConfig(platform="sandbox", base_url=f"{live_server.url}/sandbox/api"),
        tokens=TokenSet(access_token=tokens["access_token"]))
    connector = SandboxConnector(context)
    connector.page_size = 2
    result = connector.publish(OutboundPost(text="Posko banjir dibuka di kantor kecamatan.", first_comment="Hubungi 112."))
    mentions, cursor = [], ""
    while True:
        page = connector.fetch_mentions(cursor=cursor)
        mentions += page.items
        cursor = page.next_cursor
        if not cursor:
            break
    assert len(mentions) == 5
    comment = post_create(author=asep, text="Terima kasih infonya", parent=Post.objects.get(pk=result.external_id))
    reply = connector.reply(str(comment.pk), "Sama-sama, Pak.")
    connector.hide_comment(str(comment.pk))
    first = connector.fetch_comments(result.external_id)
    comments = first.items + connector.fetch_comments(result.external_id, cursor=first.next_cursor).items
    assert {c.external_id for c in comments} == {result.first_comment_id, str(comment.pk), reply.external_id}
    assert [i.text for i in connector.search("banjir citeureup").items][:1] == ["Banjir di Citeureup ke-4 @humasbogorkab"]
    assert connector.post_metrics((result.external_id,))[0].values["comments"] == 3
    assert connector.account_metrics().posts == 1
    connector.delete(result.external_id)
    assert Post.objects.get(pk=result.external_id).deleted is True
