"""The YouTube connector: video upload, the channel's videos, statistics and comments.

Hiding a comment means ``comments.setModerationStatus`` with ``heldForReview``: the comment
leaves public view and waits in YouTube Studio's review queue, where it can be published
again (``hidden=False`` sets ``published``). YouTube has no "hidden but public to its author"
state like Facebook's; see ADR 0009.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

from django.utils.translation import gettext as _

from warta.channels.connectors.base import (
    AccountMetrics,
    BaseConnector,
    Capability,
    ConnectorContext,
    InboundItem,
    ItemKind,
    OutboundPost,
    Page,
    Platform,
    PostMetrics,
    PublishResult,
    iso_time,
    items_since,
    text_with_link,
)
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.youtube.client import YouTubeClient

logger = logging.getLogger(__name__)

API = "/youtube/v3"
TITLE_MAX = 100
NEWS_AND_POLITICS = "25"


class YouTubeConnector(BaseConnector):
    platform: ClassVar[str] = Platform.YOUTUBE
    capabilities: ClassVar[frozenset[Capability]] = frozenset({
        Capability.PUBLISH_VIDEO,
        Capability.FIRST_COMMENT,
        Capability.DELETE,
        Capability.FETCH_POSTS,
        Capability.POST_METRICS,
        Capability.ACCOUNT_METRICS,
        Capability.FETCH_COMMENTS,
        Capability.REPLY,
        Capability.HIDE_COMMENT,
    })
    client_class = YouTubeClient

    def __init__(self, context: ConnectorContext, *, transport=None) -> None:
        super().__init__(context, transport=transport)
        self._uploads_playlist = ""

    @property
    def channel_id(self) -> str:
        return self.context.account.external_id

    def _channel_filter(self) -> dict[str, str]:
        return {"id": self.channel_id} if self.channel_id else {"mine": "true"}

    # --- publishing ---------------------------------------------------------------------------

    def publish(self, post: OutboundPost) -> PublishResult:
        """Upload the post's video with its title and description; then the first comment.

        The privacy comes from ``AppConfig.extra["privacy_status"]`` (default ``public``).
        Google keeps uploads of unverified API projects private whatever is asked.
        """
        videos = [media for media in post.media if media.kind == "video"]
        if not videos:
            raise ConnectorError(ErrorKind.NOT_SUPPORTED, "youtube: a post needs a video")
        if len(post.media) > 1:
            raise ConnectorError(ErrorKind.PERMANENT, "youtube: one video per post")
        video = videos[0]
        description = text_with_link(post.text, post.link, separator="\n\n")
        first_line = next((line.strip() for line in post.text.splitlines() if line.strip()), "")
        title = post.title.strip() or first_line or video.path.rsplit("/", 1)[-1]
        metadata = {
            "snippet": {"title": title[:TITLE_MAX], "description": description[:5000],
                        "categoryId": self.context.app.extra.get("category_id") or NEWS_AND_POLITICS},
            "status": {"privacyStatus": self.context.app.extra.get("privacy_status") or "public",
                       "selfDeclaredMadeForKids": False},
        }
        answer = self.client.upload_resumable(video.path, mime_type=video.mime_type or "video/*", metadata=metadata)
        video_id = str(answer["id"])
        upload_status = (answer.get("status") or {}).get("uploadStatus", "")
        result = PublishResult(
            external_id=video_id,
            url=f"https://www.youtube.com/watch?v={video_id}",
            published_at=iso_time((answer.get("snippet") or {}).get("publishedAt")),
            status="published" if upload_status == "processed" else "processing",
        )
        if not post.first_comment:
            return result
        try:
            comment_id = self._comment_thread(video_id, post.first_comment)
        except ConnectorError as exc:
            logger.warning("youtube: first comment on %s failed: %r", video_id, exc)
            return PublishResult(external_id=result.external_id, url=result.url, published_at=result.published_at,
                                 status=result.status,
                                 notice=_("Video sudah diunggah, tetapi komentar pertama gagal dikirim."))
        return PublishResult(external_id=result.external_id, url=result.url, published_at=result.published_at,
                             status=result.status, first_comment_id=comment_id)

    def _comment_thread(self, video_id: str, text: str) -> str:
        snippet: dict[str, Any] = {"videoId": video_id, "topLevelComment": {"snippet": {"textOriginal": text}}}
        if self.channel_id:
            snippet["channelId"] = self.channel_id
        answer = self.client.post(f"{API}/commentThreads", params={"part": "snippet"}, json={"snippet": snippet},
                                  family="write")
        return str(answer["id"])

    def reply(self, to_external_id: str, text: str) -> PublishResult:
        """Answer a comment. YouTube threads are one level deep: a reply's id is
        ``<top-level id>.<reply id>``, so answering a reply answers its thread."""
        parent_id = to_external_id.split(".", 1)[0]
        answer = self.client.post(f"{API}/comments", params={"part": "snippet"},
                                  json={"snippet": {"parentId": parent_id, "textOriginal": text}}, family="write")
        snippet = answer.get("snippet") or {}
        return PublishResult(external_id=str(answer["id"]), published_at=iso_time(snippet.get("publishedAt")))

    def delete(self, external_id: str) -> None:
        self.client.request("DELETE", f"{API}/videos", params={"id": external_id}, family="write")

    def hide_comment(self, external_id: str, *, hidden: bool = True) -> None:
        self.client.post(f"{API}/comments/setModerationStatus", family="write",
                         params={"id": external_id, "moderationStatus": "heldForReview" if hidden else "published"})

    # --- reading ------------------------------------------------------------------------------

    def uploads_playlist(self) -> str:
        if not self._uploads_playlist:
            answer = self.client.get(f"{API}/channels", params={"part": "contentDetails", **self._channel_filter()},
                                     family="read")
            items = answer.get("items") or []
            if not items:
                raise ConnectorError(ErrorKind.PERMANENT, "youtube: channel not found")
            self._uploads_playlist = items[0]["contentDetails"]["relatedPlaylists"]["uploads"]
        return self._uploads_playlist

    def fetch_posts(self, *, cursor: str = "", since: datetime | None = None) -> Page[InboundItem]:
        """The channel's uploads, newest first; paging stops at the first one older than ``since``."""
        params = {"part": "snippet,contentDetails", "playlistId": self.uploads_playlist(), "maxResults": 50}
        if cursor:
            params["pageToken"] = cursor
        answer = self.client.get(f"{API}/playlistItems", params=params, family="read")
        items, reached_since = items_since([self._video_item(entry) for entry in answer.get("items") or ()], since)
        return Page(items=items, next_cursor="" if reached_since else str(answer.get("nextPageToken") or ""))

    def _video_item(self, entry: Mapping[str, Any]) -> InboundItem:
        snippet = entry.get("snippet") or {}
        details = entry.get("contentDetails") or {}
        video_id = str(details.get("videoId") or (snippet.get("resourceId") or {}).get("videoId"))
        thumbnails = snippet.get("thumbnails") or {}
        thumb = next((thumbnails[size]["url"] for size in ("high", "medium", "default") if size in thumbnails), "")
        return InboundItem(
            platform=Platform.YOUTUBE,
            external_id=video_id,
            kind=ItemKind.POST,
            text=str(snippet.get("description") or ""),
            title=str(snippet.get("title") or ""),
            created_at=iso_time(details.get("videoPublishedAt") or snippet.get("publishedAt")),
            url=f"https://www.youtube.com/watch?v={video_id}",
            account_external_id=self.channel_id or str(snippet.get("channelId") or ""),
            author_external_id=str(snippet.get("channelId") or ""),
            author_name=str(snippet.get("channelTitle") or ""),
            media_urls=(thumb,) if thumb else (),
        )

    def fetch_comments(self, post_external_id: str, *, cursor: str = "") -> Page[InboundItem]:
        """Comment threads of a video (or, with an empty id, of the whole channel) with the
        replies YouTube includes in each thread."""
        params: dict[str, Any] = {"part": "snippet,replies", "maxResults": 100, "textFormat": "plainText"}
        if post_external_id:
            params["videoId"] = post_external_id
        else:
            params["allThreadsRelatedToChannelId"] = self.channel_id
        if cursor:
            params["pageToken"] = cursor
        answer = self.client.get(f"{API}/commentThreads", params=params, family="read")
        items: list[InboundItem] = []
        for thread in answer.get("items") or ():
            snippet = thread.get("snippet") or {}
            video_id = str(snippet.get("videoId") or post_external_id)
            top = snippet.get("topLevelComment") or {}
            items.append(self._comment(top, parent=video_id, video_id=video_id,
                                       extra={"reply_count": int(snippet.get("totalReplyCount") or 0)}))
            for reply in (thread.get("replies") or {}).get("comments") or ():
                items.append(self._comment(reply, parent=str(top.get("id") or ""), video_id=video_id))
        return Page(items=tuple(items), next_cursor=str(answer.get("nextPageToken") or ""))

    def _comment(self, comment: Mapping[str, Any], *, parent: str, video_id: str,
                 extra: Mapping[str, Any] | None = None) -> InboundItem:
        snippet = comment.get("snippet") or {}
        comment_id = str(comment["id"])
        return InboundItem(
            platform=Platform.YOUTUBE,
            external_id=comment_id,
            kind=ItemKind.COMMENT,
            text=str(snippet.get("textOriginal") or snippet.get("textDisplay") or ""),
            created_at=iso_time(snippet.get("publishedAt")),
            url=f"https://www.youtube.com/watch?v={video_id}&lc={comment_id}",
            account_external_id=self.channel_id,
            author_external_id=str((snippet.get("authorChannelId") or {}).get("value") or ""),
            author_name=str(snippet.get("authorDisplayName") or ""),
            author_handle=str(snippet.get("authorDisplayName") or "") if str(snippet.get("authorDisplayName") or "").startswith("@") else "",
            parent_external_id=parent,
            thread_external_id=video_id,
            metrics={"likes": int(snippet.get("likeCount") or 0)},
            extra=dict(extra or {}),
        )

    # --- metrics ------------------------------------------------------------------------------

    def post_metrics(self, external_ids: tuple[str, ...]) -> tuple[PostMetrics, ...]:
        observed = datetime.now(UTC)
        results: list[PostMetrics] = []
        for start in range(0, len(external_ids), 50):
            batch = external_ids[start:start + 50]
            answer = self.client.get(f"{API}/videos", params={"part": "statistics", "id": ",".join(batch)},
                                     family="read")
            for video in answer.get("items") or ():
                stats = video.get("statistics") or {}
                values = {name: int(stats[key]) for key, name in
                          (("viewCount", "views"), ("likeCount", "likes"), ("commentCount", "comments"))
                          if key in stats}
                results.append(PostMetrics(external_id=str(video["id"]), observed_at=observed, values=values))
        return tuple(results)

    def account_metrics(self) -> AccountMetrics:
        answer = self.client.get(f"{API}/channels", params={"part": "statistics", **self._channel_filter()},
                                 family="read")
        items = answer.get("items") or []
        if not items:
            raise ConnectorError(ErrorKind.PERMANENT, "youtube: channel not found")
        stats = items[0].get("statistics") or {}
        hidden = bool(stats.get("hiddenSubscriberCount"))
        return AccountMetrics(
            observed_at=datetime.now(UTC),
            followers=None if hidden or "subscriberCount" not in stats else int(stats["subscriberCount"]),
            posts=int(stats["videoCount"]) if "videoCount" in stats else None,
            values={"views": int(stats["viewCount"])} if "viewCount" in stats else {},
        )
