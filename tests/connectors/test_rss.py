"""Contract tests of the news-feed connector and feed_check against a local portal.

The feeds under tests/connectors/recorded/rss/ are written in the shape Indonesian portals
publish (RSS 2.0 with CDATA descriptions and +0700 dates; Atom from a government portal).
The local server runs on 127.0.0.1, which the SSRF guard refuses unless allowed: the tests
allow it explicitly, as an installation admin would allow an intranet portal.
"""

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from werkzeug import Response

from warta.channels.connectors import netguard
from warta.channels.connectors.base import (
    AccountRef,
    AppConfig,
    Capability,
    ConnectorContext,
    ItemKind,
    TokenSet,
)
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.rss.client import feed_fetch
from warta.channels.connectors.rss.connector import FeedInfo, RssConnector, feed_check
from warta.ingest.services import item_from_record

RECORDED = Path(__file__).parent / "recorded" / "rss"
RSS = (RECORDED / "antaranews_terkini.xml").read_bytes()
ATOM = (RECORDED / "berita_bogorkab_atom.xml").read_bytes()
HTML = (RECORDED / "portal_homepage.html").read_bytes()
NOT_A_FEED = "Alamat ini bukan umpan RSS atau Atom."
REFUSED = "Alamat ini mengarah ke jaringan internal server dan tidak diizinkan."
LOCAL = ("127.0.0.1",)


def feed_url(httpserver, path="/rss/terkini.xml") -> str:
    return f"http://127.0.0.1:{httpserver.port}{path}"


def make_connector(url: str, *, allow: str = "127.0.0.1", timeout_s: float = 5.0) -> RssConnector:
    extra = {"allow_networks": allow} if allow else {}
    return RssConnector(ConnectorContext(
        account=AccountRef(platform="rss", external_id=url, key="acc-rss-1"),
        app=AppConfig(platform="rss", extra=extra), tokens=TokenSet(), timeout_s=timeout_s))


def serve(httpserver, path, body, *, content_type="application/rss+xml; charset=UTF-8", status=200, headers=None):
    httpserver.expect_request(path).respond_with_data(body, status=status, content_type=content_type,
                                                      headers=headers or {})


def paths(httpserver) -> list[str]:
    return [request.path for request, _ in httpserver.log]


def test_capabilities():
    assert RssConnector.capabilities == {Capability.FETCH_POSTS}


def test_rss_2_entries_become_news_items(httpserver):
    serve(httpserver, "/rss/terkini.xml", RSS)
    page = make_connector(feed_url(httpserver)).fetch_posts()
    for item in page.items:
        item_from_record(item)  # every item fits the ingest schema
    first, second, third = page.items
    assert {item.kind for item in page.items} == {ItemKind.NEWS}
    assert first.external_id == ("https://www.antaranews.com/berita/4512345/"
                                 "pemkab-bogor-perluas-layanan-ktp-el-keliling-ke-40-kecamatan")
    assert first.title == "Pemkab Bogor perluas layanan KTP-el keliling ke 40 kecamatan"
    assert first.text == ("Cibinong, Bogor (ANTARA) - Pemerintah Kabupaten Bogor, Jawa Barat, memperluas layanan "
                          "perekaman KTP elektronik keliling ke 40 kecamatan mulai pekan ini.")
    assert first.url == first.external_id
    assert first.created_at == datetime(2026, 11, 23, 6, 42, tzinfo=UTC)  # 13:42 WIB
    assert first.source_name == "ANTARA News - Berita Terkini"
    assert first.author_name == "Adimas Raditya"
    assert first.language == "id"
    assert first.media_urls == ("https://img.antaranews.com/cache/800x533/2026/11/23/ktp-el-keliling.jpg",)
    assert first.account_external_id == feed_url(httpserver)
    # a guid that is not a link is made unique with the feed's URL
    assert second.external_id == f"{feed_url(httpserver)}#4512298"
    assert "hujan lebat & angin kencang" in second.text
    # no guid: the link
    assert third.external_id == ("https://www.antaranews.com/berita/4512170/"
                                 "diskominfo-jabar-gelar-bimtek-kehumasan-bagi-27-kabupatenkota")
    assert page.next_cursor == ""  # the server sent no ETag or Last-Modified


