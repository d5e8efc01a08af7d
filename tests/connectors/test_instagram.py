"""Contract tests of the Instagram connector and InstagramOAuth against a local Graph server.

The answers are recorded from Meta's documentation (tests/connectors/recorded/instagram/).
"""

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

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
    AppConfig,
    Capability,
    ItemKind,
    Media,
    OutboundPost,
    TokenSet,
)
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.instagram.connector import InstagramConnector
from warta.channels.connectors.instagram.oauth import InstagramOAuth
from warta.ingest.services import item_from_record

recorded = recorded_for("instagram")
IG_ID = "17841400000000001"
CONTAINER = "17889455560051444"
MEDIA_ID = "17920238422030506"
V = "/v21.0"


def app_config(httpserver, *, secret: str = "", extra=None) -> AppConfig:
    return local_app(httpserver, "instagram", client_id="1234567890", client_secret=secret, api_version="v21.0",
                     extra=extra or {})


def make_connector(httpserver, *, token="page-token", on_auth_expired=None, timeout_s=5.0, sleeps=None):
    context = local_context(app_config(httpserver), IG_ID, handle="diskominfobogorkab", key="acc-ig-1",
                            tokens=TokenSet(access_token=token), on_auth_expired=on_auth_expired, timeout_s=timeout_s)
    return InstagramConnector(context, sleep=(sleeps.append if sleeps is not None else lambda s: None))


def image(url="https://warta.example/kanal/media/img/", alt=""):
    return Media(kind="image", path="/data/media/ktp.jpg", mime_type="image/jpeg", size_bytes=1000, public_url=url,
                 alt_text=alt)


def video(url="https://warta.example/kanal/media/vid/"):
    return Media(kind="video", path="/data/media/rapat.mp4", mime_type="video/mp4", size_bytes=1000, public_url=url)


# --- publishing ------------------------------------------------------------------------------


def test_publishing_quota_reads_usage_and_the_daily_cap(httpserver):
    httpserver.expect_request(f"{V}/{IG_ID}/content_publishing_limit").respond_with_json(
        recorded("publishing_limit.json"))

    assert make_connector(httpserver).publishing_quota() == (2, 50)
    assert requests_to(httpserver, f"{V}/{IG_ID}/content_publishing_limit")[0].args["fields"] == "config,quota_usage"


def test_publish_image_creates_a_container_publishes_it_and_adds_the_first_comment(httpserver):
    # Given Graph's container, publish, permalink and comment answers
    httpserver.expect_request(f"{V}/{IG_ID}/media", method="POST").respond_with_json(recorded("container.json"))
    httpserver.expect_request(f"{V}/{IG_ID}/media_publish", method="POST").respond_with_json(
        recorded("media_publish.json"))
    httpserver.expect_request(f"{V}/{MEDIA_ID}", method="GET").respond_with_json(recorded("permalink.json"))
    httpserver.expect_request(f"{V}/{MEDIA_ID}/comments", method="POST").respond_with_json(
        recorded("comment_created.json"))
    connector = make_connector(httpserver)

    # When an image post is published
    result = connector.publish(OutboundPost(text="Jadwal KTP keliling #bogor", media=(image(alt="Jadwal KTP"),),
                                            first_comment="Info: bogorkab.go.id"))

    # Then the two steps ran with the public URL and the media's permalink comes back
    assert result.external_id == MEDIA_ID
    assert result.url == "https://www.instagram.com/p/DBx7hYzT1aB/"
    assert result.status == "published"
    assert result.first_comment_id == "17870913679156914"
    assert requests_to(httpserver, f"{V}/{IG_ID}/media")[0].form.to_dict() == {
        "image_url": "https://warta.example/kanal/media/img/", "alt_text": "Jadwal KTP",
        "caption": "Jadwal KTP keliling #bogor"}
    assert requests_to(httpserver, f"{V}/{IG_ID}/media_publish")[0].form.to_dict() == {"creation_id": CONTAINER}
    assert requests_to(httpserver, f"{V}/{MEDIA_ID}/comments")[0].form.to_dict() == {"message": "Info: bogorkab.go.id"}


