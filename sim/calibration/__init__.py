"""Calibration: fit scenario keys so that the model reproduces observed figures.

``sim.calibrate(scenario, targets, fit, ...)`` and ``wom calibrate`` search the fit
space with Optuna (TPE), running every trial's replicates on the sweeps' executors
with common random numbers, and write ``trials.parquet``, ``best.toml`` and
``report.html``; they resume after an interruption. One concept per module:

* :mod:`~sim.calibration.targets`: aggregate targets and observed series (TOML, CSV);
* :mod:`~sim.calibration.space`: the fitted keys and their bounds;
* :mod:`~sim.calibration.distance`: per-target relative errors and the distance;
* :mod:`~sim.calibration.search`: batch-synchronous ask and tell, reproducible;
* :mod:`~sim.calibration.store`: the resumable trial store and the final folder;
* :mod:`~sim.calibration.uncertainty`: noise, ranges (ABC-style), identifiability;
* :mod:`~sim.calibration.fitted`: ``best.toml``;
* :mod:`~sim.calibration.report`: the HTML report;
* :mod:`~sim.calibration.run`: the whole calibration.

See ``docs/calibration.md``.

Examples:
    >>> from sim.calibration import parse_fit
    >>> parse_fit("word_of_mouth.decay=0.005:0.1:log").log
    True
"""

from sim.calibration.distance import distance, model_values, target_errors
from sim.calibration.run import (
    CalibrationPlan,
    CalibrationResult,
    calibrate,
    load_calibration,
    plan_calibration,
    run_calibration,
)
from sim.calibration.space import FitParameter, fit_parameters, parse_fit
from sim.calibration.targets import DERIVED_OUTPUTS, Target, Targets, load_targets, model_outputs

__all__ = [
    "DERIVED_OUTPUTS",
    "CalibrationPlan",
    "CalibrationResult",
    "FitParameter",
    "Target",
    "Targets",
    "calibrate",
    "distance",
    "fit_parameters",
    "load_calibration",
    "load_targets",
    "model_outputs",
    "model_values",
    "parse_fit",
    "plan_calibration",
    "run_calibration",
    "target_errors",
]
