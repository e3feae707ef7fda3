"""Sensitivity analysis of a sweep folder: which parameters move the outputs, and how much.

For each chosen output (``final_adopted`` by default) and each arm, the outcome of a
design point is the mean over its replicates; then, by method:

* ``sobol`` (a ``sobol`` design): first-order ``S1`` and total-order ``ST`` Sobol
  indices (SALib, Saltelli/Jansen estimators), each with a bootstrap confidence
  interval. ``S1`` is the share of the output's variance due to the parameter alone,
  ``ST`` including all its interactions.
* ``morris`` (a ``morris`` design): ``mu_star`` (mean absolute elementary effect,
  output units per full range of the parameter) with its bootstrap confidence
  interval, ``mu`` and ``sigma`` (spread of the effects: non-linearity or
  interactions).
* ``marginal`` (any design; the default for grid, random and lhs): for each
  parameter, the mean output at each of its values (bins of about equal size for
  sampled ranges); ``swing`` = highest minus lowest of those means, and ``eta2``
  (the correlation ratio Var(E[Y | X]) / Var(Y), a first-order index) with a
  bootstrap percentile interval over design points.

Results are a tidy frame (:attr:`SweepAnalysis.indices`): ``output``, ``arm``,
``parameter``, ``index``, ``value``, ``ci_low``, ``ci_high``.

Examples:
    >>> import numpy as np, pandas as pd
    >>> x = np.repeat([0.0, 1.0], 50); y = 3 * x + np.tile(np.arange(50) % 2, 2)
    >>> round(float(eta_squared(pd.Series(y), pd.Series(x))), 3)
    0.9
"""

from __future__ import annotations

import math
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import ValidationError
from sim.experiments.designs import Parameter
from sim.experiments.sweep import load_sweep
from sim.experiments.sweep_store import SweepFolder

__all__ = [
    "METHODS",
    "OUTPUT_UNITS",
    "SweepAnalysis",
    "analyze",
    "bin_table",
    "eta_squared",
    "hashable",
    "marginal_bins",
    "output_label",
    "point_outcomes",
]

#: Analysis methods, with what they need.
METHODS: dict[str, str] = {
    "sobol": "first- and total-order Sobol indices; needs a sobol design",
    "morris": "Morris elementary effects (mu*, sigma); needs a morris design",
    "marginal": "mean output per parameter value, swing and eta2; any design",
}

#: Units of the standard outputs (for axis labels).
OUTPUT_UNITS: dict[str, str] = {
    "final_adopted": "people",
    "final_share": "share of the population, 0-1",
    "time_to_half": "steps",
    "steps": "steps",
    "quiescent": "share of runs that stopped by themselves",
}


def output_label(output: str) -> str:
    """An output's axis label with its unit.

    Args:
        output: A summary column.

    Returns:
        ``"final adopted (people)"`` and the like.

    Examples:
        >>> output_label("final_infected")
        'final infected (people)'
    """
    unit = OUTPUT_UNITS.get(output)
    if unit is None and output.startswith("final_"):
        unit = "people"
    text = output.replace("_", " ")
    return f"{text} ({unit})" if unit else text