def test_publish_video_polls_the_container_until_finished(httpserver):
    httpserver.expect_request(f"{V}/{IG_ID}/media", method="POST").respond_with_json(recorded("container.json"))
    status = json_handler(recorded("status_in_progress.json"), recorded("status_in_progress.json"),
                          recorded("status_finished.json"))
    httpserver.expect_request(f"{V}/{CONTAINER}", method="GET").respond_with_handler(status)
    httpserver.expect_request(f"{V}/{IG_ID}/media_publish", method="POST").respond_with_json(
        recorded("media_publish.json"))
    httpserver.expect_request(f"{V}/{MEDIA_ID}", method="GET").respond_with_json(recorded("permalink.json"))
    sleeps: list[float] = []
    connector = make_connector(httpserver, sleeps=sleeps)

    result = connector.publish(OutboundPost(text="Rakor", media=(video(),)))

    assert result.external_id == MEDIA_ID
    assert len(status.calls) == 3
    assert status.calls[0].args["fields"] == "status_code,status"
    assert sleeps == [InstagramConnector.poll_interval_s] * 2
    assert requests_to(httpserver, f"{V}/{IG_ID}/media")[0].form.to_dict() == {
        "media_type": "REELS", "video_url": "https://warta.example/kanal/media/vid/", "caption": "Rakor"}


def test_a_video_still_processing_is_reported_and_can_be_resumed(httpserver):
    httpserver.expect_request(f"{V}/{IG_ID}/media", method="POST").respond_with_json(recorded("container.json"))
    status = json_handler(*([recorded("status_in_progress.json")] * InstagramConnector.poll_attempts),
                          recorded("status_finished.json"))
    httpserver.expect_request(f"{V}/{CONTAINER}", method="GET").respond_with_handler(status)
    httpserver.expect_request(f"{V}/{IG_ID}/media_publish", method="POST").respond_with_json(
        recorded("media_publish.json"))
    httpserver.expect_request(f"{V}/{MEDIA_ID}", method="GET").respond_with_json(recorded("permalink.json"))
    connector = make_connector(httpserver)

    pending = connector.publish(OutboundPost(text="Rakor", media=(video(),)))

    assert (pending.external_id, pending.status) == (CONTAINER, "processing")
    assert requests_to(httpserver, f"{V}/{IG_ID}/media_publish") == []

    done = connector.publish_resume(CONTAINER)

    assert (done.external_id, done.status) == (MEDIA_ID, "published")


def test_a_container_in_error_is_permanent(httpserver):
    httpserver.expect_request(f"{V}/{IG_ID}/media", method="POST").respond_with_json(recorded("container.json"))
    httpserver.expect_request(f"{V}/{CONTAINER}", method="GET").respond_with_json(recorded("status_error.json"))

    with pytest.raises(ConnectorError) as caught:
        make_connector(httpserver).publish(OutboundPost(text="Rakor", media=(video(),)))

    assert caught.value.kind == ErrorKind.PERMANENT
    assert caught.value.platform_message == "Error: Media upload has failed with error code 2207026"
    assert requests_to(httpserver, f"{V}/{IG_ID}/media_publish") == []


def test_media_without_a_public_url_is_refused_with_a_clear_message(httpserver):
    with pytest.raises(ConnectorError) as caught:
        make_connector(httpserver).publish(OutboundPost(text="x", media=(image(url=""),)))

    assert caught.value.kind == ErrorKind.PERMANENT
    assert "public URL" in caught.value.message
    assert httpserver.log == []


def test_text_only_posts_are_refused(httpserver):
    with pytest.raises(ConnectorError) as caught:
        make_connector(httpserver).publish(OutboundPost(text="Hanya teks"))

    assert caught.value.kind == ErrorKind.PERMANENT
    assert httpserver.log == []


