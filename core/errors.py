"""Errors the operations layer raises; each surface turns them into its own answer
(an HTTP status and JSON for the API, a flash message or inline errors on the web, a message and
exit code on the CLI)."""

from __future__ import annotations

from typing import Any

from core.text import labelled


class ThiDuaError(Exception):
    """``details`` are facts the caller needs beside the message (a conflict names the version
    stored now); the API adds them to its error object."""

    status = 400

    def __init__(self, message: str = "", **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(ThiDuaError):
    """The object does not exist or the caller may not know it does (siblings get this too)."""

    status = 404


class Forbidden(ThiDuaError):
    """The caller sees the object but their role does not allow the action."""

    status = 403


class Conflict(ThiDuaError):
    status = 409


class Invalid(ThiDuaError):
    """Input failed validation; ``errors`` maps each field to its messages."""

    status = 422

    def __init__(self, errors: dict[str, list[str]], message: str = "") -> None:
        super().__init__(message or labelled(errors))
        self.errors = errors
