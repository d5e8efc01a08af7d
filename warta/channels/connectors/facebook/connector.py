"""Facebook Pages: publish as the Page, read its posts, comments and insights, moderate comments.

The context's ``tokens.access_token`` is a Page access token (from :class:`MetaOAuth`
discovery) and ``account.external_id`` the Page id.

Videos go to Graph's video host (``graph-video.facebook.com``; see :func:`video_base_url`).
A video Warta serves publicly is sent as ``file_url``; a local file goes through the resumable
upload: ``upload_phase=start`` (``file_size``) answers ``upload_session_id``, ``video_id`` and the
first window ``start_offset``/``end_offset``; each ``transfer`` sends that window as
``video_file_chunk`` and answers the next window, until ``start_offset == end_offset``; then
``finish`` with title and description publishes it (ADR 0008).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from warta.channels.connectors.base import (
    AccountMetrics,
    AppConfig,
    BaseConnector,
    Capability,
    InboundItem,
    ItemKind,
    Media,
    OutboundPost,
    Page,
    PostMetrics,
    PublishResult,
)
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.facebook.client import FacebookClient, offsets
from warta.channels.connectors.graph import graph_time, insight_value, summary_count

POST_FIELDS = ("id,message,created_time,permalink_url,full_picture,status_type,shares,"
               "comments.limit(0).summary(true),reactions.limit(0).summary(true)")
COMMENT_FIELDS = "id,message,created_time,from{id,name},parent{id},permalink_url,like_count,comment_count,is_hidden"
INSIGHT_METRICS = ("post_impressions", "post_impressions_unique", "post_clicks")
METRICS_FIELDS = ("shares,comments.limit(0).summary(true),reactions.limit(0).summary(true),"
                  f"insights.metric({','.join(INSIGHT_METRICS)})")
IDS_PER_REQUEST = 50  # Graph's multiple-id read takes at most 50 ids
PAGE_SIZE = 25
VIDEO_BASE_URL = "https://graph-video.facebook.com"
# A resumable upload gives up after this many transfers that did not move the window on, or
# this many resumes from the offsets of a refused transfer (Graph 6001/1363037).
MAX_STALLED_TRANSFERS = 3
MAX_TRANSFER_RESUMES = 5


def video_base_url(app: AppConfig) -> str:
    """Where videos are uploaded: ``extra["video_base_url"]`` if the installation sets one, else
    the app's own ``base_url`` (tests, the sandbox: the same server as every other call), else
    Graph's video host ``https://graph-video.facebook.com``."""
    return str(app.extra.get("video_base_url") or app.base_url or VIDEO_BASE_URL).rstrip("/")


def facebook_url(object_id: str) -> str:
    return f"https://www.facebook.com/{object_id}"


