"""The amplification app's URLs."""

ROUTES: dict = {}
