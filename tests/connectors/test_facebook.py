"""Contract tests of the Facebook Pages connector and MetaOAuth against a local Graph server.

The answers are recorded from Meta's documentation (tests/connectors/recorded/facebook/).
"""

import hashlib
import hmac
import json
import random
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug import Response

from tests.connectors.support import (
    expect_refresh_and_retry,
    failure_of,
    json_handler,
    local_app,
    local_context,
    malformed_json_error,
    recorded_for,
    requests_to,
    timeout_error,
)
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
from warta.channels.connectors.facebook.connector import FacebookConnector
from warta.channels.connectors.facebook.oauth import MetaOAuth
from warta.channels.connectors.graph import DEFAULT_RETRY_AFTER_S, next_cursor
from warta.ingest.services import item_from_record

recorded = recorded_for("facebook")
PAGE_ID = "104857362910"
POST_ID = "104857362910_20194857361"
V = "/v21.0"


def app_config(httpserver, *, secret: str = "", extra=None) -> AppConfig:
    return local_app(httpserver, "facebook", client_id="1234567890", client_secret=secret, api_version="v21.0",
                     extra=extra or {})


def make_connector(httpserver, *, token="page-token", secret="", on_auth_expired=None, limiter=None,
                   timeout_s=5.0) -> FacebookConnector:
    return FacebookConnector(local_context(
        app_config(httpserver, secret=secret), PAGE_ID, handle="diskominfobogorkab", key="acc-fb-1",
        tokens=TokenSet(access_token=token), rate_limiter=limiter, on_auth_expired=on_auth_expired,
        timeout_s=timeout_s))


# --- publishing ------------------------------------------------------------------------------


def test_publish_text_with_link_and_first_comment(httpserver):
    # Given a Page and Graph answering the feed and the comment edges
    httpserver.expect_request(f"{V}/{PAGE_ID}/feed", method="POST").respond_with_json(recorded("publish_feed.json"))
    httpserver.expect_request(f"{V}/{POST_ID}/comments", method="POST").respond_with_json(
        recorded("comment_created.json"))
    connector = make_connector(httpserver)

    # When a text post with a link and a first comment is published
    result = connector.publish(OutboundPost(text="Jadwal pelayanan KTP", link="https://bogorkab.go.id/ktp",
                                            first_comment="Info lengkap di tautan."))

    # Then the post id, its URL and the first comment id come back
    assert result.external_id == POST_ID
    assert result.url == f"https://www.facebook.com/{POST_ID}"
    assert result.status == "published"
    assert result.first_comment_id == "104857362910_20194857361_50001"
    feed = requests_to(httpserver, f"{V}/{PAGE_ID}/feed")[0]
    assert feed.form.to_dict() == {"message": "Jadwal pelayanan KTP", "link": "https://bogorkab.go.id/ktp"}
    assert feed.headers["Authorization"] == "Bearer page-token"
    assert "access_token" not in feed.args  # the token never travels in the URL
    comment = requests_to(httpserver, f"{V}/{POST_ID}/comments")[0]
    assert comment.form.to_dict() == {"message": "Info lengkap di tautan."}


def test_publish_single_image_by_public_url_uses_the_post_id(httpserver):
    httpserver.expect_request(f"{V}/{PAGE_ID}/photos", method="POST").respond_with_json(recorded("publish_photo.json"))
    connector = make_connector(httpserver)
    image = Media(kind="image", path="/nowhere/ktp.jpg", mime_type="image/jpeg", size_bytes=1000,
                  public_url="https://warta.example/kanal/media/tok/", alt_text="Jadwal KTP")

    result = connector.publish(OutboundPost(text="Jadwal KTP", link="https://bogorkab.go.id/ktp", media=(image,)))

    assert result.external_id == "104857362910_20194857362"
    request = requests_to(httpserver, f"{V}/{PAGE_ID}/photos")[0]
    assert request.form.to_dict() == {"caption": "Jadwal KTP\n\nhttps://bogorkab.go.id/ktp", "url": "https://warta.example/kanal/media/tok/",
                                      "alt_text_custom": "Jadwal KTP"}


