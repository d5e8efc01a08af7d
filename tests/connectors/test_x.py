"""Contract tests of the X connector and its OAuth provider against recorded X API v2 answers."""

import base64
import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from werkzeug import Response

from tests.connectors.support import (
    bearer,
    expect_refresh_and_retry,
    failure,
    failure_of,
    local_app,
    local_context,
    malformed_json_error,
    recorded_for,
    split_url,
    timeout_error,
    two_pages,
)
from warta.channels.connectors.base import AppConfig, Media, OutboundPost, TokenSet
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.x.connector import TWEET_FIELDS, XConnector
from warta.channels.connectors.x.oauth import XOAuth

recorded = recorded_for("x")
USER_ID = "2244994945"


def app_config(httpserver, **extra) -> AppConfig:
    return local_app(httpserver, "x", client_id="x-client-id", client_secret="x-client-secret", extra=extra)


def make(httpserver, *, on_auth_expired=None, timeout_s: float = 5.0) -> XConnector:
    return XConnector(local_context(app_config(httpserver), USER_ID, handle="diskominfobogor", key="akun-1",
                                    on_auth_expired=on_auth_expired, timeout_s=timeout_s))


def sent(httpserver, index: int = -1):
    return httpserver.log[index][0]


# --- publishing ---------------------------------------------------------------------------------


def test_publish_text_with_link_and_first_reply(httpserver):
    # Given X accepts the post and its first reply
    httpserver.expect_request("/2/tweets", method="POST", headers=bearer(), json={
        "text": "Jadwal vaksinasi gratis.\nhttps://bogorkab.go.id/vaksin"}).respond_with_json(
        recorded("create_tweet.json"), status=201)
    httpserver.expect_request("/2/tweets", method="POST", json={
        "text": "Pendaftaran di tautan.", "reply": {"in_reply_to_tweet_id": "1445880548472328192"}}).respond_with_json(
        recorded("create_reply.json"), status=201)
    # When the officer's post is published
    result = make(httpserver).publish(OutboundPost(text="Jadwal vaksinasi gratis.", link="https://bogorkab.go.id/vaksin",
                                                   first_comment="Pendaftaran di tautan."))
    # Then both went out, in order, and the result names them
    httpserver.check_assertions()
    assert len(httpserver.log) == 2
    assert result.external_id == "1445880548472328192"
    assert result.first_comment_id == "1445880548472328193"
    assert result.url == "https://x.com/diskominfobogor/status/1445880548472328192"
    assert result.status == "published"
    assert result.notice == ""


def test_publish_with_image_uploads_it_first(httpserver, tmp_path):
    image = tmp_path / "poster.jpg"
    image.write_bytes(b"\xff\xd8\xff\xe0 jpeg bytes")
    httpserver.expect_request("/2/media/upload", method="POST", headers=bearer()).respond_with_json(
        recorded("media_upload.json"))
    httpserver.expect_request("/2/tweets", method="POST", json={
        "text": "Poster kegiatan", "media": {"media_ids": ["1880028106020515840"]}}).respond_with_json(
        recorded("create_tweet.json"), status=201)

    result = make(httpserver).publish(OutboundPost(text="Poster kegiatan", media=(
        Media(kind="image", path=str(image), mime_type="image/jpeg", size_bytes=image.stat().st_size),)))

    httpserver.check_assertions()
    upload = sent(httpserver, 0)
    assert upload.mimetype == "multipart/form-data"
    assert upload.form["media_category"] == "tweet_image"
    assert upload.files["media"].read() == b"\xff\xd8\xff\xe0 jpeg bytes"
    assert result.external_id == "1445880548472328192"


def test_a_video_beside_an_image_is_refused_and_sends_nothing(httpserver, tmp_path):
    # Video upload itself: tests/connectors/test_x_video.py
    video = tmp_path / "klip.mp4"
    video.write_bytes(b"mp4")
    with pytest.raises(ConnectorError) as caught:
        make(httpserver).publish(OutboundPost(text="Klip", media=(
            Media(kind="video", path=str(video), mime_type="video/mp4", size_bytes=3),
            Media(kind="image", path=str(video), mime_type="image/jpeg", size_bytes=3))))
    assert caught.value.kind == ErrorKind.PERMANENT
    assert httpserver.log == []