def test_publish_carousel_builds_children_then_the_album(httpserver):
    created = json_handler(recorded("container_child_1.json"), recorded("container_child_2.json"),
                           recorded("container_carousel.json"))
    httpserver.expect_request(f"{V}/{IG_ID}/media", method="POST").respond_with_handler(created)
    httpserver.expect_request(f"{V}/17889455560051447", method="GET").respond_with_json(
        recorded("status_finished.json"))
    httpserver.expect_request(f"{V}/{IG_ID}/media_publish", method="POST").respond_with_json(
        recorded("media_publish.json"))
    httpserver.expect_request(f"{V}/{MEDIA_ID}", method="GET").respond_with_json(recorded("permalink.json"))

    result = make_connector(httpserver).publish(OutboundPost(text="Galeri", media=(image(), video())))

    assert result.external_id == MEDIA_ID
    forms = [c.form.to_dict() for c in created.calls]
    assert forms[0] == {"image_url": "https://warta.example/kanal/media/img/", "is_carousel_item": "true"}
    assert forms[1] == {"media_type": "VIDEO", "video_url": "https://warta.example/kanal/media/vid/",
                        "is_carousel_item": "true"}
    assert forms[2] == {"media_type": "CAROUSEL", "children": "17889455560051445,17889455560051446",
                        "caption": "Galeri"}
    assert requests_to(httpserver, f"{V}/{IG_ID}/media_publish")[0].form["creation_id"] == "17889455560051447"


def test_the_daily_publishing_cap_is_rate_limited_for_an_hour(httpserver):
    httpserver.expect_request(f"{V}/{IG_ID}/media", method="POST").respond_with_json(recorded("container.json"))
    httpserver.expect_request(f"{V}/{IG_ID}/media_publish", method="POST").respond_with_json(
        recorded("error_publish_limit.json"), status=400)

    with pytest.raises(ConnectorError) as caught:
        make_connector(httpserver).publish(OutboundPost(text="x", media=(image(),)))

    assert caught.value.kind == ErrorKind.RATE_LIMITED
    assert caught.value.retry_after == 3600.0
    assert caught.value.code == "9/2207042"


# --- reading ---------------------------------------------------------------------------------


def test_fetch_posts_pages_through_own_media(httpserver):
    handler = json_handler(recorded("media_page1.json"), recorded("media_page2.json"))
    httpserver.expect_request(f"{V}/{IG_ID}/media", method="GET").respond_with_handler(handler)
    connector = make_connector(httpserver)

    first = connector.fetch_posts()
    second = connector.fetch_posts(cursor=first.next_cursor)

    assert first.next_cursor == "QVFIUkRfbTNKc"
    assert handler.calls[1].args["after"] == "QVFIUkRfbTNKc"
    assert second.next_cursor == ""
    post, reel = first.items
    assert (post.external_id, post.kind, post.url) == (MEDIA_ID, ItemKind.POST, "https://www.instagram.com/p/DBx7hYzT1aB/")
    assert post.created_at == datetime(2026, 11, 20, 2, 15, tzinfo=UTC)
    assert dict(post.metrics) == {"likes": 230, "comments": 14}
    assert reel.media_urls == ("https://scontent.cdninstagram.com/o1/v/t16/rapat.mp4",)
    assert reel.extra["media_product_type"] == "REELS"
    assert [i.external_id for i in second.items] == ["17920238422030504"]
    for item in first.items + second.items:
        item_from_record(item)


def test_fetch_comments_flattens_replies_and_pages(httpserver):
    handler = json_handler(recorded("comments_page1.json"), recorded("comments_page2.json"))
    httpserver.expect_request(f"{V}/{MEDIA_ID}/comments", method="GET").respond_with_handler(handler)
    connector = make_connector(httpserver)

    first = connector.fetch_comments(MEDIA_ID)
    second = connector.fetch_comments(MEDIA_ID, cursor=first.next_cursor)

    question, answer = first.items
    assert (question.author_handle, question.parent_external_id, question.thread_external_id) == (
        "warga.cibinong", MEDIA_ID, MEDIA_ID)
    assert (answer.external_id, answer.parent_external_id) == ("17870913679156902", "17870913679156901")
    assert "replies{" in handler.calls[0].args["fields"]
    assert [c.text for c in second.items] == ["Mantap pelayanannya 👍"]
    assert second.next_cursor == ""


