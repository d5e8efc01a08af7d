"""Contract tests of the YouTube connector and Google's OAuth against recorded Data API v3 answers."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from werkzeug import Response

from tests.connectors.support import (
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
from warta.channels.connectors.youtube.client import until_quota_reset
from warta.channels.connectors.youtube.connector import YouTubeConnector
from warta.channels.connectors.youtube.oauth import GoogleOAuth

recorded = recorded_for("youtube")
CHANNEL = "UCq3Ci-h945sbEYXpVlw7rJg"
UPLOAD_PATH = "/upload/youtube/v3/videos"
KIB = 1024


def json_response(name: str, status: int = 200, headers=None) -> Response:
    return Response(json.dumps(recorded(name)), status=status, headers=headers, content_type="application/json")


def app_config(httpserver, **extra) -> AppConfig:
    return local_app(httpserver, "youtube", client_id="g-client.apps.googleusercontent.com", client_secret="g-secret",
                     extra=extra)


def make(httpserver, *, on_auth_expired=None, timeout_s: float = 5.0, **extra) -> YouTubeConnector:
    connector = YouTubeConnector(local_context(app_config(httpserver, **extra), CHANNEL, handle="@diskominfobogor",
                                               key="akun-yt", on_auth_expired=on_auth_expired, timeout_s=timeout_s))
    connector.client.chunk_size = 256 * KIB
    connector.client.retry_delay_s = 0
    return connector


class UploadSession:
    """A resumable upload session as YouTube runs it: 308 with the received range, the video at the end."""

    def __init__(self, total: int, *, fail_on_put: int | None = None) -> None:
        self.total = total
        self.fail_on_put = fail_on_put
        self.data = bytearray()
        self.puts: list[str] = []

    def __call__(self, request):
        content_range = request.headers["Content-Range"]
        self.puts.append(content_range)
        if content_range == f"bytes */{self.total}":
            return self._progress()
        if len(self.puts) == self.fail_on_put:
            return json_response("error_backend.json", status=503)
        start = int(content_range.split()[1].split("-")[0])
        assert start == len(self.data), "the client resumes exactly where YouTube stopped"
        self.data.extend(request.get_data())
        if len(self.data) == self.total:
            return json_response("video_uploaded.json", status=201)
        return self._progress()

    def _progress(self):
        headers = {"Range": f"bytes=0-{len(self.data) - 1}"} if self.data else {}
        return Response("", status=308, headers=headers)


def expect_session_open(httpserver):
    session_url = httpserver.url_for(UPLOAD_PATH) + "?uploadType=resumable&upload_id=ADPycdt-example"
    httpserver.expect_request(UPLOAD_PATH, method="POST", headers={"Authorization": "Bearer old-token"}
                              ).respond_with_response(Response("", status=200, headers={"Location": session_url}))


def video_file(tmp_path, size: int) -> Path:
    path = tmp_path / "sosialisasi.mp4"
    path.write_bytes(bytes(index % 251 for index in range(size)))
    return path


def video_post(path: Path, **kwargs) -> OutboundPost:
    return OutboundPost(text="Sosialisasi pencegahan demam berdarah di Kecamatan Cibinong.",
                        title="Sosialisasi Pencegahan DBD",
                        media=(Media(kind="video", path=str(path), mime_type="video/mp4", size_bytes=path.stat().st_size),),
                        **kwargs)


# --- publishing ---------------------------------------------------------------------------------


def test_resumable_upload_with_first_comment(httpserver, tmp_path):
    # Given a 600 KiB video and YouTube accepting it in 256 KiB chunks
    path = video_file(tmp_path, 600 * KIB)
    expect_session_open(httpserver)
    session = UploadSession(path.stat().st_size)
    httpserver.expect_request(UPLOAD_PATH, method="PUT").respond_with_handler(session)
    httpserver.expect_request("/youtube/v3/commentThreads", method="POST", query_string={"part": "snippet"}, json={
        "snippet": {"videoId": "Ks-_Mh1QhMc", "channelId": CHANNEL,
                    "topLevelComment": {"snippet": {"textOriginal": "Info lengkap: bogorkab.go.id"}}}}
    ).respond_with_json(recorded("comment_thread_inserted.json"))

    # When the video is published
    result = make(httpserver).publish(video_post(path, first_comment="Info lengkap: bogorkab.go.id"))

    # Then the session was opened with the metadata, the bytes arrived whole, the comment went out
    httpserver.check_assertions()
    opened = httpserver.log[0][0]
    assert opened.args["uploadType"] == "resumable"
    assert opened.args["part"] == "snippet,status"
    assert opened.headers["X-Upload-Content-Length"] == str(600 * KIB)
    assert opened.json == {"snippet": {"title": "Sosialisasi Pencegahan DBD",
                                       "description": "Sosialisasi pencegahan demam berdarah di Kecamatan Cibinong.",
                                       "categoryId": "25"},
                           "status": {"privacyStatus": "public", "selfDeclaredMadeForKids": False}}
    assert bytes(session.data) == path.read_bytes()
    assert session.puts == ["bytes 0-262143/614400", "bytes 262144-524287/614400", "bytes 524288-614399/614400"]
    assert result.external_id == "Ks-_Mh1QhMc"
    assert result.url == "https://www.youtube.com/watch?v=Ks-_Mh1QhMc"
    assert result.status == "processing"
    assert result.published_at == datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    assert result.first_comment_id == "UgzDE2tasfmrYLyNkGt4AaABAg"


def test_resumable_upload_resumes_after_a_503(httpserver, tmp_path):
    # Given YouTube fails the second chunk with a 503
    path = video_file(tmp_path, 600 * KIB)
    expect_session_open(httpserver)
    session = UploadSession(path.stat().st_size, fail_on_put=2)
    httpserver.expect_request(UPLOAD_PATH, method="PUT").respond_with_handler(session)

    # When the video is published
    result = make(httpserver).publish(video_post(path))

    # Then the client asked where the upload stood and resent from the reported range
    assert session.puts == ["bytes 0-262143/614400", "bytes 262144-524287/614400", "bytes */614400",
                            "bytes 262144-524287/614400", "bytes 524288-614399/614400"]
    assert bytes(session.data) == path.read_bytes()
    assert result.external_id == "Ks-_Mh1QhMc"


def test_upload_gives_up_after_repeated_failures(httpserver, tmp_path):
    path = video_file(tmp_path, 100 * KIB)
    expect_session_open(httpserver)
    httpserver.expect_request(UPLOAD_PATH, method="PUT").respond_with_json(recorded("error_backend.json"), status=503)
    connector = make(httpserver)
    connector.client.max_resumes = 2

    with pytest.raises(ConnectorError) as caught:
        connector.publish(video_post(path))

    assert caught.value.kind == ErrorKind.TRANSIENT


def test_publish_without_video_is_not_supported(httpserver):
    with pytest.raises(ConnectorError) as caught:
        make(httpserver).publish(OutboundPost(text="Teks saja"))
    assert caught.value.kind == ErrorKind.NOT_SUPPORTED
    assert httpserver.log == []


def test_invalid_metadata_is_permanent_with_googles_words(httpserver, tmp_path):
    path = video_file(tmp_path, 10 * KIB)
    httpserver.expect_request(UPLOAD_PATH, method="POST").respond_with_json(recorded("error_invalid_title.json"), status=400)
    with pytest.raises(ConnectorError) as caught:
        make(httpserver).publish(video_post(path))
    assert caught.value.kind == ErrorKind.PERMANENT
    assert caught.value.code == "invalidTitle"
    assert caught.value.platform_message == "The request metadata specifies an invalid video title."
    assert len(httpserver.log) == 1


def test_reply_hide_unhide_and_delete(httpserver):
    httpserver.expect_request("/youtube/v3/comments", method="POST", query_string={"part": "snippet"}, json={
        "snippet": {"parentId": "Ugw5zYU6n9pmIgAZWvN4AaABAg", "textOriginal": "Terima kasih atas masukannya."}}
    ).respond_with_json(recorded("comment_inserted.json"))
    httpserver.expect_request("/youtube/v3/comments/setModerationStatus", method="POST", query_string={
        "id": "UgyBadComment", "moderationStatus": "heldForReview"}).respond_with_data("", status=204)
    httpserver.expect_request("/youtube/v3/comments/setModerationStatus", method="POST", query_string={
        "id": "UgyOkComment", "moderationStatus": "published"}).respond_with_data("", status=204)
    httpserver.expect_request("/youtube/v3/videos", method="DELETE", query_string={"id": "Ks-_Mh1QhMc"}
                              ).respond_with_data("", status=204)
    connector = make(httpserver)

    reply = connector.reply("Ugw5zYU6n9pmIgAZWvN4AaABAg", "Terima kasih atas masukannya.")
    connector.hide_comment("UgyBadComment")
    connector.hide_comment("UgyOkComment", hidden=False)
    connector.delete("Ks-_Mh1QhMc")

    httpserver.check_assertions()
    assert len(httpserver.log) == 4
    assert reply.external_id == "UgzDE2tasfmrYLyNkGt4AaABAg.9iPXEClD9lW9iPXLqKy_Pt"
    assert reply.published_at == datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def test_hiding_a_missing_comment_is_permanent(httpserver):
    httpserver.expect_request("/youtube/v3/comments/setModerationStatus", method="POST").respond_with_json(
        recorded("error_comment_not_found.json"), status=404)
    with pytest.raises(ConnectorError) as caught:
        make(httpserver).hide_comment("UgyGone")
    assert caught.value.kind == ErrorKind.PERMANENT
    assert caught.value.code == "commentNotFound"


# --- reading ------------------------------------------------------------------------------------


def expect_uploads_playlist(httpserver):
    httpserver.expect_request("/youtube/v3/channels", method="GET", query_string={
        "part": "contentDetails", "id": CHANNEL}).respond_with_json(recorded("channels_content_details.json"))


def playlist_pages(request):
    name = "playlist_items_page2.json" if request.args.get("pageToken") == "EAAaBlBUOkNBSQ" else "playlist_items_page1.json"
    assert request.args["playlistId"] == "UUq3Ci-h945sbEYXpVlw7rJg"
    return json_response(name)


def test_fetch_posts_pages_through_the_uploads_playlist(httpserver):
    expect_uploads_playlist(httpserver)
    httpserver.expect_request("/youtube/v3/playlistItems", method="GET").respond_with_handler(playlist_pages)

    first, _ = two_pages(make(httpserver).fetch_posts, first_ids=["Ks-_Mh1QhMc", "dQw4w9WgXcQ"],
                         cursor="EAAaBlBUOkNBSQ", second_ids=["9bZkp7q19f0"])

    video = first.items[0]
    assert (video.kind, video.title, video.account_external_id) == ("post", "Sosialisasi Pencegahan DBD", CHANNEL)
    assert video.created_at == datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    assert video.media_urls == ("https://i.ytimg.com/vi/Ks-_Mh1QhMc/hqdefault.jpg",)
    channel_lookups = [entry for entry in httpserver.log if entry[0].path == "/youtube/v3/channels"]
    assert len(channel_lookups) == 1  # the uploads playlist id is looked up once


def test_fetch_posts_stops_at_since(httpserver):
    expect_uploads_playlist(httpserver)
    httpserver.expect_request("/youtube/v3/playlistItems", method="GET").respond_with_handler(playlist_pages)

    page = make(httpserver).fetch_posts(since=datetime(2026, 11, 15, tzinfo=UTC))

    assert [item.external_id for item in page.items] == ["Ks-_Mh1QhMc"]
    assert page.next_cursor == ""


def test_fetch_comments_with_replies(httpserver):
    httpserver.expect_request("/youtube/v3/commentThreads", method="GET", query_string={
        "part": "snippet,replies", "maxResults": "100", "textFormat": "plainText", "videoId": "Ks-_Mh1QhMc"}
    ).respond_with_json(recorded("comment_threads.json"))

    page = make(httpserver).fetch_comments("Ks-_Mh1QhMc")

    top, reply = page.items
    assert (top.external_id, top.parent_external_id, top.thread_external_id) == (
        "Ugw5zYU6n9pmIgAZWvN4AaABAg", "Ks-_Mh1QhMc", "Ks-_Mh1QhMc")
    assert (top.text, top.author_handle, top.author_external_id) == (
        "Fogging di RW 05 kapan ya pak?", "@sitiaminah", "UCa1b2c3d4e5f6g7h8i9j0kL")
    assert dict(top.metrics) == {"likes": 3}
    assert dict(top.extra) == {"reply_count": 1}
    assert reply.parent_external_id == "Ugw5zYU6n9pmIgAZWvN4AaABAg"
    assert reply.kind == "comment"
    assert page.next_cursor == ""


def test_fetch_comments_of_the_whole_channel(httpserver):
    httpserver.expect_request("/youtube/v3/commentThreads", method="GET", query_string={
        "part": "snippet,replies", "maxResults": "100", "textFormat": "plainText",
        "allThreadsRelatedToChannelId": CHANNEL}).respond_with_json(recorded("comment_threads.json"))
    page = make(httpserver).fetch_comments("")
    assert len(page.items) == 2


def test_video_and_channel_statistics(httpserver):
    httpserver.expect_request("/youtube/v3/videos", method="GET", query_string={
        "part": "statistics", "id": "Ks-_Mh1QhMc,dQw4w9WgXcQ"}).respond_with_json(recorded("videos_statistics.json"))
    httpserver.expect_request("/youtube/v3/channels", method="GET", query_string={
        "part": "statistics", "id": CHANNEL}).respond_with_json(recorded("channels_statistics.json"))
    connector = make(httpserver)

    videos = connector.post_metrics(("Ks-_Mh1QhMc", "dQw4w9WgXcQ"))
    channel = connector.account_metrics()

    assert [(m.external_id, dict(m.values)) for m in videos] == [
        ("Ks-_Mh1QhMc", {"views": 1520, "likes": 87, "comments": 12}),
        ("dQw4w9WgXcQ", {"views": 310, "comments": 0}),
    ]
    assert (channel.followers, channel.posts, dict(channel.values)) == (12400, 356, {"views": 482913})


# --- failures -----------------------------------------------------------------------------------


def test_expired_token_is_refreshed_once_and_retried(httpserver):
    refreshed = expect_refresh_and_retry(httpserver, "/youtube/v3/channels", recorded("error_auth.json"),
                                         recorded("channels_statistics.json"))

    metrics = make(httpserver, on_auth_expired=refreshed).account_metrics()

    assert refreshed.calls == [1]
    assert metrics.followers == 12400


def test_rate_limit_uses_retry_after(httpserver):
    error = failure_of(httpserver, "/youtube/v3/videos", lambda: make(httpserver).post_metrics(("Ks-_Mh1QhMc",)),
                       json_body=recorded("error_rate_limit.json"), status=429, headers={"Retry-After": "30"})
    assert (error.kind, error.retry_after, error.code) == (ErrorKind.RATE_LIMITED, 30.0, "rateLimitExceeded")


def test_quota_exceeded_waits_for_midnight_pacific(httpserver):
    error = failure_of(httpserver, "/youtube/v3/videos", lambda: make(httpserver).post_metrics(("Ks-_Mh1QhMc",)),
                       json_body=recorded("error_quota.json"), status=403)
    assert (error.kind, error.code) == (ErrorKind.RATE_LIMITED, "quotaExceeded")
    assert abs(error.retry_after - until_quota_reset()) < 5


def test_until_quota_reset():
    # 23:00 in Los Angeles (PST, UTC-8) is one hour before the reset
    assert until_quota_reset(datetime(2026, 11, 24, 7, 0, tzinfo=UTC)) == 3600.0


def test_backend_error_is_transient(httpserver):
    error = failure_of(httpserver, "/youtube/v3/commentThreads", lambda: make(httpserver).fetch_comments("Ks-_Mh1QhMc"),
                       json_body=recorded("error_backend.json"), status=503)
    assert (error.kind, error.code) == (ErrorKind.TRANSIENT, "backendError")


def test_malformed_json_is_transient(httpserver):
    malformed_json_error(httpserver, "/youtube/v3/videos", lambda: make(httpserver).post_metrics(("Ks-_Mh1QhMc",)),
                         body='{"items": [')


def test_timeout_is_transient(httpserver):
    timeout_error(httpserver, "/youtube/v3/channels", make(httpserver, timeout_s=0.2).account_metrics)


@pytest.mark.parametrize("call", [
    lambda c: c.fetch_mentions(), lambda c: c.search("banjir"), lambda c: c.fetch_messages(),
    lambda c: c.send_message("x", "halo"),
])
def test_unsupported_methods(httpserver, call):
    assert failure(lambda: call(make(httpserver))).kind == ErrorKind.NOT_SUPPORTED


# --- OAuth --------------------------------------------------------------------------------------


def test_authorization_url():
    url = GoogleOAuth().authorization_url(AppConfig(platform="youtube", client_id="g-client"),
                                          redirect_uri="https://warta.example/cb", state="s-1", code_challenge="abc")
    base, query = split_url(url)
    assert base == "https://accounts.google.com/o/oauth2/v2/auth"
    assert query["access_type"] == "offline"
    assert query["prompt"] == "consent"
    assert query["code_challenge_method"] == "S256"
    assert query["code_challenge"] == "abc"
    assert query["scope"].split() == list(GoogleOAuth.default_scopes)


def test_exchange_code_refresh_and_discover(httpserver):
    token_path = "/oauth2/token"
    app = app_config(httpserver, token_url=httpserver.url_for(token_path))
    httpserver.expect_request(token_path, method="POST", data=(
        "grant_type=authorization_code&code=4%2F0Adeu5B-kode&redirect_uri=https%3A%2F%2Fwarta.example%2Fcb"
        "&code_verifier=verifier-1&client_id=g-client.apps.googleusercontent.com&client_secret=g-secret")
    ).respond_with_json(recorded("token.json"))
    httpserver.expect_request(token_path, method="POST", data=(
        "grant_type=refresh_token&refresh_token=1%2F%2F0gExampleRefreshToken"
        "&client_id=g-client.apps.googleusercontent.com&client_secret=g-secret")
    ).respond_with_json(recorded("token_refreshed.json"))
    httpserver.expect_request("/youtube/v3/channels", query_string={"part": "snippet", "mine": "true"},
                              headers={"Authorization": "Bearer ya29.a0AfB_byC-refreshed-access-token"}
                              ).respond_with_json(recorded("channels_mine_snippet.json"))

    tokens = GoogleOAuth().exchange_code(app, code="4/0Adeu5B-kode", redirect_uri="https://warta.example/cb",
                                         code_verifier="verifier-1")
    fresh = GoogleOAuth().refresh(app, tokens)
    accounts = GoogleOAuth().discover_accounts(app, fresh)

    httpserver.check_assertions()
    assert tokens.refresh_token == "1//0gExampleRefreshToken"
    assert fresh.access_token == "ya29.a0AfB_byC-refreshed-access-token"
    assert fresh.refresh_token == "1//0gExampleRefreshToken"  # Google does not resend it
    assert [(a.external_id, a.handle, a.display_name, a.url) for a in accounts] == [
        (CHANNEL, "@diskominfobogor", "Diskominfo Kabupaten Bogor", "https://www.youtube.com/@diskominfobogor")]


def test_refresh_revoked_means_reconnect(httpserver):
    app = app_config(httpserver, token_url=httpserver.url_for("/oauth2/token"))
    httpserver.expect_request("/oauth2/token", method="POST").respond_with_json(recorded("token_invalid_grant.json"),
                                                                                status=400)
    with pytest.raises(ConnectorError) as caught:
        GoogleOAuth().refresh(app, TokenSet(access_token="a", refresh_token="revoked"))
    assert caught.value.kind == ErrorKind.AUTH_EXPIRED
    assert caught.value.platform_message == "Token has been expired or revoked."


def test_replying_to_a_reply_answers_its_thread(httpserver):
    httpserver.expect_request("/youtube/v3/comments", method="POST", json={
        "snippet": {"parentId": "Ugw5zYU6n9pmIgAZWvN4AaABAg", "textOriginal": "Baik, Bu."}}
    ).respond_with_json(recorded("comment_inserted.json"))
    make(httpserver).reply("Ugw5zYU6n9pmIgAZWvN4AaABAg.9iPXEClD9lW9iPXLqKy_Pt", "Baik, Bu.")
    httpserver.check_assertions()