def test_failed_first_reply_keeps_the_publication(httpserver):
    httpserver.expect_request("/2/tweets", method="POST", json={"text": "Info banjir"}).respond_with_json(
        recorded("create_tweet.json"), status=201)
    httpserver.expect_request("/2/tweets", method="POST", json={
        "text": "Info banjir", "reply": {"in_reply_to_tweet_id": "1445880548472328192"}}).respond_with_json(
        recorded("error_duplicate.json"), status=403)

    result = make(httpserver).publish(OutboundPost(text="Info banjir", first_comment="Info banjir"))

    assert result.external_id == "1445880548472328192"
    assert result.first_comment_id == ""
    assert result.notice == "Postingan sudah terbit, tetapi balasan pertama gagal dikirim."


def test_reply_delete_and_hide(httpserver):
    httpserver.expect_request("/2/tweets", method="POST", json={
        "text": "Terima kasih, sudah kami teruskan.", "reply": {"in_reply_to_tweet_id": "1461000000000000001"}}
    ).respond_with_json(recorded("create_reply.json"), status=201)
    httpserver.expect_request("/2/tweets/1445880548472328192", method="DELETE").respond_with_json(recorded("delete.json"))
    httpserver.expect_request("/2/tweets/1460400000000000001/hidden", method="PUT", json={"hidden": True}
                              ).respond_with_json(recorded("hidden.json"))
    httpserver.expect_request("/2/tweets/1460400000000000002/hidden", method="PUT", json={"hidden": False}
                              ).respond_with_json(recorded("unhidden.json"))
    connector = make(httpserver)

    reply = connector.reply("1461000000000000001", "Terima kasih, sudah kami teruskan.")
    connector.delete("1445880548472328192")
    connector.hide_comment("1460400000000000001")
    connector.hide_comment("1460400000000000002", hidden=False)

    httpserver.check_assertions()
    assert reply.external_id == "1445880548472328193"
    assert len(httpserver.log) == 4


# --- reading ------------------------------------------------------------------------------------


def paged_handler(first: str, second: str, token_param: str):
    def handler(request):
        name = second if request.args.get(token_param) == "7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i" else first
        return Response(json.dumps(recorded(name)), content_type="application/json")
    return handler


def test_fetch_posts_pages_through_the_timeline(httpserver):
    httpserver.expect_request(f"/2/users/{USER_ID}/tweets", method="GET").respond_with_handler(
        paged_handler("user_tweets_page1.json", "user_tweets_page2.json", "pagination_token"))

    first, _ = two_pages(make(httpserver).fetch_posts, first_ids=["1460323737035677698", "1460323737035677697"],
                         cursor="7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i", second_ids=["1460323737035677690"])

    post = first.items[0]
    assert post.kind == "post"
    assert post.author_handle == "diskominfobogor"
    assert post.thread_external_id == "1460323737035677698"
    assert post.created_at.isoformat() == "2026-11-20T03:15:00+00:00"
    assert dict(post.metrics) == {"impressions": 2210, "likes": 51, "replies": 4, "shares": 12, "quotes": 2,
                                  "bookmarks": 3}
    assert first.items[1].parent_external_id == "1460300000000000000"
    args = sent(httpserver, 0).args
    assert args["tweet.fields"] == TWEET_FIELDS
    assert "pagination_token" not in args
    assert sent(httpserver, 1).args["pagination_token"] == "7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i"


