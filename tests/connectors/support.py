"""What the connector contract tests share: recorded answers, a context pointed at the local
``httpserver``, recording handlers, and the failure cases every platform must map the same way
(a refusal, 5xx, malformed JSON, a timeout: each becomes one :class:`ConnectorError`)."""

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from pytest_httpserver.httpserver import METHOD_ALL
from werkzeug import Response

from warta.channels.connectors.base import AccountRef, AppConfig, ConnectorContext, TokenSet
from warta.channels.connectors.errors import ConnectorError, ErrorKind

RECORDED_ROOT = Path(__file__).parent / "recorded"


def recorded_for(platform: str, *, suffix: str = "") -> Callable[[str], Any]:
    """Return ``recorded(name)``: the JSON recorded for ``platform`` under ``recorded/<platform>/``."""
    folder = RECORDED_ROOT / platform

    def recorded(name: str) -> Any:
        return json.loads((folder / f"{name}{suffix}").read_text())

    return recorded


def local_app(httpserver, platform: str, **fields: Any) -> AppConfig:
    """The platform's app, its API at the local ``httpserver``."""
    return AppConfig(platform=platform, base_url=httpserver.url_for(""), **fields)


def local_context(app: AppConfig, external_id: str, *, handle: str, key: str, tokens: TokenSet | None = None,
                  on_auth_expired=None, timeout_s: float = 5.0, rate_limiter=None) -> ConnectorContext:
    """The context of one account of ``app``'s platform (default tokens: ``old-token`` / ``r1``)."""
    return ConnectorContext(
        account=AccountRef(platform=app.platform, external_id=external_id, handle=handle, key=key), app=app,
        tokens=tokens or TokenSet(access_token="old-token", refresh_token="r1"), rate_limiter=rate_limiter,
        on_auth_expired=on_auth_expired, timeout_s=timeout_s)


def bearer(token: str = "old-token") -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def requests_to(httpserver, path: str) -> list:
    return [request for request, _ in httpserver.log if request.path == path]


def json_handler(*answers):
    """Answer each call with the next body (the last one repeats); ``handler.calls`` keeps the requests."""
    calls = []

    def handler(request):
        calls.append(request)
        body = answers[min(len(calls), len(answers)) - 1]
        return Response(json.dumps(body), content_type="application/json")

    handler.calls = calls
    return handler


def wait_for_log(httpserver, count: int, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while len(httpserver.log) < count and time.monotonic() < deadline:
        time.sleep(0.01)


def split_url(url: str) -> tuple[str, dict[str, str]]:
    """An authorisation URL as (scheme://host/path, its query with one value per name)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}", {key: values[0] for key, values in parse_qs(parts.query).items()}


def two_pages(fetch: Callable[..., Any], *, first_ids: list[str], cursor: str, second_ids: list[str]):
    """Read a page and the next one with its cursor; check the ids on each and the cursors
    (``cursor`` after the first page, none after the last). Return both pages."""
    first = fetch()
    second = fetch(cursor=first.next_cursor)
    assert [item.external_id for item in first.items] == first_ids
    assert first.next_cursor == cursor
    assert [item.external_id for item in second.items] == second_ids
    assert second.next_cursor == ""
    return first, second


# --- failures --------------------------------------------------------------------------------------


def failure(call: Callable[[], Any]) -> ConnectorError:
    """Run ``call``, which must fail with a ConnectorError, and return the error."""
    with pytest.raises(ConnectorError) as caught:
        call()
    return caught.value


def failure_of(httpserver, path: str, call: Callable[[], Any], *, method: str = METHOD_ALL, status: int = 200,
               json_body: Any = None, data: str | None = None, content_type: str | None = None,
               headers=None) -> ConnectorError:
    """Let ``path`` answer with ``json_body`` (or the raw ``data``) and return the error ``call`` raises."""
    answer = httpserver.expect_request(path, method=method)
    if data is None:
        answer.respond_with_json(json_body, status=status, headers=headers)
    else:
        answer.respond_with_data(data, status=status, headers=headers, content_type=content_type)
    return failure(call)


def malformed_json_error(httpserver, path: str, call: Callable[[], Any], *, body: str = '{"data": [',
                         content_type: str = "application/json") -> ConnectorError:
    """A 200 whose body is not JSON is TRANSIENT (a proxy's page, a cut-off answer)."""
    error = failure_of(httpserver, path, call, data=body, content_type=content_type)
    assert error.kind == ErrorKind.TRANSIENT
    return error


def timeout_error(httpserver, path: str, call: Callable[[], Any], *, body: str = "{}") -> ConnectorError:
    """An answer slower than the context's timeout is TRANSIENT. ``call`` must use a short
    ``timeout_s``; the late answer is released and logged before the next test starts."""
    release = threading.Event()
    logged = len(httpserver.log)

    def slow(request):
        release.wait(5)  # answers only after the client gave up
        return Response(body, content_type="application/json")

    httpserver.expect_request(path).respond_with_handler(slow)
    try:
        error = failure(call)
    finally:
        release.set()
        wait_for_log(httpserver, logged + 1)  # the late answer must not land in the next test's log
    assert error.kind == ErrorKind.TRANSIENT
    assert error.message.startswith("timeout")
    return error


def expect_refresh_and_retry(httpserver, path: str, expired: Any, answer: Any, *, status: int = 401,
                             tokens: TokenSet | None = None):
    """Let ``path`` refuse ``old-token`` (``expired`` with ``status``) and answer ``new-token``;
    return an ``on_auth_expired`` that hands out ``tokens`` and counts its ``calls``."""
    httpserver.expect_request(path, headers=bearer("old-token")).respond_with_json(expired, status=status)
    httpserver.expect_request(path, headers=bearer("new-token")).respond_with_json(answer)
    fresh = tokens or TokenSet(access_token="new-token")

    def refreshed() -> TokenSet:
        refreshed.calls.append(1)
        return fresh

    refreshed.calls = []
    return refreshed