class FacebookConnector(BaseConnector):
    platform: ClassVar[str] = "facebook"
    capabilities: ClassVar[frozenset[Capability]] = frozenset({
        Capability.PUBLISH_TEXT, Capability.PUBLISH_LINK, Capability.PUBLISH_IMAGE, Capability.PUBLISH_VIDEO,
        Capability.FIRST_COMMENT, Capability.DELETE, Capability.FETCH_POSTS, Capability.POST_METRICS,
        Capability.ACCOUNT_METRICS, Capability.FETCH_COMMENTS, Capability.REPLY, Capability.HIDE_COMMENT,
        Capability.WEBHOOKS,
    })
    client_class = FacebookClient

    @property
    def page_id(self) -> str:
        return self.context.account.external_id

    # --- publishing -------------------------------------------------------------------------

    def publish(self, post: OutboundPost) -> PublishResult:
        """Publish as the Page; then the first comment, whose failure never undoes the post."""
        images = [m for m in post.media if m.kind == "image"]
        # Photo and video posts have no link field: the link goes at the end of the caption.
        caption = f"{post.text}\n\n{post.link}" if post.media and post.link and post.link not in post.text else post.text
        videos = [m for m in post.media if m.kind == "video"]
        status = "published"
        if videos:
            if len(post.media) > 1:
                raise ConnectorError(ErrorKind.PERMANENT, "facebook: a video post carries exactly one video")
            fields = {"description": caption, "title": post.title}
            if videos[0].public_url:
                answer = self._upload("videos", videos[0], fields)
            else:
                answer = self._upload_video_resumable(videos[0], fields)
            external_id = str(answer.get("id") or "")
            status = "processing"  # Facebook encodes the video before it shows on the Page
        elif len(images) == 1:
            answer = self._upload("photos", images[0], {"caption": caption})
            external_id = str(answer.get("post_id") or answer.get("id") or "")
        elif images:
            media_ids = [str(self._upload("photos", image, {"published": "false"}).get("id") or "") for image in images]
            data: dict[str, Any] = {"message": caption}
            for index, media_id in enumerate(media_ids):
                data[f"attached_media[{index}]"] = f'{{"media_fbid":"{media_id}"}}'
            external_id = str(self.client.post(self.client.path(self.page_id, "feed"), data=data).get("id") or "")
        else:
            if not post.text and not post.link:
                raise ConnectorError(ErrorKind.PERMANENT, "facebook: a post needs text, a link or media")
            data = {"message": post.text}
            if post.link:
                data["link"] = post.link
            external_id = str(self.client.post(self.client.path(self.page_id, "feed"), data=data).get("id") or "")
        if not external_id:
            raise ConnectorError(ErrorKind.TRANSIENT, "facebook: the answer carried no post id")
        result = PublishResult(external_id=external_id, url=facebook_url(external_id),
                               published_at=datetime.now(UTC), status=status)
        if post.first_comment:
            result = self.client.first_comment(result, post.first_comment)
        return result

    def _upload(self, edge: str, media: Media, fields: Mapping[str, str]) -> Mapping[str, Any]:
        """POST a photo or video: by URL when Warta serves it publicly, else the file itself."""
        data = {k: v for k, v in fields.items() if v}
        if media.alt_text and edge == "photos":
            data["alt_text_custom"] = media.alt_text
        url = self._video_url() if edge == "videos" else self.client.path(self.page_id, edge)
        if media.public_url:
            data["url" if edge == "photos" else "file_url"] = media.public_url
            return self.client.post(url, data=data)
        path = Path(media.path)
        if not path.is_file():
            raise ConnectorError(ErrorKind.PERMANENT, f"facebook: media file not found: {path.name}")
        with path.open("rb") as handle:
            return self.client.post(url, data=data, files={"source": (path.name, handle, media.mime_type)})

    def _video_url(self) -> str:
        return video_base_url(self.context.app) + self.client.path(self.page_id, "videos")

    def _upload_video_resumable(self, media: Media, fields: Mapping[str, str]) -> Mapping[str, Any]:
        """Upload a local video in the windows Graph asks for; return ``{"id": video_id}``."""
        path = Path(media.path)
        if not path.is_file():
            raise ConnectorError(ErrorKind.PERMANENT, f"facebook: media file not found: {path.name}")
        size = path.stat().st_size
        if size == 0:
            raise ConnectorError(ErrorKind.PERMANENT, "facebook: the video file is empty")
        url = self._video_url()
        started = self.client.post(url, data={"upload_phase": "start", "file_size": str(size)})
        session = str(started.get("upload_session_id") or "")
        video_id = str(started.get("video_id") or "")
        window = offsets(started)
        if not session or not video_id or window is None:
            raise ConnectorError(ErrorKind.TRANSIENT, "facebook: the upload start answer carried no session")
        stalled = resumes = 0
        with path.open("rb") as handle:
            while window[0] < window[1]:
                start, end = window
                if start >= size:
                    raise ConnectorError(ErrorKind.TRANSIENT, "facebook: Graph asked for bytes beyond the file")
                handle.seek(start)
                chunk = handle.read(end - start)
                try:
                    answer = self.client.post(url, data={"upload_phase": "transfer", "upload_session_id": session,
                                                         "start_offset": str(start)},
                                              files={"video_file_chunk": (path.name, chunk, "application/octet-stream")})
                except ConnectorError as exc:
                    resume = getattr(exc, "resume_offsets", None)
                    if resume is None or resumes >= MAX_TRANSFER_RESUMES:
                        raise
                    resumes += 1
                    window = resume  # Graph names the window to send again
                    continue
                following = offsets(answer)
                if following is None:
                    raise ConnectorError(ErrorKind.TRANSIENT, "facebook: the transfer answer carried no offsets")
                stalled = stalled + 1 if following[0] <= start else 0
                if stalled >= MAX_STALLED_TRANSFERS:
                    raise ConnectorError(ErrorKind.TRANSIENT, "facebook: the video upload made no progress")
                window = following
        finished = self.client.post(url, data={"upload_phase": "finish", "upload_session_id": session,
                                               **{k: v for k, v in fields.items() if v}})
        if not finished.get("success"):
            raise ConnectorError(ErrorKind.TRANSIENT, "facebook: the video upload was not finished")
        return {"id": video_id}

    def video_status(self, video_id: str) -> str:
        """Return Facebook's processing state of an uploaded video: ready, processing or error."""
        answer = self.client.get(self.client.path(video_id), params={"fields": "status"})
        status = answer.get("status") if isinstance(answer, Mapping) else None
        return str(status.get("video_status") or "") if isinstance(status, Mapping) else ""

    def delete(self, external_id: str) -> None:
        self.client.request("DELETE", self.client.path(external_id))

    # --- reading ----------------------------------------------------------------------------

    def fetch_posts(self, *, cursor: str = "", since: datetime | None = None) -> Page[InboundItem]:
        params: dict[str, Any] = {"fields": POST_FIELDS, "limit": PAGE_SIZE}
        if since is not None:
            params["since"] = int(since.timestamp())
        rows, next_cursor = self.client.paged(self.client.path(self.page_id, "posts"), params=params, cursor=cursor)
        return Page(items=tuple(self._post_item(row) for row in rows), next_cursor=next_cursor)

    def _post_item(self, row: Mapping[str, Any]) -> InboundItem:
        shares = row.get("shares")
        return InboundItem(
            platform=self.platform, external_id=str(row["id"]), kind=ItemKind.POST, text=str(row.get("message") or ""),
            created_at=graph_time(row.get("created_time")), url=str(row.get("permalink_url") or facebook_url(row["id"])),
            account_external_id=self.page_id, author_external_id=self.page_id,
            author_handle=self.context.account.handle,
            media_urls=(str(row["full_picture"]),) if row.get("full_picture") else (),
            metrics={"likes": summary_count(row.get("reactions")), "comments": summary_count(row.get("comments")),
                     "shares": int(shares.get("count") or 0) if isinstance(shares, Mapping) else 0},
            extra={"status_type": str(row.get("status_type") or "")},
        )

    def fetch_comments(self, post_external_id: str, *, cursor: str = "") -> Page[InboundItem]:
        """Comments and replies under a post, flat and oldest first (``filter=stream``)."""
        params = {"fields": COMMENT_FIELDS, "filter": "stream", "order": "chronological", "limit": PAGE_SIZE}
        rows, next_cursor = self.client.paged(self.client.path(post_external_id, "comments"), params=params,
                                              cursor=cursor)
        return Page(items=tuple(self._comment_item(row, post_external_id) for row in rows), next_cursor=next_cursor)

    def _comment_item(self, row: Mapping[str, Any], post_id: str) -> InboundItem:
        author = row.get("from") if isinstance(row.get("from"), Mapping) else {}
        parent = row.get("parent") if isinstance(row.get("parent"), Mapping) else {}
        return InboundItem(
            platform=self.platform, external_id=str(row["id"]), kind=ItemKind.COMMENT,
            text=str(row.get("message") or ""), created_at=graph_time(row.get("created_time")),
            url=str(row.get("permalink_url") or ""), account_external_id=self.page_id,
            author_external_id=str(author.get("id") or ""), author_name=str(author.get("name") or ""),
            parent_external_id=str(parent.get("id") or post_id), thread_external_id=post_id,
            metrics={"likes": int(row.get("like_count") or 0), "replies": int(row.get("comment_count") or 0)},
            extra={"is_hidden": bool(row.get("is_hidden"))},
        )

    def post_metrics(self, external_ids: tuple[str, ...]) -> tuple[PostMetrics, ...]:
        """Insights and counts of Page posts, 50 posts per request (Graph's ``?ids=`` read)."""
        observed = datetime.now(UTC)
        results: list[PostMetrics] = []
        for start in range(0, len(external_ids), IDS_PER_REQUEST):
            chunk = external_ids[start:start + IDS_PER_REQUEST]
            answer = self.client.get(f"/{self.client.version}/",
                                     params={"ids": ",".join(chunk), "fields": METRICS_FIELDS})
            for post_id in chunk:
                node = answer.get(post_id) if isinstance(answer, Mapping) else None
                if isinstance(node, Mapping):
                    results.append(PostMetrics(external_id=post_id, observed_at=observed, values=_post_values(node)))
        return tuple(results)

    def account_metrics(self) -> AccountMetrics:
        answer = self.client.get(self.client.path(self.page_id), params={"fields": "followers_count,fan_count"})
        followers = answer.get("followers_count")
        fans = answer.get("fan_count")
        values = {"fan_count": int(fans)} if isinstance(fans, int) else {}
        return AccountMetrics(observed_at=datetime.now(UTC),
                              followers=int(followers) if isinstance(followers, int) else (int(fans) if isinstance(fans, int) else None),
                              values=values)

    # --- answering --------------------------------------------------------------------------

    def reply(self, to_external_id: str, text: str) -> PublishResult:
        """Comment as the Page on a post or a comment (a reply)."""
        answer = self.client.post(self.client.path(to_external_id, "comments"), data={"message": text})
        comment_id = str(answer.get("id") or "")
        return PublishResult(external_id=comment_id, url=facebook_url(comment_id), published_at=datetime.now(UTC))

    def hide_comment(self, external_id: str, *, hidden: bool = True) -> None:
        self.client.post(self.client.path(external_id), data={"is_hidden": "true" if hidden else "false"})


def _post_values(node: Mapping[str, Any]) -> dict[str, int]:
    values = {"likes": summary_count(node.get("reactions")), "comments": summary_count(node.get("comments"))}
    shares = node.get("shares")
    values["shares"] = int(shares.get("count") or 0) if isinstance(shares, Mapping) else 0
    insights = node.get("insights")
    names = {"post_impressions": "impressions", "post_impressions_unique": "reach", "post_clicks": "clicks"}
    for entry in insights.get("data", []) if isinstance(insights, Mapping) else []:
        key = names.get(entry.get("name")) if isinstance(entry, Mapping) else None
        value = insight_value(entry) if key else None
        if key and value is not None:
            values[key] = value
    return values
