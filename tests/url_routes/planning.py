"""The planning app's URLs."""

ROUTES: dict = {}
