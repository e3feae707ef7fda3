"""The rich progress bar of long commands (`wom sweep`, `wom calibrate`)."""

from __future__ import annotations

from typing import Any, TextIO

__all__ = ["progress_bar"]


def progress_bar(stream: TextIO, label: str, total: int, middle: str, **fields: Any):
    """A started rich progress bar: label, bar, done/total, ``middle``, elapsed, ETA.

    Args:
        stream: The terminal stream to draw on.
        label: The task's description.
        total: Number of units of work.
        middle: A rich text column template between the count and the clock, naming
            the task's custom fields as ``{task.fields[name]}``.
        **fields: Initial values of those fields.

    Returns:
        ``(progress, task_id)``; stop the bar with ``progress.stop()``.

    Examples:
        >>> import io
        >>> bar, task = progress_bar(io.StringIO(), "sweep", 4, "runs · {task.fields[rate]}",
        ...                          rate="-")
        >>> bar.update(task, advance=4, rate="9 runs/s"); bar.stop()
        >>> int(bar.tasks[task].completed), bar.tasks[task].fields["rate"]
        (4, '9 runs/s')
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(middle),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=Console(file=stream),
        transient=False,
    )
    bar.start()
    return bar, bar.add_task(label, total=total, **fields)
