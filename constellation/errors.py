"""Errors the command line turns into exit codes (CONTRACT.md §1): bad input -> 2, anything else -> 1."""

from __future__ import annotations


class UserError(Exception):
    """Bad input from the user: an unreadable or invalid file, an unknown care plan, bad audio (exit 2)."""


class InternalError(Exception):
    """A failure that is not the user's input: a broken model server, an unreachable database (exit 1)."""
