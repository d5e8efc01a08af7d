"""The YouTube Data API v3 client: Google's error body, quota, and the resumable upload.

Google answers errors as ``{"error": {"code", "message", "errors": [{"reason", "domain",
"message"}], "status"}}``; the ``reason`` says what to do. YouTube's limit is a daily quota
per Google Cloud project (10,000 units by default) that resets at midnight Pacific time, so a
``quotaExceeded`` waits until then; per-user ``rateLimitExceeded`` waits a minute (or what
``Retry-After`` says).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import httpx

from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.http import (
    ERROR_MESSAGES,
    ApiClient,
    error_kind,
    retry_after_seconds,
)

logger = logging.getLogger(__name__)

RATE_REASONS = frozenset({"quotaExceeded", "rateLimitExceeded", "userRateLimitExceeded", "dailyLimitExceeded"})
AUTH_REASONS = frozenset({"authError", "unauthorized", "expired", "invalidCredentials"})
TRANSIENT_REASONS = frozenset({"backendError", "internalError", "serviceUnavailable"})
PACIFIC = ZoneInfo("America/Los_Angeles")

# Per account, per family: (requests, seconds); see ADR 0009. Quota costs: an upload 1600
# units (≈6 a day on the default project quota), a write 50, a read 1.
FAMILY_LIMITS: dict[str, tuple[int, int]] = {
    "upload": (6, 86400),
    "write": (50, 86400),
    "read": (100, 60),
}

CHUNK_SIZE = 8 * 1024 * 1024  # a multiple of 256 KiB, as the resumable protocol requires


class YouTubeClient(ApiClient):
    platform: ClassVar[str] = "youtube"
    default_base_url: ClassVar[str] = "https://www.googleapis.com"
    rate_limit: ClassVar[tuple[int, int]] = (100, 60)
    family_limits: ClassVar[dict[str, tuple[int, int]]] = FAMILY_LIMITS

    chunk_size: int = CHUNK_SIZE
    max_resumes: int = 5
    retry_delay_s: float = 1.0
    sleep: Callable[[float], None] = staticmethod(time.sleep)

    def map_error(self, response: httpx.Response, payload: Any) -> ConnectorError:
        return google_error(response, payload)

    # --- the resumable upload -------------------------------------------------------------------

    def upload_resumable(self, path: str, *, mime_type: str, metadata: Mapping[str, Any]) -> dict[str, Any]:
        """Upload the file at ``path`` with YouTube's resumable protocol; return the video.

        The session is opened with the metadata, then the bytes go in ``chunk_size`` pieces
        (``Content-Range``). A 308 says how much arrived (``Range: bytes=0-N``). After a 5xx
        or a broken connection the client asks for the upload's status (an empty PUT with
        ``Content-Range: bytes */TOTAL``) and resumes from the reported range, up to
        ``max_resumes`` times with a growing pause.
        """
        file = Path(path)
        total = file.stat().st_size
        if total == 0:
            raise ConnectorError(ErrorKind.PERMANENT, "youtube: the video file is empty")
        self.take("upload")
        opened = self.request("POST", "/upload/youtube/v3/videos", raw=True,
                              params={"uploadType": "resumable", "part": "snippet,status"},
                              json=dict(metadata),
                              headers={"X-Upload-Content-Length": str(total), "X-Upload-Content-Type": mime_type})
        session_url = opened.headers.get("location")
        if not session_url:
            raise ConnectorError(ErrorKind.TRANSIENT, "youtube: no upload session in the answer", status=opened.status_code)
        offset = 0
        failures = 0
        with file.open("rb") as handle:
            while True:
                if offset >= total:
                    response = self._status(session_url, total)
                else:
                    handle.seek(offset)
                    chunk = handle.read(self.chunk_size)
                    end = offset + len(chunk) - 1
                    response = self._put(session_url, content=chunk, headers={
                        "Content-Type": mime_type, "Content-Range": f"bytes {offset}-{end}/{total}"})
                if response is not None and response.status_code in (200, 201):
                    return self._video(response)
                if response is not None and response.status_code == 308:
                    offset = _received(response)
                    failures = 0
                    continue
                # An interruption: a 5xx or no answer at all. Ask where the upload stands.
                failures += 1
                if failures > self.max_resumes:
                    raise ConnectorError(ErrorKind.TRANSIENT, "youtube: upload interrupted too often",
                                         status=None if response is None else response.status_code)
                self.sleep(self.retry_delay_s * 2 ** (failures - 1))
                status = self._status(session_url, total)
                if status is not None and status.status_code in (200, 201):
                    return self._video(status)
                if status is not None and status.status_code == 308:
                    offset = _received(status)

    def _put(self, url: str, **kwargs: Any) -> httpx.Response | None:
        """PUT to the upload session; None for a broken connection, raise for a real refusal."""
        for attempt in (1, 2):
            call = dict(kwargs)
            self.auth(call)
            try:
                response = self.http.request("PUT", url, **call)
            except httpx.HTTPError as exc:
                logger.info("youtube: upload request failed: %s", type(exc).__name__)
                return None
            if response.status_code in (200, 201, 308) or response.status_code >= 500:
                return response
            payload = _json(response)
            error = self.map_error(response, payload)
            if (error.kind == ErrorKind.AUTH_EXPIRED and attempt == 1
                    and self.context.on_auth_expired is not None):
                self.tokens = self.context.on_auth_expired()
                continue
            if response.status_code == 404:  # the session expired: the whole upload starts over
                raise ConnectorError(ErrorKind.TRANSIENT, "youtube: upload session expired",
                                     platform_message=error.platform_message, status=404)
            raise error
        raise AssertionError("unreachable")

    def _status(self, url: str, total: int) -> httpx.Response | None:
        return self._put(url, content=b"", headers={"Content-Range": f"bytes */{total}"})

    def _video(self, response: httpx.Response) -> dict[str, Any]:
        payload = _json(response)
        if not isinstance(payload, dict) or "id" not in payload:
            raise ConnectorError(ErrorKind.TRANSIENT, "malformed JSON in the platform's answer", status=response.status_code)
        return payload


def _json(response: httpx.Response) -> Any:
    try:
        return response.json() if response.content else {}
    except ValueError:
        return None


def _received(response: httpx.Response) -> int:
    """The next byte to send, from a 308's ``Range: bytes=0-N`` (none yet: 0)."""
    value = response.headers.get("range", "")
    if "-" not in value:
        return 0
    return int(value.rsplit("-", 1)[1]) + 1


