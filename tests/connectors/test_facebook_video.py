"""Contract tests of the Facebook connector's resumable Page video upload (Graph video host).

``POST /{page-id}/videos`` with ``upload_phase=start`` → ``transfer`` (``video_file_chunk``) for
each window Graph names → ``finish`` with title and description. Answers recorded from Meta's
video upload docs (offsets scaled down to the ten-byte test file).
"""

import json

from werkzeug import Response

from tests.connectors.support import failure, local_context, recorded_for, requests_to
from warta.channels.connectors.base import AppConfig, Capability, Media, OutboundPost, TokenSet
from warta.channels.connectors.errors import ErrorKind
from warta.channels.connectors.facebook.connector import (
    VIDEO_BASE_URL,
    FacebookConnector,
    video_base_url,
)

recorded = recorded_for("facebook")
PAGE_ID = "104857362910"
VIDEOS = f"/v21.0/{PAGE_ID}/videos"
CONTENT = b"0123456789"


def app_config(httpserver, **extra) -> AppConfig:
    return AppConfig(platform="facebook", client_id="1234567890", api_version="v21.0",
                     base_url=httpserver.url_for(""), extra=extra)


def make(httpserver, **extra) -> FacebookConnector:
    return FacebookConnector(local_context(app_config(httpserver, **extra), PAGE_ID, handle="diskominfobogorkab",
                                           key="acc-fb-1", tokens=TokenSet(access_token="page-token")))


def video_post(tmp_path, content: bytes = CONTENT) -> OutboundPost:
    path = tmp_path / "rakor.mp4"
    path.write_bytes(content)
    return OutboundPost(text="Rapat koordinasi", title="Rakor", link="https://bogorkab.go.id/rakor", media=(
        Media(kind="video", path=str(path), mime_type="video/mp4", size_bytes=len(content)),))


class Graph:
    """The /videos edge: answers each phase; ``transfers`` maps a start_offset to its answers
    (each call takes the next; the last repeats). Keeps what each transfer sent."""

    def __init__(self, transfers):
        self.transfers = {key: list(value) for key, value in transfers.items()}
        self.sent: list[tuple[str, bytes]] = []
        self.phases: list[str] = []

    def __call__(self, request):
        phase = request.form.get("upload_phase", "")
        self.phases.append(phase)
        if phase == "start":
            return self.json(recorded("video_upload_start.json"))
        if phase == "transfer":
            start = request.form["start_offset"]
            self.sent.append((start, request.files["video_file_chunk"].read()))
            answers = self.transfers[start]
            status, body = answers.pop(0) if len(answers) > 1 else answers[0]
            return self.json(body, status)
        if phase == "finish":
            return self.json(recorded("video_upload_finish.json"))
        return self.json({"error": {"message": "unexpected", "code": 100}}, 400)

    @staticmethod
    def json(body, status=200):
        return Response(json.dumps(body), status=status, content_type="application/json")


def ok(name):
    return (200, recorded(name))


def test_video_capability_and_the_default_video_host(httpserver):
    assert Capability.PUBLISH_VIDEO in FacebookConnector.capabilities
    assert video_base_url(AppConfig(platform="facebook")) == VIDEO_BASE_URL == "https://graph-video.facebook.com"
    assert video_base_url(AppConfig(platform="facebook", base_url="http://sandbox:8000/")) == "http://sandbox:8000"
    assert video_base_url(AppConfig(platform="facebook", base_url="http://graph.local",
                                    extra={"video_base_url": "http://video.local/"})) == "http://video.local"


def test_multi_chunk_upload_sends_each_window_then_finishes(httpserver, tmp_path):
    graph = Graph({"0": [ok("video_upload_transfer_1.json")], "4": [ok("video_upload_transfer_2.json")],
                   "8": [ok("video_upload_transfer_last.json")]})
    httpserver.expect_request(VIDEOS, method="POST", headers={"Authorization": "Bearer page-token"}
                              ).respond_with_handler(graph)

    result = make(httpserver).publish(video_post(tmp_path))

    assert graph.phases == ["start", "transfer", "transfer", "transfer", "finish"]
    assert graph.sent == [("0", b"0123"), ("4", b"4567"), ("8", b"89")]
    requests = requests_to(httpserver, VIDEOS)
    assert requests[0].form.to_dict() == {"upload_phase": "start", "file_size": "10"}
    assert {k: v for k, v in requests[1].form.items()} == {
        "upload_phase": "transfer", "upload_session_id": "1564747013773438", "start_offset": "0"}
    assert requests[-1].form.to_dict() == {
        "upload_phase": "finish", "upload_session_id": "1564747013773438", "title": "Rakor",
        "description": "Rapat koordinasi\n\nhttps://bogorkab.go.id/rakor"}
    assert (result.external_id, result.status) == ("1564747010440105", "processing")
    assert result.url == "https://www.facebook.com/1564747010440105"


