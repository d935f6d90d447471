"""Domain errors. Actions and queries raise these; each front door maps them
to its own form (Mastodon JSON ``{"error": ...}``, an HTML message, an inbox 4xx).
"""

from __future__ import annotations


class WeftError(Exception):
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(WeftError):
    """The thing does not exist, or the viewer may not know that it does."""

    status = 404

    def __init__(self, message: str = "Record not found") -> None:
        super().__init__(message)


class Unauthorized(WeftError):
    """No valid credentials were given."""

    status = 401

    def __init__(self, message: str = "The access token is invalid") -> None:
        super().__init__(message)


class Forbidden(WeftError):
    status = 403

    def __init__(self, message: str = "This action is not allowed") -> None:
        super().__init__(message)


class Invalid(WeftError):
    """Bad input. ``field`` names the parameter; ``code`` is Mastodon's ERR_* code."""

    status = 422

    def __init__(self, field: str, message: str, code: str = "ERR_INVALID") -> None:
        super().__init__(f"Validation failed: {field} {message}")
        self.field = field
        self.description = message
        self.code = code
        self.details: dict[str, list[dict[str, str]]] = {
            field: [{"error": code, "description": message}]
        }


class BadRequest(WeftError):
    status = 400


class PayloadTooLarge(WeftError):
    status = 413


class Conflict(WeftError):
    status = 409


class Gone(WeftError):
    status = 410


class RateLimited(WeftError):
    status = 429

    def __init__(self, limit: int, reset_at: float) -> None:
        super().__init__("Too many requests")
        self.limit = limit
        self.reset_at = reset_at
