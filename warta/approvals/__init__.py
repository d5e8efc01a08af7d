"""Approval chains per unit and content kind, decisions, and signed single-use approval links."""
