"""Contract tests of the TikTok connector and its OAuth against recorded Open API v2 answers."""

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
from warta.channels.connectors.tiktok.connector import METRIC_FIELDS, VIDEO_FIELDS, TikTokConnector
from warta.channels.connectors.tiktok.oauth import TikTokOAuth

recorded = recorded_for("tiktok")
OPEN_ID = "-000Y0xUuJ8ojBdVw9Dbw4e5QNB9Vd3aTrJd"
PUBLISH_ID = "v_pub_file~v2-1.7306812345678901234"
NOTICE = ("Video ini terbit sebagai privat (hanya dapat dilihat oleh pemilik akun) karena aplikasi TikTok "
          "Warta belum lolos audit TikTok. Setelah audit selesai, video berikutnya dapat terbit untuk umum.")


def json_response(name: str, status: int = 200) -> Response:
    return Response(json.dumps(recorded(name)), status=status, content_type="application/json")


def app_config(httpserver, **extra) -> AppConfig:
    return local_app(httpserver, "tiktok", client_id="awtiktokclientkey", client_secret="tiktok-secret", extra=extra)


def make(httpserver, *, on_auth_expired=None, timeout_s: float = 5.0, **extra) -> TikTokConnector:
    connector = TikTokConnector(local_context(app_config(httpserver, **extra), OPEN_ID, handle="diskominfobogor",
                                              key="akun-tt", on_auth_expired=on_auth_expired, timeout_s=timeout_s))
    connector.sleep = lambda seconds: None
    return connector


def video(tmp_path, size: int, **kwargs) -> Media:
    path = tmp_path / "dbd.mp4"
    path.write_bytes(bytes(index % 253 for index in range(size)))
    return Media(kind="video", path=str(path), mime_type="video/mp4", size_bytes=size, **kwargs)


def expect_init(httpserver, **body_match):
    answer = recorded("video_init_file.json")
    answer["data"]["upload_url"] = httpserver.url_for("/video/") + "?upload_id=67890&upload_token=Xza123"
    httpserver.expect_request("/v2/post/publish/video/init/", method="POST", headers={"Authorization": "Bearer old-token"},
                              **body_match).respond_with_json(answer)


def expect_creator_info(httpserver, name: str = "creator_info.json"):
    httpserver.expect_request("/v2/post/publish/creator_info/query/", method="POST").respond_with_json(recorded(name))


class Statuses:
    """The status endpoint answering the given recorded statuses in turn (the last one repeats)."""

    def __init__(self, *names: str) -> None:
        self.names = list(names)
        self.calls = 0

    def __call__(self, request):
        assert request.json == {"publish_id": PUBLISH_ID} or request.json["publish_id"].startswith("v_pub")
        name = self.names[min(self.calls, len(self.names) - 1)]
        self.calls += 1
        return json_response(name)


class UploadTarget:
    def __init__(self) -> None:
        self.data = bytearray()
        self.ranges: list[str] = []

    def __call__(self, request):
        assert "Authorization" not in request.headers
        self.ranges.append(request.headers["Content-Range"])
        self.data.extend(request.get_data())
        return Response("", status=201 if self.ranges[-1].split("-")[-1].split("/")[0] else 206)


# --- publishing ---------------------------------------------------------------------------------


def test_unaudited_app_posts_privately_and_says_so(httpserver, tmp_path):
    # Given an app that has not passed TikTok's audit
    media = video(tmp_path, 3000)
    expect_creator_info(httpserver)
    expect_init(httpserver, json={
        "post_info": {"title": "Sosialisasi pencegahan DBD #bogor", "privacy_level": "SELF_ONLY", "disable_comment": False,
                      "disable_duet": False, "disable_stitch": True, "brand_content_toggle": False,
                      "brand_organic_toggle": False},
        "source_info": {"source": "FILE_UPLOAD", "video_size": 3000, "chunk_size": 3000, "total_chunk_count": 1}})
    upload = UploadTarget()
    httpserver.expect_request("/video/", method="PUT").respond_with_handler(upload)
    statuses = Statuses("status_complete_private.json")
    httpserver.expect_request("/v2/post/publish/status/fetch/", method="POST").respond_with_handler(statuses)

    # When a video is published
    result = make(httpserver, audited="false").publish(OutboundPost(text="Sosialisasi pencegahan DBD #bogor", media=(media,)))

    # Then it went out as SELF_ONLY, whole, and the result explains the privacy
    httpserver.check_assertions()
    assert upload.ranges == ["bytes 0-2999/3000"]
    assert bytes(upload.data) == Path(media.path).read_bytes()
    assert result.status == "published"
    assert result.external_id == PUBLISH_ID  # a private post has no public id
    assert result.notice == NOTICE


