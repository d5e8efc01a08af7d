"""PKCE (RFC 7636) helpers shared by the OAuth providers, and the one token-endpoint call.

``code_verifier()`` makes the secret the channels app keeps in the session;
``code_challenge(verifier)`` is what goes into the authorisation URL. Most platforms take the
RFC's S256 form, ``BASE64URL(SHA256(verifier))`` without padding. A provider whose platform
documents another encoding of the same SHA-256 digest says so in its class attribute
``pkce_challenge_encoding`` (TikTok documents a hex digest); :func:`challenge_for` reads it, so
the caller never has to know which platform wants which.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import string
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from warta.channels.connectors.base import TokenSet
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.http import http_client

_UNRESERVED = string.ascii_letters + string.digits + "-._~"


def code_verifier(length: int = 64) -> str:
    """Return a fresh random code verifier of ``length`` unreserved characters (43..128)."""
    if not 43 <= length <= 128:
        raise ValueError("a PKCE code verifier has 43 to 128 characters")
    return "".join(secrets.choice(_UNRESERVED) for _ in range(length))


def code_challenge(verifier: str, *, encoding: str = "base64url") -> str:
    """Return the S256 challenge of ``verifier``: base64url without padding, or hex."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    if encoding == "hex":
        return digest.hex()
    if encoding != "base64url":
        raise ValueError(f"unknown PKCE challenge encoding {encoding!r}")
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def challenge_for(provider: Any, verifier: str) -> str:
    """Return the challenge of ``verifier`` in the encoding ``provider``'s platform expects."""
    return code_challenge(verifier, encoding=getattr(provider, "pkce_challenge_encoding", "base64url"))


def token_request(
    url: str,
    data: Mapping[str, str],
    *,
    platform: str,
    basic_auth: tuple[str, str] | None = None,
    timeout_s: float = 20.0,
    refreshing: bool = False,
    transport: httpx.BaseTransport | None = None,
) -> dict[str, Any]:
    """POST a form to an OAuth token endpoint and return its JSON answer.

    Every failure becomes a :class:`ConnectorError`: a refused grant (``invalid_grant``, or any
    4xx while refreshing) is AUTH_EXPIRED — the account must be connected again; other 4xx are
    PERMANENT; 429 RATE_LIMITED; 5xx, timeouts and malformed answers TRANSIENT. The secrets in
    ``data`` are never put in a message.
    """
    try:
        with http_client(timeout_s, transport=transport, headers={"Accept": "application/json"}) as client:
            response = client.post(url, data=dict(data), auth=basic_auth)
    except httpx.TimeoutException:
        raise ConnectorError(ErrorKind.TRANSIENT, f"{platform}: token endpoint timed out") from None
    except httpx.HTTPError as exc:
        raise ConnectorError(ErrorKind.TRANSIENT, f"{platform}: token endpoint unreachable: {type(exc).__name__}") from None
    try:
        payload = response.json()
    except ValueError:
        payload = None
    status = response.status_code
    error = _oauth_error(payload)
    if response.is_success and isinstance(payload, dict) and not error and payload.get("access_token"):
        return payload
    if response.is_success and payload is None:
        raise ConnectorError(ErrorKind.TRANSIENT, f"{platform}: malformed JSON from the token endpoint", status=status)
    code, message = error or ("", response.reason_phrase)
    if status == 429:
        kind = ErrorKind.RATE_LIMITED
    elif status >= 500:
        kind = ErrorKind.TRANSIENT
    elif code == "invalid_grant" or (refreshing and (400 <= status < 500 or code)):
        kind = ErrorKind.AUTH_EXPIRED
    else:
        kind = ErrorKind.PERMANENT
    raise ConnectorError(kind, f"{platform}: token request refused", platform_message=message, status=status, code=code)


def _oauth_error(payload: Any) -> tuple[str, str] | None:
    """Read RFC 6749's ``error``/``error_description`` (or a nested ``error`` object)."""
    if not isinstance(payload, dict):
        return None
    error = payload.get("error")
    if isinstance(error, str) and error:
        return error, str(payload.get("error_description") or error)
    if isinstance(error, dict) and error.get("code") not in (None, "", "ok", 0):
        return str(error.get("code")), str(error.get("message") or error.get("code"))
    return None


def token_set(answer: dict[str, Any], previous: TokenSet | None) -> TokenSet:
    """Build a TokenSet from an RFC 6749 token answer, keeping what a refresh did not resend."""
    expires_in = answer.get("expires_in")
    scope = str(answer.get("scope") or "")
    return TokenSet(
        access_token=str(answer["access_token"]),
        refresh_token=str(answer.get("refresh_token") or (previous.refresh_token if previous else "")),
        expires_at=datetime.now(UTC) + timedelta(seconds=int(expires_in)) if expires_in else None,
        scopes=tuple(scope.replace(",", " ").split()) if scope else (previous.scopes if previous else ()),
        extra=dict(previous.extra) if previous else {},
    )
