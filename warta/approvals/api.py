"""The approvals endpoints of the JSON API."""

from ninja import Router

router = Router(tags=["approvals"])
