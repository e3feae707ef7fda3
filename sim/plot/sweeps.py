"""Figures of a parameter sweep: heatmap, tornado (sensitivity bars), effect lines.

Thin wrappers over :mod:`sim.experiments.sweep_figures` (the figures of ``wom
analyze`` and its report) that also take a sweep folder's path, check the output and
keys, and name the output by keyword.
"""

from __future__ import annotations

import os

from sim.errors import ValidationError

__all__ = ["effect_lines", "sweep_heatmap", "tornado"]


def _analysis(analysis, output: str):
    """A :class:`~sim.experiments.analyze.SweepAnalysis` of ``output`` (a folder is
    analysed now)."""
    from sim.experiments.analyze import SweepAnalysis, analyze

    if isinstance(analysis, str | os.PathLike):
        analysis = analyze(analysis, outputs=[output])
    if not isinstance(analysis, SweepAnalysis):
        raise ValidationError(
            f"expected a sweep analysis (sim.experiments.analyze.analyze) or a sweep "
            f"folder, got {type(analysis).__name__}",
            key="analysis",
        )
    if output not in analysis.outputs:
        raise ValidationError(
            f"{output!r} was not analysed (outputs: {', '.join(analysis.outputs)})",
            key="output",
        )
    return analysis


def _check_keys(analysis, keys) -> None:
    for key in keys:
        if key not in analysis.keys:
            raise ValidationError(
                f"{key!r} is not a swept key (swept: {', '.join(analysis.keys)})", key="keys"
            )


def sweep_heatmap(
    analysis, x_key: str | None = None, y_key: str | None = None, *, output: str = "final_adopted"
):
    """Mean ``output`` over two swept parameters, one panel per arm (shared colour scale).

    Args:
        analysis: A :class:`~sim.experiments.analyze.SweepAnalysis`, or a sweep
            folder's path (analysed now).
        x_key: Parameter on the horizontal axis (default: the most influential).
        y_key: Parameter on the vertical axis (default: the next most influential).
        output: The output (a summary column the analysis covers).

    Returns:
        The matplotlib Figure; the colour bar is its last Axes.

    Raises:
        ValidationError: Not an analysis, an output not analysed, a key not swept, or
            a sweep of fewer than two parameters without both keys given.

    Examples:
        >>> import sim, tempfile, matplotlib.pyplot as plt
        >>> out = tempfile.mkdtemp() + "/s"
        >>> _ = sim.sweep({"name": "s", "replicates": 2, "steps": 5,
        ...     "network": {"dataset": "karate"}, "model": {"name": "ic", "p": 0.1},
        ...     "seeding": {"k": 1}}, out=out, values={"model.p": [0.1, 0.3],
        ...     "seeding.k": [1, 3]}, workers=1, progress=False)
        >>> fig = sweep_heatmap(out, "model.p", "seeding.k")
        >>> fig.axes[0].get_xlabel(), fig.axes[-1].get_ylabel()
        ('model.p (0-1)', 'mean final adopted (people)')
        >>> plt.close("all")
    """
    from sim.experiments.sweep_figures import heatmap

    analysis = _analysis(analysis, output)
    ranked = analysis.ranking(output)
    if x_key is None or y_key is None:
        rest = [k for k in ranked if k not in (x_key, y_key)]
        if x_key is None:
            x_key = rest.pop(0) if rest else None
        if y_key is None:
            y_key = rest.pop(0) if rest else None
    if x_key is None or y_key is None or x_key == y_key:
        raise ValidationError("a heatmap needs two different swept keys", key="keys")
    _check_keys(analysis, [x_key, y_key])
    return heatmap(analysis, output, x_key, y_key)


def tornado(analysis, *, output: str = "final_adopted"):
    """Sensitivity of ``output`` to each swept parameter, most influential on top.

    Sobol sweeps: total- and first-order indices with their intervals; Morris: mu*
    and sigma; other designs: the swing of the mean output over each parameter's
    values. One panel per arm.

    Args:
        analysis: A :class:`~sim.experiments.analyze.SweepAnalysis`, or a sweep
            folder's path (analysed now).
        output: The output.

    Returns:
        The matplotlib Figure.

    Raises:
        ValidationError: Not an analysis, or an output not analysed.

    Examples:
        >>> import sim, tempfile, matplotlib.pyplot as plt
        >>> out = tempfile.mkdtemp() + "/s"
        >>> _ = sim.sweep({"name": "s", "replicates": 2, "steps": 5,
        ...     "network": {"dataset": "karate"}, "model": {"name": "ic", "p": 0.1},
        ...     "seeding": {"k": 1}}, out=out, values={"model.p": [0.1, 0.3],
        ...     "seeding.k": [1, 3]}, workers=1, progress=False)
        >>> fig = tornado(out)
        >>> fig.axes[0].get_ylabel()
        'parameter'
        >>> plt.close("all")
    """
    from sim.experiments.sweep_figures import tornado as _tornado

    return _tornado(_analysis(analysis, output), output)


def effect_lines(analysis, keys: list[str] | None = None, *, output: str = "final_adopted"):
    """Mean ``output`` against each swept parameter with a confidence band, per arm.

    Args:
        analysis: A :class:`~sim.experiments.analyze.SweepAnalysis`, or a sweep
            folder's path (analysed now).
        keys: Parameters to draw (default: up to six, most influential first).
        output: The output.

    Returns:
        The matplotlib Figure, one panel per parameter.

    Raises:
        ValidationError: Not an analysis, an output not analysed, or a key not swept.

    Examples:
        >>> import sim, tempfile, matplotlib.pyplot as plt
        >>> out = tempfile.mkdtemp() + "/s"
        >>> _ = sim.sweep({"name": "s", "replicates": 2, "steps": 5,
        ...     "network": {"dataset": "karate"}, "model": {"name": "ic", "p": 0.1},
        ...     "seeding": {"k": 1}}, out=out, values={"model.p": [0.1, 0.3],
        ...     "seeding.k": [1, 3]}, workers=1, progress=False)
        >>> fig = effect_lines(out, ["model.p"])
        >>> fig.axes[0].get_xlabel(), fig.axes[0].get_ylabel()
        ('model.p (0-1)', 'mean final adopted (people)')
        >>> plt.close("all")
    """
    from sim.experiments.sweep_figures import effect_lines as _effect_lines

    analysis = _analysis(analysis, output)
    if keys is not None:
        keys = [keys] if isinstance(keys, str) else list(keys)
        _check_keys(analysis, keys)
    return _effect_lines(analysis, output, keys)
