"""The connector of Warta's own sandbox platform (warta.sandbox), reached over HTTP exactly
like a real platform: ``client.py`` (HTTP and errors), ``connector.py`` (the Connector),
``oauth.py`` (OAuth 2 with PKCE)."""
