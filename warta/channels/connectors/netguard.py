"""The SSRF guard: Warta fetches addresses that officers type (news feeds), so it must never be
made to reach into the server's own network.

Two layers (docs/adr/0010-telegram-rss-and-ssrf.md):

* :func:`url_check` — before anything is fetched: only ``http``/``https``, no credentials in the
  URL, and every address the host resolves to must be public (or on the allow-list).
* :class:`GuardedTransport` — an ``httpx.HTTPTransport`` whose network backend resolves the
  host itself, checks each address and connects to exactly the address it checked. A name that
  resolved to a public address for :func:`url_check` and to ``127.0.0.1`` a moment later (DNS
  rebinding) is refused at connect time, before a single byte is sent. Every redirect goes
  through the same transport.

The allow-list (``AppConfig.extra["allow_networks"]``, set by an installation admin) holds host
names and CIDR networks that may be reached although they are internal — e.g. a ministry's
intranet news portal.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx
from django.utils.translation import gettext as _

from warta.channels.connectors.errors import ConnectorError, ErrorKind

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")  # RFC 6598 (carrier-grade NAT)
NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the last 32 bits are IPv4

CODE_REFUSED = "address_refused"
CODE_SCHEME = "scheme_refused"
CODE_CREDENTIALS = "credentials_refused"
CODE_UNRESOLVED = "host_unresolved"


@dataclass(frozen=True)
class AllowList:
    """Host names (lower case, no trailing dot) and networks that the guard lets through."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str] | str) -> AllowList:
        """Read entries such as ``"intranet.kemendagri.go.id"``, ``"10.20.0.0/16"``, ``"127.0.0.1"``;
        a string is split on commas (the form ``AppConfig.extra["allow_networks"]`` takes)."""
        if isinstance(entries, str):
            entries = entries.split(",")
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for raw in entries:
            entry = raw.strip()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                hosts.add(_normal_host(entry))
        return cls(hosts=frozenset(hosts), networks=tuple(networks))

    def allows_host(self, host: str) -> bool:
        return _normal_host(host) in self.hosts

    def allows_address(self, address: IPAddress) -> bool:
        candidates = [address]
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            candidates.append(address.ipv4_mapped)
        return any(candidate in network for candidate in candidates for network in self.networks
                   if candidate.version == network.version)


def url_check(url: str, *, allow: Sequence[str] | AllowList = ()) -> None:
    """Refuse a URL Warta must not fetch; return None when it may.

    Raises ``ConnectorError(PERMANENT)`` when the scheme is not http/https, the URL carries a
    user name or password, or any address the host resolves to is internal (loopback, private,
    link-local — including the cloud metadata address —, unspecified, multicast, reserved,
    shared, or an IPv4-mapped/embedded form of these) and neither the host nor the address is
    allowed. A host that does not resolve raises ``ConnectorError(TRANSIENT)``.
    """
    allow_list = allow if isinstance(allow, AllowList) else AllowList.parse(allow)
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https"):
        raise ConnectorError(ErrorKind.PERMANENT, _("Alamat harus diawali http:// atau https://."),
                             code=CODE_SCHEME)
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ConnectorError(ErrorKind.PERMANENT,
                             _("Alamat tidak boleh memuat nama pengguna atau kata sandi."),
                             code=CODE_CREDENTIALS)
    try:
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        host, port = "", 0
    if not host:
        raise ConnectorError(ErrorKind.PERMANENT, _("Alamat ini tidak lengkap: nama host tidak ada."),
                             code=CODE_SCHEME)
    if allow_list.allows_host(host):
        return
    for address in resolve(host, port):
        if address_blocked(address) and not allow_list.allows_address(address):
            raise refused()


