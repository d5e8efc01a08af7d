"""TikTok through the Content Posting API and the Display API: ``client.py`` (TikTok's error
envelope, per-endpoint limits), ``connector.py`` (:class:`TikTokConnector`), ``oauth.py``
(:class:`TikTokOAuth`)."""
