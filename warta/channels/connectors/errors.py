"""One error type for every platform failure, with a kind that says what to do about it."""

import enum


class ErrorKind(enum.StrEnum):
    PERMANENT = "permanent"  # the request itself is wrong: do not retry, tell the officer
    TRANSIENT = "transient"  # network, timeout, 5xx, malformed answer: retry with backoff
    AUTH_EXPIRED = "auth_expired"  # token expired or revoked: refresh, else reconnect
    RATE_LIMITED = "rate_limited"  # wait ``retry_after`` seconds
    NOT_SUPPORTED = "not_supported"  # the platform cannot do this


class ConnectorError(Exception):
    """A platform call failed. ``platform_message`` is the platform's own words (shown to the
    officer in plain language by the channels app); ``message`` is ours."""

    def __init__(
        self,
        kind: ErrorKind,
        message: str,
        *,
        platform_message: str = "",
        status: int | None = None,
        code: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = ErrorKind(kind)
        self.message = message
        self.platform_message = platform_message
        self.status = status
        self.code = code
        self.retry_after = retry_after

    @property
    def permanent(self) -> bool:
        return self.kind in (ErrorKind.PERMANENT, ErrorKind.NOT_SUPPORTED)

    def __repr__(self) -> str:
        return f"ConnectorError({self.kind.value}, {self.message!r}, status={self.status}, code={self.code!r})"