def test_reply_and_hide_comment(httpserver):
    httpserver.expect_request(f"{V}/17870913679156901/replies", method="POST").respond_with_json(
        recorded("comment_created.json"))
    httpserver.expect_request(f"{V}/17870913679156903", method="POST").respond_with_json(recorded("success.json"))
    connector = make_connector(httpserver)

    reply = connector.reply("17870913679156901", "Di kantor kecamatan, Kak.")
    connector.hide_comment("17870913679156903")

    assert reply.external_id == "17870913679156914"
    assert requests_to(httpserver, f"{V}/17870913679156901/replies")[0].form.to_dict() == {
        "message": "Di kantor kecamatan, Kak."}
    assert requests_to(httpserver, f"{V}/17870913679156903")[0].form.to_dict() == {"hide": "true"}


def test_post_metrics_maps_insights_and_skips_media_without_insights(httpserver):
    httpserver.expect_request(f"{V}/{MEDIA_ID}/insights").respond_with_json(recorded("insights.json"))
    httpserver.expect_request(f"{V}/17920238422030505/insights").respond_with_json(
        recorded("error_insights_unavailable.json"), status=400)

    metrics = make_connector(httpserver).post_metrics((MEDIA_ID, "17920238422030505"))

    assert [m.external_id for m in metrics] == [MEDIA_ID]
    assert dict(metrics[0].values) == {"reach": 4210, "likes": 230, "comments": 14, "shares": 31, "saves": 17,
                                       "views": 6890}
    assert requests_to(httpserver, f"{V}/{MEDIA_ID}/insights")[0].args["metric"] == "reach,likes,comments,shares,saved,views"


def test_account_metrics(httpserver):
    httpserver.expect_request(f"{V}/{IG_ID}").respond_with_json(recorded("user_fields.json"))

    metrics = make_connector(httpserver).account_metrics()

    assert (metrics.followers, metrics.following, metrics.posts) == (20410, 120, 845)


def test_fetch_mentions_reads_tagged_media_and_mention_get_reads_a_comment_mention(httpserver):
    httpserver.expect_request(f"{V}/{IG_ID}/tags").respond_with_json(recorded("tags.json"))
    httpserver.expect_request(f"{V}/{IG_ID}").respond_with_json(recorded("mentioned_comment.json"))
    connector = make_connector(httpserver)

    tagged = connector.fetch_mentions()
    mention = connector.mention_get(media_id="17930000000000055", comment_id="17870900000000099")

    assert [(i.kind, i.author_handle) for i in tagged.items] == [(ItemKind.MENTION, "karangtaruna.cibinong")]
    assert tagged.items[0].author_external_id == ""
    assert (mention.external_id, mention.kind, mention.author_handle) == (
        "17870900000000099", ItemKind.MENTION, "warga.pakansari")
    assert mention.text == "@diskominfobogorkab tolong cek jalan rusak di Pakansari"
    assert requests_to(httpserver, f"{V}/{IG_ID}")[0].args["fields"].startswith(
        "mentioned_comment.comment_id(17870900000000099)")
    item_from_record(mention)
    assert Capability.FETCH_MENTIONS in InstagramConnector.capabilities
    assert Capability.PUBLISH_TEXT not in InstagramConnector.capabilities


# --- errors ----------------------------------------------------------------------------------


def test_validation_error_is_permanent_with_the_users_message(httpserver):
    httpserver.expect_request(f"{V}/{IG_ID}/media", method="POST").respond_with_json(
        recorded("error_media_url.json"), status=400)

    with pytest.raises(ConnectorError) as caught:
        make_connector(httpserver).publish(OutboundPost(text="x", media=(image(),)))

    assert caught.value.kind == ErrorKind.PERMANENT
    assert caught.value.platform_message.startswith("The media could not be fetched")
    assert requests_to(httpserver, f"{V}/{IG_ID}/media_publish") == []


