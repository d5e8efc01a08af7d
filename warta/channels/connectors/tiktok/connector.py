"""The TikTok connector: direct video posts, the account's videos and their metrics.

Publishing follows TikTok's Direct Post flow: query the creator's info (allowed privacy
levels, maximum duration, disabled interactions), initialise the post (``FILE_UPLOAD`` with
chunked PUTs to the returned ``upload_url``, or ``PULL_FROM_URL`` from Warta's signed media
URL when the installation has verified its domain with TikTok), then poll the status.

An app that has not passed TikTok's audit may only post privately: unless
``AppConfig.extra["audited"] == "true"`` the connector posts ``SELF_ONLY`` and says so in
``PublishResult.notice``. TikTok has no public API for comments, replies or deletion.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from django.utils.translation import gettext as _

from warta.channels.connectors.base import (
    AccountMetrics,
    BaseConnector,
    Capability,
    InboundItem,
    ItemKind,
    Media,
    OutboundPost,
    Page,
    Platform,
    PostMetrics,
    PublishResult,
    items_since,
    text_with_link,
)
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.tiktok.client import TikTokClient

logger = logging.getLogger(__name__)

MB = 1024 * 1024
VIDEO_FIELDS = "id,title,video_description,create_time,share_url,cover_image_url,duration,like_count,comment_count,share_count,view_count"
METRIC_FIELDS = "id,like_count,comment_count,share_count,view_count"
PRIVACY_PREFERENCE = ("PUBLIC_TO_EVERYONE", "FOLLOWER_OF_CREATOR", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY")
CAPTION_MAX = 2200


class TikTokConnector(BaseConnector):
    platform: ClassVar[str] = Platform.TIKTOK
    capabilities: ClassVar[frozenset[Capability]] = frozenset({
        Capability.PUBLISH_VIDEO,
        Capability.FETCH_POSTS,
        Capability.POST_METRICS,
        Capability.ACCOUNT_METRICS,
    })
    client_class = TikTokClient

    # TikTok's chunk rules: files under 5 MB go whole; otherwise chunks of 5-64 MB, the last
    # one taking the remainder (up to 128 MB).
    min_chunk: int = 5 * MB
    chunk_size: int = 10 * MB
    # Brief polling inside publish(); a post still processing afterwards is returned as
    # "processing" and finished later with publish_status().
    poll_attempts: int = 3
    poll_interval_s: float = 2.0
    sleep: Callable[[float], None] = staticmethod(time.sleep)

    @property
    def audited(self) -> bool:
        return str(self.context.app.extra.get("audited", "")).lower() == "true"

    # --- publishing ---------------------------------------------------------------------------

    def creator_info(self) -> dict[str, Any]:
        return self.client.post("/v2/post/publish/creator_info/query/", json={}, family="creator_info")["data"]

    def publish(self, post: OutboundPost) -> PublishResult:
        videos = [media for media in post.media if media.kind == "video"]
        if not videos or len(post.media) != 1:
            raise ConnectorError(ErrorKind.NOT_SUPPORTED, "tiktok: a post is exactly one video")
        video = videos[0]
        info = self.creator_info()
        max_duration = info.get("max_video_post_duration_sec")
        if video.duration_s and max_duration and video.duration_s > float(max_duration):
            raise ConnectorError(ErrorKind.PERMANENT, f"tiktok: the video is longer than {max_duration} s allowed",
                                 code="duration_too_long")
        privacy, notice = self._privacy(info)
        caption = text_with_link(post.text, post.link)
        post_info = {
            "title": caption[:CAPTION_MAX],
            "privacy_level": privacy,
            "disable_comment": bool(info.get("comment_disabled")),
            "disable_duet": bool(info.get("duet_disabled")),
            "disable_stitch": bool(info.get("stitch_disabled")),
            "brand_content_toggle": False,
            "brand_organic_toggle": False,
        }
        chunk = count = 0
        pull = bool(video.public_url) and str(self.context.app.extra.get("pull_from_url", "")).lower() == "true"
        if pull:
            source_info: dict[str, Any] = {"source": "PULL_FROM_URL", "video_url": video.public_url}
        else:
            size = Path(video.path).stat().st_size
            chunk, count = self._chunking(size)
            source_info = {"source": "FILE_UPLOAD", "video_size": size, "chunk_size": chunk, "total_chunk_count": count}
        data = self.client.post("/v2/post/publish/video/init/", json={"post_info": post_info, "source_info": source_info},
                                family="init")["data"]
        publish_id = str(data["publish_id"])
        if not pull:
            self._upload(video, str(data["upload_url"]), chunk, count)
        result = self.publish_status(publish_id)
        for _attempt in range(self.poll_attempts - 1):
            if result.status != "processing":
                break
            self.sleep(self.poll_interval_s)
            result = self.publish_status(publish_id)
        return PublishResult(external_id=result.external_id, url=result.url, published_at=result.published_at,
                             status=result.status, notice=notice)

    def _privacy(self, info: Mapping[str, Any]) -> tuple[str, str]:
        options = [str(option) for option in info.get("privacy_level_options") or ()]
        if not self.audited:
            return "SELF_ONLY", _("Video ini terbit sebagai privat (hanya dapat dilihat oleh pemilik akun) karena "
                                  "aplikasi TikTok Warta belum lolos audit TikTok. Setelah audit selesai, "
                                  "video berikutnya dapat terbit untuk umum.")
        wanted = str(self.context.app.extra.get("privacy_level") or "")
        if wanted and wanted in options:
            return wanted, ""
        for level in PRIVACY_PREFERENCE:
            if level in options:
                return level, ""
        raise ConnectorError(ErrorKind.PERMANENT, "tiktok: the creator allows no known privacy level")

    def _chunking(self, size: int) -> tuple[int, int]:
        if size <= 0:
            raise ConnectorError(ErrorKind.PERMANENT, "tiktok: the video file is empty")
        if size < self.min_chunk:
            return size, 1
        chunk = min(self.chunk_size, size)
        return chunk, max(1, size // chunk)

    def _upload(self, video: Media, upload_url: str, chunk: int, count: int) -> None:
        """PUT the file in ``count`` chunks; the last chunk takes the remainder."""
        size = Path(video.path).stat().st_size
        with open(video.path, "rb") as handle:
            for index in range(count):
                start = index * chunk
                end = size - 1 if index == count - 1 else start + chunk - 1
                handle.seek(start)
                content = handle.read(end - start + 1)
                self.client.request("PUT", upload_url, authenticated=False, raw=True, content=content, headers={
                    "Content-Type": video.mime_type or "video/mp4",
                    "Content-Length": str(len(content)),
                    "Content-Range": f"bytes {start}-{end}/{size}",
                })

    def publish_status(self, publish_id: str) -> PublishResult:
        """Where a post stands: published, still processing, or failed (PERMANENT, with
        TikTok's ``fail_reason``). A published private post has no public id: the publish id
        stays its external id."""
        data = self.client.post("/v2/post/publish/status/fetch/", json={"publish_id": publish_id},
                                family="status")["data"]
        status = str(data.get("status") or "")
        if status == "FAILED":
            reason = str(data.get("fail_reason") or "")
            raise ConnectorError(ErrorKind.PERMANENT, f"tiktok: publishing failed ({reason})",
                                 platform_message=reason, code=reason)
        if status in ("PUBLISH_COMPLETE", "SEND_TO_USER_INBOX"):
            # TikTok spells the field "publicaly_available_post_id".
            post_ids = data.get("publicaly_available_post_id") or data.get("publicly_available_post_id") or ()
            post_id = str(post_ids[0]) if post_ids else ""
            handle = self.context.account.handle.lstrip("@")
            url = f"https://www.tiktok.com/@{handle}/video/{post_id}" if post_id and handle else ""
            return PublishResult(external_id=post_id or publish_id, url=url, published_at=datetime.now(UTC))
        return PublishResult(external_id=publish_id, status="processing")

    # --- reading ------------------------------------------------------------------------------

    def fetch_posts(self, *, cursor: str = "", since: datetime | None = None) -> Page[InboundItem]:
        body: dict[str, Any] = {"max_count": 20}
        if cursor:
            body["cursor"] = int(cursor)
        data = self.client.post("/v2/video/list/", params={"fields": VIDEO_FIELDS}, json=body, family="display")["data"]
        items, reached_since = items_since([self._item(video) for video in data.get("videos") or ()], since)
        more = bool(data.get("has_more")) and not reached_since
        return Page(items=items, next_cursor=str(data.get("cursor")) if more and data.get("cursor") is not None else "")

    def _item(self, video: Mapping[str, Any]) -> InboundItem:
        metrics = {name: int(video[key]) for key, name in
                   (("view_count", "views"), ("like_count", "likes"), ("comment_count", "comments"),
                    ("share_count", "shares")) if key in video}
        cover = str(video.get("cover_image_url") or "")
        return InboundItem(
            platform=Platform.TIKTOK,
            external_id=str(video["id"]),
            kind=ItemKind.POST,
            text=str(video.get("video_description") or ""),
            title=str(video.get("title") or ""),
            created_at=datetime.fromtimestamp(int(video["create_time"]), UTC) if video.get("create_time") else datetime.now(UTC),
            url=str(video.get("share_url") or ""),
            account_external_id=self.context.account.external_id,
            author_external_id=self.context.account.external_id,
            author_handle=self.context.account.handle.lstrip("@"),
            media_urls=(cover,) if cover else (),
            metrics=metrics,
            extra={"duration_s": int(video["duration"])} if "duration" in video else {},
        )

    def post_metrics(self, external_ids: tuple[str, ...]) -> tuple[PostMetrics, ...]:
        observed = datetime.now(UTC)
        results: list[PostMetrics] = []
        for start in range(0, len(external_ids), 20):  # TikTok takes at most 20 ids per query
            batch = list(external_ids[start:start + 20])
            data = self.client.post("/v2/video/query/", params={"fields": METRIC_FIELDS},
                                    json={"filters": {"video_ids": batch}}, family="display")["data"]
            for video in data.get("videos") or ():
                item = self._item(video)
                results.append(PostMetrics(external_id=item.external_id, observed_at=observed, values=dict(item.metrics)))
        return tuple(results)

    def account_metrics(self) -> AccountMetrics:
        data = self.client.get("/v2/user/info/", params={"fields": "open_id,follower_count,following_count,video_count,likes_count"},
                               family="display")["data"]
        user = data.get("user") or {}
        return AccountMetrics(
            observed_at=datetime.now(UTC),
            followers=int(user["follower_count"]) if "follower_count" in user else None,
            following=int(user["following_count"]) if "following_count" in user else None,
            posts=int(user["video_count"]) if "video_count" in user else None,
            values={"likes_received": int(user["likes_count"])} if "likes_count" in user else {},
        )