def test_publish_single_image_uploads_the_file_when_there_is_no_public_url(httpserver, tmp_path):
    photo = tmp_path / "ktp.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 jpeg bytes")
    httpserver.expect_request(f"{V}/{PAGE_ID}/photos", method="POST").respond_with_json(recorded("publish_photo.json"))
    connector = make_connector(httpserver)

    result = connector.publish(OutboundPost(text="Jadwal KTP", media=(
        Media(kind="image", path=str(photo), mime_type="image/jpeg", size_bytes=20),)))

    assert result.external_id == "104857362910_20194857362"
    request = requests_to(httpserver, f"{V}/{PAGE_ID}/photos")[0]
    assert request.files["source"].read() == b"\xff\xd8\xff\xe0 jpeg bytes"
    assert request.form["caption"] == "Jadwal KTP"


def test_publish_several_images_attaches_unpublished_photos_to_one_post(httpserver):
    httpserver.expect_request(f"{V}/{PAGE_ID}/photos", method="POST").respond_with_json(
        recorded("publish_photo_unpublished.json"))
    httpserver.expect_request(f"{V}/{PAGE_ID}/feed", method="POST").respond_with_json(recorded("publish_feed.json"))
    connector = make_connector(httpserver)
    images = tuple(Media(kind="image", path=f"/x/{i}.jpg", mime_type="image/jpeg", size_bytes=1,
                         public_url=f"https://warta.example/kanal/media/{i}/") for i in range(2))

    result = connector.publish(OutboundPost(text="Galeri kegiatan", media=images))

    assert result.external_id == POST_ID
    photos = requests_to(httpserver, f"{V}/{PAGE_ID}/photos")
    assert [p.form["published"] for p in photos] == ["false", "false"]
    feed = requests_to(httpserver, f"{V}/{PAGE_ID}/feed")[0].form.to_dict()
    assert feed == {"message": "Galeri kegiatan", "attached_media[0]": '{"media_fbid":"30194857363"}',
                    "attached_media[1]": '{"media_fbid":"30194857363"}'}


def test_publish_video_is_processing_and_its_status_can_be_read(httpserver):
    httpserver.expect_request(f"{V}/{PAGE_ID}/videos", method="POST").respond_with_json(recorded("publish_video.json"))
    httpserver.expect_request(f"{V}/40194857364", method="GET").respond_with_json(recorded("video_status.json"))
    connector = make_connector(httpserver)
    video = Media(kind="video", path="/x/rapat.mp4", mime_type="video/mp4", size_bytes=1,
                  public_url="https://warta.example/kanal/media/v/")

    result = connector.publish(OutboundPost(text="Rapat koordinasi", title="Rakor", media=(video,)))

    assert (result.external_id, result.status) == ("40194857364", "processing")
    form = requests_to(httpserver, f"{V}/{PAGE_ID}/videos")[0].form.to_dict()
    assert form == {"description": "Rapat koordinasi", "title": "Rakor", "file_url": "https://warta.example/kanal/media/v/"}
    assert connector.video_status("40194857364") == "processing"


def test_a_failed_first_comment_never_fails_the_published_post(httpserver):
    httpserver.expect_request(f"{V}/{PAGE_ID}/feed", method="POST").respond_with_json(recorded("publish_feed.json"))
    httpserver.expect_request(f"{V}/{POST_ID}/comments", method="POST").respond_with_json(
        recorded("error_validation.json"), status=400)
    connector = make_connector(httpserver)

    result = connector.publish(OutboundPost(text="Halo", first_comment="x" * 10))

    assert result.external_id == POST_ID
    assert result.first_comment_id == ""
    assert result.notice == "first comment failed: Teks kiriman terlalu panjang."


def test_publish_without_text_link_or_media_is_refused_before_any_request(httpserver):
    connector = make_connector(httpserver)

    with pytest.raises(ConnectorError) as caught:
        connector.publish(OutboundPost(text=""))

    assert caught.value.kind == ErrorKind.PERMANENT
    assert httpserver.log == []


def test_delete_and_capabilities(httpserver):
    httpserver.expect_request(f"{V}/{POST_ID}", method="DELETE").respond_with_json(recorded("success.json"))
    connector = make_connector(httpserver)

    connector.delete(POST_ID)

    assert len(requests_to(httpserver, f"{V}/{POST_ID}")) == 1
    assert Capability.DELETE in FacebookConnector.capabilities
    assert Capability.SEARCH not in FacebookConnector.capabilities


# --- reading ---------------------------------------------------------------------------------