def test_audited_app_posts_publicly_in_chunks_and_polls_to_complete(httpserver, tmp_path):
    media = video(tmp_path, 250)
    expect_creator_info(httpserver)
    expect_init(httpserver)
    upload = UploadTarget()
    httpserver.expect_request("/video/", method="PUT").respond_with_handler(upload)
    statuses = Statuses("status_processing.json", "status_complete.json")
    httpserver.expect_request("/v2/post/publish/status/fetch/", method="POST").respond_with_handler(statuses)
    connector = make(httpserver, audited="true")
    connector.min_chunk = connector.chunk_size = 100

    result = connector.publish(OutboundPost(text="Video publik", media=(media,)))

    init = next(entry[0] for entry in httpserver.log if entry[0].path == "/v2/post/publish/video/init/")
    assert init.json["post_info"]["privacy_level"] == "PUBLIC_TO_EVERYONE"
    assert init.json["source_info"] == {"source": "FILE_UPLOAD", "video_size": 250, "chunk_size": 100, "total_chunk_count": 2}
    assert upload.ranges == ["bytes 0-99/250", "bytes 100-249/250"]  # the last chunk takes the remainder
    assert bytes(upload.data) == Path(media.path).read_bytes()
    assert statuses.calls == 2
    assert result.status == "published"
    assert result.external_id == "7306812399999999999"
    assert result.url == "https://www.tiktok.com/@diskominfobogor/video/7306812399999999999"
    assert result.notice == ""


def test_pull_from_url_still_processing_is_returned_as_processing(httpserver, tmp_path):
    media = video(tmp_path, 3000, public_url="https://warta.bogorkab.go.id/media/signed/dbd.mp4?sig=abc")
    expect_creator_info(httpserver)
    httpserver.expect_request("/v2/post/publish/video/init/", method="POST").respond_with_json(recorded("video_init_pull.json"))
    statuses = Statuses("status_processing.json")
    httpserver.expect_request("/v2/post/publish/status/fetch/", method="POST").respond_with_handler(statuses)

    result = make(httpserver, audited="true", pull_from_url="true").publish(OutboundPost(text="Tarik", media=(media,)))

    init = next(entry[0] for entry in httpserver.log if entry[0].path == "/v2/post/publish/video/init/")
    assert init.json["source_info"] == {"source": "PULL_FROM_URL",
                                        "video_url": "https://warta.bogorkab.go.id/media/signed/dbd.mp4?sig=abc"}
    assert statuses.calls == 3
    assert result.status == "processing"
    assert result.external_id == "v_pub_url~v2-1.7306812345678901299"


def test_failed_publication_is_permanent_with_tiktoks_reason(httpserver, tmp_path):
    media = video(tmp_path, 3000)
    expect_creator_info(httpserver)
    expect_init(httpserver)
    httpserver.expect_request("/video/", method="PUT").respond_with_handler(UploadTarget())
    httpserver.expect_request("/v2/post/publish/status/fetch/", method="POST").respond_with_handler(
        Statuses("status_processing.json", "status_failed.json"))

    with pytest.raises(ConnectorError) as caught:
        make(httpserver).publish(OutboundPost(text="Rusak", media=(media,)))

    assert caught.value.kind == ErrorKind.PERMANENT
    assert caught.value.code == "file_format_check_failed"


def test_publish_status_polling_later(httpserver):
    httpserver.expect_request("/v2/post/publish/status/fetch/", method="POST", json={"publish_id": PUBLISH_ID}
                              ).respond_with_handler(Statuses("status_processing.json", "status_complete.json"))
    connector = make(httpserver)
    assert connector.publish_status(PUBLISH_ID).status == "processing"
    done = connector.publish_status(PUBLISH_ID)
    assert (done.status, done.external_id) == ("published", "7306812399999999999")


def test_video_longer_than_allowed_is_refused_before_init(httpserver, tmp_path):
    media = video(tmp_path, 3000, duration_s=301.0)
    expect_creator_info(httpserver)
    with pytest.raises(ConnectorError) as caught:
        make(httpserver).publish(OutboundPost(text="Panjang", media=(media,)))
    assert caught.value.kind == ErrorKind.PERMANENT
    assert [entry[0].path for entry in httpserver.log] == ["/v2/post/publish/creator_info/query/"]


def test_image_or_text_posts_are_not_supported(httpserver, tmp_path):
    image = tmp_path / "a.jpg"
    image.write_bytes(b"jpg")
    for post in (OutboundPost(text="Teks"),
                 OutboundPost(text="Foto", media=(Media(kind="image", path=str(image), mime_type="image/jpeg", size_bytes=3),))):
        with pytest.raises(ConnectorError) as caught:
            make(httpserver).publish(post)
        assert caught.value.kind == ErrorKind.NOT_SUPPORTED
    assert httpserver.log == []


