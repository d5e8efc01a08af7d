"""X (formerly Twitter) through API v2: ``client.py`` (HTTP, errors, rate limits),
``connector.py`` (:class:`XConnector`), ``oauth.py`` (:class:`XOAuth`, OAuth 2.0 with PKCE)."""