def test_fetch_mentions_and_search_and_replies(httpserver):
    since = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    httpserver.expect_request(f"/2/users/{USER_ID}/mentions", method="GET").respond_with_json(recorded("mentions.json"))
    httpserver.expect_request("/2/tweets/search/recent", method="GET",
                              query_string={"query": "banjir bogor", "max_results": "100", "tweet.fields": TWEET_FIELDS,
                                            "expansions": "author_id", "user.fields": "username,name",
                                            "start_time": since.strftime("%Y-%m-%dT%H:%M:%SZ")}
                              ).respond_with_json(recorded("search_recent.json"))
    httpserver.expect_request("/2/tweets/search/recent", method="GET",
                              query_string={"query": "conversation_id:1460323737035677698", "max_results": "100",
                                            "tweet.fields": TWEET_FIELDS, "expansions": "author_id",
                                            "user.fields": "username,name"}
                              ).respond_with_json(recorded("conversation.json"))
    connector = make(httpserver)

    mentions = connector.fetch_mentions()
    found = connector.search("banjir bogor", since=since)
    replies = connector.fetch_comments("1460323737035677698")

    httpserver.check_assertions()
    mention = mentions.items[0]
    assert (mention.kind, mention.author_handle, mention.author_name) == ("mention", "warga_bogor", "Warga Bogor")
    assert mention.account_external_id == USER_ID
    assert found.items[0].kind == "search_result"
    assert found.items[0].url == "https://x.com/rina_bjg/status/1462000000000000005"
    reply = replies.items[0]
    assert (reply.kind, reply.parent_external_id, reply.thread_external_id) == (
        "comment", "1460323737035677698", "1460323737035677698")


# --- metrics ------------------------------------------------------------------------------------


def test_post_metrics_prefers_private_figures_and_skips_deleted_posts(httpserver):
    httpserver.expect_request("/2/tweets", method="GET", query_string={
        "ids": "1460323737035677698,1400000000000000000",
        "tweet.fields": "public_metrics,non_public_metrics,organic_metrics"}).respond_with_json(recorded("tweets_metrics.json"))
    httpserver.expect_request("/2/tweets", method="GET", query_string={
        "ids": "1400000000000000000", "tweet.fields": "public_metrics"}).respond_with_json(
        {"errors": recorded("tweets_metrics.json")["errors"]})

    metrics = make(httpserver).post_metrics(("1460323737035677698", "1400000000000000000"))

    httpserver.check_assertions()
    assert len(metrics) == 1
    assert metrics[0].external_id == "1460323737035677698"
    assert dict(metrics[0].values) == {"impressions": 2315, "likes": 51, "replies": 4, "shares": 12, "quotes": 2,
                                       "bookmarks": 3, "clicks": 37, "profile_clicks": 8}


def test_post_metrics_falls_back_to_public_for_old_posts(httpserver):
    httpserver.expect_request("/2/tweets", method="GET", query_string={
        "ids": "1300000000000000000", "tweet.fields": "public_metrics,non_public_metrics,organic_metrics"}
    ).respond_with_json(recorded("tweets_metrics_old_private_refused.json"), status=400)
    httpserver.expect_request("/2/tweets", method="GET", query_string={
        "ids": "1300000000000000000", "tweet.fields": "public_metrics"}).respond_with_json(
        recorded("tweets_metrics_public.json"))

    metrics = make(httpserver).post_metrics(("1300000000000000000",))

    assert dict(metrics[0].values) == {"impressions": 400, "likes": 9, "replies": 0, "shares": 1, "quotes": 0,
                                       "bookmarks": 0}


def test_account_metrics(httpserver):
    httpserver.expect_request(f"/2/users/{USER_ID}", method="GET", query_string={"user.fields": "public_metrics"}
                              ).respond_with_json(recorded("user_public_metrics.json"))

    metrics = make(httpserver).account_metrics()

    assert (metrics.followers, metrics.following, metrics.posts) == (15432, 210, 8765)
    assert dict(metrics.values) == {"listed": 44, "likes_given": 1200}


# --- failures -----------------------------------------------------------------------------------