def test_fetch_posts_follows_the_after_cursor_to_the_last_page(httpserver):
    # Given a Page feed of two pages
    handler = json_handler(recorded("posts_page1.json"), recorded("posts_page2.json"))
    httpserver.expect_request(f"{V}/{PAGE_ID}/posts", method="GET").respond_with_handler(handler)
    connector = make_connector(httpserver)
    since = datetime(2026, 11, 1, tzinfo=UTC)

    # When both pages are read
    first = connector.fetch_posts(since=since)
    second = connector.fetch_posts(cursor=first.next_cursor, since=since)

    # Then the cursor is Graph's "after" and the last page has none
    assert first.next_cursor == "QVFIUjZAfc0pTMk5n"
    assert second.next_cursor == ""
    assert [c.args.get("after") for c in handler.calls] == [None, "QVFIUjZAfc0pTMk5n"]
    assert handler.calls[0].args["since"] == str(int(since.timestamp()))
    post = first.items[0]
    assert (post.external_id, post.kind, post.account_external_id) == (POST_ID, ItemKind.POST, PAGE_ID)
    assert post.created_at == datetime(2026, 11, 20, 2, 15, tzinfo=UTC)
    assert dict(post.metrics) == {"likes": 140, "comments": 8, "shares": 12}
    assert post.media_urls == ("https://scontent.xx.fbcdn.net/v/t39.30808-6/jadwal.jpg",)
    assert [i.external_id for i in second.items] == ["104857362910_20194857359"]
    for item in first.items + second.items:
        item_from_record(item)  # every item fits the ingest schema


def test_fetch_comments_reads_the_stream_with_replies_over_two_pages(httpserver):
    handler = json_handler(recorded("comments_page1.json"), recorded("comments_page2.json"))
    httpserver.expect_request(f"{V}/{POST_ID}/comments", method="GET").respond_with_handler(handler)
    connector = make_connector(httpserver)

    first = connector.fetch_comments(POST_ID)
    second = connector.fetch_comments(POST_ID, cursor=first.next_cursor)

    assert handler.calls[0].args["filter"] == "stream"
    assert handler.calls[1].args["after"] == "WTI5dGJXVnVkRjlqZ"
    question, answer = first.items
    assert (question.kind, question.author_name, question.parent_external_id) == (ItemKind.COMMENT, "Siti Rahma", POST_ID)
    assert dict(question.metrics) == {"likes": 2, "replies": 1}
    assert answer.parent_external_id == "20194857361_50001"
    assert answer.thread_external_id == POST_ID
    assert [c.text for c in second.items] == ["Pelayanannya lambat sekali"]
    assert second.next_cursor == ""


def test_post_metrics_maps_insights_and_counts(httpserver):
    httpserver.expect_request(f"{V}/", method="GET").respond_with_json(recorded("post_metrics.json"))
    connector = make_connector(httpserver)

    metrics = connector.post_metrics((POST_ID, "104857362910_20194857360"))

    request = requests_to(httpserver, f"{V}/")[0]
    assert request.args["ids"] == f"{POST_ID},104857362910_20194857360"
    assert "insights.metric(post_impressions,post_impressions_unique,post_clicks)" in request.args["fields"]
    assert [dict(m.values) for m in metrics] == [
        {"impressions": 5120, "reach": 3900, "clicks": 310, "likes": 140, "comments": 8, "shares": 12},
        {"impressions": 900, "reach": 700, "clicks": 12, "likes": 56, "comments": 3, "shares": 0},
    ]


def test_account_metrics_reads_followers(httpserver):
    httpserver.expect_request(f"{V}/{PAGE_ID}", method="GET").respond_with_json(recorded("page_fields.json"))

    metrics = make_connector(httpserver).account_metrics()

    assert metrics.followers == 15230
    assert dict(metrics.values) == {"fan_count": 14980}


def test_reply_and_hide_comment(httpserver):
    httpserver.expect_request(f"{V}/20194857361_50001/comments", method="POST").respond_with_json(
        recorded("comment_created.json"))
    httpserver.expect_request(f"{V}/20194857361_50003", method="POST").respond_with_json(recorded("success.json"))
    connector = make_connector(httpserver)

    reply = connector.reply("20194857361_50001", "Bisa, Kak.")
    connector.hide_comment("20194857361_50003")
    connector.hide_comment("20194857361_50003", hidden=False)

    assert reply.external_id == "104857362910_20194857361_50001"
    hides = requests_to(httpserver, f"{V}/20194857361_50003")
    assert [h.form["is_hidden"] for h in hides] == ["true", "false"]


