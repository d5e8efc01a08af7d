"""Instagram professional accounts: container publishing, media, comments, insights, mentions.

The context's ``account.external_id`` is the Instagram user id and ``tokens.access_token`` the
token of the linked Facebook Page (see :class:`InstagramOAuth`). Instagram fetches media
itself, so every :class:`Media` needs a ``public_url`` (a signed, expiring Warta URL from
:mod:`warta.channels.media`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx

from warta.channels.connectors.base import (
    AccountMetrics,
    BaseConnector,
    Capability,
    ConnectorContext,
    InboundItem,
    ItemKind,
    Media,
    OutboundPost,
    Page,
    PostMetrics,
    PublishResult,
)
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.graph import graph_time, insight_value
from warta.channels.connectors.instagram.client import InstagramClient

logger = logging.getLogger(__name__)

MEDIA_FIELDS = ("id,caption,media_type,media_product_type,media_url,thumbnail_url,permalink,timestamp,"
                "username,like_count,comments_count")
COMMENT_FIELDS = "id,text,timestamp,username,from{id,username},like_count,parent_id,hidden"
REPLY_FIELDS = f"replies{{{COMMENT_FIELDS}}}"
INSIGHT_METRICS = ("reach", "likes", "comments", "shares", "saved", "views")
METRIC_KEYS = {"reach": "reach", "likes": "likes", "comments": "comments", "shares": "shares",
               "saved": "saves", "views": "views"}
MAX_CAROUSEL = 10
PAGE_SIZE = 25


class InstagramConnector(BaseConnector):
    platform: ClassVar[str] = "instagram"
    capabilities: ClassVar[frozenset[Capability]] = frozenset({
        Capability.PUBLISH_IMAGE, Capability.PUBLISH_VIDEO, Capability.FIRST_COMMENT, Capability.FETCH_POSTS,
        Capability.POST_METRICS, Capability.ACCOUNT_METRICS, Capability.FETCH_COMMENTS, Capability.REPLY,
        Capability.HIDE_COMMENT, Capability.FETCH_MENTIONS, Capability.WEBHOOKS,
    })
    client_class = InstagramClient
    # A video container is checked this many times, this far apart, before publishing gives
    # up for now and answers status "processing" (the scheduler then calls publish_resume).
    poll_attempts: ClassVar[int] = 5
    poll_interval_s: ClassVar[float] = 3.0

    def __init__(self, context: ConnectorContext, *, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__(context, transport=transport)
        self.sleep = sleep

    @property
    def user_id(self) -> str:
        return self.context.account.external_id

    # --- publishing -------------------------------------------------------------------------

    def publishing_quota(self) -> tuple[int, int]:
        """Return (posts published in the last 24 hours, the daily limit) — Instagram caps API posts."""
        answer = self.client.get(self.client.path(self.user_id, "content_publishing_limit"),
                                 params={"fields": "config,quota_usage"})
        rows = answer.get("data") if isinstance(answer, Mapping) else None
        row = rows[0] if isinstance(rows, list) and rows and isinstance(rows[0], Mapping) else {}
        config = row.get("config") if isinstance(row.get("config"), Mapping) else {}
        return int(row.get("quota_usage") or 0), int(config.get("quota_total") or 0)

    def publish(self, post: OutboundPost) -> PublishResult:
        """Create the container(s), wait for a video to finish, publish, then the first comment."""
        if not post.media:
            raise ConnectorError(ErrorKind.PERMANENT, "instagram: a post needs at least one image or video")
        if len(post.media) > MAX_CAROUSEL:
            raise ConnectorError(ErrorKind.PERMANENT, f"instagram: at most {MAX_CAROUSEL} files in one post")
        for media in post.media:
            if not media.public_url:
                raise ConnectorError(ErrorKind.PERMANENT, "instagram: media needs a public URL (Instagram fetches "
                                     "the file itself); Warta's signed media URL was not set")
        if len(post.media) == 1:
            container = self._container(post.media[0], caption=post.text)
        else:
            children = [self._container(media, carousel_item=True) for media in post.media]
            container = self._create({"media_type": "CAROUSEL", "children": ",".join(children),
                                      "caption": post.text})
        return self.publish_resume(container, first_comment=post.first_comment,
                                   wait=any(m.kind == "video" for m in post.media) or len(post.media) > 1)

    def publish_resume(self, container_id: str, *, first_comment: str = "", wait: bool = True) -> PublishResult:
        """Publish a container once Instagram has finished it (also for one left "processing")."""
        if wait:
            state = self._wait(container_id)
            if state != "FINISHED":
                return PublishResult(external_id=container_id, status="processing",
                                     notice="instagram is still processing the video")
        answer = self.client.post(self.client.path(self.user_id, "media_publish"), data={"creation_id": container_id})
        media_id = str(answer.get("id") or "")
        if not media_id:
            raise ConnectorError(ErrorKind.TRANSIENT, "instagram: media_publish answered without an id")
        result = PublishResult(external_id=media_id, url=self._permalink(media_id), published_at=datetime.now(UTC))
        return self.client.first_comment(result, first_comment) if first_comment else result

    def _container(self, media: Media, *, caption: str = "", carousel_item: bool = False) -> str:
        data: dict[str, str] = {}
        if media.kind == "video":
            data.update({"media_type": "REELS", "video_url": media.public_url})
        elif media.kind == "image":
            data["image_url"] = media.public_url
            if media.alt_text:
                data["alt_text"] = media.alt_text
        else:
            raise ConnectorError(ErrorKind.PERMANENT, f"instagram: cannot publish media of kind {media.kind!r}")
        if carousel_item:
            data["is_carousel_item"] = "true"
            if media.kind == "video":
                data["media_type"] = "VIDEO"
        elif caption:
            data["caption"] = caption
        return self._create(data)

    def _create(self, data: Mapping[str, str]) -> str:
        answer = self.client.post(self.client.path(self.user_id, "media"), data=dict(data))
        container = str(answer.get("id") or "")
        if not container:
            raise ConnectorError(ErrorKind.TRANSIENT, "instagram: the container answer carried no id")
        return container

    def _wait(self, container_id: str) -> str:
        """Poll ``status_code`` (bounded); raise PERMANENT for ERROR or EXPIRED containers."""
        state = ""
        for attempt in range(self.poll_attempts):
            answer = self.client.get(self.client.path(container_id), params={"fields": "status_code,status"})
            state = str(answer.get("status_code") or "")
            if state in ("FINISHED", "PUBLISHED"):
                return "FINISHED"
            if state in ("ERROR", "EXPIRED"):
                raise ConnectorError(ErrorKind.PERMANENT, f"instagram could not process the media ({state})",
                                     platform_message=str(answer.get("status") or ""), code=state)
            if attempt + 1 < self.poll_attempts:
                self.sleep(self.poll_interval_s)
        return state or "IN_PROGRESS"

    def _permalink(self, media_id: str) -> str:
        try:
            answer = self.client.get(self.client.path(media_id), params={"fields": "permalink"})
        except ConnectorError:
            return ""  # the post exists; its link can be read later
        return str(answer.get("permalink") or "") if isinstance(answer, Mapping) else ""

    # --- reading ----------------------------------------------------------------------------

    def fetch_posts(self, *, cursor: str = "", since: datetime | None = None) -> Page[InboundItem]:
        params: dict[str, Any] = {"fields": MEDIA_FIELDS, "limit": PAGE_SIZE}
        if since is not None:
            params["since"] = int(since.timestamp())
        rows, next_cursor = self.client.paged(self.client.path(self.user_id, "media"), params=params, cursor=cursor)
        return Page(items=tuple(self._media_item(row, ItemKind.POST) for row in rows), next_cursor=next_cursor)

    def _media_item(self, row: Mapping[str, Any], kind: str) -> InboundItem:
        media_url = row.get("media_url") or row.get("thumbnail_url")
        own = kind == ItemKind.POST
        return InboundItem(
            platform=self.platform, external_id=str(row["id"]), kind=kind, text=str(row.get("caption") or ""),
            created_at=graph_time(row.get("timestamp")), url=str(row.get("permalink") or ""),
            account_external_id=self.user_id, author_external_id=self.user_id if own else "",
            author_handle=str(row.get("username") or (self.context.account.handle if own else "")),
            media_urls=(str(media_url),) if media_url else (),
            metrics={"likes": int(row.get("like_count") or 0), "comments": int(row.get("comments_count") or 0)},
            extra={"media_type": str(row.get("media_type") or ""),
                   "media_product_type": str(row.get("media_product_type") or "")},
        )

    def fetch_comments(self, post_external_id: str, *, cursor: str = "") -> Page[InboundItem]:
        """Top-level comments (paged) with the first page of each comment's replies, flattened."""
        params = {"fields": f"{COMMENT_FIELDS},{REPLY_FIELDS}", "limit": PAGE_SIZE}
        rows, next_cursor = self.client.paged(self.client.path(post_external_id, "comments"), params=params,
                                              cursor=cursor)
        items: list[InboundItem] = []
        for row in rows:
            items.append(self._comment_item(row, post_external_id))
            replies = row.get("replies")
            for reply in replies.get("data", []) if isinstance(replies, Mapping) else []:
                if isinstance(reply, Mapping):
                    items.append(self._comment_item(reply, post_external_id, parent=str(row["id"])))
        return Page(items=tuple(items), next_cursor=next_cursor)

    def _comment_item(self, row: Mapping[str, Any], media_id: str, *, parent: str = "") -> InboundItem:
        author = row.get("from") if isinstance(row.get("from"), Mapping) else {}
        return InboundItem(
            platform=self.platform, external_id=str(row["id"]), kind=ItemKind.COMMENT, text=str(row.get("text") or ""),
            created_at=graph_time(row.get("timestamp")), account_external_id=self.user_id,
            author_external_id=str(author.get("id") or ""),
            author_handle=str(author.get("username") or row.get("username") or ""),
            parent_external_id=str(row.get("parent_id") or parent or media_id), thread_external_id=media_id,
            metrics={"likes": int(row.get("like_count") or 0)}, extra={"hidden": bool(row.get("hidden"))},
        )

    def fetch_mentions(self, *, cursor: str = "", since: datetime | None = None) -> Page[InboundItem]:
        """Media in which the account is tagged (``/tags``); @mentions arrive by webhook."""
        rows, next_cursor = self.client.paged(self.client.path(self.user_id, "tags"),
                                              params={"fields": MEDIA_FIELDS, "limit": PAGE_SIZE}, cursor=cursor)
        items = [self._media_item(row, ItemKind.MENTION) for row in rows]
        if since is not None:
            items = [item for item in items if item.created_at >= since]
        return Page(items=tuple(items), next_cursor=next_cursor)

    def mention_get(self, *, media_id: str, comment_id: str = "") -> InboundItem:
        """Read the text of a webhook @mention (``mentioned_comment`` / ``mentioned_media``)."""
        if comment_id:
            field = (f"mentioned_comment.comment_id({comment_id})"
                     "{id,text,timestamp,username,like_count,media{id,permalink}}")
        else:
            field = f"mentioned_media.media_id({media_id}){{{MEDIA_FIELDS}}}"
        answer = self.client.get(self.client.path(self.user_id), params={"fields": field})
        node = answer.get("mentioned_comment" if comment_id else "mentioned_media") if isinstance(answer, Mapping) else None
        if not isinstance(node, Mapping) or not node.get("id"):
            raise ConnectorError(ErrorKind.PERMANENT, "instagram: the mention is no longer readable")
        if not comment_id:
            return self._media_item(node, ItemKind.MENTION)
        media = node.get("media") if isinstance(node.get("media"), Mapping) else {}
        return InboundItem(
            platform=self.platform, external_id=str(node["id"]), kind=ItemKind.MENTION, text=str(node.get("text") or ""),
            created_at=graph_time(node.get("timestamp")), url=str(media.get("permalink") or ""),
            account_external_id=self.user_id, author_handle=str(node.get("username") or ""),
            parent_external_id=media_id, thread_external_id=media_id,
            metrics={"likes": int(node.get("like_count") or 0)},
        )

    def post_metrics(self, external_ids: tuple[str, ...]) -> tuple[PostMetrics, ...]:
        """Insights of each media; a media without insights (too new, album child) is left out."""
        observed = datetime.now(UTC)
        results: list[PostMetrics] = []
        for media_id in external_ids:
            try:
                answer = self.client.get(self.client.path(media_id, "insights"),
                                         params={"metric": ",".join(INSIGHT_METRICS)})
            except ConnectorError as exc:
                if exc.kind != ErrorKind.PERMANENT:
                    raise
                logger.info("instagram insights unavailable for %s: %s", media_id, exc.code)
                continue
            values: dict[str, int] = {}
            for entry in answer.get("data", []) if isinstance(answer, Mapping) else []:
                key = METRIC_KEYS.get(entry.get("name")) if isinstance(entry, Mapping) else None
                value = insight_value(entry) if key else None
                if key and value is not None:
                    values[key] = value
            results.append(PostMetrics(external_id=media_id, observed_at=observed, values=values))
        return tuple(results)

    def account_metrics(self) -> AccountMetrics:
        answer = self.client.get(self.client.path(self.user_id),
                                 params={"fields": "followers_count,follows_count,media_count"})

        def count(key: str) -> int | None:
            value = answer.get(key) if isinstance(answer, Mapping) else None
            return int(value) if isinstance(value, int) else None

        return AccountMetrics(observed_at=datetime.now(UTC), followers=count("followers_count"),
                              following=count("follows_count"), posts=count("media_count"))

    # --- answering --------------------------------------------------------------------------

    def reply(self, to_external_id: str, text: str) -> PublishResult:
        """Reply to a comment (``/{comment-id}/replies``)."""
        answer = self.client.post(self.client.path(to_external_id, "replies"), data={"message": text})
        return PublishResult(external_id=str(answer.get("id") or ""), published_at=datetime.now(UTC))

    def hide_comment(self, external_id: str, *, hidden: bool = True) -> None:
        self.client.post(self.client.path(external_id), data={"hide": "true" if hidden else "false"})