@dataclass
class SweepAnalysis:
    """Sensitivity indices of a sweep, and the data behind them.

    Attributes:
        path: The sweep folder.
        manifest: Its manifest.
        runs: Its rows (:func:`~sim.experiments.sweep.load_sweep`).
        outputs: The outputs analysed.
        method: ``sobol``, ``morris`` or ``marginal``.
        indices: Tidy indices: ``output``, ``arm``, ``parameter``, ``index``,
            ``value``, ``ci_low``, ``ci_high``.
        conf_level: Confidence level of the intervals.
        notes: Remarks for the report (constant outputs, unfinished sweep...).

    Examples:
        :func:`analyze` makes them from a sweep folder (its example runs one); here
        one built by hand, on a manifest with two swept keys:

        >>> import pandas as pd
        >>> manifest = {"arms": None, "design": {"parameters": [
        ...     {"key": "model.p", "low": 0.01, "high": 0.2, "integer": False},
        ...     {"key": "seeding.k", "values": [1, 2]}]}}
        >>> indices = pd.DataFrame({"output": "final_adopted", "arm": "base",
        ...     "parameter": ["model.p", "seeding.k"], "index": "eta2", "value": [0.8, 0.1],
        ...     "ci_low": [0.7, 0.0], "ci_high": [0.9, 0.2]})
        >>> result = SweepAnalysis(Path("s"), manifest, pd.DataFrame(), ["final_adopted"],
        ...                        "marginal", indices)
        >>> result.keys, result.arms, [p.is_range for p in result.parameters]
        (['model.p', 'seeding.k'], ['base'], [True, False])
        >>> result.ranking("final_adopted"), result.conf_level, result.notes
        (['model.p', 'seeding.k'], 0.95, [])
    """

    path: Path
    manifest: dict[str, Any]
    runs: pd.DataFrame
    outputs: list[str]
    method: str
    indices: pd.DataFrame
    conf_level: float = 0.95
    notes: list[str] = field(default_factory=list)

    @property
    def parameters(self) -> list[Parameter]:
        """The swept parameters, in design order."""
        return [Parameter.from_dict(p) for p in self.manifest["design"]["parameters"]]

    @property
    def keys(self) -> list[str]:
        """The swept keys, in design order."""
        return [p["key"] for p in self.manifest["design"]["parameters"]]

    @property
    def arms(self) -> list[str]:
        """The arms, in scenario order."""
        return list(self.manifest.get("arms") or ["base"])

    def ranking(self, output: str) -> list[str]:
        """Parameters from most to least influential on ``output`` (over all arms).

        Args:
            output: One of :attr:`outputs`.

        Returns:
            The keys, by decreasing ``ST`` (sobol), ``mu_star`` (morris) or ``eta2``
            (marginal), averaged over arms.

        Examples:
            An analysis built by hand (:func:`analyze` makes real ones): ``model.p``
            explains more of the variance than ``seeding.k`` in both arms.

            >>> import pandas as pd
            >>> manifest = {"arms": ["a", "b"], "design": {"parameters": [
            ...     {"key": "seeding.k", "values": [1, 2]},
            ...     {"key": "model.p", "values": [0.1, 0.5]}]}}
            >>> indices = pd.DataFrame({"output": "final_adopted", "arm": ["a", "a", "b", "b"],
            ...     "parameter": ["seeding.k", "model.p"] * 2, "index": "eta2",
            ...     "value": [0.1, 0.7, 0.3, 0.6], "ci_low": float("nan"), "ci_high": float("nan")})
            >>> result = SweepAnalysis(Path("s"), manifest, pd.DataFrame(), ["final_adopted"],
            ...                        "marginal", indices)
            >>> result.keys, result.arms, result.ranking("final_adopted")
            (['seeding.k', 'model.p'], ['a', 'b'], ['model.p', 'seeding.k'])
        """
        index = {"sobol": "ST", "morris": "mu_star", "marginal": "eta2"}[self.method]
        rows = self.indices[(self.indices["output"] == output) & (self.indices["index"] == index)]
        score = rows.groupby("parameter", sort=False)["value"].mean().fillna(-1.0)
        order = sorted(self.keys, key=lambda k: -score.get(k, -1.0))
        return order


# --------------------------------------------------------------------------- helpers
def point_outcomes(
    runs: pd.DataFrame, manifest: dict[str, Any], output: str, arm: str
) -> np.ndarray:
    """The mean of ``output`` over replicates at every design point, in design order.

    Points whose values coincide share their runs; points with no finished run are
    ``nan``.

    Args:
        runs: Rows from :func:`~sim.experiments.sweep.load_sweep`.
        manifest: The sweep's manifest.
        output: A summary column.
        arm: An arm name.

    Returns:
        A float array with one value per design point.
    """
    rows = runs[runs["arm"] == arm]
    key = rows["run_id"].astype(str).str.rsplit("-", n=1).str[0]
    means = rows[output].astype(float).groupby(key.to_numpy()).mean()
    return np.array([means.get(p["key"], np.nan) for p in manifest["points"]], dtype=float)


def hashable(value: Any) -> Any:
    """A value usable as a group key: lists become tuples (recursively).

    Args:
        value: A parameter value.

    Returns:
        The value, or a tuple for a list.

    Examples:
        >>> hashable([1, [2, 3]])
        (1, (2, 3))
    """
    if isinstance(value, list | tuple):
        return tuple(hashable(v) for v in value)
    return value


