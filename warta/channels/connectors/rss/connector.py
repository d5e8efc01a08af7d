"""Online news: one RSS 2.0, Atom or RDF feed per account (``AccountRef.external_id`` is the
feed's URL). Entries become ``NEWS`` items. The cursor carries the feed's ETag and
Last-Modified, so an unchanged feed costs one ``304 Not Modified``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import httpx

from warta.channels.connectors.base import (
    BaseConnector,
    Capability,
    ConnectorContext,
    InboundItem,
    ItemKind,
    Page,
    Platform,
)
from warta.channels.connectors.netguard import AllowList
from warta.channels.connectors.rss.client import FeedResponse, feed_fetch, feed_parse

TEXT_LIMIT = 5000  # characters of summary kept per entry
EXTERNAL_ID_LIMIT = 255  # docs/inbound-item.schema.json


@dataclass(frozen=True)
class FeedInfo:
    title: str
    site_url: str
    entry_count: int
    latest_titles: tuple[str, ...]


class RssConnector(BaseConnector):
    platform = Platform.RSS
    capabilities = frozenset({Capability.FETCH_POSTS})
    # Politeness toward news portals, per feed: far above a 15-minute schedule.
    rate_limit = (6, 60)

    def __init__(self, context: ConnectorContext, *, transport: httpx.BaseTransport | None = None) -> None:
        super().__init__(context)
        self.allow = AllowList.parse(context.app.extra.get("allow_networks", "") if context.app else "")
        self.transport = transport

    @property
    def feed_url(self) -> str:
        return self.context.account.external_id or self.context.account.url

    def fetch_posts(self, *, cursor: str = "", since: datetime | None = None) -> Page[InboundItem]:
        """Fetch the feed (conditionally, with the validators in ``cursor``) and return every
        entry; ``since`` is not used (portals back-date entries; the ingest app keeps each once).
        A 304 returns no items and the same cursor."""
        limiter = self.context.rate_limiter
        if limiter is not None:
            limit, window = self.rate_limit
            limiter.acquire(f"{self.platform}:{self.context.account.key or self.feed_url}",
                            limit=limit, window_s=window)
        validators = cursor_read(cursor)
        response = feed_fetch(self.feed_url, allow=self.allow, timeout_s=self.context.timeout_s,
                              etag=validators.get("etag", ""), modified=validators.get("modified", ""),
                              transport=self.transport)
        if response.status == 304:
            return Page(items=(), next_cursor=cursor)
        parsed = feed_parse(response)
        items = tuple(entry_item(entry, parsed.feed, feed_url=self.feed_url) for entry in parsed.entries)
        return Page(items=items, next_cursor=cursor_write(response))


def feed_check(url: str, *, allow: Sequence[str] = (), timeout_s: float = 10) -> FeedInfo:
    """Fetch and read a feed before it is saved; raise ConnectorError with a message for the
    officer when the address is refused, unreachable, or not a feed."""
    parsed = feed_parse(feed_fetch(url, allow=allow, timeout_s=timeout_s))
    feed = parsed.feed
    titles = tuple(strip_tags(str(entry.get("title") or ""))[:300] for entry in parsed.entries[:5])
    return FeedInfo(title=strip_tags(str(feed.get("title") or "")), site_url=str(feed.get("link") or ""),
                    entry_count=len(parsed.entries), latest_titles=tuple(t for t in titles if t))


# --- cursor ---------------------------------------------------------------------------------------


def cursor_read(cursor: str) -> dict[str, str]:
    if not cursor:
        return {}
    try:
        data = json.loads(cursor)
    except ValueError:
        return {}
    if not isinstance(data, Mapping):
        return {}
    return {key: str(data[key]) for key in ("etag", "modified") if data.get(key)}


def cursor_write(response: FeedResponse) -> str:
    """Return the validators of ``response`` as a cursor ("" when the server sends none)."""
    validators = {"etag": response.headers.get("etag", ""), "modified": response.headers.get("last-modified", "")}
    if not any(validators.values()):
        return ""
    return json.dumps(validators, sort_keys=True)


# --- entries ------------------------------------------------------------------------------------


def entry_item(entry: Mapping[str, Any], feed: Mapping[str, Any], *, feed_url: str) -> InboundItem:
    link = str(entry.get("link") or "")
    title = strip_tags(str(entry.get("title") or ""))
    summary = entry.get("summary") or ""
    if not summary and entry.get("content"):
        summary = entry["content"][0].get("value", "")
    text = strip_tags(str(summary))[:TEXT_LIMIT]
    language = str(feed.get("language") or "").split("-")[0].lower()[:8]
    media_urls = tuple(dict.fromkeys(
        str(enclosure.get("href")) for enclosure in entry.get("enclosures", [])
        if enclosure.get("href") and len(str(enclosure["href"])) <= 1000
        and str(enclosure.get("type", "image/")).startswith("image/")))[:10]
    return InboundItem(
        platform=Platform.RSS,
        external_id=entry_id(entry, feed_url=feed_url),
        kind=ItemKind.NEWS,
        text=text or title,
        created_at=_entry_time(entry),
        url=link if len(link) <= 1000 else "",
        account_external_id=feed_url,
        author_name=strip_tags(str(entry.get("author") or ""))[:200],
        title=title[:500],
        source_name=strip_tags(str(feed.get("title") or ""))[:200],
        language=language,
        media_urls=media_urls,
        extra={"tags": [str(tag.get("term")) for tag in entry.get("tags", []) if tag.get("term")][:20]},
    )


def entry_id(entry: Mapping[str, Any], *, feed_url: str) -> str:
    """Return a stable, globally unique id: the entry's id/guid when it is a URI (a link,
    ``tag:``, ``urn:``), else prefixed by the feed URL; else its link; else a hash of title and
    date. An id longer than the 255 characters Warta stores becomes ``sha256:<hex>`` of it."""
    guid = str(entry.get("id") or "").strip()
    link = str(entry.get("link") or "").strip()
    if guid and re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", guid):
        found = guid
    elif guid:
        found = f"{feed_url}#{guid}"
    elif link:
        found = link
    else:
        found = f"{feed_url}#{entry.get('title', '')}|{entry.get('published') or entry.get('updated') or ''}"
    if len(found) > EXTERNAL_ID_LIMIT:
        return "sha256:" + hashlib.sha256(found.encode("utf-8")).hexdigest()
    return found


def _entry_time(entry: Mapping[str, Any]) -> datetime:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime(*value[:6], tzinfo=UTC)  # feedparser gives UTC
            except (TypeError, ValueError):
                continue
    return datetime.now(tz=UTC)


class _TextOnly(HTMLParser):
    """Collect the text of (already sanitised) HTML; skip script and style contents."""

    BLOCKS = frozenset({"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        elif tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def strip_tags(html: str) -> str:
    """Return the plain text of an HTML fragment, whitespace collapsed."""
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    return _clean("".join(parser.parts))


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