def test_validation_error_is_permanent_with_xs_words(httpserver):
    error = failure_of(httpserver, "/2/tweets", lambda: make(httpserver).publish(OutboundPost(text="")), method="POST",
                       json_body=recorded("error_invalid_request.json"), status=400)
    assert error.kind == ErrorKind.PERMANENT
    assert error.status == 400
    assert error.platform_message == ("One or more parameters to your request was invalid. "
                                      "The `text` query parameter value [] must be at least 1 characters long")
    assert error.code == "https://api.twitter.com/2/problems/invalid-request"


def test_duplicate_content_is_permanent_with_detail(httpserver):
    error = failure_of(httpserver, "/2/tweets", lambda: make(httpserver).publish(OutboundPost(text="Sama")),
                       method="POST", json_body=recorded("error_duplicate.json"), status=403)
    assert error.kind == ErrorKind.PERMANENT
    assert error.platform_message == "You are not allowed to create a Tweet with duplicate content."
    assert error.code == "duplicate_content"


def test_expired_token_is_refreshed_once_and_retried(httpserver):
    refreshed = expect_refresh_and_retry(httpserver, f"/2/users/{USER_ID}", recorded("error_unauthorized.json"),
                                         recorded("user_public_metrics.json"),
                                         tokens=TokenSet(access_token="new-token", refresh_token="r2"))

    metrics = make(httpserver, on_auth_expired=refreshed).account_metrics()

    assert refreshed.calls == [1]
    assert metrics.followers == 15432
    assert [entry[0].headers["Authorization"] for entry in httpserver.log] == ["Bearer old-token", "Bearer new-token"]


def test_expired_token_without_refresh_is_auth_expired(httpserver):
    error = failure_of(httpserver, f"/2/users/{USER_ID}", make(httpserver).account_metrics,
                       json_body=recorded("error_unauthorized.json"), status=401)
    assert error.kind == ErrorKind.AUTH_EXPIRED


def test_429_waits_until_x_rate_limit_reset(httpserver):
    reset = int(time.time()) + 120
    error = failure_of(httpserver, f"/2/users/{USER_ID}/mentions", make(httpserver).fetch_mentions,
                       json_body=recorded("error_too_many_requests.json"), status=429,
                       headers={"x-rate-limit-limit": "10", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)})
    assert error.kind == ErrorKind.RATE_LIMITED
    assert 110 <= error.retry_after <= 121


def test_5xx_is_transient(httpserver):
    error = failure_of(httpserver, "/2/tweets/search/recent", lambda: make(httpserver).search("banjir"),
                       json_body=recorded("error_service_unavailable.json"), status=503)
    assert (error.kind, error.status) == (ErrorKind.TRANSIENT, 503)


def test_malformed_json_is_transient(httpserver):
    malformed_json_error(httpserver, f"/2/users/{USER_ID}/tweets", make(httpserver).fetch_posts, body="<html>upstream")


def test_timeout_is_transient(httpserver):
    timeout_error(httpserver, f"/2/users/{USER_ID}", make(httpserver, timeout_s=0.2).account_metrics)


@pytest.mark.parametrize("call", [lambda c: c.fetch_messages(), lambda c: c.send_message("1", "halo")])
def test_unsupported_methods(httpserver, call):
    assert failure(lambda: call(make(httpserver))).kind == ErrorKind.NOT_SUPPORTED


# --- OAuth --------------------------------------------------------------------------------------


def test_authorization_url():
    url = XOAuth().authorization_url(AppConfig(platform="x", client_id="x-client-id"), redirect_uri="https://warta.example/cb",
                                     state="s-1", code_challenge="abc")
    base, query = split_url(url)
    assert base == "https://x.com/i/oauth2/authorize"
    assert query == {"response_type": "code", "client_id": "x-client-id", "redirect_uri": "https://warta.example/cb",
                     "scope": "tweet.read tweet.write tweet.moderate.write users.read media.write offline.access",
                     "state": "s-1", "code_challenge": "abc", "code_challenge_method": "S256"}


