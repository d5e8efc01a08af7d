"""The approvals app's URLs."""

ROUTES: dict = {}
