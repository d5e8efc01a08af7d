"""The X connector: posts, threads, replies, hiding replies, timelines, search and metrics.

Images go through the v2 one-shot upload (``POST /2/media/upload``, ``media_category=
tweet_image``, up to four per post). A video (one per post, never beside images) goes through
X's v2 chunked upload: ``POST /2/media/upload/initialize`` (JSON: media_type, total_bytes,
media_category ``tweet_video``), ``POST /2/media/upload/{id}/append`` for each chunk of at most
5 MB (multipart: ``media`` and ``segment_index``), ``POST /2/media/upload/{id}/finalize``, then
``GET /2/media/upload?command=STATUS&media_id=…`` while ``processing_info.state`` is pending or
in_progress, waiting ``check_after_secs`` between polls up to a bounded total (ADR 0009).
X has no idempotency key for posts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from django.utils.translation import gettext as _

from warta.channels.connectors.base import (
    AccountMetrics,
    BaseConnector,
    Capability,
    InboundItem,
    ItemKind,
    OutboundPost,
    Page,
    Platform,
    PostMetrics,
    PublishResult,
    iso_time,
    text_with_link,
)
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.x.client import XClient

logger = logging.getLogger(__name__)

TWEET_FIELDS = "created_at,public_metrics,conversation_id,in_reply_to_user_id,author_id,referenced_tweets,lang"
USER_FIELDS = "username,name"
MAX_IMAGES = 4
SEARCH_WINDOW = timedelta(days=7, minutes=-1)
# Chunked video upload: X takes chunks of at most 5 MB; 4 MiB keeps well under it.
VIDEO_CHUNK_BYTES = 4 * 1024 * 1024
VIDEO_MAX_BYTES = 512 * 1024 * 1024  # X's upload limit for video
VIDEO_CATEGORY = "tweet_video"
# How long, in total, to honour X's check_after_secs before giving up (TRANSIENT: retried later).
VIDEO_MAX_PROCESSING_WAIT_S = 300.0
VIDEO_MAX_STATUS_POLLS = 120  # a second bound, should X answer check_after_secs=0 for ever
PROCESSING_PENDING = frozenset({"pending", "in_progress"})


def iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class XConnector(BaseConnector):
    platform: ClassVar[str] = Platform.X
    capabilities: ClassVar[frozenset[Capability]] = frozenset({
        Capability.PUBLISH_TEXT,
        Capability.PUBLISH_IMAGE,
        Capability.PUBLISH_VIDEO,
        Capability.PUBLISH_LINK,
        Capability.FIRST_COMMENT,
        Capability.DELETE,
        Capability.FETCH_POSTS,
        Capability.POST_METRICS,
        Capability.ACCOUNT_METRICS,
        Capability.FETCH_COMMENTS,
        Capability.REPLY,
        Capability.HIDE_COMMENT,
        Capability.FETCH_MENTIONS,
        Capability.SEARCH,
    })
    client_class = XClient
    # Per instance, tests set a small chunk and a sleep that only records the waits asked for.
    chunk_bytes: int = VIDEO_CHUNK_BYTES
    max_processing_wait_s: float = VIDEO_MAX_PROCESSING_WAIT_S
    sleep: Callable[[float], None] = staticmethod(time.sleep)

    @property
    def user_id(self) -> str:
        return self.context.account.external_id

    def _url(self, tweet_id: str) -> str:
        handle = self.context.account.handle.lstrip("@")
        return f"https://x.com/{handle}/status/{tweet_id}" if handle else f"https://x.com/i/web/status/{tweet_id}"

    # --- publishing ---------------------------------------------------------------------------

    def publish(self, post: OutboundPost) -> PublishResult:
        """Post ``post`` (text, link, up to four images), then its first reply if any.

        A failed first reply does not fail the publication (the post is out: retrying would
        post it twice); the result's ``notice`` says so instead.
        """
        kinds = {media.kind for media in post.media}
        if kinds - {"image", "video"}:
            raise ConnectorError(ErrorKind.NOT_SUPPORTED, "x: only images and one video can be attached")
        if "video" in kinds and len(post.media) > 1:
            raise ConnectorError(ErrorKind.PERMANENT, "x: a video post carries exactly one video and no images")
        if len(post.media) > MAX_IMAGES:
            raise ConnectorError(ErrorKind.PERMANENT, f"x: at most {MAX_IMAGES} images per post")
        text = text_with_link(post.text, post.link)
        if "video" in kinds:
            media_ids = [self._upload_video(post.media[0].path, post.media[0].mime_type)]
        else:
            media_ids = [self._upload_image(media.path, media.mime_type) for media in post.media]
        body: dict[str, Any] = {"text": text} if text or not media_ids else {}
        if media_ids:
            body["media"] = {"media_ids": media_ids}
        created = self.client.post("/2/tweets", json=body, family="write")["data"]
        tweet_id = str(created["id"])
        result = PublishResult(external_id=tweet_id, url=self._url(tweet_id), published_at=datetime.now(UTC))
        if post.first_comment:
            try:
                reply = self.reply(tweet_id, post.first_comment)
            except ConnectorError as exc:
                logger.warning("x: first reply to %s failed: %r", tweet_id, exc)
                return PublishResult(external_id=tweet_id, url=result.url, published_at=result.published_at,
                                     notice=_("Postingan sudah terbit, tetapi balasan pertama gagal dikirim."))
            return PublishResult(external_id=tweet_id, url=result.url, published_at=result.published_at,
                                 first_comment_id=reply.external_id)
        return result

    def _upload_image(self, path: str, mime_type: str) -> str:
        content = Path(path).read_bytes()
        answer = self.client.post("/2/media/upload", family="media",
                                  files={"media": (Path(path).name, content, mime_type or "application/octet-stream")},
                                  data={"media_category": "tweet_image", "media_type": mime_type})
        return str(answer["data"]["id"])

    def _upload_video(self, path: str, mime_type: str) -> str:
        """Upload a video in chunks and wait for X to process it; return its media id."""
        source = Path(path)
        if not source.is_file():
            raise ConnectorError(ErrorKind.PERMANENT, f"x: media file not found: {source.name}")
        total = source.stat().st_size
        if total == 0 or total > VIDEO_MAX_BYTES:
            raise ConnectorError(ErrorKind.PERMANENT, f"x: a video must be between 1 byte and {VIDEO_MAX_BYTES} bytes")
        started = self.client.post("/2/media/upload/initialize", family="media", json={
            "media_type": mime_type or "video/mp4", "total_bytes": total, "media_category": VIDEO_CATEGORY})
        media_id = str(_data(started, "initialize")["id"])
        chunk_bytes = max(1, min(int(self.chunk_bytes), 5 * 1024 * 1024))
        with source.open("rb") as handle:
            segment = 0
            while chunk := handle.read(chunk_bytes):
                # Only the account ceiling applies to chunks: a long video needs many of them.
                self.client.post(f"/2/media/upload/{media_id}/append", data={"segment_index": str(segment)},
                                 files={"media": ("chunk", chunk, "application/octet-stream")})
                segment += 1
        finished = _data(self.client.post(f"/2/media/upload/{media_id}/finalize", family="media"), "finalize")
        self._wait_for_processing(media_id, finished.get("processing_info"))
        return media_id

    def _wait_for_processing(self, media_id: str, info: Any) -> None:
        """Poll STATUS while X processes the video, honouring ``check_after_secs``, within a bound."""
        waited = 0.0
        polls = 0
        while isinstance(info, Mapping):
            state = str(info.get("state") or "")
            if state == "failed":
                error = info.get("error") if isinstance(info.get("error"), Mapping) else {}
                raise ConnectorError(ErrorKind.PERMANENT, "x: video processing failed",
                                     platform_message=str(error.get("message") or error.get("name") or ""),
                                     code=str(error.get("name") or error.get("code") or ""))
            if state not in PROCESSING_PENDING:
                return  # succeeded (or a state X added later: let the post creation judge)
            raw = info.get("check_after_secs")
            try:
                delay = max(0.0, float(raw)) if raw is not None else 1.0
            except (TypeError, ValueError):
                delay = 1.0
            if waited + delay > self.max_processing_wait_s or polls >= VIDEO_MAX_STATUS_POLLS:
                raise ConnectorError(ErrorKind.TRANSIENT, "x: video still processing, gave up waiting",
                                     code="processing_timeout")
            self.sleep(delay)
            waited += delay
            polls += 1
            status = self.client.get("/2/media/upload", params={"command": "STATUS", "media_id": media_id})
            info = _data(status, "status").get("processing_info")

    def reply(self, to_external_id: str, text: str) -> PublishResult:
        body = {"text": text, "reply": {"in_reply_to_tweet_id": to_external_id}}
        created = self.client.post("/2/tweets", json=body, family="write")["data"]
        tweet_id = str(created["id"])
        return PublishResult(external_id=tweet_id, url=self._url(tweet_id), published_at=datetime.now(UTC))

    def delete(self, external_id: str) -> None:
        answer = self.client.request("DELETE", f"/2/tweets/{external_id}", family="write")
        if not (answer.get("data") or {}).get("deleted"):
            raise ConnectorError(ErrorKind.PERMANENT, "x: the post was not deleted")

    def hide_comment(self, external_id: str, *, hidden: bool = True) -> None:
        answer = self.client.request("PUT", f"/2/tweets/{external_id}/hidden", json={"hidden": hidden}, family="hide")
        if (answer.get("data") or {}).get("hidden") is not hidden:
            raise ConnectorError(ErrorKind.PERMANENT, "x: the reply's hidden state did not change")

    # --- reading ------------------------------------------------------------------------------

    def fetch_posts(self, *, cursor: str = "", since: datetime | None = None) -> Page[InboundItem]:
        return self._timeline("tweets", ItemKind.POST, cursor=cursor, since=since)

    def fetch_mentions(self, *, cursor: str = "", since: datetime | None = None) -> Page[InboundItem]:
        return self._timeline("mentions", ItemKind.MENTION, cursor=cursor, since=since)

    def _timeline(self, edge: str, kind: str, *, cursor: str, since: datetime | None) -> Page[InboundItem]:
        params = self._list_params(max_results=100, since=since)
        if cursor:
            params["pagination_token"] = cursor
        answer = self.client.get(f"/2/users/{self.user_id}/{edge}", params=params, family="timeline")
        return self._page(answer, kind)

    def search(self, query: str, *, cursor: str = "", since: datetime | None = None) -> Page[InboundItem]:
        return self._search(query, ItemKind.SEARCH_RESULT, cursor=cursor, since=since)

    def fetch_comments(self, post_external_id: str, *, cursor: str = "") -> Page[InboundItem]:
        """Replies to a post: X's documented way is a recent search on its conversation."""
        return self._search(f"conversation_id:{post_external_id}", ItemKind.COMMENT, cursor=cursor)

    def _search(self, query: str, kind: str, *, cursor: str = "", since: datetime | None = None) -> Page[InboundItem]:
        # Recent search reaches back seven days and refuses an older start_time.
        horizon = datetime.now(UTC) - SEARCH_WINDOW
        params = self._list_params(max_results=100, since=max(since, horizon) if since is not None else None)
        params["query"] = query
        if cursor:
            params["next_token"] = cursor
        answer = self.client.get("/2/tweets/search/recent", params=params, family="search")
        return self._page(answer, kind)

    def _list_params(self, *, max_results: int, since: datetime | None) -> dict[str, Any]:
        params: dict[str, Any] = {"max_results": max_results, "tweet.fields": TWEET_FIELDS,
                                  "expansions": "author_id", "user.fields": USER_FIELDS}
        if since is not None:
            params["start_time"] = iso(since)
        return params

    def _page(self, answer: Mapping[str, Any], kind: str) -> Page[InboundItem]:
        users = {str(u["id"]): u for u in (answer.get("includes") or {}).get("users") or ()}
        items = tuple(self._item(tweet, kind, users) for tweet in answer.get("data") or ())
        return Page(items=items, next_cursor=str((answer.get("meta") or {}).get("next_token") or ""))

    def _item(self, tweet: Mapping[str, Any], kind: str, users: Mapping[str, Any]) -> InboundItem:
        author_id = str(tweet.get("author_id") or "")
        author = users.get(author_id) or {}
        if kind == ItemKind.POST and not author:
            author = {"username": self.context.account.handle.lstrip("@")}
        parent = next((str(ref["id"]) for ref in tweet.get("referenced_tweets") or ()
                       if ref.get("type") == "replied_to"), "")
        metrics = tweet.get("public_metrics") or {}
        handle = str(author.get("username") or "")
        tweet_id = str(tweet["id"])
        return InboundItem(
            platform=Platform.X,
            external_id=tweet_id,
            kind=kind,
            text=str(tweet.get("text") or ""),
            created_at=iso_time(tweet.get("created_at")),
            url=f"https://x.com/{handle}/status/{tweet_id}" if handle else f"https://x.com/i/web/status/{tweet_id}",
            account_external_id=self.user_id,
            author_external_id=author_id,
            author_handle=handle,
            author_name=str(author.get("name") or ""),
            parent_external_id=parent,
            thread_external_id=str(tweet.get("conversation_id") or ""),
            language=str(tweet.get("lang") or ""),
            metrics=_public_values(metrics),
        )

    # --- metrics ------------------------------------------------------------------------------

    def post_metrics(self, external_ids: tuple[str, ...]) -> tuple[PostMetrics, ...]:
        """Public metrics of each post, with X's private and organic metrics where the user
        token may read them (own posts of the last 30 days); older posts fall back to public."""
        observed = datetime.now(UTC)
        results: list[PostMetrics] = []
        for start in range(0, len(external_ids), 100):
            batch = external_ids[start:start + 100]
            tweets = self._lookup(batch, "public_metrics,non_public_metrics,organic_metrics")
            missing = tuple(tweet_id for tweet_id in batch if tweet_id not in tweets)
            if missing:
                tweets.update(self._lookup(missing, "public_metrics"))
            results.extend(PostMetrics(external_id=tweet_id, observed_at=observed, values=_metric_values(tweets[tweet_id]))
                           for tweet_id in batch if tweet_id in tweets)
        return tuple(results)

    def _lookup(self, ids: tuple[str, ...], fields: str) -> dict[str, Mapping[str, Any]]:
        try:
            answer = self.client.get("/2/tweets", params={"ids": ",".join(ids), "tweet.fields": fields}, family="lookup")
        except ConnectorError as exc:
            # 200 with errors only: none of these posts exists any more. A refusal of the
            # private fields: the token may not read them for these posts (fall back to public).
            if exc.kind == ErrorKind.PERMANENT and (exc.status == 200 or "non_public_metrics" in fields):
                return {}
            raise
        return {str(tweet["id"]): tweet for tweet in answer.get("data") or ()}

    def account_metrics(self) -> AccountMetrics:
        answer = self.client.get(f"/2/users/{self.user_id}", params={"user.fields": "public_metrics"}, family="lookup")
        metrics = (answer.get("data") or {}).get("public_metrics") or {}
        values = {"listed": int(metrics["listed_count"])} if "listed_count" in metrics else {}
        if "like_count" in metrics:
            values["likes_given"] = int(metrics["like_count"])
        return AccountMetrics(observed_at=datetime.now(UTC), followers=_int(metrics.get("followers_count")),
                              following=_int(metrics.get("following_count")), posts=_int(metrics.get("tweet_count")),
                              values=values)


def _data(answer: Any, step: str) -> Mapping[str, Any]:
    data = answer.get("data") if isinstance(answer, Mapping) else None
    if not isinstance(data, Mapping) or (step == "initialize" and not data.get("id")):
        raise ConnectorError(ErrorKind.TRANSIENT, f"x: the media {step} answer carried no data")
    return data


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


_PUBLIC = {"impression_count": "impressions", "like_count": "likes", "reply_count": "replies",
           "retweet_count": "shares", "quote_count": "quotes", "bookmark_count": "bookmarks"}
_PRIVATE = {"impression_count": "impressions", "url_link_clicks": "clicks", "user_profile_clicks": "profile_clicks"}


def _public_values(metrics: Mapping[str, Any]) -> dict[str, int]:
    return {name: int(metrics[key]) for key, name in _PUBLIC.items() if key in metrics}


def _metric_values(tweet: Mapping[str, Any]) -> dict[str, int]:
    values = _public_values(tweet.get("public_metrics") or {})
    # Private metrics are the account owner's own figures: prefer them where present.
    for source in ("organic_metrics", "non_public_metrics"):
        for key, name in _PRIVATE.items():
            if key in (tweet.get(source) or {}):
                values[name] = int(tweet[source][key])
    return values
