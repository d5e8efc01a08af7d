"""The sandbox platform as Warta sees it: every capability but video and webhooks."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

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
)
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.sandbox.client import SandboxClient


class SandboxConnector(BaseConnector):
    platform: ClassVar[str] = Platform.SANDBOX
    capabilities: ClassVar[frozenset[Capability]] = frozenset({
        Capability.PUBLISH_TEXT, Capability.PUBLISH_IMAGE, Capability.PUBLISH_LINK, Capability.FIRST_COMMENT,
        Capability.DELETE, Capability.FETCH_POSTS, Capability.POST_METRICS, Capability.ACCOUNT_METRICS,
        Capability.FETCH_COMMENTS, Capability.REPLY, Capability.HIDE_COMMENT, Capability.FETCH_MENTIONS,
        Capability.SEARCH, Capability.DIRECT_MESSAGES,
    })
    client_class = SandboxClient
    page_size: ClassVar[int] = 100

    @property
    def account_id(self) -> str:
        return self.context.account.external_id

    # --- mapping ---------------------------------------------------------------------------------

    def _item(self, data: dict[str, Any], kind: str) -> InboundItem:
        author = data.get("author") or {}
        metrics = {k: int(v) for k, v in (data.get("metrics") or {}).items() if isinstance(v, int)}
        extra = {"hidden": bool(data.get("hidden"))}
        if data.get("quote_of_id"):
            extra["quote_of_id"] = str(data["quote_of_id"])
        return InboundItem(
            platform=Platform.SANDBOX, external_id=str(data["id"]), kind=kind, text=str(data.get("text", "")),
            created_at=iso_time(data.get("created_at")), url=str(data.get("url") or ""),
            account_external_id=self.account_id, author_external_id=str(author.get("id", "")),
            author_handle=str(author.get("handle", "")), author_name=str(author.get("display_name", "")),
            parent_external_id=str(data.get("parent_id") or ""), thread_external_id=str(data.get("root_id") or ""),
            language="id", media_urls=(data["image_url"],) if data.get("image_url") else (), metrics=metrics,
            extra=extra,
        )

    def _message(self, data: dict[str, Any]) -> InboundItem:
        sender = data.get("sender") or {}
        outgoing = str(sender.get("id", "")) == self.account_id
        return InboundItem(
            platform=Platform.SANDBOX, external_id=f"dm:{data['id']}", kind=ItemKind.MESSAGE,
            text=str(data.get("text", "")), created_at=iso_time(data.get("created_at")),
            account_external_id=self.account_id, author_external_id=str(sender.get("id", "")),
            author_handle=str(sender.get("handle", "")), author_name=str(sender.get("display_name", "")),
            language="id", extra={"direction": "outgoing" if outgoing else "incoming"},
        )

    def _page(self, url: str, kind: str, *, cursor: str = "", since: datetime | None = None,
              params: dict[str, str] | None = None) -> Page[InboundItem]:
        query = dict(params or {}, limit=str(self.page_size))
        if cursor:
            query["cursor"] = cursor
        if since is not None:
            query["since"] = since.astimezone(UTC).isoformat()
        payload = self.client.get(url, params=query)
        data = payload.get("data")
        if not isinstance(data, list):
            raise ConnectorError(ErrorKind.TRANSIENT, "the sandbox answered without a data list")
        return Page(items=tuple(self._item(d, kind) for d in data), next_cursor=str(payload.get("next_cursor") or ""))

    def _result(self, payload: dict[str, Any]) -> PublishResult:
        return PublishResult(external_id=str(payload["id"]), url=str(payload.get("url") or ""),
                             published_at=iso_time(payload.get("created_at")))

    # --- publishing -------------------------------------------------------------------------------

    def publish(self, post: OutboundPost) -> PublishResult:
        data = {"text": post.text, "link": post.link, "idempotency_key": post.idempotency_key}
        images = [m for m in post.media if m.kind == "image"]
        if len(post.media) != len(images) or len(images) > 1:
            raise ConnectorError(ErrorKind.PERMANENT, "the sandbox takes text with at most one image")
        if images:
            media = images[0]
            with open(media.path, "rb") as handle:
                payload = self.client.post("/posts", data=data,
                                           files={"image": (Path(media.path).name, handle, media.mime_type)})
        else:
            payload = self.client.post("/posts", json=data)
        result = self._result(payload)
        if post.first_comment:
            comment = self.client.post(f"/posts/{result.external_id}/comments", json={"text": post.first_comment})
            result = PublishResult(external_id=result.external_id, url=result.url, published_at=result.published_at,
                                   first_comment_id=str(comment["id"]))
        return result

    def delete(self, external_id: str) -> None:
        self.client.request("DELETE", f"/posts/{external_id}")

    def reply(self, to_external_id: str, text: str) -> PublishResult:
        return self._result(self.client.post(f"/comments/{to_external_id}/reply", json={"text": text}))

    def hide_comment(self, external_id: str, *, hidden: bool = True) -> None:
        self.client.post(f"/comments/{external_id}/hide", json={"hidden": hidden})

    def send_message(self, to_external_id: str, text: str) -> PublishResult:
        payload = self.client.post("/messages", json={"to": to_external_id, "text": text})
        return PublishResult(external_id=f"dm:{payload['id']}", published_at=iso_time(payload.get("created_at")))

    # --- reading ------------------------------------------------------------------------------------

    def fetch_posts(self, *, cursor: str = "", since: datetime | None = None) -> Page[InboundItem]:
        return self._page(f"/accounts/{self.account_id}/posts", ItemKind.POST, cursor=cursor, since=since)

    def fetch_comments(self, post_external_id: str, *, cursor: str = "") -> Page[InboundItem]:
        return self._page(f"/posts/{post_external_id}/comments", ItemKind.COMMENT, cursor=cursor)

    def fetch_mentions(self, *, cursor: str = "", since: datetime | None = None) -> Page[InboundItem]:
        return self._page(f"/accounts/{self.account_id}/mentions", ItemKind.MENTION, cursor=cursor, since=since)

    def search(self, query: str, *, cursor: str = "", since: datetime | None = None) -> Page[InboundItem]:
        return self._page("/search", ItemKind.SEARCH_RESULT, cursor=cursor, since=since, params={"q": query})

    def fetch_messages(self, *, cursor: str = "") -> Page[InboundItem]:
        query = {"limit": str(self.page_size)}
        if cursor:
            query["cursor"] = cursor
        payload = self.client.get("/messages", params=query)
        data = payload.get("data")
        if not isinstance(data, list):
            raise ConnectorError(ErrorKind.TRANSIENT, "the sandbox answered without a data list")
        return Page(items=tuple(self._message(d) for d in data), next_cursor=str(payload.get("next_cursor") or ""))

    def post_metrics(self, external_ids: tuple[str, ...]) -> tuple[PostMetrics, ...]:
        out = []
        for external_id in external_ids:
            payload = self.client.get(f"/posts/{external_id}/metrics")
            values = {k: int(v) for k, v in (payload.get("metrics") or {}).items() if isinstance(v, int)}
            out.append(PostMetrics(external_id=str(external_id), observed_at=datetime.now(UTC), values=values))
        return tuple(out)

    def account_metrics(self) -> AccountMetrics:
        payload = self.client.get(f"/accounts/{self.account_id}/metrics")
        return AccountMetrics(observed_at=datetime.now(UTC), followers=payload.get("followers_count"),
                              following=payload.get("following_count"), posts=payload.get("posts_count"))
