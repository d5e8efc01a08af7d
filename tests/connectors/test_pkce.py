"""PKCE helpers and the shared token-endpoint call."""

import hashlib
import re

import pytest

from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.pkce import (
    challenge_for,
    code_challenge,
    code_verifier,
    token_request,
)
from warta.channels.connectors.tiktok.oauth import TikTokOAuth
from warta.channels.connectors.x.oauth import XOAuth
from warta.channels.connectors.youtube.oauth import GoogleOAuth

RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"  # RFC 7636, appendix B


def test_s256_challenge_matches_the_rfc_example():
    assert code_challenge(RFC_VERIFIER) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_hex_challenge_is_the_hex_digest():
    assert code_challenge(RFC_VERIFIER, encoding="hex") == hashlib.sha256(RFC_VERIFIER.encode()).hexdigest()


def test_unknown_encoding_is_refused():
    with pytest.raises(ValueError, match="unknown PKCE challenge encoding"):
        code_challenge(RFC_VERIFIER, encoding="base32")


def test_verifier_is_random_and_uses_unreserved_characters():
    first, second = code_verifier(), code_verifier()
    assert first != second
    assert len(first) == 64
    assert re.fullmatch(r"[A-Za-z0-9\-._~]{64}", first)
    assert len(code_verifier(43)) == 43
    assert len(code_verifier(128)) == 128


@pytest.mark.parametrize("length", [42, 129])
def test_verifier_length_outside_the_rfc_is_refused(length):
    with pytest.raises(ValueError, match="43 to 128"):
        code_verifier(length)


def test_each_provider_gets_its_platforms_encoding():
    assert challenge_for(XOAuth(), RFC_VERIFIER) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    assert challenge_for(GoogleOAuth(), RFC_VERIFIER) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    assert challenge_for(TikTokOAuth(), RFC_VERIFIER) == hashlib.sha256(RFC_VERIFIER.encode()).hexdigest()
    assert challenge_for(object(), RFC_VERIFIER) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


@pytest.mark.parametrize(("status", "body", "refreshing", "kind"), [
    (503, '{"error": "temporarily_unavailable"}', False, ErrorKind.TRANSIENT),
    (200, "<html>gateway</html>", False, ErrorKind.TRANSIENT),
    (429, '{"error": "slow_down"}', False, ErrorKind.RATE_LIMITED),
    (400, '{"error": "invalid_client", "error_description": "Client authentication failed."}', False, ErrorKind.PERMANENT),
    (400, '{"error": "invalid_grant", "error_description": "Bad code."}', False, ErrorKind.AUTH_EXPIRED),
    (401, '{"error": "invalid_client"}', True, ErrorKind.AUTH_EXPIRED),
])
def test_token_request_failures(httpserver, status, body, refreshing, kind):
    httpserver.expect_request("/token", method="POST").respond_with_data(body, status=status, content_type="application/json")
    with pytest.raises(ConnectorError) as caught:
        token_request(httpserver.url_for("/token"), {"client_secret": "rahasia", "code": "c"}, platform="x",
                      refreshing=refreshing)
    assert caught.value.kind == kind
    assert "rahasia" not in str(caught.value) + caught.value.platform_message


def test_token_request_without_access_token_is_refused(httpserver):
    httpserver.expect_request("/token", method="POST").respond_with_json({"token_type": "bearer"})
    with pytest.raises(ConnectorError) as caught:
        token_request(httpserver.url_for("/token"), {"code": "c"}, platform="x")
    assert caught.value.kind == ErrorKind.PERMANENT


def test_token_request_unreachable_is_transient():
    with pytest.raises(ConnectorError) as caught:
        token_request("http://127.0.0.1:9/token", {"code": "c"}, platform="x", timeout_s=1)
    assert caught.value.kind == ErrorKind.TRANSIENT