# --- errors ----------------------------------------------------------------------------------


def test_validation_error_is_permanent_with_the_platform_message(httpserver):
    httpserver.expect_request(f"{V}/{PAGE_ID}/feed", method="POST").respond_with_json(
        recorded("error_validation.json"), status=400)

    with pytest.raises(ConnectorError) as caught:
        make_connector(httpserver).publish(OutboundPost(text="x"))

    assert caught.value.kind == ErrorKind.PERMANENT
    assert caught.value.platform_message == "Teks kiriman terlalu panjang."
    assert (caught.value.status, caught.value.code) == (400, "100/1349125")


def test_expired_token_is_refreshed_once_and_the_request_retried(httpserver):
    # Given Graph refusing the old Page token (code 190) and accepting the new one
    refreshed = expect_refresh_and_retry(httpserver, f"{V}/{PAGE_ID}", recorded("error_expired.json"),
                                         recorded("page_fields.json"), status=400)
    connector = make_connector(httpserver, token="old-token", secret="app-secret", on_auth_expired=refreshed)

    # When the account metrics are read
    metrics = connector.account_metrics()

    # Then the token was refreshed once, and the retry carried the new token and its proof
    assert metrics.followers == 15230
    assert refreshed.calls == [1]
    first, second = requests_to(httpserver, f"{V}/{PAGE_ID}")
    assert first.args["appsecret_proof"] == hmac.new(b"app-secret", b"old-token", hashlib.sha256).hexdigest()
    assert second.args["appsecret_proof"] == hmac.new(b"app-secret", b"new-token", hashlib.sha256).hexdigest()


def test_expired_token_without_a_refresher_is_auth_expired(httpserver):
    httpserver.expect_request(f"{V}/{PAGE_ID}").respond_with_json(recorded("error_expired.json"), status=400)

    with pytest.raises(ConnectorError) as caught:
        make_connector(httpserver).account_metrics()

    assert caught.value.kind == ErrorKind.AUTH_EXPIRED
    assert caught.value.code == "190/463"


def test_http_429_is_rate_limited_with_the_business_use_case_estimate(httpserver):
    usage = {PAGE_ID: [{"type": "pages", "call_count": 100, "total_cputime": 20, "total_time": 30,
                        "estimated_time_to_regain_access": 7}]}
    httpserver.expect_request(f"{V}/{PAGE_ID}").respond_with_json(
        recorded("error_rate_limit.json"), status=429, headers={"X-Business-Use-Case-Usage": json.dumps(usage)})

    with pytest.raises(ConnectorError) as caught:
        make_connector(httpserver).account_metrics()

    assert caught.value.kind == ErrorKind.RATE_LIMITED
    assert caught.value.retry_after == 420.0


def test_code_4_is_rate_limited_even_with_status_400(httpserver):
    httpserver.expect_request(f"{V}/{PAGE_ID}").respond_with_json(
        recorded("error_app_rate_limit.json"), status=400,
        headers={"X-App-Usage": json.dumps({"call_count": 100, "total_cputime": 12, "total_time": 40})})

    with pytest.raises(ConnectorError) as caught:
        make_connector(httpserver).account_metrics()

    assert caught.value.kind == ErrorKind.RATE_LIMITED
    assert caught.value.retry_after == DEFAULT_RETRY_AFTER_S
    assert caught.value.platform_message == "(#4) Application request limit reached"


def test_retry_after_header_is_honoured(httpserver):
    httpserver.expect_request(f"{V}/{PAGE_ID}").respond_with_json(
        recorded("error_rate_limit.json"), status=429, headers={"Retry-After": "90"})

    with pytest.raises(ConnectorError) as caught:
        make_connector(httpserver).account_metrics()

    assert caught.value.retry_after == 90.0


@pytest.mark.parametrize(("status", "body"), [
    (500, json.dumps(recorded("error_transient.json"))),
    (502, "<html><body>Bad Gateway</body></html>"),
    (503, ""),
])
def test_server_errors_are_transient(httpserver, status, body):
    error = failure_of(httpserver, f"{V}/{PAGE_ID}", make_connector(httpserver).account_metrics, data=body, status=status)

    assert (error.kind, error.status) == (ErrorKind.TRANSIENT, status)