def test_atom_entries_become_news_items_with_html_stripped(httpserver):
    serve(httpserver, "/berita/atom.xml", ATOM, content_type="application/atom+xml")
    first, second = make_connector(feed_url(httpserver, "/berita/atom.xml")).fetch_posts().items
    assert first.external_id == "tag:bogorkab.go.id,2026-11-23:berita/8812"
    assert first.title == "Bupati Bogor Resmikan Jembatan Cikereteg & Jalan Alternatif Caringin"
    assert first.text == "Bupati Bogor meresmikan Jembatan Cikereteg yang menghubungkan Kecamatan Caringin dan Ciawi."
    assert "<" not in first.text
    assert "evil" not in first.text
    assert first.created_at == datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # published, not updated
    assert first.source_name == "Berita Kabupaten Bogor"
    assert first.author_name == "Tim Liputan Prokopim"
    assert first.extra["tags"] == ["Infrastruktur"]
    assert second.created_at == datetime(2026, 11, 22, 9, 45, tzinfo=UTC)  # only updated
    assert second.text == "Pemerintah Kabupaten Bogor membuka pendaftaran Beasiswa Pancakarsa bagi mahasiswa berprestasi."


def test_script_content_never_reaches_the_text(httpserver):
    serve(httpserver, "/rss/terkini.xml", RSS)
    items = make_connector(feed_url(httpserver)).fetch_posts().items
    assert all("alert" not in item.text and "<" not in item.text for item in items)


def test_an_entry_without_a_date_is_dated_now(httpserver):
    body = RSS.replace(b"<pubDate>Mon, 23 Nov 2026 13:42:00 +0700</pubDate>", b"")
    serve(httpserver, "/rss/terkini.xml", body)
    before = datetime.now(tz=UTC)
    item = make_connector(feed_url(httpserver)).fetch_posts().items[0]
    assert before <= item.created_at <= datetime.now(tz=UTC)


def test_the_second_fetch_is_conditional_and_304_gives_no_items(httpserver):
    # Given a portal that sends validators
    etag = 'W/"5f3a-18c0b2"'
    modified = "Mon, 23 Nov 2026 07:05:00 GMT"
    serve(httpserver, "/rss/terkini.xml", RSS, headers={"ETag": etag, "Last-Modified": modified})
    connector = make_connector(feed_url(httpserver))
    first = connector.fetch_posts()
    assert len(first.items) == 3
    assert json.loads(first.next_cursor) == {"etag": etag, "modified": modified}
    # When the feed is fetched again with that cursor and has not changed
    httpserver.clear()
    seen = []

    def not_modified(request):
        seen.append(dict(request.headers))
        return Response(status=304, headers={"ETag": etag})

    httpserver.expect_request("/rss/terkini.xml").respond_with_handler(not_modified)
    second = connector.fetch_posts(cursor=first.next_cursor)
    # Then the validators were sent, and nothing new comes back, with the same cursor
    assert seen[0]["If-None-Match"] == etag
    assert seen[0]["If-Modified-Since"] == modified
    assert second.items == ()
    assert second.next_cursor == first.next_cursor


def test_a_cursor_that_is_not_ours_is_ignored(httpserver):
    serve(httpserver, "/rss/terkini.xml", RSS)
    page = make_connector(feed_url(httpserver)).fetch_posts(cursor="12345")
    assert len(page.items) == 3
    assert "If-None-Match" not in httpserver.log[0][0].headers


def test_redirects_are_followed_up_to_three_times(httpserver):
    url = feed_url(httpserver)
    httpserver.expect_request("/feed").respond_with_data("", status=301, headers={"Location": "/feed2"})
    httpserver.expect_request("/feed2").respond_with_data("", status=302, headers={"Location": f"{url}?v=3"})
    serve(httpserver, "/rss/terkini.xml", RSS)
    page = make_connector(feed_url(httpserver, "/feed")).fetch_posts()
    assert len(page.items) == 3
    assert paths(httpserver) == ["/feed", "/feed2", "/rss/terkini.xml"]


def test_a_fourth_redirect_is_refused(httpserver):
    for number in range(4):
        httpserver.expect_request(f"/r{number}").respond_with_data(
            "", status=302, headers={"Location": f"/r{number + 1}"})
    serve(httpserver, "/r4", RSS)
    with pytest.raises(ConnectorError) as caught:
        make_connector(feed_url(httpserver, "/r0")).fetch_posts()
    assert caught.value.kind == ErrorKind.PERMANENT
    assert caught.value.message == "Alamat umpan dialihkan terlalu sering (lebih dari 3 kali)."
    assert "/r4" not in paths(httpserver)