def bin_table(param: Parameter, max_bins: int = 10) -> list[tuple[float, str]]:
    """The bins of a range parameter: ``(centre, label)`` each, in increasing order.

    Equal-width bins over the declared range; an integer range is cut into runs of
    consecutive integers (``"1-4"``, ``"5-8"``...).

    Args:
        param: A range parameter.
        max_bins: Number of bins (fewer for an integer range with fewer values).

    Returns:
        The bins.

    Examples:
        >>> bin_table(Parameter("seeding.k", low=1, high=8, integer=True), 4)
        [(1.5, '1-2'), (3.5, '3-4'), (5.5, '5-6'), (7.5, '7-8')]
    """
    lo, hi = float(param.low), float(param.high)  # type: ignore[arg-type]
    if param.integer:
        chunks = np.array_split(np.arange(int(lo), int(hi) + 1), max_bins)
        return [
            (float(c.mean()), f"{c[0]}-{c[-1]}" if len(c) > 1 else f"{c[0]}")
            for c in chunks
            if len(c)
        ]
    edges = np.linspace(lo, hi, max_bins + 1)
    return [((a + b) / 2, f"{a:.3g}-{b:.3g}") for a, b in zip(edges[:-1], edges[1:], strict=True)]


def marginal_bins(values: pd.Series, param: Parameter, max_bins: int = 10) -> pd.Series:
    """Group labels for a parameter's values: each value, or the centre of its bin.

    Args:
        values: The parameter's column.
        param: The parameter.
        max_bins: A range with more distinct values than this is cut into
            :func:`bin_table` bins.

    Returns:
        For a list parameter or a range with few distinct values, the values
        themselves; else the centre of each value's bin (a float).
    """
    if not param.is_range:
        return values.map(hashable)
    if values.nunique(dropna=False) <= max_bins:
        return values
    table = bin_table(param, max_bins)
    centres = np.array([c for c, _ in table])
    x = values.to_numpy(dtype=float)
    if param.integer:
        starts = np.array([float(label.split("-")[0]) for _, label in table])
    else:
        starts = np.linspace(float(param.low), float(param.high), max_bins + 1)[:-1]  # type: ignore[arg-type]
    idx = np.clip(np.searchsorted(starts, x, side="right") - 1, 0, len(centres) - 1)
    return pd.Series(centres[idx], index=values.index)


def eta_squared(y: pd.Series, groups: pd.Series) -> float:
    """The correlation ratio Var(E[y | group]) / Var(y).

    Args:
        y: Outcomes.
        groups: The group of each outcome.

    Returns:
        A number in [0, 1]; ``nan`` if ``y`` is constant.
    """
    codes, uniques = pd.factorize(pd.Series(np.asarray(groups, dtype=object)))
    return _eta_codes(np.asarray(y, dtype=float), codes, len(uniques))


def _eta_codes(y: np.ndarray, codes: np.ndarray, k: int) -> float:
    total = float(((y - y.mean()) ** 2).sum())
    if total <= 1e-12 * max(1.0, float((y**2).sum())):
        return float("nan")
    n = np.bincount(codes, minlength=k).astype(float)
    sums = np.bincount(codes, weights=y, minlength=k)
    filled = n > 0
    between = float((sums[filled] ** 2 / n[filled]).sum() - len(y) * y.mean() ** 2)
    return min(1.0, max(0.0, between / total))


def _row(output: str, arm: str, key: str, index: str, value: float, half: float | None = None):
    value = float(value)
    lo = hi = float("nan")
    if half is not None and math.isfinite(float(half)):
        lo, hi = value - float(half), value + float(half)
    return {
        "output": output,
        "arm": arm,
        "parameter": key,
        "index": index,
        "value": value,
        "ci_low": lo,
        "ci_high": hi,
    }


def _sobol(problem, y, output, arm, conf, resamples, seed) -> list[dict[str, Any]]:
    from SALib.analyze import sobol

    res = sobol.analyze(
        problem,
        y,
        calc_second_order=False,
        num_resamples=resamples,
        conf_level=conf,
        seed=seed,
        print_to_console=False,
    )
    rows = []
    for j, key in enumerate(problem["names"]):
        rows.append(_row(output, arm, key, "S1", res["S1"][j], res["S1_conf"][j]))
        rows.append(_row(output, arm, key, "ST", res["ST"][j], res["ST_conf"][j]))
    return rows


def _morris(problem, x, y, levels, output, arm, conf, resamples, seed) -> list[dict[str, Any]]:
    from SALib.analyze import morris

    res = morris.analyze(
        problem,
        x,
        y,
        num_resamples=resamples,
        conf_level=conf,
        num_levels=levels,
        seed=seed,
        print_to_console=False,
    )
    rows = []
    for j, key in enumerate(problem["names"]):
        rows.append(_row(output, arm, key, "mu_star", res["mu_star"][j], res["mu_star_conf"][j]))
        rows.append(_row(output, arm, key, "mu", res["mu"][j]))
        rows.append(_row(output, arm, key, "sigma", res["sigma"][j]))
    return rows


