"""The media app's URLs."""

ROUTES: dict = {}
