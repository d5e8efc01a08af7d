"""Instagram webhooks arrive through the same Meta app as Pages: one module serves both."""

from warta.channels.connectors.facebook.webhooks import handshake, parse, verify

__all__ = ["handshake", "parse", "verify"]
