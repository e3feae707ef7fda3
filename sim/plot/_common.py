"""Helpers shared by the figure modules: frames, arms, new axes."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from sim.errors import ValidationError

#: Columns of a marketing-model (``wom``) time series that a generic one lacks.
WOM_MARKER = "cum_first_pin"


def results_folder(obj):
    """The results saved in a folder, if ``obj`` is the path of one; else ``obj``."""
    if isinstance(obj, str | os.PathLike) and (Path(obj) / "summary.parquet").is_file():
        from sim.results import load_results

        return load_results(obj)
    return obj


def frames(results) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The time series and the summary (or ``None``) of results (or their folder), a
    run or a frame."""
    results = results_folder(results)
    if isinstance(results, pd.DataFrame):
        return results, None
    ts = getattr(results, "timeseries", None)
    if ts is None:
        raise ValidationError(
            f"expected results, a run or a time-series frame, got {type(results).__name__}",
            key="results",
        )
    return ts, getattr(results, "summary", None)


def summary_of(results) -> pd.DataFrame:
    """The summary frame of results (or their folder) or a run, or the frame itself."""
    results = results_folder(results)
    if isinstance(results, pd.DataFrame):
        return results
    sm = getattr(results, "summary", None)
    if sm is None:
        raise ValidationError(
            f"expected results, a run or a summary frame, got {type(results).__name__}",
            key="results",
        )
    return sm


def arms_of(df: pd.DataFrame) -> list:
    """Arm names in run order (``[None]`` for a frame without arms)."""
    if "arm" not in df:
        return [None]
    col = df["arm"]
    present = set(pd.unique(col))
    if hasattr(col, "cat"):
        return [a for a in col.cat.categories if a in present]
    return list(pd.unique(col))


def _run_arms(df: pd.DataFrame) -> list:
    """All the run's arms, present in ``df`` or not (a categorical ``arm`` keeps them
    all), in run order; ``[None]`` for a frame without arms."""
    if "arm" not in df:
        return [None]
    col = df["arm"]
    return list(col.cat.categories) if hasattr(col, "cat") else list(pd.unique(col))


def arm_palette(df: pd.DataFrame) -> dict:
    """Arm colours for a frame: by position among all the run's arms, so that an arm
    has one colour in every figure."""
    from sim.plot.palettes import arm_colors

    return arm_colors(_run_arms(df))


def arm_line_styles(df: pd.DataFrame) -> dict:
    """Colour and line style per arm (see :func:`sim.plot.arm_styles`), stable like
    :func:`arm_palette`."""
    from sim.plot.palettes import arm_styles

    return arm_styles(_run_arms(df))


def pick_arms(df: pd.DataFrame, arm) -> list:
    """``[arm]`` after checking it exists, or every arm when ``arm`` is ``None``."""
    arms = arms_of(df)
    if arm is None:
        return arms
    if arm not in arms:
        names = ", ".join(str(a) for a in arms if a is not None) or "none: one run"
        raise ValidationError(f"no arm {arm!r} (arms: {names})", key="arm")
    return [arm]


def rows_of(df: pd.DataFrame, arm) -> pd.DataFrame:
    """The rows of one arm (all rows for ``None``)."""
    return df if arm is None else df[df["arm"] == arm]


def need_columns(df: pd.DataFrame, columns, what: str) -> None:
    """Raise a clear error when a frame lacks what a figure needs."""
    missing = [c for c in columns if c not in df]
    if missing:
        raise ValidationError(
            f"{what} needs the column(s) {', '.join(missing)}: results of the marketing "
            "model (model.name = 'wom')",
            key="results",
        )


def step_label_of(ts: pd.DataFrame, step_label: str | None) -> str:
    """The x-axis label of time: weeks for the marketing model, steps otherwise."""
    if step_label is not None:
        return step_label
    return "week" if WOM_MARKER in ts else "step"


def new_figure(nrows: int = 1, ncols: int = 1, **kwargs):
    """``plt.subplots`` with constrained layout and a margin that keeps legends placed
    outside the Axes whole at any dpi."""
    fig, axes = plt.subplots(nrows, ncols, layout="constrained", **kwargs)
    fig.get_layout_engine().set(w_pad=0.08, h_pad=0.06)
    return fig, axes


def new_axes(ax, figsize=(7, 4.2)):
    """``ax``, or the Axes of a new figure."""
    if ax is None:
        _, ax = new_figure(figsize=figsize)
    return ax


def arm_name(arm) -> str:
    """How an arm is named in legends (``all`` for a frame without arms)."""
    return "all" if arm is None else str(arm)