def test_is_transient_flag_on_a_400_is_transient(httpserver):
    error = failure_of(httpserver, f"{V}/{PAGE_ID}", make_connector(httpserver).account_metrics,
                       json_body=recorded("error_transient.json"), status=400)

    assert error.kind == ErrorKind.TRANSIENT


def test_malformed_json_is_transient(httpserver):
    malformed_json_error(httpserver, f"{V}/{PAGE_ID}/posts", make_connector(httpserver).fetch_posts)


def test_timeout_is_transient(httpserver):
    timeout_error(httpserver, f"{V}/{PAGE_ID}", make_connector(httpserver, timeout_s=0.05).account_metrics)


def test_the_local_rate_limit_stops_requests_before_they_reach_meta(db, httpserver):
    from warta.channels.ratelimit import RateLimiter

    httpserver.expect_request(f"{V}/{PAGE_ID}").respond_with_json(recorded("page_fields.json"))
    # A window of its own: with Redis the counters outlive the test database.
    now = 3600.0 * random.randrange(10**6, 10**7) + 1000.0
    connector = make_connector(httpserver, limiter=RateLimiter(clock=lambda: now))
    connector.client.rate_limit = (1, 3600)

    connector.account_metrics()
    with pytest.raises(ConnectorError) as caught:
        connector.account_metrics()

    assert caught.value.kind == ErrorKind.RATE_LIMITED
    assert caught.value.retry_after == pytest.approx(3600 - 1000)
    assert len(httpserver.log) == 1


def test_time_paged_next_link_becomes_a_cursor_without_the_token():
    cursor = next_cursor({"next": "https://graph.facebook.com/v21.0/1/insights?access_token=EAAsecret&since=1&until=2"})

    assert cursor == "next:/v21.0/1/insights?since=1&until=2"
    assert next_cursor({"cursors": {"after": "abc"}}) == ""  # no "next": the last page


# --- OAuth -----------------------------------------------------------------------------------


def test_authorization_url_uses_the_configured_dialog_host_and_no_pkce(httpserver):
    app = app_config(httpserver, extra={"dialog_base_url": httpserver.url_for("/")})

    url = MetaOAuth().authorization_url(app, redirect_uri="https://warta.example/kanal/oauth/facebook/",
                                        state="st4te", code_challenge="ignored")

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}/" == httpserver.url_for("/")
    assert parts.path == "/v21.0/dialog/oauth"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query == {"client_id": "1234567890", "redirect_uri": "https://warta.example/kanal/oauth/facebook/",
                     "state": "st4te", "response_type": "code", "scope": ",".join(MetaOAuth.default_scopes)}
    assert MetaOAuth.uses_pkce is False
    assert "code_challenge" not in query


def test_exchange_code_returns_a_long_lived_user_token_with_granted_scopes(httpserver):
    # Given Graph's two token exchanges and debug_token
    def token_handler(request):
        if request.args.get("grant_type") == "fb_exchange_token":
            assert request.args["fb_exchange_token"] == "EAAshort-lived-user"
            return Response(json.dumps(recorded("oauth_long_token.json")), content_type="application/json")
        assert request.args["code"] == "the-code"
        return Response(json.dumps(recorded("oauth_short_token.json")), content_type="application/json")

    httpserver.expect_request(f"{V}/oauth/access_token", method="GET").respond_with_handler(token_handler)
    httpserver.expect_request(f"{V}/debug_token", method="GET",
                              headers={"Authorization": "Bearer 1234567890|app-secret"}).respond_with_json(
        recorded("debug_token.json"))
    oauth = MetaOAuth()
    before = datetime.now(UTC)

    # When the dialog's code is exchanged
    tokens = oauth.exchange_code(app_config(httpserver, secret="app-secret"), code="the-code",
                                 redirect_uri="https://warta.example/cb/", code_verifier="")

    # Then the long-lived token comes back with its expiry and scopes
    assert tokens.access_token == "EAAlong-lived-user"
    assert 5183900 < (tokens.expires_at - before).total_seconds() < 5184000
    assert "pages_manage_posts" in tokens.scopes
    first = requests_to(httpserver, f"{V}/oauth/access_token")[0]
    assert first.args["redirect_uri"] == "https://warta.example/cb/"
    assert "Authorization" not in first.headers