def test_a_redirect_into_the_servers_network_is_refused(monkeypatch, httpserver):
    # Given a feed host the admin allowed by name, which redirects to 127.0.0.1 (not allowed)
    monkeypatch.setattr(netguard, "_getaddrinfo", lambda host, port: [
        (2, 1, 6, "", ("127.0.0.1", port))])
    httpserver.expect_request("/rss").respond_with_data(
        "", status=302, headers={"Location": f"http://127.0.0.1:{httpserver.port}/admin/rahasia"})
    serve(httpserver, "/admin/rahasia", RSS)
    connector = make_connector(f"http://berita.example.com:{httpserver.port}/rss", allow="berita.example.com")
    with pytest.raises(ConnectorError) as caught:
        connector.fetch_posts()
    assert caught.value.kind == ErrorKind.PERMANENT
    assert caught.value.message == REFUSED
    assert paths(httpserver) == ["/rss"]  # the internal address was never requested


def test_a_feed_on_an_internal_address_is_refused_without_the_allow_list(httpserver):
    serve(httpserver, "/rss/terkini.xml", RSS)
    with pytest.raises(ConnectorError) as caught:
        make_connector(feed_url(httpserver), allow="").fetch_posts()
    assert caught.value.message == REFUSED
    assert httpserver.log == []


@pytest.mark.parametrize(("body", "content_type"), [
    (HTML, "text/html; charset=utf-8"),
    (b"\x00\x01garbage\xff not xml at all", "application/octet-stream"),
    (b"", "application/rss+xml"),
    (b'{"berita": []}', "application/json"),
])
def test_a_body_that_is_not_a_feed_is_permanent_in_plain_words(httpserver, body, content_type):
    serve(httpserver, "/rss/terkini.xml", body, content_type=content_type)
    with pytest.raises(ConnectorError) as caught:
        make_connector(feed_url(httpserver)).fetch_posts()
    assert caught.value.kind == ErrorKind.PERMANENT
    assert caught.value.message == NOT_A_FEED


def test_a_body_naming_a_local_file_is_not_opened(httpserver, tmp_path):
    # feedparser, given bytes, would try them as a file name: Warta hands it a file object
    local = tmp_path / "feed.xml"
    local.write_bytes(RSS)
    serve(httpserver, "/rss/terkini.xml", str(local).encode(), content_type="text/plain")
    with pytest.raises(ConnectorError) as caught:
        make_connector(feed_url(httpserver)).fetch_posts()
    assert caught.value.message == NOT_A_FEED


def test_an_oversized_body_is_refused(httpserver):
    big = RSS.replace(b"</channel>", b"<!-- " + b"x" * (5 * 1024 * 1024) + b" --></channel>")
    serve(httpserver, "/rss/terkini.xml", big)
    with pytest.raises(ConnectorError) as caught:
        make_connector(feed_url(httpserver)).fetch_posts()
    assert caught.value.kind == ErrorKind.PERMANENT
    assert caught.value.message == "Umpan terlalu besar (lebih dari 5 MB)."


def test_an_oversized_body_without_content_length_is_cut_off(httpserver):
    def endless(request):
        return Response((b"<rss>" + b"x" * 1024 for _ in range(100)), content_type="application/rss+xml")

    httpserver.expect_request("/stream").respond_with_handler(endless)
    with pytest.raises(ConnectorError) as caught:
        feed_fetch(feed_url(httpserver, "/stream"), allow=LOCAL, max_bytes=10_000)
    assert caught.value.code == "too_big"


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_transient(httpserver, status):
    serve(httpserver, "/rss/terkini.xml", b"<h1>Service Unavailable</h1>", status=status, content_type="text/html")
    with pytest.raises(ConnectorError) as caught:
        make_connector(feed_url(httpserver)).fetch_posts()
    assert caught.value.kind == ErrorKind.TRANSIENT
    assert caught.value.status == status


