"""The HTTP client of one Facebook Page: the shared Graph client under the Page's name.

Facebook adds one thing to the shared Graph client: a resumable video transfer that Graph
refuses with ``error_data: {start_offset, end_offset}`` (code 6001, subcode 1363037) names the
window to send again; :meth:`FacebookClient.map_error` keeps it on the error as
``resume_offsets`` so the connector can resume there instead of starting over.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import httpx

from warta.channels.connectors.errors import ConnectorError
from warta.channels.connectors.graph import GraphClient


def offsets(data: Any) -> tuple[int, int] | None:
    """Read Graph's ``start_offset`` / ``end_offset`` (strings or numbers); None if absent or bad."""
    if not isinstance(data, Mapping):
        return None
    try:
        start, end = int(data["start_offset"]), int(data["end_offset"])
    except (KeyError, TypeError, ValueError):
        return None
    return (start, end) if 0 <= start <= end else None


class FacebookClient(GraphClient):
    platform: ClassVar[str] = "facebook"

    def map_error(self, response: httpx.Response, payload: Any) -> ConnectorError:
        error = super().map_error(response, payload)
        body = payload.get("error") if isinstance(payload, Mapping) else None
        error.resume_offsets = offsets(body.get("error_data")) if isinstance(body, Mapping) else None
        return error