def test_exchange_code_refused_is_permanent(httpserver):
    httpserver.expect_request(f"{V}/oauth/access_token").respond_with_json(recorded("oauth_code_error.json"), status=400)

    with pytest.raises(ConnectorError) as caught:
        MetaOAuth().exchange_code(app_config(httpserver, secret="s"), code="used", redirect_uri="https://x/",
                                  code_verifier="")

    assert caught.value.kind == ErrorKind.PERMANENT
    assert caught.value.platform_message == "This authorization code has been used."


def test_discover_accounts_lists_pages_over_two_pages_with_page_tokens(httpserver):
    handler = json_handler(recorded("me_accounts_page1.json"), recorded("me_accounts_page2.json"))
    httpserver.expect_request(f"{V}/me/accounts", method="GET").respond_with_handler(handler)
    user = TokenSet(access_token="EAAlong-lived-user", expires_at=datetime(2027, 1, 20, tzinfo=UTC),
                    scopes=("pages_show_list",))

    accounts = MetaOAuth().discover_accounts(app_config(httpserver), user)

    assert [(a.external_id, a.handle, a.display_name) for a in accounts] == [
        ("104857362910", "diskominfobogorkab", "Diskominfo Kabupaten Bogor"),
        ("204857362911", "204857362911", "Kecamatan Cibinong")]
    tokens = accounts[0].tokens
    assert tokens.access_token == "EAApage-token-diskominfo"
    assert tokens.expires_at is None  # Page tokens from a long-lived user token do not expire
    assert dict(tokens.extra) == {"token_type": "page", "page_id": "104857362910",
                                  "user_access_token": "EAAlong-lived-user",
                                  "user_token_expires_at": "2027-01-20T00:00:00+00:00"}
    assert handler.calls[0].headers["Authorization"] == "Bearer EAAlong-lived-user"
    assert handler.calls[1].args["after"] == "MTA0ODU3MzYyOTEw"


def test_refresh_exchanges_the_user_token_again_and_rereads_the_page_token(httpserver):
    httpserver.expect_request(f"{V}/oauth/access_token").respond_with_json(recorded("oauth_long_token.json"))
    httpserver.expect_request(f"{V}/{PAGE_ID}", headers={"Authorization": "Bearer EAAlong-lived-user"}
                              ).respond_with_json(recorded("page_token.json"))
    page_tokens = TokenSet(access_token="EAApage-old", extra={
        "token_type": "page", "page_id": PAGE_ID, "user_access_token": "EAAuser-old",
        "user_token_expires_at": "2099-01-01T00:00:00+00:00"})

    tokens = MetaOAuth().refresh(app_config(httpserver, secret="s"), page_tokens)

    assert tokens.access_token == "EAApage-token-renewed"
    assert tokens.extra["user_access_token"] == "EAAlong-lived-user"
    exchange = requests_to(httpserver, f"{V}/oauth/access_token")[0]
    assert exchange.args["fb_exchange_token"] == "EAAuser-old"


def test_refresh_of_an_expired_user_token_asks_for_a_reconnect_without_calling_meta(httpserver):
    expired = TokenSet(access_token="EAApage", extra={"page_id": PAGE_ID, "user_access_token": "EAAuser",
                                                        "user_token_expires_at": "2020-01-01T00:00:00+00:00"})

    with pytest.raises(ConnectorError) as caught:
        MetaOAuth().refresh(app_config(httpserver), expired)

    assert caught.value.kind == ErrorKind.AUTH_EXPIRED
    assert httpserver.log == []


def test_the_token_can_travel_as_the_access_token_parameter_when_configured(httpserver):
    httpserver.expect_request(f"{V}/{PAGE_ID}").respond_with_json(recorded("page_fields.json"))
    context = ConnectorContext(
        account=AccountRef(platform="facebook", external_id=PAGE_ID),
        app=AppConfig(platform="facebook", client_id="1", client_secret="s", base_url=httpserver.url_for("/"),
                      extra={"access_token_in": "query"}),
        tokens=TokenSet(access_token="page-token"))

    FacebookConnector(context).account_metrics()

    request = requests_to(httpserver, f"{V}/{PAGE_ID}")[0]
    assert request.args["access_token"] == "page-token"
    assert "Authorization" not in request.headers
    assert request.args["appsecret_proof"] == hmac.new(b"s", b"page-token", hashlib.sha256).hexdigest()
