"""Typed domain errors raised by the services.

Screens show them at the field (``ValidationError.field``); the CLI prints one line and
exits non-zero. Every message is already in the UI language.
"""

from __future__ import annotations

from datetime import datetime


class WuyeError(Exception):
    """Base of every error a user can cause."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(WuyeError):
    """Bad input for one field. ``field`` is the form/CLI field name."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class PermissionDenied(WuyeError):
    pass


class NotFound(WuyeError):
    pass


class Conflict(WuyeError):
    pass


class AuthError(WuyeError):
    """Wrong name or PIN."""

    def __init__(self, message: str, remaining: int | None = None) -> None:
        super().__init__(message)
        self.remaining = remaining


class LockedOut(AuthError):
    def __init__(self, message: str, until: datetime) -> None:
        super().__init__(message)
        self.until = until


class ConfigError(WuyeError):
    """A malformed reference file or setting: names the file and key."""
