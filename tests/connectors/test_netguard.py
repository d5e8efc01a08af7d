"""The SSRF guard: addresses into the server's own network are refused, before the request
(url_check) and at connect time (GuardedTransport, which defeats DNS rebinding)."""

import socket

import httpx
import pytest

from warta.channels.connectors import netguard
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.netguard import GuardedTransport, address_blocked, url_check

REFUSED = "Alamat ini mengarah ke jaringan internal server dan tidak diizinkan."
PUBLIC = "93.184.216.34"


def fake_dns(monkeypatch, answers):
    """Make the guard's resolver answer ``answers[host]`` (a list of addresses, or a list of
    lists answered in turn — the last repeats); record every lookup."""
    lookups = []

    def getaddrinfo(host, port):
        lookups.append(host)
        answer = answers[host]
        if answer and isinstance(answer[0], list):
            answer = answer[min(lookups.count(host), len(answer)) - 1]
        if not answer:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in answer]

    monkeypatch.setattr(netguard, "_getaddrinfo", getaddrinfo)
    return lookups


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/",
    "http://127.8.9.10:8080/feed",
    "http://10.1.2.3/rss",
    "http://172.16.5.4/",
    "http://172.31.255.1/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://100.64.0.1/",  # shared address space
    "http://0.0.0.0/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",
    "http://[::1]/",
    "http://[fd00::1]/",
    "http://[fe80::1]/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped
    "http://[::ffff:169.254.169.254]/",
    "http://[2002:7f00:1::]/",  # 6to4 around 127.0.0.1
    "http://[64:ff9b::a00:1]/",  # NAT64 around 10.0.0.1
    "http://2130706433/",  # 127.0.0.1 as one decimal number
    "http://0177.0.0.1/",  # octal
    "http://0x7f.1/",  # hexadecimal, short form
    "http://localhost/",
    "https://LOCALHOST/feed.xml",
])
def test_internal_addresses_are_refused(url):
    with pytest.raises(ConnectorError) as caught:
        url_check(url)
    assert caught.value.kind == ErrorKind.PERMANENT
    assert caught.value.code == netguard.CODE_REFUSED
    assert caught.value.message == REFUSED


@pytest.mark.parametrize("url", ["ftp://example.com/feed.xml", "file:///etc/passwd", "gopher://example.com/",
                                 "javascript:alert(1)", "example.com/feed.xml", ""])
def test_other_schemes_are_refused(url):
    with pytest.raises(ConnectorError) as caught:
        url_check(url)
    assert caught.value.kind == ErrorKind.PERMANENT
    assert caught.value.message == "Alamat harus diawali http:// atau https://."


@pytest.mark.parametrize("url", ["http://user:rahasia@example.com/feed", "http://user@example.com/",
                                 "http://:pw@example.com/"])
def test_credentials_in_the_url_are_refused_before_any_lookup(monkeypatch, url):
    lookups = fake_dns(monkeypatch, {"example.com": [PUBLIC]})
    with pytest.raises(ConnectorError) as caught:
        url_check(url)
    assert caught.value.kind == ErrorKind.PERMANENT
    assert caught.value.message == "Alamat tidak boleh memuat nama pengguna atau kata sandi."
    assert lookups == []


def test_public_addresses_pass(monkeypatch):
    fake_dns(monkeypatch, {"www.antaranews.com": [PUBLIC, "2606:2800:220:1:248:1893:25c8:1946"],
                           PUBLIC: [PUBLIC]})
    assert url_check("https://www.antaranews.com/rss/terkini.xml") is None
    assert url_check(f"http://{PUBLIC}:8080/feed") is None


def test_a_host_with_one_internal_address_among_public_ones_is_refused(monkeypatch):
    fake_dns(monkeypatch, {"mixed.example.com": [PUBLIC, "10.0.0.7"]})
    with pytest.raises(ConnectorError) as caught:
        url_check("https://mixed.example.com/rss")
    assert caught.value.code == netguard.CODE_REFUSED


def test_a_host_that_does_not_resolve_is_transient(monkeypatch):
    fake_dns(monkeypatch, {"tidak-ada.example.com": []})
    with pytest.raises(ConnectorError) as caught:
        url_check("https://tidak-ada.example.com/rss")
    assert caught.value.kind == ErrorKind.TRANSIENT
    assert caught.value.code == netguard.CODE_UNRESOLVED