def google_error(response: httpx.Response, payload: Any) -> ConnectorError:
    """Map Google's error body (and its HTTP status) to a ConnectorError."""
    status = response.status_code
    error = payload.get("error") if isinstance(payload, Mapping) else None
    message, reason = "", ""
    if isinstance(error, Mapping):
        message = str(error.get("message") or "")
        reasons = [str(item.get("reason") or "") for item in error.get("errors") or () if isinstance(item, Mapping)]
        reason = next((r for r in reasons if r), "")
    elif isinstance(error, str):  # an OAuth endpoint's {"error": "...", "error_description": "..."}
        reason, message = error, str(payload.get("error_description") or error)
    kind = error_kind(status, rate_limited=reason in RATE_REASONS, auth_expired=reason in AUTH_REASONS,
                      transient=reason in TRANSIENT_REASONS)
    ours, retry_after = f"youtube: {ERROR_MESSAGES[kind]}", None
    if kind == ErrorKind.RATE_LIMITED:
        ours = "youtube: quota or rate limit reached"
        retry_after = retry_after_seconds(response.headers.get("retry-after"))
        if retry_after is None:
            retry_after = until_quota_reset() if reason in ("quotaExceeded", "dailyLimitExceeded") else 60.0
    return ConnectorError(kind, ours, platform_message=message or response.reason_phrase, status=status, code=reason,
                          retry_after=retry_after)


def until_quota_reset(now: datetime | None = None) -> float:
    """Seconds until the next midnight in Pacific time, when YouTube's daily quota resets."""
    current = (now or datetime.now(PACIFIC)).astimezone(PACIFIC)
    midnight = (current + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1.0, (midnight - current).total_seconds())
