"""The errors a user can meet, each carrying what a clear one-line message needs.

Nothing below the command-line face prints; code raises one of these and the face
turns it into a single line and an exit code (2 for usage and input errors, 1 for
runtime failures).
"""

from __future__ import annotations

__all__ = ["SimError", "ValidationError", "DataFileError"]


class SimError(Exception):
    """Base class of every error the simulator raises on purpose (exit code 1).

    A runtime failure that is not the user's input: a results folder that cannot be
    read, a sweep run that crashed. Catch ``SimError`` to catch every error the
    simulator raises on purpose; ``wom`` prints it as one line and exits with
    :attr:`exit_code`. It takes its message like any ``Exception``.

    Attributes:
        exit_code: The command line's exit code, 1.

    Examples:
        >>> err = SimError("out/run1: cannot read results: truncated file")
        >>> str(err), err.exit_code
        ('out/run1: cannot read results: truncated file', 1)
        >>> isinstance(ValidationError("bad"), SimError)
        True
    """

    exit_code = 1


class ValidationError(SimError, ValueError):
    """A bad value given by the user: a parameter, a scenario key, a seed (exit code 2).

    Args:
        message: What is wrong and what is allowed, e.g. ``"must be in [0, 1], got 1.5"``.
        key: The parameter or dotted scenario key at fault, e.g. ``"network.mean_degree"``.
        file: The file the value came from, if any.
        line: 1-based line in ``file``.
        col: 1-based column in ``file``.

    Attributes:
        message: As given.
        key: As given (faces and loaders may fill it in or prefix it later).
        file: As given (the scenario loader fills it in).
        line: As given.
        col: As given.
        exit_code: The command line's exit code, 2.

    Examples:
        >>> err = ValidationError("must be <= 1, got 1.5", key="model.p",
        ...                       file="scenarios/x.toml", line=12, col=5)
        >>> str(err)
        'scenarios/x.toml:12:5: model.p: must be <= 1, got 1.5'
        >>> err.exit_code, isinstance(err, ValueError)
        (2, True)
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
        """The one-line message: ``file:line:col: key: message``.

        Parts that are not known are left out, with their separators.

        Returns:
            The message, as ``str(error)`` gives it.

        Examples:
            >>> ValidationError("must be > 0, got -1", key="replicates").format()
            'replicates: must be > 0, got -1'
            >>> ValidationError("not found", file="net.txt").format()
            'net.txt: not found'
        """
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

    The message names the file and, where it applies, the line. It takes the
    arguments of :class:`ValidationError`.

    Examples:
        >>> err = DataFileError("expected 2 or 3 columns, got 1", key="network.file",
        ...                     file="edges.txt", line=7)
        >>> str(err)
        'edges.txt:7: network.file: expected 2 or 3 columns, got 1'
        >>> err.exit_code, isinstance(err, ValidationError)
        (2, True)
    """
