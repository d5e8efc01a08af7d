"""The notifications app's URLs."""

ROUTES: dict = {}