def test_expired_token_is_refreshed_and_retried(httpserver):
    refreshed = expect_refresh_and_retry(httpserver, f"{V}/{IG_ID}", recorded_for("facebook")("error_expired.json"),
                                         recorded("user_fields.json"), status=400)
    connector = make_connector(httpserver, token="old-token", on_auth_expired=refreshed)

    assert connector.account_metrics().followers == 20410
    assert refreshed.calls == [1]


def test_429_is_rate_limited_with_an_estimate(httpserver):
    usage = {IG_ID: [{"type": "instagram", "call_count": 100, "total_cputime": 5, "total_time": 5,
                      "estimated_time_to_regain_access": 12}]}
    httpserver.expect_request(f"{V}/{IG_ID}").respond_with_json(
        {"error": {"message": "(#80002) There have been too many calls to this Instagram account.",
                   "type": "OAuthException", "code": 80002, "fbtrace_id": "X"}},
        status=429, headers={"X-Business-Use-Case-Usage": json.dumps(usage)})

    with pytest.raises(ConnectorError) as caught:
        make_connector(httpserver).account_metrics()

    assert caught.value.kind == ErrorKind.RATE_LIMITED
    assert caught.value.retry_after == 720.0


def test_5xx_and_malformed_json_are_transient(httpserver):
    connector = make_connector(httpserver)

    server_error = failure_of(httpserver, f"{V}/{IG_ID}", connector.account_metrics, data="upstream error", status=503)
    malformed_json_error(httpserver, f"{V}/{IG_ID}/media", connector.fetch_posts, body="not json")

    assert server_error.kind == ErrorKind.TRANSIENT


def test_timeout_is_transient(httpserver):
    timeout_error(httpserver, f"{V}/{IG_ID}/content_publishing_limit",
                  make_connector(httpserver, timeout_s=0.05).publishing_quota)


# --- OAuth -----------------------------------------------------------------------------------


def test_authorization_url_asks_for_instagram_permissions(httpserver):
    app = app_config(httpserver, extra={"dialog_base_url": "https://dialog.test"})

    url = InstagramOAuth().authorization_url(app, redirect_uri="https://warta.example/cb/", state="s",
                                             code_challenge="")

    parts = urlsplit(url)
    assert (parts.netloc, parts.path) == ("dialog.test", "/v21.0/dialog/oauth")
    scopes = parse_qs(parts.query)["scope"][0].split(",")
    assert {"instagram_basic", "instagram_content_publish", "instagram_manage_comments"} <= set(scopes)


def test_discover_accounts_returns_the_instagram_accounts_linked_to_pages(httpserver):
    httpserver.expect_request(f"{V}/me/accounts").respond_with_json(recorded("me_accounts_ig.json"))
    user = TokenSet(access_token="EAAlong-lived-user", scopes=("instagram_basic",))

    accounts = InstagramOAuth().discover_accounts(app_config(httpserver), user)

    assert [(a.platform, a.external_id, a.handle, a.url) for a in accounts] == [
        ("instagram", IG_ID, "diskominfobogorkab", "https://www.instagram.com/diskominfobogorkab/")]
    assert accounts[0].tokens.access_token == "EAApage-token-diskominfo"
    assert accounts[0].tokens.extra["page_id"] == "104857362910"
    fields = requests_to(httpserver, f"{V}/me/accounts")[0].args["fields"]
    assert "instagram_business_account{id,username,name}" in fields


def test_mention_get_reads_a_caption_mention_through_mentioned_media(httpserver):
    httpserver.expect_request(f"{V}/{IG_ID}").respond_with_json(recorded("mentioned_media.json"))

    mention = make_connector(httpserver).mention_get(media_id="17930000000000056")

    assert (mention.external_id, mention.kind, mention.author_handle) == (
        "17930000000000056", ItemKind.MENTION, "relawan.bogor")
    assert mention.text == "Terima kasih @diskominfobogorkab untuk bantuan banjirnya"
    assert requests_to(httpserver, f"{V}/{IG_ID}")[0].args["fields"].startswith("mentioned_media.media_id(17930000000000056){")