def test_the_allow_list_lets_listed_addresses_networks_and_hosts_through(monkeypatch):
    assert url_check("http://127.0.0.1:8080/feed", allow=("127.0.0.1",)) is None
    assert url_check("http://2130706433/", allow=("127.0.0.0/8",)) is None  # same address, any spelling
    assert url_check("http://[::ffff:127.0.0.1]/", allow=("127.0.0.1",)) is None
    assert url_check("http://10.20.30.40/", allow=(" 10.20.0.0/16 ", "")) is None
    fake_dns(monkeypatch, {"intranet.kemendagri.go.id": ["10.99.0.5"]})
    assert url_check("https://Intranet.Kemendagri.go.id/rss", allow=("intranet.kemendagri.go.id",)) is None


def test_the_allow_list_lets_nothing_else_through():
    for url in ("http://192.168.1.1/", "http://10.21.0.1/", "http://169.254.169.254/"):
        with pytest.raises(ConnectorError):
            url_check(url, allow=("127.0.0.1", "10.20.0.0/16"))
    with pytest.raises(ConnectorError):
        url_check("http://localhost/", allow=("localhost.example.com",))


def test_the_allow_list_reads_the_comma_separated_setting():
    allow = netguard.AllowList.parse("127.0.0.1, intranet.go.id ,10.0.0.0/8,")
    assert allow.hosts == frozenset({"intranet.go.id"})
    assert [str(n) for n in allow.networks] == ["127.0.0.1/32", "10.0.0.0/8"]


def test_address_blocked_knows_the_public_internet():
    import ipaddress
    assert not address_blocked(ipaddress.ip_address("8.8.8.8"))
    assert not address_blocked(ipaddress.ip_address("2001:4860:4860::8888"))
    assert address_blocked(ipaddress.ip_address("198.18.0.1"))  # benchmarking range


# --- connect time: the transport ------------------------------------------------------------------


def test_the_transport_refuses_to_connect_to_an_internal_address(httpserver):
    httpserver.expect_request("/feed").respond_with_data("rahasia")
    with httpx.Client(transport=GuardedTransport()) as client, pytest.raises(ConnectorError) as caught:
        client.get(f"http://127.0.0.1:{httpserver.port}/feed")
    assert caught.value.code == netguard.CODE_REFUSED
    assert httpserver.log == []  # not one byte reached the server


def test_the_transport_connects_when_the_address_is_allowed(httpserver):
    httpserver.expect_request("/feed").respond_with_data("isi")
    with httpx.Client(transport=GuardedTransport(allow=("127.0.0.1",))) as client:
        response = client.get(f"http://127.0.0.1:{httpserver.port}/feed")
    assert response.text == "isi"


def test_the_transport_connects_to_the_address_it_checked(monkeypatch, httpserver):
    # The name is unknown to the system resolver: the request only succeeds because the
    # transport connects to the address its own lookup returned (and checked).
    fake_dns(monkeypatch, {"berita.intranet.test": ["127.0.0.1"]})
    httpserver.expect_request("/feed").respond_with_data("isi")
    with httpx.Client(transport=GuardedTransport(allow=("127.0.0.1",))) as client:
        response = client.get(f"http://berita.intranet.test:{httpserver.port}/feed")
    assert response.text == "isi"
    assert httpserver.log[0][0].headers["Host"] == f"berita.intranet.test:{httpserver.port}"


def test_dns_rebinding_is_refused_at_connect_time(monkeypatch, httpserver):
    # Given a name that resolves to a public address when checked, and to 127.0.0.1 a moment later
    lookups = fake_dns(monkeypatch, {"rebind.example.com": [[PUBLIC], ["127.0.0.1"]]})
    httpserver.expect_request("/feed").respond_with_data("rahasia")
    url = f"http://rebind.example.com:{httpserver.port}/feed"
    # When the URL is checked, it passes
    assert url_check(url) is None
    # Then the connection, resolving again, is refused before anything is sent
    with httpx.Client(transport=GuardedTransport()) as client, pytest.raises(ConnectorError) as caught:
        client.get(url)
    assert caught.value.code == netguard.CODE_REFUSED
    assert lookups == ["rebind.example.com", "rebind.example.com"]
    assert httpserver.log == []


def test_the_transport_ignores_proxy_settings_from_the_environment(monkeypatch, httpserver):
    monkeypatch.setenv("HTTP_PROXY", "http://10.0.0.1:3128")
    monkeypatch.setenv("ALL_PROXY", "http://10.0.0.1:3128")
    httpserver.expect_request("/feed").respond_with_data("isi")
    with httpx.Client(transport=GuardedTransport(allow=("127.0.0.1",)), trust_env=False) as client:
        assert client.get(f"http://127.0.0.1:{httpserver.port}/feed").text == "isi"
