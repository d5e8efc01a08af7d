"""The HTTP client of one Facebook Page: the shared Graph client under the Page's name."""

from typing import ClassVar

from warta.channels.connectors.graph import GraphClient


class FacebookClient(GraphClient):
    platform: ClassVar[str] = "facebook"