def test_authorization_url_is_configurable():
    app = AppConfig(platform="x", client_id="c", extra={"authorize_url": "https://sandbox.local/authorize"})
    assert XOAuth().authorization_url(app, redirect_uri="r", state="s", code_challenge="c").startswith(
        "https://sandbox.local/authorize?")


def test_exchange_code_and_refresh(httpserver):
    basic = "Basic " + base64.b64encode(b"x-client-id:x-client-secret").decode()
    httpserver.expect_request("/2/oauth2/token", method="POST", headers={"Authorization": basic},
                              data="grant_type=authorization_code&code=kode-1&redirect_uri=https%3A%2F%2Fwarta.example%2Fcb"
                                   "&code_verifier=verifier-1&client_id=x-client-id").respond_with_json(recorded("token.json"))
    httpserver.expect_request("/2/oauth2/token", method="POST", headers={"Authorization": basic},
                              data="grant_type=refresh_token&refresh_token=" + recorded("token.json")["refresh_token"]
                                   + "&client_id=x-client-id").respond_with_json(recorded("token_refreshed.json"))
    app = app_config(httpserver)

    tokens = XOAuth().exchange_code(app, code="kode-1", redirect_uri="https://warta.example/cb", code_verifier="verifier-1")
    fresh = XOAuth().refresh(app, tokens)

    httpserver.check_assertions()
    assert tokens.access_token == recorded("token.json")["access_token"]
    assert tokens.refresh_token == recorded("token.json")["refresh_token"]
    assert "offline.access" in tokens.scopes
    assert 7190 <= (tokens.expires_at - datetime.now(UTC)).total_seconds() <= 7200
    assert fresh.access_token == recorded("token_refreshed.json")["access_token"]
    assert fresh.refresh_token == recorded("token_refreshed.json")["refresh_token"]


def test_refresh_refused_means_reconnect(httpserver):
    httpserver.expect_request("/2/oauth2/token", method="POST").respond_with_json(recorded("token_invalid_grant.json"),
                                                                                  status=400)
    with pytest.raises(ConnectorError) as caught:
        XOAuth().refresh(app_config(httpserver), TokenSet(access_token="a", refresh_token="stale"))
    assert caught.value.kind == ErrorKind.AUTH_EXPIRED
    assert caught.value.platform_message == "Value passed for the token was invalid."
    assert "stale" not in repr(caught.value) + str(caught.value)


def test_discover_accounts(httpserver):
    httpserver.expect_request("/2/users/me", headers=bearer("a-token")).respond_with_json(recorded("users_me.json"))
    accounts = XOAuth().discover_accounts(app_config(httpserver), TokenSet(access_token="a-token"))
    assert [(a.external_id, a.handle, a.display_name, a.url) for a in accounts] == [
        ("2244994945", "diskominfobogor", "Diskominfo Kab. Bogor", "https://x.com/diskominfobogor")]


def test_image_only_post_sends_no_text(httpserver, tmp_path):
    image = tmp_path / "infografis.png"
    image.write_bytes(b"\x89PNG")
    httpserver.expect_request("/2/media/upload", method="POST").respond_with_json(recorded("media_upload.json"))
    httpserver.expect_request("/2/tweets", method="POST", json={"media": {"media_ids": ["1880028106020515840"]}}
                              ).respond_with_json(recorded("create_tweet.json"), status=201)
    make(httpserver).publish(OutboundPost(text="", media=(
        Media(kind="image", path=str(image), mime_type="image/png", size_bytes=4),)))
    httpserver.check_assertions()


def test_search_never_asks_beyond_seven_days(httpserver):
    httpserver.expect_request("/2/tweets/search/recent").respond_with_json(recorded("search_recent.json"))
    make(httpserver).search("banjir", since=datetime(2020, 1, 1, tzinfo=UTC))
    start = datetime.fromisoformat(httpserver.log[0][0].args["start_time"].replace("Z", "+00:00"))
    assert 6 * 86400 < (datetime.now(UTC) - start).total_seconds() < 7 * 86400
