"""The HTTP client of one Instagram professional account (graph.facebook.com, Facebook Login)."""

from typing import ClassVar

from warta.channels.connectors.graph import GraphClient


class InstagramClient(GraphClient):
    platform: ClassVar[str] = "instagram"
