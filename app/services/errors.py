"""Domain errors. Each carries a Russian message meant to be shown to the user as is."""
from __future__ import annotations


class DomainError(Exception):
    """Base of every error a user can cause; ``str(error)`` is the Russian message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class DatabaseUnavailable(DomainError):
    """The database cannot be opened or used as asked (bad URL, unreachable, wrong file…)."""


class ValidationError(DomainError):
    """The input is not acceptable."""


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass


class InvalidTransition(DomainError):
    """The action is not possible in the current state of the incident."""


class ConflictError(DomainError):
    """Somebody else changed the record since it was loaded (optimistic locking)."""


class AuthenticationError(DomainError):
    pass


class ActionFailed(DomainError):
    """The database could not carry out the action (no connection, a lock held too long, a full disk):
    the action did not take effect; the message says why and what to do."""


class ActionInDoubt(DomainError):
    """The connection broke while the action was being saved and could not be restored to find out
    whether it took effect: the message says how to check."""
