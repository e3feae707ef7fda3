"""Progress of a calibration: trials done and the best distance so far.

On a terminal, a rich progress bar; otherwise (a log file, a batch job) one line
every ``every`` trials; or a function of the caller's.

Examples:
    >>> import io
    >>> stream = io.StringIO()
    >>> bar = TrialProgress("calibrate demo", 4, None, 2, stream)
    >>> bar.advance(0.5); bar.advance(0.25); bar.close()
    >>> print(stream.getvalue().split(",")[0])
    calibrate demo: 2/4 trials (50%)
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

__all__ = ["ProgressArg", "TrialProgress", "duration"]

#: ``None``: bar on a terminal, else log lines; ``False``: silent; ``True``: bar or
#: log lines; a function: called as ``progress(done, total, best_distance)``.
ProgressArg = bool | Callable[[int, int, float], None] | None


def duration(seconds: float) -> str:
    """Seconds in words (``42 s``, ``3 min 05 s``, ``1 h 02 min``).

    Args:
        seconds: A duration (NaN or inf: ``?``).

    Returns:
        The text.

    Examples:
        >>> duration(185)
        '3 min 05 s'
    """
    if not math.isfinite(seconds):
        return "?"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class TrialProgress:
    """Report trials as they finish.

    Args:
        label: Shown before the counts.
        total: Trials to run in this call.
        progress: See :data:`ProgressArg`.
        every: Trials between log lines (default: about a tenth).
        stream: Where to write.
    """

    def __init__(
        self, label: str, total: int, progress: ProgressArg, every: int | None, stream: Any
    ) -> None:
        self.label, self.total, self.count = label, total, 0
        self.best = math.inf
        self.started = time.perf_counter()
        self.callback = progress if callable(progress) else None
        self.stream = stream
        self.every = every or max(1, round(total / 10))
        self.next_log = self.every
        self.bar: Any = None
        on = progress is None or progress is True
        is_tty = bool(getattr(stream, "isatty", lambda: False)())
        self.log = on and not is_tty
        if on and is_tty:
            from sim.experiments.progress_bar import progress_bar

            self.bar, self.task = progress_bar(
                stream, label, total, "trials · best distance {task.fields[best]}", best="-"
            )

    def advance(self, distance: float) -> None:
        """Count one finished trial.

        Args:
            distance: Its distance (NaN for a failed trial).
        """
        self.count += 1
        if distance == distance:
            self.best = min(self.best, distance)
        best = f"{self.best:.4g}" if math.isfinite(self.best) else "-"
        if self.callback is not None:
            self.callback(self.count, self.total, self.best)
        if self.bar is not None:
            self.bar.update(self.task, advance=1, best=best)
        elif self.log and (self.count >= self.next_log or self.count == self.total):
            while self.next_log <= self.count:
                self.next_log += self.every
            elapsed = time.perf_counter() - self.started
            rate = self.count / elapsed if elapsed > 0 else 0.0
            eta = (self.total - self.count) / rate if rate > 0 else float("nan")
            print(
                f"{self.label}: {self.count}/{self.total} trials "
                f"({100 * self.count / max(1, self.total):.0f}%), best distance {best}, "
                f"{rate:.2f} trials/s, ETA {duration(eta)}",
                file=self.stream,
                flush=True,
            )

    def close(self) -> None:
        """Stop the bar (if any)."""
        if self.bar is not None:
            self.bar.stop()