def test_404_is_permanent_and_429_waits(httpserver):
    serve(httpserver, "/hilang.xml", b"Not Found", status=404, content_type="text/html")
    serve(httpserver, "/sibuk.xml", b"Too Many Requests", status=429, content_type="text/plain",
          headers={"Retry-After": "120"})
    with pytest.raises(ConnectorError) as caught:
        make_connector(feed_url(httpserver, "/hilang.xml")).fetch_posts()
    assert (caught.value.kind, caught.value.message) == (ErrorKind.PERMANENT,
                                                         "Umpan tidak ditemukan di alamat ini (HTTP 404).")
    with pytest.raises(ConnectorError) as caught:
        make_connector(feed_url(httpserver, "/sibuk.xml")).fetch_posts()
    assert (caught.value.kind, caught.value.retry_after) == (ErrorKind.RATE_LIMITED, 120.0)


def test_timeout_is_transient(httpserver):
    def slow(request):
        time.sleep(1.0)
        return Response(RSS, content_type="application/rss+xml")

    httpserver.expect_request("/rss/terkini.xml").respond_with_handler(slow)
    with pytest.raises(ConnectorError) as caught:
        make_connector(feed_url(httpserver), timeout_s=0.3).fetch_posts()
    assert caught.value.kind == ErrorKind.TRANSIENT
    assert caught.value.message == "Server umpan tidak menjawab tepat waktu. Coba lagi nanti."


# --- feed_check (the registry page, before saving a feed) -------------------------------------------


def test_feed_check_describes_a_feed(httpserver):
    serve(httpserver, "/rss/terkini.xml", RSS)
    info = feed_check(feed_url(httpserver), allow=LOCAL)
    assert info == FeedInfo(
        title="ANTARA News - Berita Terkini", site_url="https://www.antaranews.com/", entry_count=3,
        latest_titles=("Pemkab Bogor perluas layanan KTP-el keliling ke 40 kecamatan",
                       "BMKG: Waspada hujan lebat disertai angin kencang di Jabodetabek",
                       "Diskominfo Jabar gelar bimtek kehumasan bagi 27 kabupaten/kota"))


def test_feed_check_of_an_atom_feed(httpserver):
    serve(httpserver, "/atom.xml", ATOM, content_type="application/atom+xml")
    info = feed_check(feed_url(httpserver, "/atom.xml"), allow=LOCAL)
    assert (info.title, info.site_url, info.entry_count) == ("Berita Kabupaten Bogor", "https://bogorkab.go.id/", 2)


def test_feed_check_refuses_an_internal_address(httpserver):
    serve(httpserver, "/rss/terkini.xml", RSS)
    with pytest.raises(ConnectorError) as caught:
        feed_check(feed_url(httpserver))
    assert (caught.value.kind, caught.value.message) == (ErrorKind.PERMANENT, REFUSED)
    assert httpserver.log == []


def test_feed_check_refuses_other_schemes():
    with pytest.raises(ConnectorError) as caught:
        feed_check("ftp://ftp.example.com/feed.xml")
    assert caught.value.message == "Alamat harus diawali http:// atau https://."


def test_feed_check_of_a_page_that_is_not_a_feed(httpserver):
    serve(httpserver, "/", HTML, content_type="text/html; charset=utf-8")
    with pytest.raises(ConnectorError) as caught:
        feed_check(feed_url(httpserver, "/"), allow=LOCAL)
    assert (caught.value.kind, caught.value.message) == (ErrorKind.PERMANENT, NOT_A_FEED)


def test_feed_check_of_an_address_that_does_not_answer():
    with pytest.raises(ConnectorError) as caught:
        feed_check("http://127.0.0.1:9/rss.xml", allow=LOCAL, timeout_s=2)
    assert caught.value.kind == ErrorKind.TRANSIENT
    assert caught.value.message == "Alamat umpan tidak dapat dihubungi. Periksa alamatnya atau coba lagi nanti."


def test_feed_check_of_a_missing_feed(httpserver):
    serve(httpserver, "/tidak-ada.xml", b"Not Found", status=404, content_type="text/html")
    with pytest.raises(ConnectorError) as caught:
        feed_check(feed_url(httpserver, "/tidak-ada.xml"), allow=LOCAL)
    assert caught.value.message == "Umpan tidak ditemukan di alamat ini (HTTP 404)."


def test_feed_check_of_a_host_that_does_not_resolve(monkeypatch):
    import socket

    def fail(host, port):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(netguard, "_getaddrinfo", fail)
    with pytest.raises(ConnectorError) as caught:
        feed_check("https://portal-tidak-ada.example.com/rss")
    assert caught.value.kind == ErrorKind.TRANSIENT
    assert caught.value.message == "Alamat tidak dapat dihubungi: nama host tidak ditemukan."