def address_blocked(address: IPAddress) -> bool:
    """Say whether ``address`` is one Warta must not connect to (anything not public)."""
    for candidate in _with_embedded(address):
        if (candidate.is_loopback or candidate.is_private or candidate.is_link_local
                or candidate.is_unspecified or candidate.is_multicast or candidate.is_reserved
                or not candidate.is_global
                or (candidate.version == 4 and candidate in SHARED_ADDRESS_SPACE)):
            return True
    return False


def refused() -> ConnectorError:
    return ConnectorError(ErrorKind.PERMANENT,
                          _("Alamat ini mengarah ke jaringan internal server dan tidak diizinkan."),
                          code=CODE_REFUSED)


def resolve(host: str, port: int) -> list[IPAddress]:
    """Return every address ``host`` resolves to, in the resolver's order.

    Goes through the system resolver, so the odd IPv4 spellings (``2130706433``, ``0177.0.0.1``,
    ``0x7f.1``) become the address a socket would really reach.
    """
    try:
        infos = _getaddrinfo(host.strip("[]"), port)
    except (OSError, UnicodeError):
        raise ConnectorError(ErrorKind.TRANSIENT,
                             _("Alamat tidak dapat dihubungi: nama host tidak ditemukan."),
                             code=CODE_UNRESOLVED) from None
    addresses: list[IPAddress] = []
    for info in infos:
        raw = str(info[4][0]).split("%", 1)[0]  # drop an IPv6 zone index
        address = ipaddress.ip_address(raw)
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise ConnectorError(ErrorKind.TRANSIENT,
                             _("Alamat tidak dapat dihubungi: nama host tidak ditemukan."),
                             code=CODE_UNRESOLVED)
    return addresses


def _getaddrinfo(host: str, port: int) -> list[tuple[Any, ...]]:
    # One seam for the tests (they simulate DNS answers, including rebinding).
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)


def _with_embedded(address: IPAddress) -> list[IPAddress]:
    """Return the address and every IPv4 address embedded in it (mapped, 6to4, Teredo, NAT64)."""
    found: list[IPAddress] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            found.append(address.ipv4_mapped)
        if address.sixtofour is not None:
            found.append(address.sixtofour)
        if address.teredo is not None:
            found.extend(address.teredo)
        if address in NAT64_PREFIX:
            found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def _normal_host(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


# --- connect-time check -------------------------------------------------------------------------


class GuardedBackend(httpcore.SyncBackend):
    """A network backend that resolves, checks and connects to the very address it checked."""

    def __init__(self, allow: AllowList) -> None:
        self.allow = allow

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        host_allowed = self.allow.allows_host(host)
        usable = [address for address in resolve(host, port)
                  if host_allowed or not address_blocked(address) or self.allow.allows_address(address)]
        if not usable:
            raise refused()
        last_error: Exception | None = None
        for address in usable:
            try:
                return super().connect_tcp(str(address), port, timeout=timeout,
                                           local_address=local_address, socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        raise refused()


class GuardedTransport(httpx.HTTPTransport):
    """An httpx transport that only connects to public addresses (or allowed ones).

    No proxy and no environment settings: a proxy would connect on our behalf, out of the
    guard's sight. ``ConnectorError(PERMANENT, code="address_refused")`` comes out of
    ``handle_request`` when every address of the host is refused.
    """

    def __init__(self, *, allow: Sequence[str] | AllowList = (), verify: bool | ssl.SSLContext = True,
                 limits: httpx.Limits | None = None) -> None:
        if verify is True:
            from warta.channels.connectors.http import ssl_context  # one context per process

            verify = ssl_context()
        super().__init__(verify=verify, trust_env=False, proxy=None,
                         limits=limits or httpx.Limits(max_connections=10, max_keepalive_connections=2))
        self.allow = allow if isinstance(allow, AllowList) else AllowList.parse(allow)
        # httpx builds its httpcore pool without a way to pass a network backend; set it before
        # the first connection exists (tests/connectors/test_netguard.py proves it takes effect).
        self._pool._network_backend = GuardedBackend(self.allow)