def _marginal(points, y, params, output, arm, conf, resamples, seed) -> list[dict[str, Any]]:
    rows = []
    rng = np.random.default_rng(seed)
    ok = np.isfinite(y)
    y_ok = pd.Series(y[ok])
    y_arr = y_ok.to_numpy()
    for p in params:
        groups = marginal_bins(points.loc[ok, p.key].reset_index(drop=True), p)
        codes, uniques = pd.factorize(groups.astype(str))
        means = y_ok.groupby(codes, sort=False).mean()
        swing = float(means.max() - means.min()) if len(means) else float("nan")
        eta = _eta_codes(y_arr, codes, len(uniques))
        boots = []
        if math.isfinite(eta) and len(y_arr) > 2:
            for _ in range(resamples):
                idx = rng.integers(0, len(y_arr), len(y_arr))
                boots.append(_eta_codes(y_arr[idx], codes[idx], len(uniques)))
        row = _row(output, arm, p.key, "eta2", eta)
        boots = [b for b in boots if math.isfinite(b)]
        if boots:  # percentile interval: eta2 lies in [0, 1]
            lo, hi = np.quantile(boots, [(1 - conf) / 2, (1 + conf) / 2])
            row["ci_low"], row["ci_high"] = float(lo), float(hi)
        rows.append(row)
        rows.append(_row(output, arm, p.key, "swing", swing))
    return rows