def test_error_in_a_200_answer_is_permanent(httpserver, tmp_path):
    media = video(tmp_path, 3000)
    expect_creator_info(httpserver)
    httpserver.expect_request("/v2/post/publish/video/init/", method="POST").respond_with_json(recorded("error_spam_risk.json"))
    with pytest.raises(ConnectorError) as caught:
        make(httpserver).publish(OutboundPost(text="Lagi", media=(media,)))
    assert caught.value.kind == ErrorKind.PERMANENT
    assert caught.value.code == "spam_risk_too_many_posts"
    assert caught.value.platform_message == "The daily post cap from the API is reached for the current user."
    assert not any(entry[0].path == "/video/" for entry in httpserver.log)


def test_validation_error_is_permanent_with_tiktoks_message(httpserver, tmp_path):
    media = video(tmp_path, 3000)
    expect_creator_info(httpserver)
    httpserver.expect_request("/v2/post/publish/video/init/", method="POST").respond_with_json(
        recorded("error_invalid_params.json"), status=400)
    with pytest.raises(ConnectorError) as caught:
        make(httpserver).publish(OutboundPost(text="x", media=(media,)))
    assert caught.value.kind == ErrorKind.PERMANENT
    assert caught.value.status == 400
    assert caught.value.platform_message == "The privacy_level is invalid."
    assert "202611230200240A1B2C3D4E5F60718306" in caught.value.message  # log_id for TikTok support


# --- reading ------------------------------------------------------------------------------------


def list_pages(request):
    assert request.args["fields"] == VIDEO_FIELDS
    return json_response("video_list_page2.json" if request.json.get("cursor") == 1762000000000 else "video_list_page1.json")


def test_fetch_posts_pages_with_cursor(httpserver):
    httpserver.expect_request("/v2/video/list/", method="POST").respond_with_handler(list_pages)

    first, _ = two_pages(make(httpserver).fetch_posts, first_ids=["7306812399999999999", "7305000000000000001"],
                         cursor="1762000000000", second_ids=["7300000000000000007"])

    item = first.items[0]
    assert (item.kind, item.title, item.text) == ("post", "Sosialisasi DBD", "Sosialisasi pencegahan DBD #bogor")
    assert item.created_at == datetime.fromtimestamp(1763863200, UTC)
    assert dict(item.metrics) == {"views": 4300, "likes": 120, "comments": 14, "shares": 9}
    assert httpserver.log[0][0].json == {"max_count": 20}
    assert httpserver.log[1][0].json == {"max_count": 20, "cursor": 1762000000000}


def test_fetch_posts_stops_at_since(httpserver):
    httpserver.expect_request("/v2/video/list/", method="POST").respond_with_handler(list_pages)
    page = make(httpserver).fetch_posts(since=datetime(2025, 11, 10, tzinfo=UTC))
    assert [item.external_id for item in page.items] == ["7306812399999999999"]
    assert page.next_cursor == ""


def test_video_and_account_metrics(httpserver):
    httpserver.expect_request("/v2/video/query/", method="POST", query_string={"fields": METRIC_FIELDS},
                              json={"filters": {"video_ids": ["7306812399999999999"]}}
                              ).respond_with_json(recorded("video_query.json"))
    httpserver.expect_request("/v2/user/info/", method="GET", query_string={
        "fields": "open_id,follower_count,following_count,video_count,likes_count"}).respond_with_json(recorded("user_info_stats.json"))
    connector = make(httpserver)

    videos = connector.post_metrics(("7306812399999999999",))
    account = connector.account_metrics()

    assert [(m.external_id, dict(m.values)) for m in videos] == [
        ("7306812399999999999", {"views": 4410, "likes": 125, "comments": 15, "shares": 10})]
    assert (account.followers, account.following, account.posts, dict(account.values)) == (
        8800, 12, 214, {"likes_received": 152000})


# --- failures -----------------------------------------------------------------------------------


def test_expired_token_is_refreshed_once_and_retried(httpserver):
    refreshed = expect_refresh_and_retry(httpserver, "/v2/user/info/", recorded("error_token_invalid.json"),
                                         recorded("user_info_stats.json"))

    assert make(httpserver, on_auth_expired=refreshed).account_metrics().followers == 8800
    assert refreshed.calls == [1]


