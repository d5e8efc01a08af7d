"""The guideline app's URLs."""

ROUTES: dict = {}
