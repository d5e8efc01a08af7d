"""The publishing app's URLs."""

ROUTES: dict = {}