@pytest.mark.parametrize(("headers", "expected"), [({"Retry-After": "17"}, 17.0), ({}, 60.0)])
def test_rate_limited(httpserver, headers, expected):
    error = failure_of(httpserver, "/v2/video/list/", make(httpserver).fetch_posts,
                       json_body=recorded("error_rate_limit.json"), status=429, headers=headers)
    assert (error.kind, error.retry_after) == (ErrorKind.RATE_LIMITED, expected)


def test_5xx_is_transient(httpserver):
    error = failure_of(httpserver, "/v2/video/query/", lambda: make(httpserver).post_metrics(("1",)),
                       json_body=recorded("error_internal.json"), status=500)
    assert error.kind == ErrorKind.TRANSIENT


def test_malformed_json_is_transient(httpserver):
    malformed_json_error(httpserver, "/v2/user/info/", make(httpserver).account_metrics,
                         body="upstream connect error", content_type="text/plain")


def test_timeout_is_transient(httpserver):
    timeout_error(httpserver, "/v2/user/info/", make(httpserver, timeout_s=0.2).account_metrics)


@pytest.mark.parametrize("call", [
    lambda c: c.delete("1"), lambda c: c.reply("1", "halo"), lambda c: c.fetch_comments("1"),
    lambda c: c.hide_comment("1"), lambda c: c.fetch_mentions(), lambda c: c.search("banjir"),
    lambda c: c.fetch_messages(), lambda c: c.send_message("1", "halo"),
])
def test_unsupported_methods(httpserver, call):
    assert failure(lambda: call(make(httpserver))).kind == ErrorKind.NOT_SUPPORTED
    assert httpserver.log == []


# --- OAuth --------------------------------------------------------------------------------------


def test_authorization_url():
    url = TikTokOAuth().authorization_url(AppConfig(platform="tiktok", client_id="awtiktokclientkey"),
                                          redirect_uri="https://warta.example/cb", state="s-1", code_challenge="abc")
    base, query = split_url(url)
    assert base == "https://www.tiktok.com/v2/auth/authorize/"
    assert query == {"client_key": "awtiktokclientkey", "response_type": "code", "redirect_uri": "https://warta.example/cb",
                     "scope": "user.info.basic,user.info.profile,user.info.stats,video.publish,video.list",
                     "state": "s-1", "code_challenge": "abc", "code_challenge_method": "S256"}


def test_exchange_code_refresh_and_discover(httpserver):
    app = app_config(httpserver)
    httpserver.expect_request("/v2/oauth/token/", method="POST", headers={"Content-Type": "application/x-www-form-urlencoded"},
                              data="client_key=awtiktokclientkey&client_secret=tiktok-secret&code=kode-tt"
                                   "&grant_type=authorization_code&redirect_uri=https%3A%2F%2Fwarta.example%2Fcb"
                                   "&code_verifier=verifier-1").respond_with_json(recorded("token.json"))
    httpserver.expect_request("/v2/oauth/token/", method="POST",
                              data="client_key=awtiktokclientkey&client_secret=tiktok-secret&grant_type=refresh_token"
                                   "&refresh_token=rft.example12345Example12345Example").respond_with_json(
        recorded("token_refreshed.json"))
    httpserver.expect_request("/v2/user/info/", headers={"Authorization": "Bearer act.refreshed12345Example12345Exampl"}
                              ).respond_with_json(recorded("user_info_profile.json"))

    tokens = TikTokOAuth().exchange_code(app, code="kode-tt", redirect_uri="https://warta.example/cb",
                                         code_verifier="verifier-1")
    fresh = TikTokOAuth().refresh(app, tokens)
    accounts = TikTokOAuth().discover_accounts(app, fresh)

    httpserver.check_assertions()
    assert tokens.access_token == "act.example12345Example12345Example"
    assert tokens.extra["open_id"] == OPEN_ID
    assert tokens.scopes == ("user.info.basic", "user.info.profile", "user.info.stats", "video.publish", "video.list")
    assert fresh.refresh_token == "rft.rotated12345Example12345Example"
    assert [(a.external_id, a.handle, a.display_name, a.url) for a in accounts] == [
        (OPEN_ID, "diskominfobogor", "Diskominfo Kab. Bogor", "https://www.tiktok.com/@diskominfobogor")]


def test_refresh_refused_means_reconnect(httpserver):
    httpserver.expect_request("/v2/oauth/token/", method="POST").respond_with_json(recorded("token_invalid_grant.json"))
    with pytest.raises(ConnectorError) as caught:
        TikTokOAuth().refresh(app_config(httpserver), TokenSet(access_token="a", refresh_token="old"))
    assert caught.value.kind == ErrorKind.AUTH_EXPIRED
    assert caught.value.platform_message == "Refresh token is invalid or expired."
