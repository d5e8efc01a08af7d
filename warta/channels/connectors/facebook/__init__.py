"""Facebook Pages through the Graph API.

``client.py`` the Page's HTTP client (on :mod:`warta.channels.connectors.graph`),
``connector.py`` :class:`FacebookConnector`, ``oauth.py`` :class:`MetaOAuth` (Facebook Login,
long-lived tokens, Page discovery), ``webhooks.py`` the verify/handshake/parse functions shared
with Instagram.
"""
