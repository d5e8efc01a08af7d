"""Contract tests of the X connector's chunked video upload (v2 media upload endpoints).

INIT ``POST /2/media/upload/initialize`` → APPEND ``POST /2/media/upload/{id}/append`` per chunk →
FINALIZE ``POST /2/media/upload/{id}/finalize`` → STATUS ``GET /2/media/upload?command=STATUS``
while processing → ``POST /2/tweets`` with ``media.media_ids``. Answers recorded from X's docs.
"""

import json

import pytest

from tests.connectors.support import (
    bearer,
    failure,
    json_handler,
    local_app,
    local_context,
    recorded_for,
    requests_to,
)
from warta.channels.connectors.base import Capability, Media, OutboundPost
from warta.channels.connectors.errors import ErrorKind
from warta.channels.connectors.x.connector import XConnector

recorded = recorded_for("x")
USER_ID = "2244994945"
MEDIA_ID = "1880028106020515841"
INIT = "/2/media/upload/initialize"
APPEND = f"/2/media/upload/{MEDIA_ID}/append"
FINALIZE = f"/2/media/upload/{MEDIA_ID}/finalize"
STATUS = "/2/media/upload"
CONTENT = b"0123456789"  # ten bytes: three chunks of four, four and two


def make(httpserver, *, chunk_bytes: int = 4, max_wait_s: float = 300.0) -> XConnector:
    app = local_app(httpserver, "x", client_id="x-client-id", client_secret="x-client-secret")
    connector = XConnector(local_context(app, USER_ID, handle="diskominfobogor", key="akun-1"))
    connector.chunk_bytes = chunk_bytes
    connector.max_processing_wait_s = max_wait_s
    connector.waits = []
    connector.sleep = connector.waits.append  # record the waits asked for; never sleep in a test
    return connector


def video_post(tmp_path, content: bytes = CONTENT, **fields) -> OutboundPost:
    path = tmp_path / "rakor.mp4"
    path.write_bytes(content)
    media = Media(kind="video", path=str(path), mime_type="video/mp4", size_bytes=len(content))
    return OutboundPost(text=fields.pop("text", "Klip rapat koordinasi"), media=(media,), **fields)


def expect_upload(httpserver, *status_answers, finalize=None):
    httpserver.expect_request(INIT, method="POST", headers=bearer()).respond_with_json(recorded("media_initialize.json"))
    httpserver.expect_request(APPEND, method="POST", headers=bearer()).respond_with_json(recorded("media_append.json"))
    httpserver.expect_request(FINALIZE, method="POST", headers=bearer()).respond_with_json(
        finalize or recorded("media_finalize_pending.json"))
    status = json_handler(*status_answers) if status_answers else json_handler(recorded("media_status_succeeded.json"))
    httpserver.expect_request(STATUS, method="GET", query_string={"command": "STATUS", "media_id": MEDIA_ID}
                              ).respond_with_handler(status)
    return status


def test_video_is_a_declared_capability():
    assert Capability.PUBLISH_VIDEO in XConnector.capabilities


def test_video_upload_in_chunks_waits_for_processing_then_posts(httpserver, tmp_path):
    status = expect_upload(httpserver, recorded("media_status_in_progress.json"), recorded("media_status_succeeded.json"))
    httpserver.expect_request("/2/tweets", method="POST", json={
        "text": "Klip rapat koordinasi", "media": {"media_ids": [MEDIA_ID]}}).respond_with_json(
        recorded("create_tweet_video.json"), status=201)
    connector = make(httpserver)

    result = connector.publish(video_post(tmp_path))

    httpserver.check_assertions()
    init = requests_to(httpserver, INIT)[0]
    assert json.loads(init.data) == {"media_type": "video/mp4", "total_bytes": 10, "media_category": "tweet_video"}
    appends = requests_to(httpserver, APPEND)
    assert [a.form["segment_index"] for a in appends] == ["0", "1", "2"]
    assert [a.files["media"].read() for a in appends] == [b"0123", b"4567", b"89"]
    assert all(a.mimetype == "multipart/form-data" for a in appends)
    assert len(requests_to(httpserver, FINALIZE)) == 1
    # FINALIZE said pending (check after 1 s), the first STATUS in progress (10 s), the second succeeded.
    assert len(status.calls) == 2
    assert connector.waits == [1.0, 10.0]
    order = [request.path for request, _ in httpserver.log]
    assert order == [INIT, APPEND, APPEND, APPEND, FINALIZE, STATUS, STATUS, "/2/tweets"]
    assert result.external_id == "1445880548472328194"
    assert result.url == "https://x.com/diskominfobogor/status/1445880548472328194"
    assert result.status == "published"