def analyze(
    path: str | os.PathLike[str],
    *,
    outputs: list[str] | tuple[str, ...] | str = ("final_adopted",),
    method: str | None = None,
    conf_level: float = 0.95,
    num_resamples: int = 1000,
    seed: int = 0,
) -> SweepAnalysis:
    """Sensitivity indices of a sweep folder.

    Args:
        path: The sweep folder.
        outputs: Summary columns to analyse (``final_adopted``, ``final_share``,
            ``time_to_half``...).
        method: ``sobol``, ``morris`` or ``marginal``; default: ``sobol`` for a
            sobol design, ``morris`` for a morris design, else ``marginal``.
        conf_level: Confidence level of the intervals.
        num_resamples: Bootstrap resamples for the intervals.
        seed: Seed of the bootstrap (the same seed gives the same intervals).

    Returns:
        The analysis.

    Raises:
        ValidationError: Not a sweep folder, an unknown output or method, a method
            the design does not support, or a sobol/morris design with points that
            have no finished run.

    Notes:
        Cost is that of the bootstrap: ``num_resamples`` x (points) per output,
        parameter and arm; well under a second for a few thousand points.

    Examples:
        >>> import sim, tempfile
        >>> sc = {"name": "s", "replicates": 4,
        ...     "network": {"dataset": "karate"}, "model": {"name": "ic", "p": 0.2},
        ...     "seeding": {"k": 1}}
        >>> out = tempfile.mkdtemp() + "/s"
        >>> sim.sweep(sc, values={"model.p": [0.05, 0.5]}, out=out, workers=1,
        ...           progress=False).done
        8
        >>> result = analyze(out, outputs="final_adopted,final_share")
        >>> result.method, result.outputs, result.keys, result.arms
        ('marginal', ['final_adopted', 'final_share'], ['model.p'], ['base'])
        >>> result.path.name, result.manifest["design"]["kind"], len(result.runs)
        ('s', 'grid', 8)
        >>> sorted(set(result.indices["index"])), result.ranking("final_share")
        (['eta2', 'swing'], ['model.p'])
        >>> eta2 = result.indices.query("output == 'final_share' and index == 'eta2'")
        >>> bool(eta2["value"].iloc[0] > 0.5)
        True
        >>> analyze(out, method="sobol")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        sim.errors.ValidationError: --method: sobol indices need a sobol design, but ...

    References:
        I. M. Sobol', "Global sensitivity indices for nonlinear mathematical models and
        their Monte Carlo estimates", Mathematics and Computers in Simulation 55:
        271-280, 2001 (``S1``, ``ST``).
        A. Saltelli, P. Annoni, I. Azzini, F. Campolongo, M. Ratto, S. Tarantola,
        "Variance based sensitivity analysis of model output. Design and estimator
        for the total sensitivity index", Computer Physics Communications 181(2):
        259-270, 2010 (the Saltelli and Jansen estimators SALib uses).
        M. D. Morris, "Factorial sampling plans for preliminary computational
        experiments", Technometrics 33(2): 161-174, 1991; F. Campolongo, J. Cariboni,
        A. Saltelli, "An effective screening design for sensitivity analysis of large
        models", Environmental Modelling & Software 22(10): 1509-1518, 2007
        (``mu_star``).
        A. Saltelli et al., *Global Sensitivity Analysis: The Primer*, Wiley 2008
        (the correlation ratio ``eta2`` as a first-order index).
        J. Herman, W. Usher, "SALib: an open-source Python library for sensitivity
        analysis", Journal of Open Source Software 2(9): 97, 2017.
    """
    folder = SweepFolder(path)
    manifest = folder.require_manifest()
    design = manifest["design"]
    kind = design["kind"]
    runs = load_sweep(path)
    if isinstance(outputs, str):
        outputs = [outputs]
    outputs = [o for part in outputs for o in str(part).split(",") if o.strip()]
    outputs = [o.strip() for o in outputs] or ["final_adopted"]
    method = method or {"sobol": "sobol", "morris": "morris"}.get(kind, "marginal")
    if method not in METHODS:
        raise ValidationError(
            f"unknown method {method!r} (valid: {', '.join(METHODS)})", key="--method"
        )
    if method in ("sobol", "morris") and kind != method:
        raise ValidationError(
            f"{method} indices need a {method} design, but this sweep is a {kind} design "
            f"(run wom sweep --design {method} into a new folder, or use --method marginal)",
            key="--method",
        )
    if runs.empty:
        raise ValidationError(f"{path}: the sweep has no finished run yet", key="sweep")
    meta = {
        "point",
        "arm",
        "replicate",
        "seed",
        "run_id",
        *[p["key"] for p in design["parameters"]],
    }
    available = [
        c for c in runs.columns if c not in meta and pd.api.types.is_numeric_dtype(runs[c])
    ]
    for out in outputs:
        if out not in available:
            raise ValidationError(
                f"unknown output {out!r} (numeric outputs of this sweep: {', '.join(available)})",
                key="--output",
            )
    params = [Parameter.from_dict(p) for p in design["parameters"]]
    problem = {
        "num_vars": len(params),
        "names": [p.key for p in params],
        "bounds": [[0.0, 1.0]] * len(params),
    }
    points = pd.DataFrame([p["params"] for p in manifest["points"]], columns=problem["names"])
    arms = list(manifest.get("arms") or ["base"])
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    for out in outputs:
        for arm in arms:
            y = point_outcomes(runs, manifest, out, arm)
            missing = int(np.isnan(y).sum())
            if method in ("sobol", "morris") and missing:
                raise ValidationError(
                    f"{missing} of {len(y)} design points have no result for {out!r} in arm "
                    f"{arm!r} (an unfinished sweep or failed runs): rerun wom sweep to finish "
                    f"it before a {method} analysis",
                    key="sweep",
                )
            if missing:
                notes.append(f"{out}, {arm}: {missing} of {len(y)} design points have no result.")
            if np.nanvar(y) == 0:
                notes.append(f"{out}, {arm}: the output is the same at every point (indices nan).")
                names = {"sobol": ("S1", "ST"), "morris": ("mu_star", "mu", "sigma")}
                for key in problem["names"]:
                    for index in names.get(method, ("eta2", "swing")):
                        value = 0.0 if index in ("swing", "mu", "mu_star", "sigma") else np.nan
                        rows.append(_row(out, arm, key, index, value))
                continue
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore", RuntimeWarning)
                if method == "sobol":
                    rows += _sobol(problem, y, out, arm, conf_level, num_resamples, seed)
                elif method == "morris":
                    x = np.asarray(manifest["matrix"], dtype=float)
                    rows += _morris(
                        problem, x, y, design["levels"], out, arm, conf_level, num_resamples, seed
                    )
                else:
                    rows += _marginal(points, y, params, out, arm, conf_level, num_resamples, seed)
    indices = pd.DataFrame(
        rows, columns=["output", "arm", "parameter", "index", "value", "ci_low", "ci_high"]
    )
    return SweepAnalysis(
        path=Path(path),
        manifest=manifest,
        runs=runs,
        outputs=list(outputs),
        method=method,
        indices=indices,
        conf_level=conf_level,
        notes=notes,
    )
