"""Instagram professional accounts through the Graph API (Instagram API with Facebook Login).

``client.py`` the account's HTTP client, ``connector.py`` :class:`InstagramConnector` (two-step
container publishing, the daily publishing quota), ``oauth.py`` :class:`InstagramOAuth`. Webhooks
come through :mod:`warta.channels.connectors.facebook.webhooks`.
"""