def test_a_file_within_one_chunk_is_one_append(httpserver, tmp_path):
    expect_upload(httpserver)
    httpserver.expect_request("/2/tweets", method="POST").respond_with_json(recorded("create_tweet_video.json"),
                                                                           status=201)
    make(httpserver, chunk_bytes=4 * 1024 * 1024).publish(video_post(tmp_path))
    appends = requests_to(httpserver, APPEND)
    assert len(appends) == 1
    assert appends[0].files["media"].read() == CONTENT


def test_no_status_poll_when_finalize_carries_no_processing_info(httpserver, tmp_path):
    done = recorded("media_status_succeeded.json")
    del done["data"]["processing_info"]
    status = expect_upload(httpserver, finalize=done)
    httpserver.expect_request("/2/tweets", method="POST").respond_with_json(recorded("create_tweet_video.json"),
                                                                           status=201)
    connector = make(httpserver)
    connector.publish(video_post(tmp_path))
    assert status.calls == []
    assert connector.waits == []


def test_failed_processing_is_permanent_with_x_s_message_and_posts_nothing(httpserver, tmp_path):
    expect_upload(httpserver, recorded("media_status_failed.json"))
    connector = make(httpserver)

    error = failure(lambda: connector.publish(video_post(tmp_path)))

    assert error.kind == ErrorKind.PERMANENT
    assert error.platform_message == "Unsupported video format"
    assert error.code == "InvalidMedia"
    assert requests_to(httpserver, "/2/tweets") == []


def test_a_5xx_on_append_is_transient_and_stops_the_upload(httpserver, tmp_path):
    httpserver.expect_request(INIT, method="POST").respond_with_json(recorded("media_initialize.json"))
    httpserver.expect_request(APPEND, method="POST").respond_with_json(recorded("error_service_unavailable.json"),
                                                                       status=503)
    connector = make(httpserver)

    error = failure(lambda: connector.publish(video_post(tmp_path)))

    assert error.kind == ErrorKind.TRANSIENT
    assert error.status == 503
    assert error.platform_message == "Service Unavailable"
    assert len(requests_to(httpserver, APPEND)) == 1  # no later chunk, no FINALIZE, no post
    assert requests_to(httpserver, FINALIZE) == []
    assert requests_to(httpserver, "/2/tweets") == []


def test_processing_that_never_ends_gives_up_within_the_bound(httpserver, tmp_path):
    status = expect_upload(httpserver, recorded("media_status_in_progress.json"))
    connector = make(httpserver, max_wait_s=25)

    error = failure(lambda: connector.publish(video_post(tmp_path)))

    assert error.kind == ErrorKind.TRANSIENT
    assert error.code == "processing_timeout"
    assert connector.waits == [1.0, 10.0, 10.0]  # a fourth wait would pass the 25 s bound
    assert len(status.calls) == 3
    assert requests_to(httpserver, "/2/tweets") == []


def test_check_after_zero_polls_at_once_and_is_still_bounded(httpserver, tmp_path):
    never = recorded("media_status_in_progress.json")
    never["data"]["processing_info"]["check_after_secs"] = 0
    status = expect_upload(httpserver, never, finalize=never)
    connector = make(httpserver, max_wait_s=0)

    error = failure(lambda: connector.publish(video_post(tmp_path)))

    assert error.code == "processing_timeout"
    assert set(connector.waits) == {0.0}
    assert 0 < len(status.calls) <= 120


@pytest.mark.parametrize("content", [b""])
def test_an_empty_video_is_refused_before_any_request(httpserver, tmp_path, content):
    error = failure(lambda: make(httpserver).publish(video_post(tmp_path, content)))
    assert error.kind == ErrorKind.PERMANENT
    assert httpserver.log == []


def test_two_videos_are_refused(httpserver, tmp_path):
    post = video_post(tmp_path)
    error = failure(lambda: make(httpserver).publish(OutboundPost(text="x", media=post.media * 2)))
    assert error.kind == ErrorKind.PERMANENT
    assert httpserver.log == []


def test_an_initialize_refusal_is_permanent_with_x_s_words(httpserver, tmp_path):
    httpserver.expect_request(INIT, method="POST").respond_with_json(recorded("error_invalid_request.json"), status=400)
    error = failure(lambda: make(httpserver).publish(video_post(tmp_path)))
    assert error.kind == ErrorKind.PERMANENT
    assert error.platform_message
    assert requests_to(httpserver, APPEND) == []
