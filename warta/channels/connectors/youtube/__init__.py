"""YouTube through the Data API v3: ``client.py`` (Google's error body, quota, the resumable
upload), ``connector.py`` (:class:`YouTubeConnector`), ``oauth.py`` (:class:`GoogleOAuth`)."""
