"""Errors a user can act on. Their message is shown as is, in one line, by the CLI and the web."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from entregent.network.models import Person


class EntregentError(Exception):
    """Bad input or a missing object: nothing was written, and the message says what to do."""


class InvalidInput(EntregentError):
    """A value that cannot be used (empty text, unknown kind, bad date, out-of-range number)."""


class NotFound(EntregentError):
    """No person, offer or other object matches what the user typed."""


class Ambiguous(EntregentError):
    """Several people match; the candidates are kept so the caller can list them."""

    def __init__(self, message: str, candidates: Sequence[Person]) -> None:
        super().__init__(message)
        self.candidates = list(candidates)
