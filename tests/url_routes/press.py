"""The press app's URLs."""

ROUTES: dict = {}