def test_windows_follow_the_offsets_graph_returns(httpserver, tmp_path):
    # Graph took only two bytes of the first window: the next transfer starts where it says.
    graph = Graph({"0": [(200, {"start_offset": "2", "end_offset": "7"})],
                   "2": [(200, {"start_offset": "7", "end_offset": "10"})],
                   "7": [ok("video_upload_transfer_last.json")]})
    httpserver.expect_request(VIDEOS, method="POST").respond_with_handler(graph)

    make(httpserver).publish(video_post(tmp_path))

    assert graph.sent == [("0", b"0123"), ("2", b"23456"), ("7", b"789")]
    assert graph.phases[-1] == "finish"


def test_a_refused_transfer_resumes_from_the_offsets_in_the_error(httpserver, tmp_path):
    graph = Graph({"0": [ok("video_upload_transfer_1.json")],
                   "4": [(400, recorded("error_video_transfer_resume.json")), ok("video_upload_transfer_2.json")],
                   "8": [ok("video_upload_transfer_last.json")]})
    httpserver.expect_request(VIDEOS, method="POST").respond_with_handler(graph)

    result = make(httpserver).publish(video_post(tmp_path))

    assert graph.sent == [("0", b"0123"), ("4", b"4567"), ("4", b"4567"), ("8", b"89")]
    assert graph.phases.count("start") == 1  # resumed, never started over
    assert result.external_id == "1564747010440105"


def test_an_error_mid_transfer_is_a_mapped_error_and_nothing_is_finished(httpserver, tmp_path):
    graph = Graph({"0": [ok("video_upload_transfer_1.json")], "4": [(400, recorded("error_video_transfer.json"))]})
    httpserver.expect_request(VIDEOS, method="POST").respond_with_handler(graph)

    error = failure(lambda: make(httpserver).publish(video_post(tmp_path)))

    assert error.kind == ErrorKind.PERMANENT
    assert error.code == "6000/1363019"
    assert error.platform_message == "There was a problem uploading your video file. Please try again with another file."
    assert "finish" not in graph.phases


def test_a_transient_graph_error_mid_transfer_is_transient(httpserver, tmp_path):
    graph = Graph({"0": [(500, recorded("error_transient.json"))]})
    httpserver.expect_request(VIDEOS, method="POST").respond_with_handler(graph)

    error = failure(lambda: make(httpserver).publish(video_post(tmp_path)))

    assert error.kind == ErrorKind.TRANSIENT
    assert "finish" not in graph.phases


def test_resuming_for_ever_is_bounded(httpserver, tmp_path):
    graph = Graph({"0": [ok("video_upload_transfer_1.json")], "4": [(400, recorded("error_video_transfer_resume.json"))]})
    httpserver.expect_request(VIDEOS, method="POST").respond_with_handler(graph)

    error = failure(lambda: make(httpserver).publish(video_post(tmp_path)))

    assert error.code == "6001/1363037"
    assert 2 <= graph.phases.count("transfer") <= 7
    assert "finish" not in graph.phases


def test_a_window_that_never_moves_is_transient(httpserver, tmp_path):
    graph = Graph({"0": [(200, {"start_offset": "0", "end_offset": "4"})]})
    httpserver.expect_request(VIDEOS, method="POST").respond_with_handler(graph)

    error = failure(lambda: make(httpserver).publish(video_post(tmp_path)))

    assert error.kind == ErrorKind.TRANSIENT
    assert graph.phases.count("transfer") == 3


def test_the_video_host_setting_is_used_for_uploads(httpserver, tmp_path):
    # Graph calls stay on base_url; the upload goes to the configured video host (here: a path
    # prefix on the same test server stands in for another host).
    graph = Graph({"0": [(200, {"start_offset": "10", "end_offset": "10"})]})
    httpserver.expect_request(f"/video-host{VIDEOS}", method="POST").respond_with_handler(graph)
    connector = make(httpserver, video_base_url=httpserver.url_for("/video-host"))

    connector.publish(video_post(tmp_path))

    assert graph.phases == ["start", "transfer", "finish"]
    assert requests_to(httpserver, VIDEOS) == []


def test_an_empty_video_is_refused_before_any_request(httpserver, tmp_path):
    error = failure(lambda: make(httpserver).publish(video_post(tmp_path, b"")))
    assert error.kind == ErrorKind.PERMANENT
    assert httpserver.log == []
