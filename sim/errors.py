"""The errors a user can meet, each carrying what a clear one-line message needs.

Nothing below the command-line face prints; code raises one of these and the face
turns it into a single line and an exit code (2 for usage and input errors, 1 for
runtime failures).
"""

from __future__ import annotations

__all__ = ["SimError", "ValidationError", "DataFileError"]


class SimError(Exception):
    """Base class of every error the simulator raises on purpose (exit code 1)."""

    exit_code = 1


class ValidationError(SimError, ValueError):
    """A bad value given by the user: a parameter, a scenario key, a seed (exit code 2).

    Args:
        message: What is wrong and what is allowed, e.g. ``"must be in [0, 1], got 1.5"``.
        key: The parameter or dotted scenario key at fault, e.g. ``"network.mean_degree"``.
        file: The file the value came from, if any.
        line: 1-based line in ``file``.
        col: 1-based column in ``file``.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        key: str | None = None,
        file: str | None = None,
        line: int | None = None,
        col: int | None = None,
    ) -> None:
        self.message = message
        self.key = key
        self.file = file
        self.line = line
        self.col = col
        super().__init__(self.format())

    def format(self) -> str:
        """The one-line message: ``file:line:col: key: message``."""
        where = ""
        if self.file is not None:
            where = str(self.file)
            if self.line is not None:
                where += f":{self.line}"
                if self.col is not None:
                    where += f":{self.col}"
            where += ": "
        key = f"{self.key}: " if self.key else ""
        return f"{where}{key}{self.message}"

    def __str__(self) -> str:  # keep str() in sync if attributes are set later
        return self.format()


class DataFileError(ValidationError):
    """A missing, unreadable or malformed input file (exit code 2).

    The message names the file and, where it applies, the line.
    """
