"""The registry of connectors: platform → dotted path, imported only when first used.

Add a platform by adding its package under ``connectors/`` and a line to ``CONNECTORS`` (and,
for OAuth platforms, ``OAUTH_PROVIDERS``). ``warta connectors`` prints the table.
"""

from functools import cache

from django.utils.module_loading import import_string

from warta.channels.connectors.base import Capability, Connector, OAuthProvider, Platform

CONNECTORS: dict[str, str] = {
    Platform.FACEBOOK: "warta.channels.connectors.facebook.connector.FacebookConnector",
    Platform.INSTAGRAM: "warta.channels.connectors.instagram.connector.InstagramConnector",
    Platform.X: "warta.channels.connectors.x.connector.XConnector",
    Platform.YOUTUBE: "warta.channels.connectors.youtube.connector.YouTubeConnector",
    Platform.TIKTOK: "warta.channels.connectors.tiktok.connector.TikTokConnector",
    Platform.TELEGRAM: "warta.channels.connectors.telegram.connector.TelegramConnector",
    Platform.RSS: "warta.channels.connectors.rss.connector.RssConnector",
    Platform.SANDBOX: "warta.channels.connectors.sandbox.connector.SandboxConnector",
}

OAUTH_PROVIDERS: dict[str, str] = {
    Platform.FACEBOOK: "warta.channels.connectors.facebook.oauth.MetaOAuth",
    Platform.INSTAGRAM: "warta.channels.connectors.instagram.oauth.InstagramOAuth",
    Platform.X: "warta.channels.connectors.x.oauth.XOAuth",
    Platform.YOUTUBE: "warta.channels.connectors.youtube.oauth.GoogleOAuth",
    Platform.TIKTOK: "warta.channels.connectors.tiktok.oauth.TikTokOAuth",
    Platform.SANDBOX: "warta.channels.connectors.sandbox.oauth.SandboxOAuth",
}


@cache
def connector_class(platform: str) -> type[Connector]:
    """Return the connector class of ``platform`` (KeyError for an unknown platform)."""
    return import_string(CONNECTORS[Platform(platform)])


@cache
def oauth_provider(platform: str) -> OAuthProvider | None:
    """Return the OAuth provider of ``platform``, or None where it connects otherwise."""
    path = OAUTH_PROVIDERS.get(Platform(platform))
    return import_string(path)() if path else None


def capabilities(platform: str) -> frozenset[Capability]:
    return connector_class(platform).capabilities
