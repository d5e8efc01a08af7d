"""The acting request's context (client address), for services that audit without a request."""

from contextvars import ContextVar

client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)


def request_ip(request) -> str | None:
    """Return the client's address; behind a proxy, the first X-Forwarded-For hop if trusted."""
    from django.conf import settings

    if getattr(settings, "WARTA_TRUST_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")
