"""Online news feeds (RSS 2.0, Atom, RDF): ``client.py`` fetches through the SSRF guard and
parses with feedparser; ``connector.py`` holds RssConnector and ``feed_check``."""
