"""The search: batch-synchronous ask and tell with Optuna, the same trials on any executor.

Trials are asked in **batches** of ``B`` (``--batch``, default 8): batch ``b`` holds
trials ``bB .. bB + B - 1``. For each batch a fresh in-memory Optuna study is built
from the finished trials before it (their parameters and distances, in trial
order), its sampler seeded from ``(seed, b)`` (:func:`sampler_seed`); ``B``
trials are asked, evaluated in parallel, and stored as each finishes. So the
parameters of trial ``n`` depend only on the seed, the fit space and the trials
before its batch: not on the number of workers, on the order in which trials
finish, nor on an interruption (a resumed search asks the same batch again and
evaluates only the trials not stored yet). Asking more trials later continues the
same sequence.

Samplers (``--sampler``):

* ``tpe`` (default): Optuna's Tree-structured Parzen Estimator, multivariate (it
  models the parameters jointly, so trade-offs between them are followed), with
  the constant-liar strategy so that the trials of one batch spread out instead of
  piling on the same point; the first 10 trials are random (start-up). TPE copes
  with noisy objectives, integer and log-scale parameters and small budgets, which
  is what a simulation-based calibration of a few parameters with a few hundred
  trials is. CMA-ES (Optuna's other maintained choice for continuous spaces) needs
  the optional ``cmaes`` package and larger budgets, and integer keys fit it badly;
* ``random``: uniform random search (a baseline).

Examples:
    >>> from sim.calibration.space import FitParameter
    >>> space = [FitParameter("model.p", 0.0, 1.0)]
    >>> first = ask_batch("tpe", 7, 0, [], space, 3)
    >>> first == ask_batch("tpe", 7, 0, [], space, 3), len(first)
    (True, 3)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from sim.calibration.space import FitParameter
from sim.errors import SimError, ValidationError

__all__ = [
    "SAMPLERS",
    "ask_batch",
    "noise_seeds",
    "run_search",
    "sampler_seed",
]

#: Samplers accepted by ``--sampler``, with what they are.
SAMPLERS = {
    "tpe": "Optuna's multivariate TPE with constant liar (default)",
    "random": "uniform random search (a baseline)",
}
#: Random trials before TPE starts modelling.
STARTUP_TRIALS = 10

Record = dict[str, Any]
Evaluate = Callable[[list[tuple[int, dict[str, Any]]]], Iterable[Record]]


def sampler_seed(seed: int, batch: int) -> int:
    """The sampler's seed for batch ``batch``.

    Args:
        seed: The calibration's master seed.
        batch: The batch index.

    Returns:
        An integer in ``[0, 2**32)`` from ``SeedSequence(seed, spawn_key=(1, batch))``.

    Examples:
        >>> sampler_seed(1, 0) == sampler_seed(1, 0) != sampler_seed(1, 1)
        True
    """
    ss = np.random.SeedSequence(seed, spawn_key=(1, batch))
    return int(ss.generate_state(1, dtype=np.uint32)[0])


def noise_seeds(seed: int, k: int) -> list[int]:
    """Master seeds of the ``k`` fresh stream sets that measure the Monte Carlo noise.

    Args:
        seed: The calibration's master seed.
        k: How many.

    Returns:
        ``k`` seeds from ``SeedSequence(seed, spawn_key=(2, i))``, none equal to ``seed``.

    Examples:
        >>> len(set(noise_seeds(3, 4) + [3]))
        5
    """
    out = []
    i = 0
    while len(out) < k:
        ss = np.random.SeedSequence(seed, spawn_key=(2, i))
        s = int(ss.generate_state(1, dtype=np.uint32)[0])
        if s != seed and s not in out:
            out.append(s)
        i += 1
    return out


def _sampler(kind: str, seed: int) -> Any:
    import optuna

    if kind == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    with warnings.catch_warnings():  # multivariate and constant_liar are "experimental"
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return optuna.samplers.TPESampler(
            seed=seed,
            n_startup_trials=STARTUP_TRIALS,
            multivariate=True,
            constant_liar=True,
        )


def _history(records: Sequence[Record], space: Sequence[FitParameter]) -> list[Any]:
    from optuna.trial import TrialState, create_trial

    dists = {p.key: p.distribution() for p in space}
    out = []
    for rec in records:
        params = {p.key: p.typed(rec[p.key]) for p in space}
        if rec["state"] == "complete":
            out.append(
                create_trial(
                    params=params,
                    distributions=dists,
                    value=float(rec["distance"]),
                    state=TrialState.COMPLETE,
                )
            )
        else:
            out.append(create_trial(params=params, distributions=dists, state=TrialState.FAIL))
    return out


def ask_batch(
    sampler: str,
    seed: int,
    batch: int,
    history: Sequence[Record],
    space: Sequence[FitParameter],
    n: int,
) -> list[dict[str, Any]]:
    """The parameters of the ``n`` trials of one batch.

    Args:
        sampler: ``tpe`` or ``random``.
        seed: The calibration's master seed.
        batch: The batch index.
        history: The finished trials before the batch, in trial order (dicts with
            ``state``, ``distance`` and one value per key).
        space: The fitted parameters.
        n: Trials to ask.

    Returns:
        One ``{key: value}`` per trial.
    """
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        direction="minimize", sampler=_sampler(sampler, sampler_seed(seed, batch))
    )
    study.add_trials(_history(history, space))
    dists = {p.key: p.distribution() for p in space}
    asked = []
    for _ in range(n):
        trial = study.ask(fixed_distributions=dists)
        asked.append({p.key: p.typed(trial.params[p.key]) for p in space})
    return asked


def _same(a: Mapping[str, Any], b: Mapping[str, Any], space: Sequence[FitParameter]) -> bool:
    for p in space:
        x, y = float(a[p.key]), float(b[p.key])
        if not (x == y or math.isclose(x, y, rel_tol=1e-12, abs_tol=0.0)):
            return False
    return True


def run_search(
    space: Sequence[FitParameter],
    *,
    trials: int,
    batch: int,
    seed: int,
    sampler: str,
    done: Mapping[int, Record],
    evaluate: Evaluate,
) -> dict[int, Record]:
    """Run (or resume) the search: ask each batch, evaluate what is not stored yet.

    Args:
        space: The fitted parameters.
        trials: Total number of trials.
        batch: Trials per batch.
        seed: Master seed (sampler seeds derive from it).
        sampler: ``tpe`` or ``random``.
        done: Trials already finished, by number (from the store).
        evaluate: Called with ``[(trial number, {key: value}), ...]``; yields one
            record per trial as each finishes (and stores it).

    Returns:
        Every trial ``0 .. trials - 1``, by number.

    Raises:
        ValidationError: Bad ``sampler``.
        SimError: A stored trial that the optimiser would not ask now (the folder was
            made by another version of the optimiser).
    """
    if sampler not in SAMPLERS:
        raise ValidationError(
            f"unknown sampler {sampler!r} (valid: {', '.join(SAMPLERS)})", key="--sampler"
        )
    records = {n: r for n, r in done.items() if n < trials}
    for b in range(math.ceil(trials / batch)):
        numbers = list(range(b * batch, min((b + 1) * batch, trials)))
        if all(n in records for n in numbers):
            continue
        history = [records[n] for n in range(b * batch)]
        asked = ask_batch(sampler, seed, b, history, space, len(numbers))
        todo = []
        for n, params in zip(numbers, asked, strict=True):
            if n in records:
                if not _same(records[n], params, space):
                    raise SimError(
                        f"stored trial {n} is not the trial the optimiser asks now (was the "
                        "folder made with another version of Optuna?); calibrate into a new "
                        "folder"
                    )
            else:
                todo.append((n, params))
        for rec in evaluate(todo):
            records[int(rec["trial"])] = rec
        missing = [n for n in numbers if n not in records]
        if missing:  # pragma: no cover - evaluate must yield every trial
            raise SimError(f"trials {missing} were not evaluated")
    return records
