"""What the user store raises, in words a clinician can act on."""

from __future__ import annotations


class SeriesInvalid(ValueError):
    """The record or series was refused; ``messages`` name each field (and row) and what is wrong.
    Nothing was written."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


class UserDataUnavailable(RuntimeError):
    """The user database cannot be used now (missing server, damaged or read-only file, ...).
    ``where`` is the file or the server (never a password), ``reason`` what is wrong. Nothing was
    read or written; the bundled data stay usable."""

    def __init__(self, where: str, reason: str):
        self.where = where
        self.reason = reason
        super().__init__(
            f"Your own series and cases ({where}) cannot be used: {reason}. Nothing was changed."
        )


class UserDataBusy(UserDataUnavailable):
    """Another program holds the user's DuckDB file; nothing was read or written."""

    def __init__(self, where: str):
        self.where = where
        self.reason = "open in another program"
        RuntimeError.__init__(
            self,
            f"Your own series and cases ({where}) are open in another program (for example a "
            "notebook or a second PlexRT). Close it and reload; nothing was changed.",
        )


class WriteOutcomeUnknown(UserDataUnavailable):
    """The connection to the PostgreSQL server was lost while a change was being committed, and
    the server could not be asked afterwards: the change may have been saved or not. ``entry``
    names the audit entry that is stored only if it was."""

    def __init__(self, where: str, reason: str, entry: str):
        self.where = where
        self.reason = reason
        self.entry = entry
        RuntimeError.__init__(
            self,
            f"Your own series and cases ({where}): the connection to the PostgreSQL server was "
            "lost while a change was being saved, and the server could not be reached afterwards "
            f"to ask ({reason}). It is not known whether the change was saved. Before doing it "
            f"again, check the Audit trail page (admins) or `plexrt audit export` for {entry}: "
            "it is there only if the change was saved.",
        )


def unless_unknown(words: str, exc: BaseException) -> str:
    """``words`` that say a write failed ('Not saved: ', ' Nothing was written.'), or nothing when
    the store cannot tell whether it was saved (``WriteOutcomeUnknown``: its message says so and
    where to check)."""
    return "" if isinstance(exc, WriteOutcomeUnknown) else words


def nothing_written(exc: BaseException) -> str:
    """' Nothing was written.' after the message of a write that failed, unless the message says
    so already (the store could not be used: 'Nothing was changed.') or the store cannot tell
    (``WriteOutcomeUnknown``)."""
    return "" if isinstance(exc, UserDataUnavailable) else " Nothing was written."


class NothingToUndo(LookupError):
    """The series has no change that undo could reverse; the message says why."""
