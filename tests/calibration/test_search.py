"""The search: the same trials whatever the order trials finish in, resumed or extended."""

from __future__ import annotations

import pytest

from sim.calibration.search import ask_batch, run_search, sampler_seed
from sim.calibration.space import FitParameter
from sim.errors import SimError, ValidationError

SPACE = [FitParameter("x", 0.0, 1.0), FitParameter("k", 1, 9, integer=True),
         FitParameter("r", 1e-4, 1e-1, log=True)]  # fmt: skip


def _objective(p):
    return (p["x"] - 0.3) ** 2 + (p["k"] - 4) ** 2 / 10 + abs(p["r"] - 0.01)


def _evaluator(log, reverse=False, stop_after=None):
    def evaluate(todo):
        order = list(reversed(todo)) if reverse else todo  # finishing order must not matter
        for n, params in order:
            if stop_after is not None and len(log) >= stop_after:
                raise KeyboardInterrupt
            log.append(n)
            yield {"trial": n, "state": "complete", "distance": _objective(params), **params}

    return evaluate


def _search(trials, done=None, log=None, **kw):
    log = [] if log is None else log
    return run_search(SPACE, trials=trials, batch=4, seed=3, sampler="tpe", done=done or {},
                      evaluate=_evaluator(log, **kw))  # fmt: skip


def test_trials_depend_on_the_seed_not_on_finishing_order():
    a, b = _search(30), _search(30, reverse=True)
    assert a == b
    assert {type(r["k"]) for r in a.values()} == {int}
    assert all(1e-4 <= r["r"] <= 1e-1 and 0 <= r["x"] <= 1 for r in a.values())
    other = run_search(SPACE, trials=30, batch=4, seed=4, sampler="tpe", done={},
                       evaluate=_evaluator([]))  # fmt: skip
    assert other != a
    best = min(a.values(), key=lambda r: r["distance"])
    first = min((a[n] for n in range(10)), key=lambda r: r["distance"])
    assert best["distance"] < first["distance"]  # TPE improves on its random start


def test_an_interrupted_search_resumes_without_repeating_a_trial():
    full = _search(30)
    log = []
    with pytest.raises(KeyboardInterrupt):
        _search(30, log=log, stop_after=13)  # dies inside the fourth batch
    stored = {n: full[n] for n in log}
    again = []
    resumed = _search(30, done=stored, log=again)
    assert resumed == full
    assert sorted(again) == sorted(set(range(30)) - set(log))  # each trial once overall


def test_more_trials_continue_the_same_sequence():
    short, long = _search(10), _search(22)
    assert {n: long[n] for n in range(10)} == short
    log = []
    assert _search(22, done=short, log=log) == long and log == list(range(10, 22))


def test_a_stored_trial_from_elsewhere_is_refused():
    full = _search(8)
    tampered = {**full, 5: {**full[5], "x": 0.123}}
    with pytest.raises(SimError, match="stored trial 5 is not the trial the optimiser asks now"):
        _search(12, done={n: tampered[n] for n in (0, 1, 2, 3, 4, 5)})


def test_random_sampler_and_bad_sampler():
    first = ask_batch("random", 1, 0, [], SPACE, 5)
    assert (
        first == ask_batch("random", 1, 0, [], SPACE, 5) != ask_batch("random", 1, 1, [], SPACE, 5)
    )
    assert sampler_seed(1, 2) != sampler_seed(2, 2)
    with pytest.raises(ValidationError, match="unknown sampler 'cma'"):
        run_search(SPACE, trials=2, batch=1, seed=1, sampler="cma", done={}, evaluate=None)
