"""Fetching a news feed safely, and reading it with feedparser.

Warta fetches the feed itself (httpx through the SSRF guard, with timeouts, a body-size cap and
at most three redirects, each checked) and hands feedparser only the bytes, wrapped in a file
object: given a string or bytes, feedparser would fetch URLs or open local files itself.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import feedparser
import httpx
from django.utils.translation import gettext as _

from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.http import http_client, retry_after_seconds
from warta.channels.connectors.netguard import AllowList, GuardedTransport, url_check

MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 3
ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
          "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1")
REDIRECT_STATUSES = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class FeedResponse:
    status: int  # 200, or 304 (not modified: ``body`` is empty)
    url: str  # after redirects
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)


def not_a_feed() -> ConnectorError:
    return ConnectorError(ErrorKind.PERMANENT, _("Alamat ini bukan umpan RSS atau Atom."), code="not_a_feed")


def unreachable() -> ConnectorError:
    return ConnectorError(ErrorKind.TRANSIENT,
                          _("Alamat umpan tidak dapat dihubungi. Periksa alamatnya atau coba lagi nanti."),
                          code="unreachable")


def feed_fetch(url: str, *, allow: Sequence[str] | AllowList = (), timeout_s: float = 20.0,
               etag: str = "", modified: str = "", max_bytes: int = MAX_BYTES,
               transport: httpx.BaseTransport | None = None) -> FeedResponse:
    """GET a feed, conditionally when ``etag``/``modified`` are given; raise ConnectorError for
    every failure (refused address, unreachable, HTTP error, too big, too many redirects)."""
    allow_list = allow if isinstance(allow, AllowList) else AllowList.parse(allow)
    headers = {"Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    with http_client(timeout_s, transport=transport or GuardedTransport(allow=allow_list), headers=headers,
                     trust_env=False) as client:
        current = url.strip()
        for _hop in range(MAX_REDIRECTS + 1):
            url_check(current, allow=allow_list)
            try:
                with client.stream("GET", current) as response:
                    if response.status_code in REDIRECT_STATUSES and response.headers.get("location"):
                        current = urljoin(current, response.headers["location"])
                        continue
                    return _finish(response, current, max_bytes)
            except httpx.TimeoutException:
                raise ConnectorError(ErrorKind.TRANSIENT,
                                     _("Server umpan tidak menjawab tepat waktu. Coba lagi nanti."),
                                     code="timeout") from None
            except httpx.HTTPError:
                raise unreachable() from None
        raise ConnectorError(ErrorKind.PERMANENT,
                             _("Alamat umpan dialihkan terlalu sering (lebih dari %(count)s kali).")
                             % {"count": MAX_REDIRECTS}, code="too_many_redirects")


def _finish(response: httpx.Response, url: str, max_bytes: int) -> FeedResponse:
    status = response.status_code
    headers = {name.lower(): value for name, value in response.headers.items()}
    if status == 304:
        return FeedResponse(status=304, url=url, headers=headers)
    if status == 429:
        raise ConnectorError(ErrorKind.RATE_LIMITED, _("Server umpan meminta Warta menunggu sebelum mencoba lagi."),
                             status=status, retry_after=retry_after_seconds(response.headers.get("retry-after")))
    if status >= 500:
        raise ConnectorError(ErrorKind.TRANSIENT,
                             _("Server umpan sedang bermasalah (HTTP %(status)s). Warta akan mencoba lagi.")
                             % {"status": status}, status=status)
    if status in (404, 410):
        raise ConnectorError(ErrorKind.PERMANENT,
                             _("Umpan tidak ditemukan di alamat ini (HTTP %(status)s).") % {"status": status},
                             status=status)
    if status != 200:
        raise ConnectorError(ErrorKind.PERMANENT,
                             _("Server umpan menolak permintaan (HTTP %(status)s).") % {"status": status},
                             status=status)
    too_big = ConnectorError(ErrorKind.PERMANENT,
                             _("Umpan terlalu besar (lebih dari %(size)s MB).") % {"size": max_bytes // (1024 * 1024)},
                             code="too_big")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_big
    chunks: list[bytes] = []
    received = 0
    for chunk in response.iter_bytes():
        received += len(chunk)
        if received > max_bytes:
            raise too_big
        chunks.append(chunk)
    return FeedResponse(status=200, url=url, body=b"".join(chunks), headers=headers)


def feed_parse(response: FeedResponse) -> Any:
    """Parse a fetched body; raise ``not_a_feed()`` unless it is an RSS, Atom or RDF feed."""
    if not response.body.strip():
        raise not_a_feed()
    headers = {"content-location": response.url}
    if response.headers.get("content-type"):
        headers["content-type"] = response.headers["content-type"]
    try:
        parsed = feedparser.parse(io.BytesIO(response.body), response_headers=headers,
                                  sanitize_html=True, resolve_relative_uris=True)
    except Exception:  # feedparser is lenient; anything it still raises means "no feed"
        raise not_a_feed() from None
    title = (parsed.feed.get("title") or "") if isinstance(parsed.get("feed"), Mapping) else ""
    if not parsed.get("version") or (parsed.get("bozo") and not parsed.get("entries") and not title):
        raise not_a_feed()
    return parsed
